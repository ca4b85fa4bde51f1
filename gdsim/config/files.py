"""Config files: read and validate a JSON config, write one atomically, and the canonical text."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any

from gdsim.config.dict_form import config_to_dict
from gdsim.config.errors import ConfigError, parse_json_int
from gdsim.config.names import MAX_CONFIG_FILE_BYTES
from gdsim.config.schema import Config, config_from_dict, validate_config
from gdsim.errors import FileRefused, show_path
from gdsim.io.files import read_limited, same_file


class _JsonObject(dict):
    """A JSON object that remembers keys given more than once (json keeps only the last)."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            dups = []
            for key, _ in pairs:
                if key in seen and key not in dups:
                    dups.append(key)
                seen.add(key)
            obj.duplicates = tuple(dups)
        return obj


def read_text_file(file: Path, limit: int, what: str, fail: Callable[[str], Exception]) -> str:
    """A user's UTF-8 text file (a byte-order mark is fine) of at most `limit` bytes: a FIFO,
    a device, a folder or a bigger file is refused at once, never waited on; every problem
    raises ``fail(one-line reason)``. `what` names the file's kind ("a config file")."""
    try:
        raw = read_limited(file, limit, what)
    except FileRefused as err:
        raise fail(err.strerror) from None
    except FileNotFoundError:
        raise fail("file not found") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as err:
        raise fail(f"cannot read the file ({err.strerror or err})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise fail(f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})") from None


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


def parse_json(text: str, fail: Callable[[str], Exception], *, finite_only: bool = False) -> Any:
    """The JSON value of a file's `text`, its objects remembering duplicate keys
    (``.duplicates``); anything else raises ``fail(one-line reason)``. `finite_only`: the
    literals NaN and Infinity are refused too (a config's own checks name them later)."""
    if not text.strip():
        raise fail("the file is empty (expected a JSON object)")
    constants = {"parse_constant": _refuse_constant} if finite_only else {}
    try:
        return json.loads(
            text, object_pairs_hook=_JsonObject.from_pairs, parse_int=parse_json_int, **constants
        )
    except _NonFinite as err:
        raise fail(f"invalid JSON: {err} is not a JSON number (write a finite number)") from None
    except json.JSONDecodeError as err:
        hint = ""
        # JSON allows no comma before } or ]. Python 3.13 stops at that comma (its own text
        # names it), older Pythons after it ("Expecting value"): our words for both. A file
        # that stops early (`{"a": 1,` and nothing after) is told so, comma or not.
        after = text[err.pos :]
        if not after.strip() or err.msg.startswith("Unterminated string"):
            hint = " (the file ends before the JSON is complete: is it cut short?)"
        elif (
            text[: err.pos].rstrip().endswith(",")
            and after.lstrip()[:1] in ("}", "]")
            or (after.startswith(",") and after[1:].lstrip()[:1] in ("}", "]"))
        ):
            hint = " (JSON allows no comma after the last item)"
        raise fail(
            f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}{hint}"
        ) from None
    except RecursionError:
        raise fail("invalid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. a float literal Python will not convert: one line anyway
        raise fail(f"invalid JSON: {err}") from None


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a UTF-8 JSON config file (a byte-order mark is fine).

    Every error names the file: ``"run.json: file not found"``, ``"run.json: invalid JSON at
    line 3, column 5: ..."``, ``"run.json: loss: unknown value ..."`` (then ``err.key`` is
    ``"loss"`` and ``err.file`` is ``"run.json"``). Only a regular file of at most
    MAX_CONFIG_FILE_BYTES is read: a FIFO, a device or a huge file is refused at once. The
    config's ``base_dir`` is the file's folder and its ``config_file`` the file itself.
    """
    name = os.fspath(path)
    file = Path(path)

    def fail(reason: str) -> ConfigError:
        return ConfigError(reason, None, file=show_path(name))

    text = read_text_file(file, MAX_CONFIG_FILE_BYTES, "a config file", fail)
    data = parse_json(text, fail)
    try:
        config = config_from_dict(data, base_dir=file.absolute().parent)
    except ConfigError as err:
        raise ConfigError(err.message, err.key, file=show_path(name)) from None
    return dataclasses.replace(config, config_file=file.absolute())


def dumps_config(cfg: Config) -> str:
    """The canonical JSON text of ``cfg`` (indent 2, trailing newline). Does not validate."""
    return json.dumps(config_to_dict(cfg), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _same_dir(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def config_for_folder(cfg: Config, folder: str | os.PathLike[str]) -> Config:
    """``cfg`` validated, with a relative CSV path rewritten relative to `folder` when that
    differs from where the path pointed so far (``base_dir``, or the working directory), so a
    config written into `folder` still finds the same data file."""
    checked = validate_config(cfg)
    dest_dir = Path(os.path.abspath(folder))
    if (
        checked.mode == "network"
        and checked.data.source == "csv"
        and not Path(checked.data.path).expanduser().is_absolute()
    ):
        base = Path(checked.base_dir) if checked.base_dir is not None else Path.cwd()
        if not _same_dir(base, dest_dir):
            data_file = checked.data_path()
            try:
                new_path = PurePath(os.path.relpath(data_file, dest_dir)).as_posix()
            except ValueError:  # Windows: another drive
                new_path = str(data_file)
            checked = dataclasses.replace(
                checked, data=dataclasses.replace(checked.data, path=new_path)
            )
    return checked


def save_config(cfg: Config, path: str | os.PathLike[str]) -> None:
    """Validate ``cfg`` and write it atomically as pretty JSON.

    A relative CSV path is rewritten relative to the new file's folder when that differs from
    where the path pointed so far (``base_dir``, or the working directory), so the saved config
    still finds the same file. Saving through a symlink replaces the file it points to. OSError
    (folder missing, not writable) propagates, and FileRefused (an OSError) for a target that
    is the config's own data file, not a regular file, or read-only.
    """
    from gdsim.io.atomic import atomic_write_text

    target = Path(path)
    checked = config_for_folder(cfg, target.absolute().parent)
    data_file = (
        checked.data_path() if checked.mode == "network" and checked.data.source == "csv" else None
    )
    if data_file is not None and same_file(target, data_file):
        raise FileRefused(path, "is the config's data file; saving there would overwrite the data")
    atomic_write_text(target, dumps_config(checked))
