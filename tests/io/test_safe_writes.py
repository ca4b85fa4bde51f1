"""No user file is ever lost by a write: symlinks are followed, FIFOs, devices and read-only files
are never replaced, files written as a group replace their old versions together, and temporary
files go away on failure, on SIGTERM, and (after kill -9) at the next write in the folder."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gdsim.errors import FileRefused
from gdsim.io.atomic import atomic_files, atomic_open, atomic_write_text, clean_stale_temps

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files and signals")
ROOT = Path(__file__).resolve().parents[2]


def names(folder) -> list[str]:
    return sorted(os.listdir(folder))


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# ------------------------------------------------------------------------- what is replaced


@posix_only
def test_a_symlink_is_followed_not_replaced(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert names(tmp_path) == ["link.json", "real.json"]


@posix_only
def test_a_relative_symlink_into_another_folder_is_followed(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "a.csv").write_text("old")
    (tmp_path / "a.csv").symlink_to("store/a.csv")
    atomic_write_text(tmp_path / "a.csv", "new")
    assert (tmp_path / "a.csv").is_symlink()
    assert (tmp_path / "store" / "a.csv").read_text() == "new"
    assert names(tmp_path / "store") == ["a.csv"]


@posix_only
@pytest.mark.timeout(30)
def test_a_fifo_is_never_replaced(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="FIFO") as info:
        atomic_write_text(fifo, "x")
    assert isinstance(info.value, OSError) and "\n" not in str(info.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert names(tmp_path) == ["pipe.csv"]


@posix_only
def test_a_device_node_is_never_replaced(tmp_path):
    # (through a link, so that the old code could only replace the link, never /dev/null)
    link = tmp_path / "null.csv"
    link.symlink_to(os.devnull)
    with pytest.raises(FileRefused, match="character device"):
        atomic_write_text(link, "x")
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert names(tmp_path) == ["null.csv"]


def test_a_folder_is_refused_with_a_clear_reason(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(FileRefused, match="is a folder"):
        atomic_write_text(tmp_path / "out", "x")


@posix_only
def test_a_read_only_file_is_never_replaced(tmp_path):
    path = tmp_path / "kept.json"
    path.write_text("precious")
    path.chmod(0o444)
    with pytest.raises(FileRefused, match="read-only"):
        atomic_write_text(path, "new")
    assert path.read_text() == "precious"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert names(tmp_path) == ["kept.json"]


@posix_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_replaced_file_keeps_its_owner_and_group(tmp_path):
    path = tmp_path / "theirs.json"
    path.write_text("old")
    os.chown(path, 4321, 4322)
    path.chmod(0o664)
    atomic_write_text(path, "new")
    st = path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 4322, 0o664)
    assert path.read_text() == "new"


@posix_only
def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "a", "x")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


# ------------------------------------------------------------------------- groups of files


def test_a_group_replaces_all_files_together(tmp_path):
    a, b = tmp_path / "run.csv", tmp_path / "run.json"
    a.write_text("old csv")
    b.write_text("old json")
    with atomic_files([a, b], ["wb", "w"]) as (fa, fb):
        fa.write(b"new csv")
        fb.write("new json")
        assert a.read_text() == "old csv" and b.read_text() == "old json"
    assert (a.read_text(), b.read_text()) == ("new csv", "new json")
    assert names(tmp_path) == ["run.csv", "run.json"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_group_leaves_both_old_files(tmp_path, error):
    a, b = tmp_path / "run.csv", tmp_path / "run.json"
    a.write_text("old csv")
    b.write_text("old json")
    with pytest.raises(error), atomic_files([a, b]) as (fa, fb):
        fa.write("new csv")
        fb.write("new js")
        raise error()
    assert (a.read_text(), b.read_text()) == ("old csv", "old json")
    assert names(tmp_path) == ["run.csv", "run.json"]


@posix_only
def test_a_group_with_an_unwritable_member_writes_nothing(tmp_path):
    a, b = tmp_path / "run.csv", tmp_path / "run.json"
    a.write_text("old csv")
    b.write_text("old json")
    b.chmod(0o444)
    with pytest.raises(FileRefused), atomic_files([a, b]) as (fa, fb):
        fa.write("new")
    assert (a.read_text(), b.read_text()) == ("old csv", "old json")
    assert names(tmp_path) == ["run.csv", "run.json"]


def test_the_same_file_twice_in_a_group_is_refused(tmp_path):
    with (
        pytest.raises(FileRefused, match="same file"),
        atomic_files([tmp_path / "x.csv", tmp_path / "sub" / ".." / "x.csv"]),
    ):
        pass
    assert names(tmp_path) == []


# ------------------------------------------------------------------------- signals and kills


@posix_only
def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path):
    result = run_python(
        """
        import os, signal
        from gdsim.io.atomic import atomic_open
        with atomic_open("big.csv", "wb") as handle:
            handle.write(b"x" * 100_000)
            os.kill(os.getpid(), signal.SIGTERM)
            handle.write(b"never")
        """,
        tmp_path,
    )
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert "Traceback" not in result.stderr
    assert names(tmp_path) == []


@posix_only
def test_sigint_during_a_write_removes_the_temporary_file(tmp_path):
    result = run_python(
        """
        import os, signal
        from gdsim.io.atomic import atomic_open
        try:
            with atomic_open("big.csv", "wb") as handle:
                handle.write(b"x" * 100_000)
                os.kill(os.getpid(), signal.SIGINT)
                handle.write(b"never")
        except KeyboardInterrupt:
            print("interrupted")
        """,
        tmp_path,
    )
    assert result.stdout.strip() == "interrupted", result.stderr
    assert names(tmp_path) == []


@posix_only
def test_the_signal_handler_is_restored_after_a_write(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    atomic_write_text(tmp_path / "x", "x")
    assert signal.getsignal(signal.SIGTERM) is before


KILL_DURING_WRITE = """
import os, signal
from gdsim.io.atomic import atomic_files
with atomic_files(["run.csv", "run.json"], ["wb", "w"]) as (csv, js):
    csv.write(b"x" * 1_000_000)
    csv.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""

KILL_BETWEEN_RENAMES = """
import os, signal
import gdsim.io.atomic as atomic
real_replace = os.replace
def replace_then_die(src, dst):
    real_replace(src, dst)
    os.kill(os.getpid(), signal.SIGKILL)
atomic.os.replace = replace_then_die
with atomic.atomic_files(["run.csv", "run.json"], ["w", "w"]) as (csv, js):
    csv.write("new csv")
    js.write("new json")
"""


@posix_only
def test_temporary_files_of_a_killed_write_are_removed_by_the_next_write(tmp_path):
    (tmp_path / "run.csv").write_text("old csv")
    (tmp_path / "run.json").write_text("old json")
    result = run_python(KILL_DURING_WRITE, tmp_path)
    assert result.returncode == -signal.SIGKILL
    left = [n for n in names(tmp_path) if n.endswith(".tmp")]
    assert len(left) == 2  # kill -9 cannot be caught: the files stay until ...
    assert (tmp_path / "run.csv").read_text() == "old csv"
    atomic_write_text(tmp_path / "other.txt", "x")  # ... the next write in this folder
    assert names(tmp_path) == ["other.txt", "run.csv", "run.json"]
    assert (tmp_path / "run.csv").read_text() == "old csv"
    assert (tmp_path / "run.json").read_text() == "old json"


@posix_only
def test_a_kill_between_the_renames_is_completed_by_the_next_write(tmp_path):
    (tmp_path / "run.csv").write_text("old csv")
    (tmp_path / "run.json").write_text("old json")
    result = run_python(KILL_BETWEEN_RENAMES, tmp_path)
    assert result.returncode == -signal.SIGKILL
    assert (tmp_path / "run.csv").read_text() == "new csv"
    assert clean_stale_temps(tmp_path)  # (what the next write in the folder does first)
    assert names(tmp_path) == ["run.csv", "run.json"]
    assert (tmp_path / "run.json").read_text() == "new json"  # the pair is whole again


@posix_only
def test_a_target_changed_since_the_kill_is_not_overwritten(tmp_path):
    (tmp_path / "run.csv").write_text("old csv")
    (tmp_path / "run.json").write_text("old json")
    assert run_python(KILL_BETWEEN_RENAMES, tmp_path).returncode == -signal.SIGKILL
    time.sleep(0.05)
    (tmp_path / "run.json").write_text("edited by hand afterwards")
    future = time.time() + 10
    os.utime(tmp_path / "run.json", (future, future))
    clean_stale_temps(tmp_path)
    assert (tmp_path / "run.json").read_text() == "edited by hand afterwards"
    assert names(tmp_path) == ["run.csv", "run.json"]


def test_temporary_files_of_a_running_writer_are_left_alone(tmp_path):
    path = tmp_path / "run.csv"
    with atomic_open(path) as handle:
        handle.write("x")
        assert clean_stale_temps(tmp_path) == []  # this process is alive: its file is in use
        assert len(names(tmp_path)) == 1
    assert names(tmp_path) == ["run.csv"]


def test_old_style_temporary_files_of_the_target_are_removed(tmp_path):
    stale = tmp_path / ".run.csv.0123abcd.tmp"  # what gdsim wrote before
    stale.write_bytes(b"x" * 1000)
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    unrelated = tmp_path / ".notes.txt.0123abcd.tmp"
    unrelated.write_text("someone else's")
    os.utime(unrelated, (old, old))
    atomic_write_text(tmp_path / "run.csv", "new")
    assert names(tmp_path) == [".notes.txt.0123abcd.tmp", "run.csv"]
