"""The protocol's types: they pickle (they cross pipes), and each request gets its answers."""

import pickle
import typing

import pytest

from gdsim.config import OptimizerConfig
from gdsim.session import protocol
from gdsim.session.protocol import (
    CancelCompare,
    CancelExport,
    Command,
    Compare,
    CompareDone,
    CompareExported,
    CompareFailed,
    CompareProgress,
    CompareStarted,
    Export,
    ExportCompare,
    Exported,
    ExportFailed,
    ExportProgress,
    Failed,
    Freeze,
    Load,
    LoadFailed,
    Message,
    Pause,
    Reset,
    Rewind,
    Run,
    RunStarted,
    SetLearningRate,
    SetOptimizer,
    SetParameters,
    SetSpeedLimit,
    SetStopRules,
    Shutdown,
    SnapshotReady,
    Step,
)
from tests.session.fakes import ONE, finish, kinds, make_driver, snapshots

COMMANDS = [
    Load(ONE, 3),
    Reset(7, 4),
    Reset(None, 5),
    Step(10),
    Run(),
    Pause(),
    SetLearningRate(0.5),
    SetOptimizer(OptimizerConfig(name="adam", learning_rate=0.01)),
    SetSpeedLimit(None),
    SetSpeedLimit(120.0),
    SetStopRules(100, None),
    SetStopRules(None, 1e-3),
    Rewind(3, 6),
    SetParameters({"w": 0.5}, 7),
    Freeze(("w",), True),
    Export("/tmp/run.csv", 10),
    CancelExport(),
    Shutdown(),
    Compare(({"learning_rate": 0.01}, {}), ("lr 0.01", "as the run"), 100, 2),
    CancelCompare(),
    ExportCompare("/tmp/variants"),
]


def test_commands_and_messages_are_all_listed():
    assert set(typing.get_args(Command)) == {type(c) for c in COMMANDS}
    messages = {RunStarted, SnapshotReady, Failed, LoadFailed, ExportProgress}
    compares = {CompareStarted, CompareProgress, CompareDone, CompareFailed, CompareExported}
    assert set(typing.get_args(Message)) == messages | {Exported, ExportFailed} | compares
    assert set(protocol.__all__) == {
        t.__name__ for t in (*typing.get_args(Command), *typing.get_args(Message))
    } | {"Command", "Message"}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_commands_pickle_and_are_frozen(command):
    assert pickle.loads(pickle.dumps(command)) == command
    with pytest.raises(AttributeError):
        command.n = 1  # frozen (a new field or an existing one alike)


def test_messages_pickle():
    driver, outbox, _ = make_driver()
    driver.handle(Load(ONE, 1))
    outbox += [
        Failed("boom"),
        LoadFailed("no", 1),
        ExportProgress(5, 10),
        Exported("/tmp/run.csv"),
        ExportFailed("full"),
        CompareDone(3, stopped=True),
        CompareFailed("variant 1 (lr 0): optimizer.learning_rate: must be > 0", 3),
        CompareExported(("/tmp/variant-1-lr-0.01.csv",)),
    ]
    driver.handle(Compare(({"learning_rate": 0.01},), ("lr 0.01",), 5, 3))
    for message in outbox:
        back = pickle.loads(pickle.dumps(message))
        assert type(back) is type(message)
        if isinstance(message, CompareProgress):  # arrays: compare the values
            assert back.variants[0].cost.tolist() == message.variants[0].cost.tolist() == [4.0]
        elif isinstance(message, SnapshotReady):  # snapshots hold arrays: compare the values
            assert back.snapshot.step == message.snapshot.step == 0
            assert back.snapshot.parameters.tolist() == message.snapshot.parameters.tolist()
        else:
            assert back == message


ANSWERS = [
    (Load(ONE, 2), [RunStarted, SnapshotReady]),
    (Reset(None, 2), [RunStarted, SnapshotReady]),
    (Step(1), [SnapshotReady]),  # from the tick that trains it
    (Run(), []),  # then a snapshot from every tick (see test_driver)
    (Pause(), []),  # not running: nothing to pause
    (SetLearningRate(0.2), [SnapshotReady]),
    (SetOptimizer(OptimizerConfig(name="adam", learning_rate=0.01)), [SnapshotReady]),
    (
        SetOptimizer(OptimizerConfig(name="sgd", learning_rate=0.1, momentum=-1)),
        [Failed, SnapshotReady],
    ),
    (SetSpeedLimit(10.0), []),
    (SetSpeedLimit(float("inf")), []),  # as fast as possible, like None
    (SetStopRules(10, 0.5), []),
    (Export("{tmp}/run.csv"), [ExportProgress, Exported]),
    (CancelExport(), []),
    (Shutdown(), []),
    (Compare(({},), ("as the run",), 3, 1), [CompareStarted, CompareProgress]),
    (CancelCompare(), []),  # nothing to stop
    (ExportCompare("{tmp}"), [CompareFailed]),  # nothing to export
]


@pytest.mark.parametrize(
    ("command", "answer"),
    ANSWERS,
    ids=[f"{type(c).__name__}-{i}" for i, (c, _) in enumerate(ANSWERS)],
)
def test_each_request_gets_its_answer(command, answer, tmp_path):
    driver, outbox, _ = make_driver()
    driver.handle(Load(ONE, 1))
    outbox.clear()
    if isinstance(command, Export):
        command = Export(command.path.format(tmp=tmp_path))
    if isinstance(command, ExportCompare):
        command = ExportCompare(command.folder.format(tmp=tmp_path))
    assert driver.handle(command) is not isinstance(command, Shutdown)
    if isinstance(command, Step):
        finish(driver)
    assert kinds(outbox) == answer


def test_anything_else_is_refused():
    driver, outbox, _ = make_driver()
    assert driver.handle(("step", 1)) is True  # answered, and the driver goes on
    assert outbox == [Failed("not a training command: ('step', 1)")]


BAD = [
    (Step(0), [Failed]),
    (Step(-3), [Failed]),
    (Step(2.5), [Failed]),
    (SetLearningRate(-0.1), [Failed, SnapshotReady]),  # the rate in force, shown again
    (SetLearningRate(float("nan")), [Failed, SnapshotReady]),
    (SetLearningRate(float("inf")), [Failed, SnapshotReady]),
    (SetLearningRate(0.0), [Failed, SnapshotReady]),
    (SetLearningRate(5000.0), [Failed, SnapshotReady]),
    (
        SetOptimizer(OptimizerConfig(name="adam", learning_rate=0.01, beta1=2.0)),
        [Failed, SnapshotReady],
    ),
    (SetOptimizer(OptimizerConfig(name="nope")), [Failed, SnapshotReady]),
    (SetSpeedLimit(-5.0), [Failed]),
    (SetSpeedLimit(float("nan")), [Failed]),
    (SetStopRules(-1, None), [Failed]),
    (SetStopRules(2.5, None), [Failed]),
    (SetStopRules(None, float("nan")), [Failed]),
    (Reset(-1, 2), [LoadFailed]),
    (Reset(2**40, 2), [LoadFailed]),
    (Export("{tmp}/run.csv", 0), [ExportFailed]),
]


@pytest.mark.parametrize(
    ("command", "answer"), BAD, ids=[f"{type(c).__name__}-{i}" for i, (c, _) in enumerate(BAD)]
)
def test_a_bad_value_is_answered_and_the_run_goes_on(command, answer, tmp_path):
    driver, outbox, _ = make_driver()
    driver.handle(Load(ONE, 1))
    driver.handle(Step(2))
    finish(driver)
    outbox.clear()
    if isinstance(command, Export):
        command = Export(command.path.format(tmp=tmp_path), command.every)
    assert driver.handle(command) is True
    assert kinds(outbox) == answer
    text = outbox[0].text
    assert "\n" not in text and "internal error" not in text and text
    if isinstance(outbox[0], LoadFailed):
        assert outbox[0].current_run_id == 1  # the run shown goes on
    driver.handle(Step(1))
    finish(driver)
    last = snapshots(outbox)[-1]
    assert (last.run_id, last.step, last.learning_rate) == (1, 3, 0.1)
