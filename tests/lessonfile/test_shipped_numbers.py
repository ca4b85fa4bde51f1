"""The numbers the shipped lessons state (answers and explanations) are what gdsim computes."""

import dataclasses

import numpy as np
import pytest

from gdsim.config import RegularizationConfig
from gdsim.engine.trainer import Trainer
from gdsim.lessonfile import load_lesson
from gdsim.resources import resource_path
from gdsim.session.run_files import open_trainer


def lesson(name: str):
    return load_lesson(resource_path("lessons", f"{name}.json"))


def answers(name: str) -> list[float]:
    return [
        s.question.answer for s in lesson(name).steps if s.question and s.question.kind == "number"
    ]


def trainer(name: str) -> Trainer:
    return open_trainer(lesson(name).config)


def test_partial_derivatives():
    t = trainer("partial-derivatives")
    assert t.gradients.tolist() == [4.0, 6.0] and answers("partial-derivatives") == [4, 6, 1.6]
    t.step(1)
    assert t.parameters.tolist() == pytest.approx([1.6, 0.4])


def test_gradient_size():
    t = trainer("gradient-size")
    assert t.gradients.tolist() == pytest.approx(answers("gradient-size"))  # 20 and 0.2
    t.step(1)
    assert (1 - t.parameters).tolist() == pytest.approx([0.2, 0.002])
    steps = 1
    while t.cost >= 0.05:
        t.step(1)
        steps += 1
    assert 150 < steps < 200  # "well over a hundred"; w1 was done in a few dozen
    assert abs(t.parameters[0]) < 1e-6


def test_chain_rule_one_weight():
    t = trainer("chain-rule")
    a, g, after = answers("chain-rule")
    i = t.parameter_names.index("w2_1_1")
    assert t.gradients[i] == pytest.approx(g, abs=1e-5)
    hidden = 1 / (1 + np.exp(-(0.15 * 0.05 + 0.20 * 0.10 + 0.35)))  # a1_1
    assert hidden == pytest.approx(a, abs=1e-4)
    t.step(1)
    assert t.parameters[i] == pytest.approx(after, abs=1e-6)


def test_learning_rates():
    costs = {}
    for lr in (0.01, 1.0, 20.0):
        t = trainer("learning-rate")
        t.set_learning_rate(lr)
        t.step(300)
        costs[lr] = t.history.since(-1).cost
    assert costs[0.01][0] == pytest.approx(0.73, abs=0.01) and costs[0.01][300] > 0.65
    assert costs[1.0][100] < 0.3
    assert costs[20.0][:101].max() > 5  # "jumped up and bounced around"


def test_overfitting_and_l2():
    config = lesson("overfitting").config
    found = {}
    for rate in (0.0, 0.01):
        reg = RegularizationConfig(kind="l2" if rate else "none", rate=rate)
        t = open_trainer(dataclasses.replace(config, regularization=reg))
        t.step(1500)
        h = t.history.since(-1)
        test, train = h.extras["test_cost"], h.extras["train_cost"]
        found[rate] = (int(h.steps[np.nanargmin(test)]), test[-1], train[-1])
    best_at, test_end, train_end = found[0.0]
    assert 50 < best_at < 120 and test_end == pytest.approx(1.07, abs=0.05) and train_end < 0.01
    _, test_l2, train_l2 = found[0.01]
    assert test_l2 == pytest.approx(0.67, abs=0.02) and train_l2 == pytest.approx(0.4, abs=0.03)
