"""Every way a lesson can be wrong: one line, starting with the key path it names."""

import pytest

from gdsim.lessonfile import LessonError, lesson_from_dict

from .helpers import LESSON, lesson, with_question, with_step

NETWORK = {
    "network": {
        "inputs": 2,
        "layers": [{"units": 2, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
    }
}


def _network_predict(parameter):
    data = lesson(config=NETWORK)
    data["steps"][2]["question"]["parameter"] = parameter
    return data


CASES = [
    # the top level
    (lesson(gdsim_lesson=None), "gdsim_lesson", "required key is missing"),
    (lesson(gdsim_lesson=2), "gdsim_lesson", "unsupported lesson format 2 (made for a newer"),
    (lesson(gdsim_lesson=0), "gdsim_lesson", "unsupported lesson format 0"),
    (lesson(gdsim_lesson="1"), "gdsim_lesson", "must be an integer, got '1'"),
    (lesson(gdsim_lesson=1.0), "gdsim_lesson", "must be an integer, got 1.0"),
    (lesson(titel="x"), "titel", "unknown key; did you mean 'title'?"),
    (lesson(title=None), "title", "required key is missing"),
    (lesson(title=""), "title", "must not be empty"),
    (lesson(title=" \n "), "title", "must not be empty"),
    (lesson(title=7), "title", "must be a string, got 7"),
    (lesson(title="a\nb"), "title", "control character (U+000A) at character 2; no line breaks"),
    (lesson(title="x" * 121), "title", "is 121 characters long; the limit is 120"),
    (lesson(intro="x" * 4001), "intro", "is 4,001 characters long; the limit is 4,000"),
    (lesson(intro="bell\x07"), "intro", "control character (U+0007) at character 5"),
    (lesson(intro="a\u202eb"), "intro", "bidi control (U+202E) at character 2: it can reorder"),
    (lesson(title="a\u2066b"), "title", "bidi control (U+2066)"),
    (lesson(intro=["a"]), "intro", "must be a string, got an array"),
    (lesson(config=None), "config", 'required key is missing: a lesson needs a "config"'),
    (lesson(preset="one-lr-good"), "preset", "give either config or preset, not both"),
    (lesson(config=[1]), "config", "must be an object (a gdsim config), got an array"),
    (
        lesson(
            config={
                "mode": "function",
                "function": "(w-3)**2",
                "parameters": {"w": 1},
                "optimizer": {"name": "sgd", "lr": 0.1},
            }
        ),
        "config.optimizer.lr",
        "unknown key; did you mean 'learning_rate'?",
    ),
    (
        lesson(config={"mode": "function", "function": "import os", "parameters": {"w": 1}}),
        "config.function",
        "",
    ),
    (lesson(config={"network": {"inputs": 2}}), "config.network.layers", "required key"),
    (lesson(config=None, preset="one-lr-god"), "preset", "did you mean 'one-lr-good'?"),
    (lesson(config=None, preset="../../etc/passwd"), "preset", "no shipped preset or example"),
    (lesson(config=None, preset="/etc/passwd"), "preset", "no shipped preset or example"),
    (lesson(config=None, preset="index"), "preset", "no shipped preset or example"),
    (lesson(config=None, preset=""), "preset", "must be a preset name, got ''"),
    (lesson(config=None, preset=3), "preset", "must be a preset name, got 3"),
    # controls
    (lesson(controls=["step"]), "controls", "must be an object, got an array"),
    (lesson(controls={"hiden": []}), "controls.hiden", "did you mean 'hidden'?"),
    (lesson(controls={"hidden": "export"}), "controls.hidden", "must be an array"),
    (lesson(controls={"hidden": ["exprot"]}), "controls.hidden[0]", "did you mean 'export'?"),
    (lesson(controls={"locked": ["step", 3]}), "controls.locked[1]", "must be one of"),
    (lesson(controls={"locked": ["run", "run"]}), "controls.locked[1]", "'run' is listed twice"),
    (
        lesson(controls={"hidden": ["step", "run"], "locked": ["step_n"]}),
        "controls",
        "so the learner cannot train, but steps[0].until needs the run",
    ),
    (
        lesson(controls={"hidden": ["step", "run", "step_n"]}, steps=[LESSON["steps"][2]]),
        "controls",
        "but steps[0].question (a prediction is checked after an update) needs",
    ),
    # steps
    (lesson(steps=None), "steps", "required key is missing"),
    (lesson(steps={}), "steps", "must be an array, got an object"),
    (lesson(steps=[]), "steps", "must hold 1 to 200 steps, got 0"),
    (lesson(steps=[{"instruction": "x"}] * 201), "steps", "must hold 1 to 200 steps, got 201"),
    (lesson(steps=["step one"]), "steps[0]", "must be an object, got 'step one'"),
    (with_step(1, instruction=None), "steps[1].instruction", "required key is missing"),
    (with_step(1, instruction=""), "steps[1].instruction", "must not be empty"),
    (with_step(1, explanation=False), "steps[1].explanation", "must be a string, got false"),
    (with_step(1, instrucion="x"), "steps[1].instrucion", "did you mean 'instruction'?"),
    (
        with_step(3, until="costt < 0.1"),
        "steps[3].until",
        "unknown quantity 'costt' at character 1; did you mean 'cost'?",
    ),
    (with_step(3, until="cost = 1"), "steps[3].until", "at character 6: '=' is not"),
    (with_step(3, until=""), "steps[3].until", "is empty"),
    (with_step(3, until=5), "steps[3].until", "must be a condition in a string"),
    (with_step(3, until="test_cost < 1"), "steps[3].until", "a function-mode run records no"),
    (with_step(0, question="why?"), "steps[0].question", "must be an object, got 'why?'"),
    # choice
    (with_question(0, kind=None), "steps[0].question.kind", "required key is missing"),
    (with_question(0, kind="choise"), "steps[0].question.kind", "did you mean 'choice'?"),
    (with_question(0, tolerance=1), "steps[0].question.tolerance", "unknown key"),
    (with_question(0, text=None), "steps[0].question.text", "required key is missing"),
    (
        with_question(0, options=["up"]),
        "steps[0].question.options",
        "must hold 2 to 8 options, got 1",
    ),
    (with_question(0, options=list("abcdefghi")), "steps[0].question.options", "got 9"),
    (with_question(0, options="up,down"), "steps[0].question.options", "must be an array"),
    (with_question(0, options=["up", ""]), "steps[0].question.options[1]", "must not be empty"),
    (with_question(0, options=["up", 2]), "steps[0].question.options[1]", "must be a string"),
    (with_question(0, options=["up", "up "]), "steps[0].question.options[1]", "is given twice"),
    (
        with_question(0, options=["up", "x" * 201]),
        "steps[0].question.options[1]",
        "the limit is 200",
    ),
    (with_question(0, answer=2), "steps[0].question.answer", "0 to 1 (0 is the first), got 2"),
    (with_question(0, answer=-1), "steps[0].question.answer", "got -1"),
    (
        with_question(0, answer="up"),
        "steps[0].question.answer",
        "index of the right option (here 0)",
    ),
    (with_question(0, answer=0.0), "steps[0].question.answer", "must be an integer, got 0.0"),
    (with_question(0, answer=True), "steps[0].question.answer", "must be an integer, got true"),
    (with_question(0, answer=None), "steps[0].question.answer", "required key is missing"),
    # number
    (with_question(1, answer=None), "steps[1].question.answer", "required key is missing"),
    (with_question(1, answer="1.4"), "steps[1].question.answer", "must be a number, got '1.4'"),
    (with_question(1, answer=10**400), "steps[1].question.answer", "must be a finite number"),
    (with_question(1, answer=1e308 * 10), "steps[1].question.answer", "must be a finite number"),
    (with_question(1, tolerance=-0.1), "steps[1].question.tolerance", "must be >= 0, got -0.1"),
    (with_question(1, relative="yes"), "steps[1].question.relative", "must be true or false"),
    (with_question(1, answer=0, relative=True), "steps[1].question.relative", "answer of 0"),
    (with_question(1, options=["a", "b"]), "steps[1].question.options", "unknown key"),
    # predict
    (with_question(2, what=None), "steps[2].question.what", "required key is missing"),
    (with_question(2, what="gradient"), "steps[2].question.what", "did you mean 'gradient_sign'?"),
    (with_question(2, parameter=None), "steps[2].question.parameter", "required key is missing"),
    (with_question(2, parameter=3), "steps[2].question.parameter", "must be a parameter name"),
    (
        with_question(2, parameter="ww"),
        "steps[2].question.parameter",
        "the function has no parameter named 'ww'; did you mean 'w'?",
    ),
    (with_question(2, what="cost_falls"), "steps[2].question.parameter", "give no parameter"),
    (with_question(2, tolerance=0.1), "steps[2].question.tolerance", "only a next_value"),
    (with_question(2, what="next_value"), "steps[2].question.tolerance", "required key"),
    (
        with_question(2, what="next_value", tolerance=0),
        "steps[2].question.tolerance",
        "must be > 0",
    ),
    (with_question(2, answer=1), "steps[2].question.answer", "unknown key"),
    (
        _network_predict("w1_1_3"),
        "steps[2].question.parameter",
        "this network has no parameter named 'w1_1_3'",
    ),
    (_network_predict("w1-1-2"), "steps[2].question.parameter", "did you mean 'w1_1_2'?"),
    (_network_predict("b3_1"), "steps[2].question.parameter", "no parameter named 'b3_1'"),
]


@pytest.mark.parametrize(
    ("data", "key", "text"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_errors_name_the_key_path_in_one_line(data, key, text):
    with pytest.raises(LessonError) as info:
        lesson_from_dict(data)
    err = info.value
    message = str(err)
    assert err.key == key, message
    assert message.startswith(f"{key}: "), message
    assert text in message
    assert "\n" not in message and len(message) < 600
    assert isinstance(err, ValueError)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ([], "a lesson must be a JSON object, got an array"),
        ("lesson", "a lesson must be a JSON object, got 'lesson'"),
        ({"gdsim": 1, "mode": "function"}, "this is a config, not a lesson"),
    ],
)
def test_problems_of_the_whole_file_have_no_key(data, text):
    with pytest.raises(LessonError, match=text) as info:
        lesson_from_dict(data)
    assert info.value.key is None


def test_a_lesson_error_survives_pickling():
    import pickle

    err = LessonError("steps: bad", "steps", file="l.json")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == "l.json: steps: bad" and again.key == "steps" and again.file == "l.json"
