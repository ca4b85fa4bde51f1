"""A small valid lesson to vary in tests, and a writer for lesson files."""

import copy
import json
from pathlib import Path

ONE_PARAMETER = {
    "gdsim": 1,
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}

LESSON = {
    "gdsim_lesson": 1,
    "title": "Cost versus gradient on one parameter",
    "intro": "A **small** lesson.",
    "config": ONE_PARAMETER,
    "controls": {"hidden": ["export", "rerandomize"], "locked": ["optimizer"]},
    "steps": [
        {
            "instruction": "Press Step once and watch w move.",
            "question": {
                "kind": "choice",
                "text": "Which way will w move?",
                "options": ["up", "down"],
                "answer": 0,
            },
            "until": "step >= 1",
            "explanation": "The gradient is negative, so w goes up.",
        },
        {
            "instruction": "Work out the next w.",
            "question": {"kind": "number", "text": "Next w?", "answer": 1.4, "tolerance": 0.001},
        },
        {
            "instruction": "Predict.",
            "question": {"kind": "predict", "what": "gradient_sign", "parameter": "w"},
        },
        {"instruction": "Run.", "until": "cost < 0.1"},
    ],
}


def lesson(**changes):
    """A deep copy of LESSON with top-level keys replaced (None removes a key)."""
    data = copy.deepcopy(LESSON)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def with_step(index, **changes):
    """LESSON with steps[index] changed (None removes a key)."""
    data = lesson()
    step = data["steps"][index]
    for key, value in changes.items():
        if value is None:
            step.pop(key, None)
        else:
            step[key] = value
    return data


def with_question(index, **changes):
    data = lesson()
    question = data["steps"][index]["question"]
    for key, value in changes.items():
        if value is None:
            question.pop(key, None)
        else:
            question[key] = value
    return data


def write(path: Path, data) -> Path:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path
