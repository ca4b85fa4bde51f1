"""The protocol's types: they pickle (they cross pipes), and each request gets its answers."""

import pickle
import typing

import pytest

from gdsim.config import OptimizerConfig
from gdsim.session import protocol
from gdsim.session.protocol import (
    CancelExport,
    Command,
    Export,
    Exported,
    ExportFailed,
    ExportProgress,
    Failed,
    Load,
    LoadFailed,
    Message,
    Pause,
    Reset,
    Run,
    RunStarted,
    SetLearningRate,
    SetOptimizer,
    SetSpeedLimit,
    SetStopRules,
    Shutdown,
    SnapshotReady,
    Step,
)
from tests.session.fakes import ONE, finish, kinds, make_driver

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
    Export("/tmp/run.csv", 10),
    CancelExport(),
    Shutdown(),
]


def test_commands_and_messages_are_all_listed():
    assert set(typing.get_args(Command)) == {type(c) for c in COMMANDS}
    messages = {RunStarted, SnapshotReady, Failed, LoadFailed, ExportProgress}
    assert set(typing.get_args(Message)) == messages | {Exported, ExportFailed}
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
    ]
    for message in outbox:
        back = pickle.loads(pickle.dumps(message))
        assert type(back) is type(message)
        if isinstance(message, SnapshotReady):  # snapshots hold arrays: compare the values
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
    (SetStopRules(10, 0.5), []),
    (Export("{tmp}/run.csv"), [ExportProgress, Exported]),
    (CancelExport(), []),
    (Shutdown(), []),
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
    assert driver.handle(command) is not isinstance(command, Shutdown)
    if isinstance(command, Step):
        finish(driver)
    assert kinds(outbox) == answer


def test_anything_else_is_refused():
    driver, _, _ = make_driver()
    with pytest.raises(TypeError, match="not a training command"):
        driver.handle(("step", 1))
