"""The main window's files: open, save and export, the recent-files menu, the modified flag.

The window's config is the document: `open_config` replaces it (after asking, if the run has
steps no export has written), `save_config` writes it, `set_modified` marks it edited since.
Every question and error goes through ``window.dialogs`` (tests swap it for a stand-in).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMenu, QProgressDialog

from gdsim.config import ConfigError, load_config, save_config
from gdsim.errors import FileRefused, show_path
from gdsim.session.run_files import check_run_outputs

CONFIG_FILTER = "gdsim config (*.json);;All files (*)"


class ConfigFiles:
    """Open, save and export for `window`; `path` is the config file it shows (None: untitled)."""

    def __init__(self, window: QMainWindow):  # a gdsim.app.main_window.MainWindow
        self._window = weakref.ref(window)  # (the window owns this, not the other way round)
        self.path: Path | None = None
        self.recent_menu: QMenu | None = None  # set by the menus (window.actions)
        self._export_dialog: QProgressDialog | None = None
        # Every config file this window opened or saved: an export never overwrites one (the
        # trainer protects only the file its run was loaded from).
        self.config_files: list[Path] = []

    def connect(self) -> None:
        session = self._window().session
        session.export_progress.connect(self._on_export_progress)
        session.exported.connect(self._on_exported)
        session.export_failed.connect(self._on_export_failed)

    def _folder(self, key: str) -> str:
        return self._window().settings.folder(key)

    def _remember_folder(self, key: str, path: str | Path) -> None:
        self._window().settings.set_folder(key, Path(path).parent)

    # ------------------------------------------------------------------ configs
    def open_config_dialog(self) -> None:
        path = self._window().dialogs.open_file(
            "Open config", self._folder("config"), CONFIG_FILTER
        )
        if path:
            self.open_config(path)

    def open_config(self, path: str | Path) -> bool:
        """Load a config file; on any problem say what is wrong and keep everything as it was."""
        w = self._window()
        path = Path(path)
        try:
            config = load_config(path)
        except ConfigError as exc:  # (its text starts with the file's path)
            w.dialogs.error(f"Cannot open {path.name}", str(exc))
            return False
        if not w.may_replace_run(f"Opening {path.name} starts a new run."):
            return False
        self.path = path
        self._protect(path)
        w.config = config
        self._remember_folder("config", path)
        self._add_recent(path)
        w.form.set_config(config)
        self.set_modified(False)
        w.message_bar.hide()
        w.session.load(config)
        return True

    def save_config(self) -> bool:
        if self.path is None:
            return self.save_config_as()
        return self._write_config(self.path)

    def save_config_as(self) -> bool:
        suggested = str(self.path or Path(self._folder("config")) / "network.json")
        path = self._window().dialogs.save_file("Save config", suggested, CONFIG_FILTER)
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += ".json"
        return self._write_config(Path(path))

    def _write_config(self, path: Path) -> bool:
        w = self._window()
        try:
            save_config(w.config, path)
        except (OSError, ConfigError) as exc:
            w.dialogs.error("Cannot save config", _one_line(path, exc))
            return False
        self.path = path
        self._protect(path)
        self._remember_folder("config", path)
        self._add_recent(path)
        self.set_modified(False)
        w.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _protect(self, path: Path) -> None:
        path = path.absolute()
        if path not in self.config_files:
            self.config_files.append(path)

    # ------------------------------------------------------------------ exports
    def export_csv_dialog(self) -> None:
        suggested = str(Path(self._folder("export")) / "run.csv")
        path = self._window().dialogs.save_file("Export run CSV", suggested, "CSV (*.csv)")
        if path:
            if not path.lower().endswith(".csv"):
                path += ".csv"
            self.export_csv(path)

    def export_csv(self, path: str | Path) -> None:
        """Export in the trainer (it owns the history) with a progress dialog."""
        w = self._window()
        config = w.session.config
        if config is not None:
            try:  # the trainer checks again; this adds the config files saved since it loaded
                check_run_outputs(path, config, protect=self.config_files)
            except FileRefused as exc:
                w.message_bar.show_message(f"Export refused: {exc}", "error")
                return
            except OSError:
                pass  # (a missing folder and the like: the trainer says so)
        self._remember_folder("export", path)
        dialog = QProgressDialog("Writing the run CSV…", "Cancel", 0, 100, w)
        dialog.setWindowTitle("Export run")
        dialog.setMinimumDuration(500)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(w.session.cancel_export)
        self._export_dialog = dialog
        w.session.export(str(path))

    def _on_export_progress(self, done: int, total: int) -> None:
        if self._export_dialog is not None and total:
            self._export_dialog.setValue(int(100 * done / total))

    def close_export_dialog(self) -> None:
        if self._export_dialog is not None:
            self._export_dialog.reset()
            self._export_dialog.deleteLater()
            self._export_dialog = None

    def _on_exported(self, path: str) -> None:
        self.close_export_dialog()
        self._window().statusBar().showMessage(
            f"Exported the run to {path} (config beside it as {Path(path).stem}.json)", 8000
        )

    def _on_export_failed(self, message: str) -> None:
        self.close_export_dialog()
        self._window().message_bar.show_message(f"Export failed: {message}", "error")

    def export_images_dialog(self) -> None:
        w = self._window()
        folder = w.dialogs.choose_folder("Export plot images to folder", self._folder("images"))
        if not folder:
            return
        w.settings.set_folder("images", folder)
        try:
            written = w.plots.export_images(folder, "png") + w.plots.export_images(folder, "svg")
        except OSError as exc:
            w.dialogs.error("Cannot export images", str(exc))
            return
        w.statusBar().showMessage(f"Wrote {len(written)} images to {folder}", 8000)

    # ------------------------------------------------------------------ recent files, title
    def _add_recent(self, path: Path) -> None:
        self._window().settings.add_recent(path)
        self.update_recent_menu()

    def update_recent_menu(self) -> None:
        """One entry per remembered file; a file that has gone is shown disabled, not dropped
        (it may be on a drive that is not mounted now)."""
        menu = self.recent_menu
        menu.clear()
        recent = self._window().settings.recent_files()
        for path in recent:
            exists = Path(path).is_file()
            action = menu.addAction(Path(path).name + ("" if exists else " (missing)"))
            action.setToolTip(path)
            action.setStatusTip(path if exists else f"{path} no longer exists")
            action.setEnabled(exists)
            action.triggered.connect(lambda checked=False, p=path: self.open_config(p))
        if recent:
            menu.addSeparator()
            clear = menu.addAction("Clear list")
            clear.setObjectName("clearRecentAction")
            clear.triggered.connect(self._clear_recent)
        menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        settings = self._window().settings
        for path in settings.recent_files():
            settings.remove_recent(path)
        self.update_recent_menu()

    def set_modified(self, modified: bool) -> None:
        self._window().setWindowModified(modified)
        self.update_title()

    def update_title(self) -> None:
        name = self.path.name if self.path else "untitled"
        self._window().setWindowTitle(f"{name}[*] — gdsim")


def _one_line(path: Path, exc: Exception) -> str:
    """`exc` about `path` in one line that names the file once."""
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        return f"{show_path(path)}: the folder {show_path(path.parent)} does not exist"
    if isinstance(exc, OSError) and not isinstance(exc, FileRefused):
        return f"{show_path(path)}: {exc.strerror or exc}"  # (str() would add the path again)
    text = str(exc)
    if text.startswith((str(path), show_path(path))):
        return text
    return f"{show_path(path)}: {text}"
