"""The TrainingDriver as a plain object: stepping, stop rules, pacing, run ids, failed loads."""

import numpy as np
import pytest

from gdsim.config import OptimizerConfig
from gdsim.session.protocol import (
    Failed,
    Load,
    LoadFailed,
    Pause,
    Reset,
    Run,
    RunStarted,
    SetLearningRate,
    SetOptimizer,
    SetSpeedLimit,
    SetStopRules,
    SnapshotReady,
    Step,
)
from tests.session.fakes import (
    ONE,
    cost_after,
    finish,
    kinds,
    make_driver,
    missing_data_config,
    snapshots,
    w_after,
)


def loaded(run_id: int = 1):
    driver, outbox, clock = make_driver()
    driver.handle(Load(ONE, run_id))
    outbox.clear()
    return driver, outbox, clock


def rows(snaps) -> list[int]:
    return [int(s) for snap in snaps for s in snap.chunk.steps]


# ---------------------------------------------------------------------- load and step
def test_load_starts_a_run_at_step_zero():
    driver, outbox, _ = make_driver()
    assert driver.handle(Load(ONE, 1)) is True
    assert kinds(outbox) == [RunStarted, SnapshotReady]
    info, snap = outbox[0].info, outbox[1].snapshot
    assert info.run_id == 1 and info.parameter_names == ("w",)
    assert (snap.run_id, snap.step, snap.cost, snap.running) == (1, 0, 4.0, False)
    assert snap.parameters.tolist() == [1.0] and snap.gradients.tolist() == [-4.0]
    assert snap.chunk.steps.tolist() == [0]


def test_step_n_takes_exactly_n_steps_then_pauses():
    driver, outbox, _ = loaded()
    driver.handle(Step(40))
    assert outbox == [] and driver.running  # training happens in tick(), not in handle()
    finish(driver)
    snaps = snapshots(outbox)
    last = snaps[-1]
    assert (last.step, last.running, last.stop_reason) == (40, False, None)
    assert last.parameters[0] == pytest.approx(w_after(40), rel=1e-12)
    assert last.cost == pytest.approx(cost_after(40), rel=1e-9)
    assert rows(snaps) == list(range(1, 41))  # every row once, in order, across the chunks
    assert all(s.running for s in snaps[:-1])


def test_step_and_run_need_a_run_and_a_positive_count():
    driver, outbox, _ = make_driver()
    driver.handle(Step(3))
    driver.handle(Run())
    assert driver.tick() == 0.0 and not driver.running
    assert [m.text for m in outbox] == [
        "there is no run to step: open a config that loads",
        "there is no run to run: open a config that loads",
    ]
    assert kinds(outbox) == [Failed, Failed] and outbox[1].requests == 2
    driver.handle(Load(ONE, 1))
    outbox.clear()
    driver.handle(Step(0))
    driver.handle(Step(-2))
    assert [m.text for m in outbox] == [
        "steps: must be a whole number >= 1, got 0",
        "steps: must be a whole number >= 1, got -2",
    ]
    assert not driver.running and driver.trainer.step_count == 0


# ---------------------------------------------------------------------- requests add up
def test_steps_requested_before_a_chunk_add_up():
    driver, outbox, _ = loaded()
    for _ in range(5):  # five quick clicks, all handled before the next chunk
        driver.handle(Step(1))
    finish(driver)
    assert driver.trainer.step_count == 5 and rows(snapshots(outbox)) == [1, 2, 3, 4, 5]
    driver.handle(Step(1000))
    driver.handle(Step(1000))
    finish(driver)
    assert driver.trainer.step_count == 2005


def test_a_step_during_a_step_n_adds_one_more():
    driver, outbox, _ = loaded()
    driver.handle(SetSpeedLimit(1000))  # a chunk at a time, on the fake clock
    driver.handle(Step(100_000))
    driver.tick()
    assert 0 < driver.trainer.step_count < 100_000 and driver.running
    driver.handle(Step(1))
    driver.handle(SetSpeedLimit(None))
    finish(driver)
    assert driver.trainer.step_count == 100_001
    assert rows(snapshots(outbox)) == list(range(1, 100_002))


def test_a_step_during_a_run_keeps_it_running_and_run_takes_over_a_step_n():
    driver, outbox, _ = loaded()
    driver.handle(Run())
    driver.tick()
    driver.handle(Step(1))
    driver.tick()
    assert driver.running and snapshots(outbox)[-1].running
    driver.handle(Pause())  # Pause drops whatever is owed
    assert not driver.running and driver.remaining == 0
    driver.handle(SetStopRules(driver.trainer.step_count + 30, None))
    driver.handle(Step(1_000_000))
    driver.handle(Run())  # now a Run: the stop rules apply
    finish(driver)
    last = snapshots(outbox)[-1]
    assert last.stop_reason.startswith("reached the step limit") and last.step == driver.max_steps


def test_messages_count_the_requests_they_answer():
    driver, outbox, _ = make_driver()
    driver.handle(Load(ONE, 1))
    driver.handle(SetLearningRate(0.2))  # not a request that changes the running state
    assert [m.requests for m in outbox if not isinstance(m, RunStarted)] == [1, 1]
    driver.handle(Step(2))
    driver.handle(Run())
    driver.tick()
    driver.handle(Pause())
    assert snapshots(outbox)[-1].running is False and outbox[-1].requests == 3
    driver.handle(Reset(-1, 2))
    assert kinds(outbox)[-1] is LoadFailed and outbox[-1].requests == 4


def test_pause_stops_a_run_and_says_so():
    driver, outbox, _ = loaded()
    driver.handle(Run())
    driver.tick()
    outbox.clear()
    driver.handle(Pause())
    assert kinds(outbox) == [SnapshotReady]
    snap = outbox[0].snapshot
    assert not snap.running and snap.step == driver.trainer.step_count > 0
    assert snap.chunk.steps.size == 0  # every row was already sent with the chunk
    outbox.clear()
    driver.handle(Pause())  # not running: nothing to say
    assert driver.tick() == 0.0
    assert outbox == []


# ---------------------------------------------------------------------- stop rules
def test_stop_at_a_step_count():
    driver, outbox, _ = loaded()
    driver.handle(SetStopRules(25, None))
    assert outbox == []
    driver.handle(Run())
    finish(driver)
    last = snapshots(outbox)[-1]
    assert (last.step, last.running) == (25, False)
    assert last.stop_reason == "reached the step limit (25)"
    assert last.cost == pytest.approx(cost_after(25), rel=1e-9)
    # Running again at the limit stops at once, without a step.
    outbox.clear()
    driver.handle(Run())
    assert finish(driver) == 1
    (again,) = snapshots(outbox)
    assert (again.step, again.stop_reason) == (25, "reached the step limit (25)")


def test_stop_rules_stop_run_and_explicit_steps_are_carried_out():
    driver, outbox, _ = loaded()
    driver.handle(SetStopRules(7, None))
    driver.handle(Step(50))  # asked for: carried out in full, past the limit
    finish(driver)
    last = snapshots(outbox)[-1]
    assert (last.step, last.stop_reason) == (50, None)
    driver.handle(Run())  # Run at (past) the limit: stopped at once, with the reason
    assert finish(driver) == 1
    last = snapshots(outbox)[-1]
    assert (last.step, last.stop_reason) == (50, "reached the step limit (7)")
    driver.handle(Step(1))  # at the limit, Step still steps
    finish(driver)
    assert (snapshots(outbox)[-1].step, snapshots(outbox)[-1].stop_reason) == (51, None)


def test_a_step_at_the_target_cost_steps_and_a_run_there_says_why_it_stops():
    driver, outbox, _ = loaded()
    driver.handle(SetStopRules(None, 0.5))
    driver.handle(Step(20))  # the cost passes 0.5 at step 5; the steps asked for go on
    finish(driver)
    assert snapshots(outbox)[-1].step == 20
    outbox.clear()
    driver.handle(Run())
    finish(driver)
    (snap,) = snapshots(outbox)
    assert (snap.step, snap.stop_reason) == (20, "reached the target cost (0.5)")


def test_stop_at_a_target_cost():
    driver, outbox, _ = loaded()
    driver.handle(SetStopRules(None, 0.01))
    driver.handle(Run())
    finish(driver)
    snaps = snapshots(outbox)
    last = snaps[-1]
    # 4 * 0.64^13 = 0.012 > 0.01 >= 4 * 0.64^14 = 0.0077: the first step at the target.
    assert (last.step, last.running) == (14, False)
    assert last.cost == pytest.approx(cost_after(14), rel=1e-9) and last.cost <= 0.01
    assert last.stop_reason == "reached the target cost (0.01)"
    costs = np.concatenate([s.chunk.cost for s in snaps])
    assert (costs[:-1] > 0.01).all()


def test_stop_rules_can_be_lifted():
    driver, outbox, _ = loaded()
    driver.handle(SetStopRules(5, None))
    driver.handle(Run())
    finish(driver)
    driver.handle(SetStopRules(None, None))
    driver.handle(Step(10))
    finish(driver)
    last = snapshots(outbox)[-1]
    assert (last.step, last.stop_reason) == (15, None)


# ---------------------------------------------------------------------- pacing
def test_speed_limit_paces_the_chunks_by_the_clock():
    driver, outbox, clock = loaded()
    driver.handle(SetSpeedLimit(80))
    driver.handle(Run())
    assert driver.tick() == 0.0
    assert snapshots(outbox)[-1].step == 1  # the first step is due at once
    # Ahead of schedule: nothing trains, nothing is sent, the next step is due in 1/80 s.
    outbox.clear()
    assert driver.tick() == pytest.approx(1 / 80)
    assert outbox == [] and driver.trainer.step_count == 1
    # Each eighth of a second on the clock allows ten more steps.
    for _ in range(5):
        clock.advance(0.125)
        assert driver.tick() == 0.0
    steps = [s.step for s in snapshots(outbox)]
    assert steps == [11, 21, 31, 41, 51]
    assert all(s.running for s in snapshots(outbox))


def test_speed_limit_rate_is_measured_on_the_clock():
    driver, outbox, clock = loaded()
    driver.handle(SetSpeedLimit(100))
    driver.handle(Run())
    driver.tick()
    assert snapshots(outbox)[-1].steps_per_second == 0.0  # no time has passed yet
    clock.advance(0.25)
    driver.tick()
    snap = snapshots(outbox)[-1]
    assert snap.step == 26
    assert snap.steps_per_second == pytest.approx(26 / 0.25)
    driver.handle(Pause())
    assert snapshots(outbox)[-1].steps_per_second == 0.0


def test_a_slow_speed_limit_waits_at_most_a_quarter_second():
    driver, _, clock = loaded()
    driver.handle(SetSpeedLimit(2))
    driver.handle(Run())
    driver.tick()
    assert driver.tick() == pytest.approx(0.25)  # the next step is due in 0.5 s
    clock.advance(0.25)
    assert driver.tick() == pytest.approx(0.25)
    assert driver.trainer.step_count == 1
    clock.advance(0.25)
    assert driver.tick() == 0.0 and driver.trainer.step_count == 2


def test_changing_the_speed_limit_restarts_the_pacing():
    driver, outbox, clock = loaded()
    driver.handle(SetSpeedLimit(10))
    driver.handle(Run())
    driver.tick()
    clock.advance(1.0)
    driver.handle(SetSpeedLimit(1024))  # counts from now: the second already passed is not owed
    driver.tick()
    assert driver.trainer.step_count == 2
    clock.advance(1 / 128)
    driver.tick()
    assert driver.trainer.step_count == 10


def test_no_speed_limit_trains_many_steps_per_chunk():
    driver, outbox, _ = loaded()
    driver.handle(SetSpeedLimit(100))
    driver.handle(SetSpeedLimit(0))  # 0 means no limit, like None
    driver.handle(Step(60))
    ticks = finish(driver)
    assert ticks < 60 and snapshots(outbox)[-1].step == 60


# ---------------------------------------------------------------------- settings while idle
def test_learning_rate_change_is_shown_at_once_when_idle():
    driver, outbox, _ = loaded()
    driver.handle(SetLearningRate(0.05))
    assert kinds(outbox) == [SnapshotReady]
    snap = outbox[0].snapshot
    assert (snap.learning_rate, snap.step) == (0.05, 0)
    driver.handle(Step(1))
    finish(driver)
    assert snapshots(outbox)[-1].parameters[0] == pytest.approx(1 + 0.05 * 4)


def test_learning_rate_change_while_running_waits_for_the_next_chunk():
    driver, outbox, _ = loaded()
    driver.handle(Run())
    driver.tick()
    outbox.clear()
    driver.handle(SetLearningRate(0.05))
    assert outbox == []
    driver.tick()
    assert snapshots(outbox)[-1].learning_rate == 0.05


def test_optimizer_change_and_a_refused_one():
    driver, outbox, _ = loaded()
    driver.handle(SetOptimizer(OptimizerConfig(name="sgd", learning_rate=0.2, momentum=0.5)))
    assert kinds(outbox) == [SnapshotReady]
    assert outbox[0].snapshot.learning_rate == 0.2
    outbox.clear()
    driver.handle(SetOptimizer(OptimizerConfig(name="sgd", learning_rate=0.2, momentum=-1.0)))
    assert kinds(outbox) == [Failed, SnapshotReady]
    assert "momentum" in outbox[0].text and outbox[0].running is False
    driver.handle(Step(1))  # the session stays usable
    finish(driver)
    assert snapshots(outbox)[-1].step == 1


@pytest.mark.parametrize(
    ("command", "text"),
    [
        (SetLearningRate(-1.0), "learning_rate: must be > 0, got -1.0"),
        (SetLearningRate(float("nan")), "learning_rate: must be > 0, got nan"),
        (SetLearningRate(2000.0), "optimizer.learning_rate: must be <= 1000, got 2000"),
        (
            SetOptimizer(OptimizerConfig(name="sgd", learning_rate=0.1, momentum=-1.0)),
            "momentum must be >= 0, got -1.0",
        ),
        (SetSpeedLimit(-1.0), "speed limit: must be a number of steps per second > 0"),
        (SetStopRules(-5, None), "stop at step: must be a whole number >= 0, got -5"),
    ],
)
def test_a_refused_setting_while_running_leaves_it_running(command, text):
    driver, outbox, _ = loaded()
    driver.handle(Run())
    driver.tick()
    outbox.clear()
    driver.handle(command)
    assert kinds(outbox) == [Failed] and outbox[0].text.startswith(text)
    assert outbox[0].running is True and driver.running
    driver.tick()
    snap = snapshots(outbox)[-1]
    assert snap.running and snap.learning_rate == 0.1 and outbox[-1].requests == 2


def test_an_error_inside_a_command_is_answered(monkeypatch):
    driver, outbox, _ = loaded()

    def broken(value):
        raise RuntimeError("boom")

    monkeypatch.setattr(driver.trainer, "set_learning_rate", broken)
    assert driver.handle(SetLearningRate(0.2)) is True
    assert kinds(outbox) == [Failed]
    assert outbox[0].text.startswith("internal error: RuntimeError: boom (in broken")
    driver.handle(Step(1))
    finish(driver)
    assert snapshots(outbox)[-1].step == 1


def test_a_diverged_run_says_why_it_does_not_step():
    driver, outbox, _ = loaded()
    driver.handle(SetLearningRate(1000.0))  # (w - 3)^2 from w = 1: |w - 3| grows 1999-fold
    driver.handle(Run())
    finish(driver)
    assert driver.trainer.diverged
    step = driver.trainer.step_count
    outbox.clear()
    driver.handle(Step(1))
    finish(driver)
    (snap,) = snapshots(outbox)
    assert snap.step == step and snap.stop_reason.startswith("the run has diverged")


# ---------------------------------------------------------------------- run ids
def test_reset_starts_a_new_run_id_from_step_zero():
    driver, outbox, _ = loaded(run_id=1)
    driver.handle(Step(5))
    finish(driver)
    assert {s.run_id for s in snapshots(outbox)} == {1}
    outbox.clear()
    driver.handle(Reset(None, 2))
    assert kinds(outbox) == [RunStarted, SnapshotReady]
    assert outbox[0].info.run_id == 2
    snap = outbox[1].snapshot
    assert (snap.run_id, snap.step, snap.parameters[0]) == (2, 0, 1.0)
    assert snap.chunk.steps.tolist() == [0]  # the new run's rows from its start
    driver.handle(Step(3))
    finish(driver)
    after = snapshots(outbox)
    assert {s.run_id for s in after} == {2}
    assert rows(after) == [0, 1, 2, 3] and after[-1].step == 3


def test_reset_while_running_stops_and_no_snapshot_of_the_old_run_follows():
    driver, outbox, _ = loaded(run_id=1)
    driver.handle(Run())
    driver.tick()
    driver.handle(Reset(None, 2))
    assert not driver.running
    started = kinds(outbox).index(RunStarted)
    later = [m.snapshot for m in outbox[started:] if isinstance(m, SnapshotReady)]
    assert [(s.run_id, s.step, s.running) for s in later] == [(2, 0, False)]
    assert driver.tick() == 0.0 and len(outbox) == started + 2


def test_reset_before_any_load_is_refused():
    driver, outbox, _ = make_driver()
    driver.handle(Reset(None, 1))
    assert outbox == [LoadFailed("there is no run to reset: open a config that loads", 0, 1, 1)]
    assert driver.run_id == 0


def test_a_refused_seed_keeps_the_run_and_its_id():
    driver, outbox, _ = loaded(run_id=1)
    driver.handle(Step(3))
    finish(driver)
    outbox.clear()
    driver.handle(Reset(-1, 2))
    assert kinds(outbox) == [LoadFailed] and outbox[0].current_run_id == 1
    assert outbox[0].text == "seed: must be in 0..4294967295, got -1"
    driver.handle(Step(1))
    finish(driver)
    assert (snapshots(outbox)[-1].run_id, snapshots(outbox)[-1].step) == (1, 4)


def test_a_new_load_takes_its_run_id():
    driver, outbox, _ = loaded(run_id=1)
    driver.handle(Load(ONE, 7))
    assert outbox[0].info.run_id == 7 and outbox[1].snapshot.run_id == 7


# ---------------------------------------------------------------------- a load that fails
def test_a_failed_load_keeps_the_current_run_and_its_id():
    driver, outbox, _ = loaded(run_id=1)
    driver.handle(Step(3))
    finish(driver)
    outbox.clear()
    driver.handle(Load(missing_data_config(), 2))
    assert kinds(outbox) == [LoadFailed]
    assert (outbox[0].current_run_id, outbox[0].refused_run_id) == (1, 2)
    assert "missing.csv" in outbox[0].text and "not found" in outbox[0].text
    driver.handle(Step(2))  # the previous run goes on, under its own id
    finish(driver)
    snaps = snapshots(outbox)
    assert {s.run_id for s in snaps} == {1} and snaps[-1].step == 5


def test_a_failed_load_stops_a_running_run():
    driver, outbox, _ = loaded(run_id=1)
    driver.handle(Run())
    driver.tick()
    outbox.clear()
    driver.handle(Load(missing_data_config(), 2))
    assert kinds(outbox) == [LoadFailed] and not driver.running
    assert driver.tick() == 0.0 and len(outbox) == 1


def test_a_failed_first_load_names_no_run():
    driver, outbox, _ = make_driver()
    driver.handle(Load(missing_data_config(), 1))
    assert kinds(outbox) == [LoadFailed] and outbox[0].current_run_id == 0
    assert driver.trainer is None
