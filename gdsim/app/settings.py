"""What gdsim remembers between sessions, through QSettings: one place names every key.

QSettings stores values as strings in some back ends (INI files, for one), so every getter
converts and falls back to its default when a stored value is missing or unreadable: a damaged
settings file costs the user their preferences, never the app.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from gdsim.app.controls import STEP_N_MAX
from gdsim.app.theme import THEMES

MAX_RECENT = 8


class AppSettings:
    """Typed access to the settings: window layout, recent files, folders, theme, plot options."""

    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else QSettings()

    # ------------------------------------------------------------------ raw conversions
    def _bool(self, key: str, default: bool) -> bool:
        value = self.store.value(key, default)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def _int(self, key: str, default: int, low: int = -(2**31), high: int = 2**31 - 1) -> int:
        """An int in [low, high] (Qt's widgets take 32-bit ints and raise beyond them)."""
        try:
            value = int(self.store.value(key, default))
        except (TypeError, ValueError, OverflowError):
            return default
        return value if low <= value <= high else default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # ------------------------------------------------------------------ window layout
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def splitter_state(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    def save_layout(self, geometry: QByteArray, state: QByteArray, splitter: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)
        self.store.setValue("window/splitter", splitter)

    def bottom_tab(self, keys: tuple[str, ...], old_order: tuple[str, ...]) -> str | None:
        """The tab under the plots last shown, one of `keys`: remembered by name (before 0.2 by
        position in `old_order`, the tabs of that version)."""
        name = self.store.value("window/bottomTabName")
        if isinstance(name, str):
            return name if name in keys else None
        index = self._int("window/bottomTab", -1)
        return old_order[index] if 0 <= index < len(old_order) else None

    def set_bottom_tab(self, key: str) -> None:
        self.store.setValue("window/bottomTabName", str(key))
        self.store.remove("window/bottomTab")

    # ------------------------------------------------------------------ files and folders
    def recent_files(self) -> list[str]:
        value = self.store.value("recentFiles", [])
        if isinstance(value, str):  # one entry comes back as a plain string
            value = [value]
        return [str(p) for p in value or [] if p][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> list[str]:
        text = str(Path(path).resolve())
        recent = [text] + [p for p in self.recent_files() if p != text]
        self.store.setValue("recentFiles", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def remove_recent(self, path: str) -> None:
        self.store.setValue("recentFiles", [p for p in self.recent_files() if p != path])

    def folder(self, kind: str) -> str:
        """The last folder used for `kind` (config, export, images), or home if it is gone."""
        folder = str(self.store.value(f"folders/{kind}", "") or "")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def set_folder(self, kind: str, folder: str | Path) -> None:
        self.store.setValue(f"folders/{kind}", str(folder))

    # ------------------------------------------------------------------ look and plots
    def theme(self) -> str:
        name = str(self.store.value("look/theme", "system"))
        return name if name in THEMES else "system"

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r} (use one of {', '.join(THEMES)})")
        self.store.setValue("look/theme", name)

    def presenter(self) -> bool:
        return self._bool("look/presenter", False)

    def set_presenter(self, on: bool) -> None:
        self.store.setValue("look/presenter", bool(on))

    def log_cost(self) -> bool:
        return self._bool("plots/logCost", False)

    def set_log_cost(self, on: bool) -> None:
        self.store.setValue("plots/logCost", bool(on))

    def step_n(self) -> int:
        return self._int("training/stepN", 10, low=2, high=STEP_N_MAX)

    def set_step_n(self, n: int) -> None:
        self.store.setValue("training/stepN", int(n))

    def speed_index(self) -> int:
        return self._int("training/speedIndex", -1)

    def set_speed_index(self, index: int) -> None:
        self.store.setValue("training/speedIndex", int(index))

    # ------------------------------------------------------------------ reset
    def clear(self) -> None:
        """Forget everything (layout, recent files, folders, theme, plot options)."""
        self.store.clear()
        self.store.sync()
