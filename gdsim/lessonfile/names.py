"""The lesson format's names and limits, in one place so the README, the validator and the
app's lesson panel cannot drift apart.

The limits are there for hostile files: a lesson is something a teacher shares and a learner
opens, so nothing in it may make gdsim hang, eat memory or paint a wall of text.
"""

from __future__ import annotations

# The version key and the only version there is so far. A later format adds a number; a file
# of a newer version is refused with a message saying so, not misread.
VERSION_KEY = "gdsim_lesson"
FORMAT_VERSION = 1

TOP_KEYS = (VERSION_KEY, "title", "intro", "config", "preset", "controls", "steps")
STEP_KEYS = ("instruction", "question", "until", "explanation")
CONTROLS_KEYS = ("hidden", "locked")

QUESTION_KINDS = ("choice", "number", "predict")
CHOICE_KEYS = ("kind", "text", "options", "answer")
NUMBER_KEYS = ("kind", "text", "answer", "tolerance", "relative")
PREDICT_KEYS = ("kind", "text", "what", "parameter", "tolerance")

# What a predict question asks about the next update, and the answers a learner picks from
# (next_value is typed instead). ``parameter`` is needed by all but cost_falls.
PREDICTIONS = ("gradient_sign", "direction", "cost_falls", "next_value")
PREDICTION_OPTIONS: dict[str, tuple[str, ...]] = {
    "gradient_sign": ("positive", "negative", "zero"),
    "direction": ("up", "down", "stays"),
    "cost_falls": ("yes", "no"),
}

# The quantities an `until` condition may test, and its comparison operators (longest first,
# so "<=" is not read as "<" followed by "=").
QUANTITIES = (
    "step",
    "epoch",
    "cost",
    "train_cost",
    "test_cost",
    "train_accuracy",
    "test_accuracy",
)
WHOLE_QUANTITIES = ("step", "epoch")  # counted: a threshold must be a whole number
FRACTION_QUANTITIES = ("train_accuracy", "test_accuracy")  # 0..1, not per cent
FUNCTION_MODE_QUANTITIES = ("step", "cost")  # what a function-mode run records
OPERATORS = ("<=", ">=", "==", "<", ">")

# What a lesson may hide or lock; the app maps each name to its widgets. Buttons and tools
# first, then the sections of the config form.
CONTROL_ACTIONS = (
    "step",
    "step_back",
    "step_n",
    "run",
    "reset",
    "rerandomize",
    "export",
    "open",
    "save",
    "speed",
    "stop_rules",
    "timeline",
)
CONTROL_SECTIONS = (
    "mode",
    "function",
    "parameters",
    "network",
    "loss",
    "init",
    "optimizer",
    "learning_rate",
    "batch_size",
    "regularization",
    "data",
)
CONTROLS = CONTROL_ACTIONS + CONTROL_SECTIONS

# Limits.
MAX_LESSON_FILE_BYTES = 2**20  # 1 MiB: room for an inline config with start values
MAX_STEPS = 200
MAX_TITLE = 120
MAX_TEXT = 4000  # intro, instruction, explanation, question text
MAX_OPTION = 200  # one choice option
MIN_OPTIONS, MAX_OPTIONS = 2, 8
MAX_CONDITION = 400  # an `until` text
MAX_COMPARISONS = 8  # "... and ..." at most this many
MAX_NAME = 100  # a preset or parameter name
MAX_DEPTH = 32  # JSON nesting (a config needs about 5)
