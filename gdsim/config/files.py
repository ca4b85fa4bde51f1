"""Config files: read and validate a JSON config, write one atomically, and the canonical text."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path, PurePath
from typing import Any

from gdsim.config.dict_form import config_to_dict
from gdsim.config.errors import ConfigError
from gdsim.config.schema import Config, config_from_dict, validate_config


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


def _file_error(name: str, text: str) -> ConfigError:
    return ConfigError(text, None, file=name)


def _parse_json(text: str, name: str) -> Any:
    if not text.strip():
        raise _file_error(name, "the file is empty (expected a JSON object)")
    try:
        return json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as err:
        hint = ""
        # JSON allows no comma before } or ]. Python 3.13 stops at that comma (its own text
        # names it), older Pythons after it ("Expecting value"): our words for both.
        after = text[err.pos :]
        if text[: err.pos].rstrip().endswith(",") or (
            after.startswith(",") and after[1:].lstrip()[:1] in ("}", "]")
        ):
            hint = " (JSON allows no comma after the last item)"
        raise _file_error(
            name, f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}{hint}"
        ) from None
    except RecursionError:
        raise _file_error(name, "invalid JSON: nested too deeply") from None


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a UTF-8 JSON config file (a byte-order mark is fine).

    Every error names the file: ``"run.json: file not found"``, ``"run.json: invalid JSON at
    line 3, column 5: ..."``, ``"run.json: loss: unknown value ..."`` (then ``err.key`` is
    ``"loss"`` and ``err.file`` is ``"run.json"``). The config's ``base_dir`` is the file's folder.
    """
    name = os.fspath(path)
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise _file_error(name, "file not found") from None
    except IsADirectoryError:
        raise _file_error(name, "is a folder, not a file") from None
    except PermissionError:
        raise _file_error(name, "permission denied") from None
    except OSError as err:
        raise _file_error(name, f"cannot read the file ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _file_error(
            name, f"not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})"
        ) from None
    data = _parse_json(text, name)
    try:
        return config_from_dict(data, base_dir=file.absolute().parent)
    except ConfigError as err:
        raise ConfigError(err.message, err.key, file=name) from None


def dumps_config(cfg: Config) -> str:
    """The canonical JSON text of ``cfg`` (indent 2, trailing newline). Does not validate."""
    return json.dumps(config_to_dict(cfg), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _same_dir(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def save_config(cfg: Config, path: str | os.PathLike[str]) -> None:
    """Validate ``cfg`` and write it atomically as pretty JSON.

    A relative CSV path is rewritten relative to the new file's folder when that differs from
    where the path pointed so far (``base_dir``, or the working directory), so the saved config
    still finds the same file. OSError (folder missing, not writable) propagates.
    """
    from gdsim.io.atomic import atomic_write_text

    checked = validate_config(cfg)
    target = Path(path)
    dest_dir = target.absolute().parent
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
    atomic_write_text(target, dumps_config(checked))
