"""The child process: its loop on fake pipes, and a real launch that loads no Qt and no app."""

import os
import subprocess
import sys
from collections import deque
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

import gdsim
from gdsim.session.child import serve
from gdsim.session.protocol import (
    Export,
    Exported,
    ExportProgress,
    Load,
    Run,
    RunStarted,
    SetLearningRate,
    SetSpeedLimit,
    SetStopRules,
    Shutdown,
    SnapshotReady,
    Step,
)
from tests.session.fakes import BUDGET, ONE, FakeClock, kinds, snapshots


class FakeCommands:
    """The commands pipe: the queued commands, then end of file (the window went away).
    Waiting in poll(timeout) with nothing queued moves the fake clock instead of sleeping."""

    def __init__(self, clock: FakeClock, *commands):
        self.clock = clock
        self.queue = deque(commands)

    def poll(self, timeout: float | None = 0.0) -> bool:
        if not self.queue and timeout:
            self.clock.advance(timeout)
        return bool(self.queue)

    def recv(self):
        if not self.queue:
            raise EOFError
        return self.queue.popleft()


class FakeMessages(list):
    closed = False

    def send(self, message) -> None:
        self.append(message)

    def close(self) -> None:
        self.closed = True


def serve_fake(*commands):
    clock = FakeClock()
    pipe, messages = FakeCommands(clock, *commands), FakeMessages()
    serve(pipe, messages, BUDGET, clock)
    return pipe, messages, clock


def test_serve_trains_until_end_of_file_and_closes_its_pipe():
    _, messages, _ = serve_fake(Load(ONE, 1), Step(5))
    assert kinds(messages)[:2] == [RunStarted, SnapshotReady]
    last = snapshots(messages)[-1]
    assert (last.step, last.running) == (5, False)
    assert messages.closed


def test_shutdown_ends_serve_and_leaves_later_commands_unread():
    pipe, messages, _ = serve_fake(Load(ONE, 1), Shutdown(), Step(3))
    assert kinds(messages) == [RunStarted, SnapshotReady]
    assert list(pipe.queue) == [Step(3)] and messages.closed


def test_commands_that_arrived_during_an_export_are_handled_next_in_order(tmp_path):
    path = tmp_path / "run.csv"
    _, messages, _ = serve_fake(
        Load(ONE, 1), Export(str(path)), SetLearningRate(0.05), SetStopRules(2, None), Run()
    )
    assert kinds(messages) == [
        RunStarted,
        SnapshotReady,
        ExportProgress,  # the three commands are read here, during the export
        Exported,
        SnapshotReady,  # the new learning rate, shown at once
        SnapshotReady,  # Run() under the step limit of 2
    ]
    shown, stopped = snapshots(messages)[1:]
    assert (shown.step, shown.learning_rate) == (0, 0.05)
    assert (stopped.step, stopped.learning_rate) == (2, 0.05)
    assert stopped.stop_reason == "reached the step limit (2)"
    assert path.exists()


def test_steps_queued_before_a_chunk_add_up():
    """Five quick Step clicks, all in the pipe before the next chunk: five updates."""
    _, messages, _ = serve_fake(Load(ONE, 1), *[Step(1)] * 5, Step(1000), Step(1000))
    last = snapshots(messages)[-1]
    assert (last.step, last.running) == (2005, False)
    assert [int(s) for snap in snapshots(messages) for s in snap.chunk.steps] == list(range(2006))


def test_waiting_for_a_speed_limit_is_a_wait_for_commands():
    _, messages, clock = serve_fake(Load(ONE, 1), SetSpeedLimit(4), Step(3))
    last = snapshots(messages)[-1]
    assert (last.step, last.running) == (3, False)
    # One step at once, then one every quarter second, waited for in the pipe's poll.
    assert clock.now - 100.0 == pytest.approx(0.5)


@pytest.mark.parametrize(
    "entry",
    [["-m", "gdsim.session.child"], ["-m", "gdsim", "--gdsim-trainer"]],
    ids=["python -m gdsim.session.child", "gdsim --gdsim-trainer"],
)
def test_the_child_process_trains_without_qt_or_the_app(entry, tmp_path):
    """Launched as the app launches it (two inherited pipes); -X importtime lists every module
    the child imported on its stderr."""
    commands_r, commands_w = os.pipe()
    messages_r, messages_w = os.pipe()
    env = dict(os.environ)
    root = str(Path(gdsim.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    args = [str(commands_r), str(messages_w), str(BUDGET)]
    child = subprocess.Popen(
        [sys.executable, "-X", "importtime", *entry, *args],
        pass_fds=(commands_r, messages_w),
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(commands_r)
    os.close(messages_w)
    commands = Connection(commands_w, readable=False)
    messages = Connection(messages_r, writable=False)
    received = []
    try:
        path = tmp_path / "run.csv"
        for command in (Load(ONE, 1), Step(3), Export(str(path)), Shutdown()):
            commands.send(command)
        while True:
            assert messages.poll(60), "the child stopped answering"
            try:
                received.append(messages.recv())
            except EOFError:
                break
        _, imports = child.communicate(timeout=60)
    finally:
        commands.close()
        messages.close()
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, imports
    assert kinds(received)[:2] == [RunStarted, SnapshotReady]
    assert snapshots(received)[-1].step == 3
    assert received[-1] == Exported(str(path)) and path.exists()
    loaded = {line.rsplit("|", 1)[-1].strip() for line in imports.splitlines() if "|" in line}
    assert "gdsim.session.driver" in loaded  # the list is real
    bad = sorted(
        m for m in loaded if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")
    ) + sorted(m for m in loaded if m == "gdsim.app" or m.startswith("gdsim.app."))
    assert bad == []
