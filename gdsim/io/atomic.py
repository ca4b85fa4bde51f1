"""Atomic file writing: temporary files beside the targets, then renames over them.

A reader (or a crash) never sees a half-written file, and a failed write leaves no file behind.
The rules every write keeps (:func:`atomic_files`, :func:`atomic_open`, :func:`atomic_write_text`):

- **Symlinks are followed**: writing to a link replaces the file it points to, not the link.
- **Only regular files are replaced**: a FIFO, a device node, a socket or a folder at the target
  is refused (:class:`gdsim.errors.FileRefused`, an OSError), as is a **read-only** file (no
  write permission bit, or no write access). A replaced file keeps its permission bits, and its
  owner and group where the system allows (POSIX).
- **Several files are written as a group**: :func:`atomic_files` writes every temporary file
  first and renames them over their targets one after another, with SIGINT/SIGTERM held back
  in between, so either all targets are replaced or none.
- **No temporary file outlives a write**: it is removed on any exception, on Ctrl+C and on
  SIGTERM/SIGHUP (turned into :class:`Terminated` for the time of the write, in the main thread).
  One left by a process that was killed outright (``kill -9``, power loss) is ours by its name
  (``.NAME.gdsim-PID-TOKEN-IofN.tmp``) and is cleaned up by the next write in that folder once
  its process has gone: deleted, or, when the group's first file had already been renamed,
  renamed over its target so that the group is complete (unless that target changed since).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from gdsim.errors import FileRefused
from gdsim.io.files import not_regular, same_file

__all__ = ["Terminated", "atomic_files", "atomic_open", "atomic_write_text", "check_output"]

# Like tempfile.mkstemp's flags, but the file is created with mode 0o666 so that the umask
# applies: the result gets the permissions any newly created file would get (mkstemp's 0o600
# would make every saved file private to its owner).
_TEMP_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOINHERIT", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_NAME_MAX = 255  # bytes in a file name on common file systems
_TEMP = re.compile(
    r"^\.(?P<name>.+)\.gdsim-(?P<pid>\d{1,10})-(?P<token>[0-9a-f]{8})-"
    r"(?P<index>[1-9])of(?P<count>[1-9])(?P<flag>x?)\.tmp$"
)
_LEGACY_TEMP = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.tmp$")  # written by gdsim <= 0.x
STALE_SECONDS = 24 * 3600  # a temporary file this old is stale even if its PID is alive again
_LEGACY_STALE_SECONDS = 3600
_HELD_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_FATAL_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived during a write (whose temporary files are then removed). A
    SystemExit with status 128 + the signal number, so that uncaught it ends the process as the
    signal would have, without a traceback."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


# --------------------------------------------------------------------------------- targets


def check_output(path: str | os.PathLike[str]) -> Path:
    """The file a write to `path` would replace (symlinks followed), checked: FileRefused if it
    exists and is not a regular file, or is read-only. A missing file is fine (it is created);
    a missing folder is reported by the write itself."""
    real = os.path.realpath(os.fspath(path))
    if os.path.islink(real):
        raise FileRefused(path, "is a symbolic link that leads to itself (a loop)")
    try:
        st = os.stat(real)
    except OSError:
        return Path(real)
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused(path, f"{not_regular(st.st_mode)}; gdsim replaces only regular files")
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise FileRefused(path, "is read-only; gdsim does not replace read-only files")
    return Path(real)


def _temp_name(target: Path, pid: int, token: str, index: int, count: int, flag: str) -> str:
    name = target.name
    tail = f".gdsim-{pid}-{token}-{index}of{count}"
    while len(os.fsencode(f".{name}{tail}{flag}.tmp")) > _NAME_MAX:
        name, flag = name[: max(1, len(name) - 16)], "x"  # too long to be renamed back later
        if len(name) == 1:
            break
    return os.path.join(target.parent, f".{name}{tail}{flag}.tmp")


def _copy_owner_and_mode(fd: int, target: Path) -> None:
    if os.name != "posix":
        return
    try:
        st = os.stat(target)
    except OSError:  # usually: there is no file to replace yet
        return
    with contextlib.suppress(OSError):
        mine = os.fstat(fd)
        if (st.st_uid, st.st_gid) != (mine.st_uid, mine.st_gid):
            try:
                os.fchown(fd, st.st_uid, st.st_gid)  # root may
            except OSError:
                os.fchown(fd, -1, st.st_gid)  # others may at least keep the group
    with contextlib.suppress(OSError):
        os.chmod(fd, stat.S_IMODE(st.st_mode))


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------------- signals


@contextlib.contextmanager
def _terminate_by_exception() -> Iterator[None]:
    """SIGTERM/SIGHUP raise Terminated meanwhile (main thread, default handlers only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def raise_terminated(signum, frame):
        raise Terminated(signum)

    try:
        for signum in _FATAL_SIGNALS:
            with contextlib.suppress(OSError, ValueError):
                if signal.getsignal(signum) is signal.SIG_DFL:
                    previous[signum] = signal.signal(signum, raise_terminated)
        yield
    finally:
        for signum, handler in previous.items():
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signum, handler)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT/SIGTERM/SIGHUP wait until the block ends (POSIX; elsewhere nothing is held)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# --------------------------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_files(
    paths: Sequence[str | os.PathLike[str]],
    modes: Sequence[str] | None = None,
    encoding: str | None = "utf-8",
    newline: str | None = "",
) -> Iterator[list[IO]]:
    """Open a temporary file for each path; on clean exit they replace the paths together, on
    error they vanish and the old files stay as they were.

    `modes` are open() modes per file ("w" text by default, "wb" binary). Raises FileRefused for
    a target that must not be replaced (see the module's docstring) or two paths naming the same
    file, and OSError (e.g. the folder does not exist or is not writable) before anything is
    written.
    """
    paths = list(paths)
    if not 1 <= len(paths) <= 9:
        raise ValueError(f"atomic_files writes 1 to 9 files at once, got {len(paths)}")
    modes = list(modes) if modes is not None else ["w"] * len(paths)
    if len(modes) != len(paths):
        raise ValueError("atomic_files: one mode per path")
    targets = [check_output(p) for p in paths]
    for i, target in enumerate(targets):
        for j in range(i):
            if same_file(targets[j], target):
                raise FileRefused(paths[i], f"is the same file as {paths[j]}")
    folders = {t.parent for t in targets}
    for folder in folders:
        clean_stale_temps(folder, [t.name for t in targets if t.parent == folder])
    count, pid, token = len(targets), os.getpid(), secrets.token_hex(4)
    flag = "" if len(folders) == 1 else "x"  # a group across folders cannot be completed later

    temps: list[str] = []
    handles: list[IO] = []
    committed = 0
    with _terminate_by_exception():
        try:
            for index, (target, mode) in enumerate(zip(targets, modes, strict=True), start=1):
                name = _temp_name(target, pid, token, index, count, flag)
                fd = os.open(name, _TEMP_FLAGS, 0o666)
                temps.append(name)
                try:
                    _copy_owner_and_mode(fd, target)
                    binary = "b" in mode
                    handle = os.fdopen(
                        fd,
                        mode,
                        encoding=None if binary else encoding,
                        newline=None if binary else newline,
                    )
                except BaseException:
                    os.close(fd)
                    raise
                handles.append(handle)
            yield handles
            for handle in handles:
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
            with _signals_held():
                for name, target in zip(temps, targets, strict=True):
                    os.replace(name, target)
                    committed += 1
            for folder in folders:
                _sync_folder(folder)
        except BaseException:
            for handle in handles:
                with contextlib.suppress(OSError):
                    handle.close()
            for name in reversed(temps[committed:]):  # the first one last: see _clean_group
                with contextlib.suppress(OSError):
                    os.unlink(name)
            raise


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str],
    mode: str = "w",
    encoding: str | None = "utf-8",
    newline: str | None = "",
) -> Iterator[IO]:
    """Open a temporary file beside `path`; on clean exit it replaces `path`, on error it vanishes.

    Raises FileRefused (an OSError) for a target that is not a regular file or is read-only, and
    OSError (e.g. the folder does not exist or is not writable) before anything is written.
    A replaced file keeps its permission bits (POSIX); a new one gets the usual ones (0o666
    minus the umask).
    """
    with atomic_files([path], [mode], encoding, newline) as (handle,):
        yield handle


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_open(path, "w") as handle:
        handle.write(text)


# --------------------------------------------------------------------------------- clean-up


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no safe probe here (os.kill would end the process): age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process
    return True


def clean_stale_temps(folder: str | os.PathLike[str], targets: Sequence[str] = ()) -> list[str]:
    """Finish or remove the temporary files that writes of killed processes left in `folder`;
    returns the names of the files touched. Never raises.

    Also removes an hour-old temporary file of an older gdsim (``.NAME.1234abcd.tmp``) for each
    file name in `targets` (the files about to be written)."""
    touched: list[str] = []
    groups: dict[tuple[str, str], dict[int, tuple[str, re.Match[str]]]] = {}
    now = time.time()
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if e.name.startswith(".") and e.name.endswith(".tmp")]
    except OSError:
        return touched
    for name in names:
        match = _TEMP.match(name)
        if match is not None:
            key = (match["pid"], match["token"])
            groups.setdefault(key, {})[int(match["index"])] = (name, match)
            continue
        legacy = _LEGACY_TEMP.match(name)
        if legacy is not None and legacy["name"] in targets:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if now - os.lstat(path).st_mtime > _LEGACY_STALE_SECONDS:
                    os.unlink(path)
                    touched.append(name)
    for (pid, _token), members in groups.items():
        first = next(iter(members.values()))[1]
        path = os.path.join(folder, first.group(0))
        try:
            age = now - os.lstat(path).st_mtime
        except OSError:
            continue
        if _process_alive(int(pid)) and age < STALE_SECONDS:
            continue
        touched += _clean_group(Path(folder), members)
    return touched


def _clean_group(folder: Path, members: dict[int, tuple[str, re.Match[str]]]) -> list[str]:
    """A group's temporary files: all still there (index 1 too) means it never committed, so
    they go; index 1 gone means the renames had begun, so the others are renamed over their
    targets (each only if its target has not changed since the temporary file was written)."""
    touched = []
    committing = 1 not in members
    for index in sorted(members, reverse=not committing):
        name, match = members[index]
        temp = folder / name
        target = folder / match["name"]
        with contextlib.suppress(OSError):
            if committing and not match["flag"] and _unchanged_since(target, temp):
                os.replace(temp, target)
            else:
                os.unlink(temp)
            touched.append(name)
    return touched


def _unchanged_since(target: Path, temp: Path) -> bool:
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return True
    return stat.S_ISREG(st.st_mode) and st.st_mtime <= os.lstat(temp).st_mtime
