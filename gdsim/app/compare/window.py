"""The Compare runs window (Training ▸ Compare runs…): variants of the run trained side by side.

Non-modal, one per main window. The learner lists up to six variants (each changes one setting
of the run's start), the steps to train and a target cost, and presses Start: the trainer
process trains them beside the run (gdsim.session.compare, via the session's `compare`), all
from the run's own step-0 values and mini-batch order. The plot overlays their costs, the table
gives each one's final costs, accuracy, steps to the target and divergence; "Open in main
window" loads a variant there (after the window's usual question), "Export all…" writes each as
a run CSV with its RUN.json. The window talks to the trainer only through the session.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.compare import settings
from gdsim.app.compare.editor import MAX_ROWS, VariantsEditor
from gdsim.app.compare.plot import CompareCurves
from gdsim.app.compare.results import CompareResults, VariantResult
from gdsim.config.names import MAX_STEPS
from gdsim.session.compare import sweep

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
REFRESH_MS = 33  # the plot and table redraw at most ~30 times a second, when rows came
DEFAULT_STEPS = 500
DEFAULT_TARGET = "0.1"
COLUMNS = (
    "Variant",
    "Final train cost",
    "Final test cost",
    "Accuracy",
    "Steps to target",
    "Diverged at",
)
SAME_START = (
    "Every variant starts from this run's step 0: the same starting values and the same "
    "mini-batch order, unless it changes the init seed. A new activation starts from the "
    "same numbers. Solid: train cost; dashed: test cost."
)


def _number(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:.4g}"


class CompareWindow(QWidget):
    """See the module doc. `main` is the MainWindow (its session, dialogs, form and question
    before a run is discarded)."""

    def __init__(self, main):
        super().__init__(main, Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setWindowTitle("Compare runs — gdsim")
        self.main = main
        self.session = main.session
        self.results = CompareResults()
        self.training = False
        self._dirty = False
        self._build()
        s = self.session
        s.compare_started.connect(self._on_started)
        s.compare_progress.connect(self._on_progress)
        s.compare_done.connect(self._on_done)
        s.compare_failed.connect(self._on_failed)
        s.compare_exported.connect(self._on_exported)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        self._timer.start()
        self.resize(1060, 780)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        intro = QLabel(SAME_START)
        intro.setWordWrap(True)
        intro.setObjectName("compareIntro")
        self.editor = VariantsEditor()
        self.editor.changed.connect(self._update_buttons)
        self.add_button = self._button("Add", "compareAdd", lambda: self.editor.add_variant())
        self.remove_button = self._button("Remove", "compareRemove", self.editor.remove_variant)
        self.sweep_button = self._button(
            "Learning-rate sweep ×0.1 ×1 ×10", "lrSweepButton", self.fill_sweep
        )
        self.sweep_button.setToolTip("Three variants: the learning rate in force now ×0.1, ×1, ×10")
        rows = QHBoxLayout()
        for b in (self.add_button, self.remove_button):
            rows.addWidget(b)
        rows.addStretch(1)
        rows.addWidget(self.sweep_button)

        self.steps_box = QSpinBox()
        self.steps_box.setObjectName("compareSteps")
        self.steps_box.setRange(1, min(MAX_STEPS, 2**31 - 1))
        self.steps_box.setValue(DEFAULT_STEPS)
        self.steps_box.setGroupSeparatorShown(True)
        self.target_edit = QLineEdit(DEFAULT_TARGET)
        self.target_edit.setObjectName("compareTarget")
        self.target_edit.setPlaceholderText("none")
        self.target_edit.editingFinished.connect(self._target_edited)
        form = QFormLayout()
        form.addRow("Steps for each variant", self.steps_box)
        form.addRow("Target cost (steps to reach it)", self.target_edit)

        self.start_button = self._button("Start", "compareStart", self.start)
        self.stop_button = self._button("Stop", "compareStop", self.session.cancel_compare)
        self.start_button.setDefault(True)
        go = QHBoxLayout()
        go.addWidget(self.start_button)
        go.addWidget(self.stop_button)
        go.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("compareStatus")
        self.status.setWordWrap(True)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(intro)
        column.addWidget(self.editor)
        column.addLayout(rows)
        column.addLayout(form)
        column.addLayout(go)
        column.addWidget(self.status)
        column.addStretch(1)

        self.plot = CompareCurves()
        self.log_check = QCheckBox("log cost")
        self.log_check.setObjectName("compareLog")
        self.log_check.toggled.connect(self.plot.set_log)
        right = QWidget()
        plot_column = QVBoxLayout(right)
        plot_column.setContentsMargins(6, 0, 0, 0)
        plot_column.addWidget(self.plot, 1)
        plot_column.addWidget(self.log_check)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(right)
        top.setStretchFactor(1, 1)
        top.setSizes([420, 640])

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("compareResults")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        rows_high = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(
            rows_high * 6 + self.table.horizontalHeader().sizeHint().height() + 4
        )
        self.open_button = self._button("Open in main window", "compareOpen", self.open_selected)
        self.export_button = self._button("Export all…", "compareExport", self.export_all)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.export_button)
        bottom = QWidget()
        below = QVBoxLayout(bottom)
        below.setContentsMargins(0, 6, 0, 0)
        below.addWidget(self.table, 1)
        below.addLayout(actions)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._update_buttons()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda *_: slot())
        return button

    # ------------------------------------------------------------------ asking
    def open(self, sweep_now: bool = False) -> None:
        """Show the window for the run shown now (its settings, its steps); `sweep_now`: fill
        the learning-rate sweep and start it (the Training menu's one click)."""
        self.editor.set_config(self.session.config)
        if not self.training and self.results.started is None:
            last = self.session.last
            self.steps_box.setValue(last.step if last is not None and last.step else DEFAULT_STEPS)
            self.log_check.setChecked(self.main.plots.log_cost())  # as the main plots show it
        if self.editor.rowCount() == 0 or sweep_now:
            self.fill_sweep()
        self.show()
        self.raise_()
        self.activateWindow()
        if sweep_now:
            self.start()

    def fill_sweep(self) -> None:
        """×0.1, ×1 and ×10 the learning rate in force now."""
        config = self.session.config
        self.editor.set_config(config)
        lr = config.optimizer.learning_rate if config is not None else 0.1
        self.editor.set_variants(sweep(lr))

    def start(self) -> None:
        if self.session.config is None:
            return self._say("There is no run to compare yet: wait for it to load.")
        self.editor.set_config(self.session.config)
        try:
            variants, labels = self.editor.variants()
            self._target()
        except ValueError as exc:
            return self._say(str(exc))
        self.session.compare(variants, labels, self.steps_box.value())
        self.training = True
        self._say(f"Starting {len(variants)} variants…")
        self._update_buttons()

    def _target(self) -> float | None:
        text = self.target_edit.text().strip()
        if not text or text.lower() == "none":
            return None
        try:
            return settings.parse("regularization_rate", text)  # a number >= 0
        except ValueError:
            raise ValueError(f"target cost: a number >= 0 (or empty), got {text!r}") from None

    def _target_edited(self) -> None:
        try:
            target = self._target()
        except ValueError as exc:
            return self._say(str(exc))
        self.results.set_target(target)
        self._refresh(force=True)

    def open_selected(self) -> bool:
        """Load the selected variant in the main window, from the same start (after the
        main window's question when its run was not exported)."""
        started, row = self.results.started, self.table.currentRow()
        if started is None or not 0 <= row < len(started.configs):
            return False
        config, label = started.configs[row], started.labels[row]
        main = self.main
        if not main.may_replace_run(f'Opening the variant "{label}" starts a new run.'):
            return False
        main.config = config
        main.form.set_config(config)
        main.files.set_modified(True)
        main.message_bar.hide()
        main.session.load(config)
        self._say(f'Opened "{label}" in the main window, from the same start.')
        return True

    def export_all(self) -> None:
        folder = self.main.dialogs.choose_folder("Export every variant into a folder", "")
        if folder:
            self._say("Exporting…")
            self.session.export_compare(folder)

    # ------------------------------------------------------------------ answers
    def _on_started(self, message) -> None:
        try:
            target = self._target()
        except ValueError:
            target = None
        self.results.start(message, target)
        self.plot.show_variants(self.results)
        self.table.setRowCount(len(message.labels))
        name = self.results.accuracy_name or "accuracy"
        self.table.setHorizontalHeaderItem(3, QTableWidgetItem(name[0].upper() + name[1:]))
        n = len(message.labels)
        many = "s" * (n > 1)
        self._say(
            f"Training {n} variant{many}, {message.steps:,} steps each, from the run's start…"
        )
        self._refresh(force=True)

    def _on_progress(self, message) -> None:
        self.results.add(message)
        self._dirty = True

    def _on_done(self, message) -> None:
        self.training = False
        self._refresh(force=True)
        steps = max((v.step for v in self.results.variants), default=0)
        self._say(("Stopped" if message.stopped else "Done") + f" at step {steps:,}.")
        self._update_buttons()

    def _on_failed(self, text: str) -> None:
        self.training = False
        self._say(text)
        self._update_buttons()

    def _on_exported(self, paths) -> None:
        folder = paths[0].rsplit("/", 1)[0] if paths else ""
        self._say(f"Wrote {len(paths)} run CSVs, each with its config (.json), to {folder}.")

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _update_buttons(self) -> None:
        rows = self.editor.rowCount()
        self.add_button.setEnabled(rows < MAX_ROWS)
        self.remove_button.setEnabled(rows > 0)
        self.start_button.setEnabled(not self.training and rows > 0)
        self.stop_button.setEnabled(self.training)
        done = self.results.started is not None
        self.open_button.setEnabled(done and self.table.currentRow() >= 0)
        self.export_button.setEnabled(done)

    # ------------------------------------------------------------------ drawing
    def _refresh(self, force: bool = False) -> None:
        if not (self._dirty or force) or not self.isVisible() and not force:
            return
        self._dirty = False
        self.plot.redraw()
        for row, v in enumerate(self.results.variants):
            for col, text in enumerate(self._row(v)):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    if col:  # numbers line up on the right
                        item.setTextAlignment(RIGHT)
                    self.table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)

    def _row(self, v: VariantResult) -> list[str]:
        accuracy = "—" if math.isnan(v.accuracy) else f"{v.accuracy:.1%}"
        to_target = "—" if v.to_target is None else f"{v.to_target:,}"
        diverged = "—" if v.diverged_at is None else f"{v.diverged_at:,}"
        label = v.label if v.done or not self.training else f"{v.label} (step {v.step:,})"
        return [label, _number(v.cost), _number(v.test_cost), accuracy, to_target, diverged]
