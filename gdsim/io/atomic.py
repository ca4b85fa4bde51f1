"""Atomic file writing: write a temporary file beside the target, then rename it over.

A reader (or a crash) never sees a half-written file, and a failed write leaves no file behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

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
)


def _create_temp(target: Path) -> tuple[int, str]:
    """Create and open a new, uniquely named file beside `target`."""
    folder = target.parent
    for _ in range(100):
        name = os.path.join(folder, f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(name, _TEMP_FLAGS, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {target}")


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str],
    mode: str = "w",
    encoding: str | None = "utf-8",
    newline: str | None = "",
) -> Iterator[IO]:
    """Open a temporary file beside `path`; on clean exit it replaces `path`, on error it vanishes.

    Raises OSError (e.g. the folder does not exist or is not writable) before anything is written.
    A replaced file keeps its permission bits (POSIX); a new one gets the usual ones (0o666
    minus the umask).
    """
    target = Path(path)
    binary = "b" in mode
    fd, tmp_name = _create_temp(target)
    try:
        if os.name == "posix":
            with contextlib.suppress(OSError):  # usually: there is no file to replace yet
                os.chmod(fd, stat.S_IMODE(os.stat(target).st_mode))
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else newline
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_open(path, "w") as handle:
        handle.write(text)
