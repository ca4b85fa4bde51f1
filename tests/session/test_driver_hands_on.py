"""Rewind, SetParameters and Freeze through the driver: what is sent back, and refusals."""

import numpy as np
import pytest

from gdsim.session.protocol import (
    Failed,
    Freeze,
    Load,
    LoadFailed,
    Rewind,
    Run,
    RunStarted,
    SetParameters,
    SnapshotReady,
    Step,
)
from tests.session.fakes import ONE, cost_after, finish, kinds, make_driver, w_after


def stepped(n: int):
    driver, outbox, clock = make_driver()
    driver.handle(Load(ONE, 1))
    driver.handle(Step(n))
    finish(driver)
    outbox.clear()
    return driver, outbox, clock


def test_rewind_sends_the_run_again_with_every_row_up_to_the_step():
    driver, outbox, _ = stepped(10)
    driver.handle(Rewind(4, 2))
    assert kinds(outbox) == [RunStarted, SnapshotReady]
    info, snap = outbox[0].info, outbox[1].snapshot
    assert info.run_id == snap.run_id == 2 and info.continued
    assert snap.step == 4 and snap.chunk.steps.tolist() == [0, 1, 2, 3, 4]
    assert snap.parameters[0] == pytest.approx(w_after(4), abs=1e-14)
    assert snap.cost == pytest.approx(cost_after(4), abs=1e-14)
    assert not snap.running and driver.trainer.step_count == 4


def test_rewind_pauses_a_running_driver_and_counts_as_a_request():
    driver, outbox, _ = stepped(3)
    driver.handle(Run())
    driver.tick()
    outbox.clear()
    requests = driver.requests
    driver.handle(Rewind(1, 2))
    assert not driver.running and driver.requests == requests + 1
    assert outbox[-1].requests == driver.requests


def test_a_refused_rewind_keeps_the_run_and_names_the_problem():
    driver, outbox, _ = stepped(3)
    for bad in (7, -1, 1.5, "2", True):
        outbox.clear()
        driver.handle(Rewind(bad, 9))
        assert kinds(outbox) == [LoadFailed]
        failed = outbox[0]
        assert failed.current_run_id == 1 and failed.refused_run_id == 9
        assert "rewind" in failed.text
    assert driver.trainer.step_count == 3 and driver.run_id == 1


def test_set_parameters_sends_the_new_cost_and_gradient_at_the_same_step():
    driver, outbox, _ = stepped(2)
    driver.handle(SetParameters({"w": 3.0}, 2))
    assert kinds(outbox) == [RunStarted, SnapshotReady]
    info, snap = outbox[0].info, outbox[1].snapshot
    assert info.continued and info.changes[-1] == {
        "step": 2,
        "kind": "parameters",
        "values": {"w": 3.0},
    }
    assert snap.step == 2 and snap.parameters.tolist() == [3.0]
    assert snap.cost == 0.0 and snap.gradients.tolist() == [0.0]  # C(w) = (w - 3)^2
    assert snap.chunk.steps.tolist() == [0, 1, 2]  # the row of step 2 computed again


def test_set_parameters_while_running_keeps_training():
    driver, outbox, _ = stepped(1)
    driver.handle(Run())
    driver.handle(SetParameters({"w": 0.0}, 2))
    assert driver.running and outbox[-1].snapshot.running
    driver.tick()
    assert outbox[-1].snapshot.run_id == 2 and outbox[-1].snapshot.step > 1


def test_a_refused_set_parameters_says_whether_training_goes_on():
    driver, outbox, _ = stepped(1)
    driver.handle(Run())
    outbox.clear()
    driver.handle(SetParameters({"v": 1.0}, 2))
    (failed,) = outbox
    assert isinstance(failed, LoadFailed) and failed.running and driver.running
    assert "no parameter named 'v'" in failed.text
    outbox.clear()
    driver.handle(SetParameters({"w": float("nan")}, 3))
    assert "finite" in outbox[0].text and driver.trainer.parameters.tolist() != [np.nan]


def test_freeze_stops_updates_and_is_shown_in_the_snapshot():
    driver, outbox, _ = stepped(1)
    driver.handle(Freeze(("w",), True))
    assert kinds(outbox) == [SnapshotReady]
    assert outbox[0].snapshot.frozen.tolist() == [0]
    w = driver.trainer.parameters.copy()
    driver.handle(Step(5))
    finish(driver)
    np.testing.assert_array_equal(driver.trainer.parameters, w)
    outbox.clear()
    driver.handle(Freeze(("w",), False))
    assert outbox[0].snapshot.frozen.tolist() == []


def test_a_refused_freeze_names_the_pattern():
    driver, outbox, _ = stepped(1)
    driver.handle(Freeze(("b*",), True))
    assert isinstance(outbox[0], Failed) and "'b*' matches no parameter" in outbox[0].text


def test_hand_edits_without_a_run_are_refused():
    driver, outbox, _ = make_driver()
    driver.handle(Rewind(0, 1))
    driver.handle(SetParameters({"w": 1.0}, 2))
    driver.handle(Freeze(("w",), True))
    assert kinds(outbox) == [LoadFailed, LoadFailed, Failed]
    assert all("no run" in m.text for m in outbox)
