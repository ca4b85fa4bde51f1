"""The run CSV's learning_rate on row t is the rate of the update from t to t+1, so that
w(t+1) - w(t) = -lr(t) * g(t) can be checked from the file (plain SGD), whenever the rate
was changed: between steps, while running, through the engine or through the driver."""

from __future__ import annotations

import numpy as np

from gdsim.io.run_csv import RunTable, read_run_csv
from gdsim.session.protocol import Export, Exported, Load, Run, SetLearningRate, Step
from gdsim.session.run_files import export_run, open_trainer
from tests.session.fakes import EXAMPLES, ONE, finish, make_driver


def check_updates(table: RunTable, names: tuple[str, ...]) -> np.ndarray:
    """Assert w(t+1) - w(t) = -lr(t) * g(t) on every pair of rows; return the rate column."""
    w = np.column_stack([table.column(n) for n in names])
    g = np.column_stack([table.column(f"dC/d{n}") for n in names])
    lr = table.column("learning_rate")
    assert np.array_equal(table.column("step"), np.arange(len(lr)))  # every step is a row
    # (w(t+1) - w(t) loses digits to cancellation once w has converged: allow rounding of w.)
    atol = 4 * np.finfo(float).eps * np.abs(w).max()
    np.testing.assert_allclose(w[1:] - w[:-1], -lr[:-1, None] * g[:-1], rtol=1e-12, atol=atol)
    return lr


def test_engine_and_export_run(tmp_path):
    t = open_trainer(EXAMPLES / "xor.json")  # plain SGD, a network
    for rate, steps in [(0.1, 3), (2.5, 1), (0.01, 2), (0.4, 2)]:
        t.set_learning_rate(rate)
        t.step(steps)
    export_run(t, tmp_path / "run.csv")
    lr = check_updates(read_run_csv(tmp_path / "run.csv"), t.parameter_names)
    assert lr.tolist() == [0.1] * 3 + [2.5] + [0.01] * 2 + [0.4] * 3


def test_through_the_driver_while_idle_and_while_running(tmp_path):
    driver, outbox, _ = make_driver()
    driver.handle(Load(ONE, 1))
    driver.handle(Step(4))
    finish(driver)
    driver.handle(SetLearningRate(0.3))  # idle at step 4: the update 4 -> 5 uses 0.3
    driver.handle(Step(2))
    finish(driver)
    driver.handle(Run())
    driver.tick()
    driver.handle(SetLearningRate(0.05))  # between two chunks of a run
    driver.tick()
    driver.handle(Step(1))  # a Step during a Run keeps it running
    driver.handle(SetLearningRate(0.2))
    driver.tick()
    driver.handle(Step(3))
    driver.tick()
    steps = driver.trainer.step_count
    driver._pause()
    path = tmp_path / "run.csv"
    driver.handle(Export(str(path)))
    assert outbox[-1] == Exported(str(path))
    lr = check_updates(read_run_csv(path), ("w",))
    assert len(lr) == steps + 1 and lr[:6].tolist() == [0.1] * 4 + [0.3] * 2
    changes = np.flatnonzero(np.diff(lr)) + 1  # the rows where a new rate starts
    assert lr[changes].tolist() == [0.3, 0.05, 0.2]
