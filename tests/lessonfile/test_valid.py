"""Valid lessons: what they read as, the round trip, saving, and the shipped lessons."""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim.config import config_from_dict
from gdsim.lessonfile import (
    CONTROLS,
    ChoiceQuestion,
    Condition,
    Lesson,
    NumberQuestion,
    PredictQuestion,
    Step,
    dumps_lesson,
    lesson_from_dict,
    lesson_to_dict,
    load_lesson,
    preset_names,
    save_lesson,
)
from gdsim.resources import resource_path

from .helpers import LESSON, ONE_PARAMETER, lesson, write

SHIPPED = sorted(resource_path("lessons").glob("*.json"))


def test_a_lesson_reads_as_frozen_dataclasses():
    got = lesson_from_dict(LESSON)
    assert isinstance(got, Lesson)
    assert got.title == LESSON["title"] and got.intro == "A **small** lesson."
    assert got.config == config_from_dict(ONE_PARAMETER) and got.preset is None
    assert got.controls.hidden == ("export", "rerandomize")
    assert got.controls.is_locked("optimizer") and got.controls.is_locked("export")
    assert not got.controls.is_hidden("optimizer")
    first = got.steps[0]
    assert first == Step(
        "Press Step once and watch w move.",
        ChoiceQuestion("Which way will w move?", ("up", "down"), 0),
        first.until,
        "The gradient is negative, so w goes up.",
    )
    assert isinstance(first.until, Condition) and str(first.until) == "step >= 1"
    assert got.steps[1].question == NumberQuestion("Next w?", 1.4, 0.001, False)
    assert got.steps[2].question == PredictQuestion("gradient_sign", "w")
    assert got.steps[3].question is None and got.steps[3].explanation == ""
    assert got.question_count == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.title = "x"  # type: ignore[misc]


def test_optional_keys_take_defaults():
    data = lesson(intro=None, controls=None, steps=[{"instruction": "Look."}])
    got = lesson_from_dict(data)
    assert got.intro == "" and got.controls.hidden == () and got.controls.locked == ()
    assert got.steps == (Step("Look."),)


def test_every_control_name_is_accepted():
    controls = {"hidden": list(CONTROLS), "locked": list(CONTROLS)}
    got = lesson_from_dict(lesson(controls=controls, steps=[{"instruction": "Read this."}]))
    assert got.controls.hidden == CONTROLS


def test_a_preset_by_name_gives_its_config():
    got = lesson_from_dict(lesson(config=None, preset="one-lr-good"))
    assert got.preset == "one-lr-good"
    assert got.config == config_from_dict(
        json.loads(resource_path("presets", "one-lr-good.json").read_text())
    )
    example = lesson_from_dict(lesson(config=None, preset="one-parameter"))
    assert example.config.function == "(w - 3)**2"
    assert "one-lr-good" in preset_names() and "xor" in preset_names()
    assert "index" not in preset_names()


def test_network_mode_parameter_names_come_from_the_shape():
    data = lesson(
        config={
            "network": {
                "inputs": 2,
                "layers": [
                    {"units": 3, "activation": "tanh"},
                    {"units": 1, "activation": "sigmoid"},
                ],
            }
        }
    )
    data["steps"][2]["question"]["parameter"] = "w2_1_3"
    data["steps"][3]["until"] = "test_accuracy >= 0.9 and epoch >= 10"
    got = lesson_from_dict(data)
    assert got.steps[2].question.parameter == "w2_1_3"


@pytest.mark.parametrize(
    "question",
    [
        {"kind": "predict", "what": "direction", "parameter": "w"},
        {"kind": "predict", "what": "cost_falls", "text": "Falls?"},
        {"kind": "predict", "what": "next_value", "parameter": "w", "tolerance": 0.01},
        {"kind": "number", "text": "Rate?", "answer": 2, "tolerance": 0.1, "relative": True},
    ],
)
def test_the_other_question_kinds_round_trip(question):
    data = lesson()
    data["steps"][0]["question"] = question
    got = lesson_from_dict(data)
    assert lesson_to_dict(got)["steps"][0]["question"] == question
    assert lesson_from_dict(lesson_to_dict(got)) == got


@pytest.mark.parametrize(
    "data",
    [LESSON, lesson(config=None, preset="one-lr-oscillating"), lesson(controls=None, intro=None)],
)
def test_round_trip(data):
    got = lesson_from_dict(data)
    again = lesson_from_dict(json.loads(json.dumps(lesson_to_dict(got))))
    assert again == got
    assert lesson_to_dict(again) == lesson_to_dict(got)


def test_a_preset_lesson_whose_config_changed_is_saved_inline():
    got = lesson_from_dict(lesson(config=None, preset="one-lr-good"))
    assert lesson_to_dict(got)["preset"] == "one-lr-good" and "config" not in lesson_to_dict(got)
    changed = dataclasses.replace(got, config=got.config.replace(function="(w - 2)**2"))
    data = lesson_to_dict(changed)
    assert "preset" not in data and data["config"]["function"] == "(w - 2)**2"
    again = lesson_from_dict(data)
    assert again.config == changed.config and again.preset is None


def test_predict_questions_word_a_prompt_when_they_have_no_text():
    q = lesson_from_dict(LESSON).steps[2].question
    assert q.prompt == "Is the gradient dC/dw positive, negative or zero right now?"
    assert q.options == ("positive", "negative", "zero")
    assert PredictQuestion("next_value", "w", 0.1).options is None


def test_load_lesson_names_its_source_and_csv_paths_are_relative_to_it(tmp_path):
    (tmp_path / "data.csv").write_text("x,y\n0,0\n1,1\n2,4\n3,9\n")
    config = {
        "mode": "network",
        "network": {"inputs": 1, "layers": [{"units": 1, "activation": "linear"}]},
        "loss": "mse",
        "data": {"source": "csv", "path": "data.csv", "inputs": ["x"], "targets": ["y"]},
    }
    path = write(tmp_path / "l.json", lesson(config=config, steps=[{"instruction": "Go."}]))
    got = load_lesson(path)
    assert got.source == path.absolute()
    assert got.config.data_path() == tmp_path / "data.csv"


def test_save_lesson_writes_a_file_that_loads_the_same(tmp_path):
    original = lesson_from_dict(LESSON)
    target = tmp_path / "saved.json"
    save_lesson(original, target)
    assert load_lesson(target) == original
    assert target.read_text() == dumps_lesson(original)
    assert json.loads(target.read_text())["gdsim_lesson"] == 1


def test_save_lesson_refuses_an_invalid_lesson_and_writes_nothing(tmp_path):
    bad = dataclasses.replace(lesson_from_dict(LESSON), title="")
    with pytest.raises(ValueError, match="title: must not be empty"):
        save_lesson(bad, tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_lesson_validates_and_round_trips(path):
    got = load_lesson(path)
    assert got.steps
    assert lesson_from_dict(lesson_to_dict(got)) == got


def test_the_example_lesson_matches_the_worked_example():
    got = load_lesson(resource_path("lessons", "example-one-parameter.json"))
    kinds = [(s.question.kind, getattr(s.question, "what", None)) for s in got.steps if s.question]
    assert ("predict", "gradient_sign") in kinds and ("number", None) in kinds
    number = next(s.question for s in got.steps if isinstance(s.question, NumberQuestion))
    assert number.answer == 1.4
    assert any(s.until is not None for s in got.steps)
    assert got.config.function == "(w - 3)**2" and got.config.parameters == (("w", 1.0),)


def test_the_package_loads_no_qt():
    code = (
        "import sys, gdsim.lessonfile, gdsim.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph')))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stderr
