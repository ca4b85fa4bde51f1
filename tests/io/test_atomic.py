"""Atomic writes: the target is either the old file or the complete new one, never a mix."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from gdsim.io.atomic import atomic_open, atomic_write_text

posix_only = pytest.mark.skipif(
    os.name != "posix" or sys.platform == "cygwin", reason="POSIX permission bits"
)


def names(folder) -> list[str]:
    return sorted(os.listdir(folder))


def test_atomic_write_text_creates_the_file(tmp_path):
    path = tmp_path / "notes.txt"
    atomic_write_text(path, "héllo\nworld\n")
    assert path.read_bytes() == "héllo\nworld\n".encode()
    assert names(tmp_path) == ["notes.txt"]


def test_atomic_write_text_replaces_an_existing_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("a much longer old text that must not leave a tail behind\n")
    atomic_write_text(path, "new\n")
    assert path.read_text() == "new\n"
    assert names(tmp_path) == ["notes.txt"]


def test_atomic_write_text_accepts_a_plain_string_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    atomic_write_text("relative.txt", "x")
    assert (tmp_path / "relative.txt").read_text() == "x"
    assert names(tmp_path) == ["relative.txt"]


def test_newlines_are_written_as_given(tmp_path):
    path = tmp_path / "lines.txt"
    atomic_write_text(path, "a\nb\r\nc")
    assert path.read_bytes() == b"a\nb\r\nc"


def test_binary_mode(tmp_path):
    path = tmp_path / "data.bin"
    with atomic_open(path, "wb") as handle:
        handle.write(b"\x00\x01\n\xff")
    assert path.read_bytes() == b"\x00\x01\n\xff"


def test_nothing_is_visible_at_the_target_until_the_block_ends(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    with atomic_open(path) as handle:
        handle.write("new\n")
        handle.flush()
        assert path.read_text() == "old\n"
        assert len(names(tmp_path)) == 2  # the temporary file, beside the target
    assert path.read_text() == "new\n"
    assert names(tmp_path) == ["out.txt"]


def test_an_exception_inside_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old\n")
    with pytest.raises(RuntimeError, match="boom"), atomic_open(path) as handle:
        handle.write("half of the new conte")
        raise RuntimeError("boom")
    assert path.read_text() == "old\n"
    assert names(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_exception_inside_leaves_no_file_when_there_was_none(tmp_path, error):
    path = tmp_path / "out.txt"
    with pytest.raises(error), atomic_open(path, "wb") as handle:
        handle.write(b"partial")
        raise error()
    assert names(tmp_path) == []


def test_a_missing_folder_raises_oserror_before_anything_is_written(tmp_path):
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "no" / "such" / "file.txt", "x")
    assert names(tmp_path) == []


def test_writing_onto_a_folder_fails_and_cleans_up(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "folder", "x")
    assert names(tmp_path) == ["folder"]
    assert names(tmp_path / "folder") == []


@posix_only
def test_a_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "new.txt"
    atomic_write_text(path, "x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


@posix_only
def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "kept.txt"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
