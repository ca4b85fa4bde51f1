"""Opening input files safely: only regular files, within a size limit, never hanging.

A FIFO (named pipe) opened for reading waits for a writer, forever; ``/dev/zero`` never ends; a
folder is not a file. :func:`open_regular` opens without waiting (``O_NONBLOCK``), looks at what
it opened and refuses anything but a regular file, or a file over the caller's size limit, with
:class:`gdsim.errors.FileRefused` (an OSError naming the problem). Missing or unreadable files
raise the usual OSErrors (FileNotFoundError, PermissionError).
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import BinaryIO

from gdsim.errors import FileRefused, show_bytes

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOINHERIT", 0)
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words: "a folder", "a FIFO (named pipe)", ..."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(mode: int) -> str:
    """The problem with a file of this mode, worded for a message ("is a folder, not a file")."""
    kind = file_kind(mode)
    if kind == "a folder":
        return "is a folder, not a file"
    if kind == "not a regular file":
        return "is not a regular file"
    return f"is {kind}, not a regular file"


def too_large(size: int, limit: int, what: str) -> str:
    shown = show_bytes(size)
    if shown == show_bytes(limit):  # just over: the rounded figures would look the same
        shown = f"{size:,} bytes"
    return f"is {shown}; the limit for {what} is {show_bytes(limit)}"


def open_regular(
    path: str | os.PathLike[str], max_bytes: int | None = None, what: str = "this file"
) -> BinaryIO:
    """Open a regular file for reading in binary mode (symlinks are followed).

    Refuses (FileRefused) anything that is not a regular file, and a file larger than
    `max_bytes` (`what` names the kind of file in that message: "a config file").
    """
    if "\0" in os.fsdecode(path):  # os.open would raise a bare ValueError
        raise FileRefused(path, "the name holds a NUL character, which no file name can")
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(path, not_regular(st.st_mode))
        if max_bytes is not None and st.st_size > max_bytes:
            raise FileRefused(path, too_large(st.st_size, max_bytes, what))
        if _READ_FLAGS & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise


def read_limited(path: str | os.PathLike[str], max_bytes: int, what: str = "this file") -> bytes:
    """The bytes of a regular file of at most `max_bytes` (one that grows past it while being
    read is refused too)."""
    with open_regular(path, max_bytes, what) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(path, f"is larger than {show_bytes(max_bytes)}, the limit for {what}")
    return data


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file: the same inode when both exist (through symlinks,
    hard links, ``..`` and case-insensitive names), else the same resolved path."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        pass
    try:
        ra, rb = os.path.realpath(a), os.path.realpath(b)
    except (OSError, ValueError):
        return False
    return os.path.normcase(ra) == os.path.normcase(rb)
