"""The data source: a built-in data set (generated, or real data shipped with gdsim) or columns
of a CSV file, the input features of 2-D data, and whether the inputs are standardised.

The "Inputs" row holds one toggle per input feature (x1, x2, x1\u00b2, ...; ``data.features``)
for 2-D data: toggling one changes the network's inputs too (reported like another data set,
so a run with unexported steps is only discarded if the user agrees); the last one on cannot be
turned off (``refused`` says why).

Choosing a CSV file goes: "Choose CSV..." -> ``file_chooser`` (a QFileDialog by default;
replace the attribute to script it) -> :class:`CsvColumnsDialog`, opened window-modal with
``open()`` (not ``exec()``), so nothing blocks; its ``accepted`` applies the choice. A file
that cannot be read is reported in a message box and the previous data settings stay.
"""

from __future__ import annotations

import dataclasses
import html
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gdsim.app.forms import tips
from gdsim.app.forms.csv_dialog import CsvColumnsDialog
from gdsim.app.forms.shape import (
    DataShape,
    builtin_shape,
    csv_shape,
    describe,
    with_features,
)
from gdsim.app.forms.widgets import (
    TOGGLE_STYLE,
    IntSpinBox,
    NumberSpinBox,
    Section,
    SeedSpinBox,
    add_row,
    make_combo,
    select,
    set_tip,
)
from gdsim.config import (
    BUILTIN_DATASETS,
    DATA_SOURCES,
    MAX_GENERATED_CLASSES,
    MAX_NOISE,
    MAX_SAMPLES,
    MAX_TEST_FRACTION,
    MIN_CLASSES,
    MIN_SAMPLES,
    MULTI_CLASS_DATASETS,
    SHIPPED_DATASETS,
    Config,
)
from gdsim.config.names import DEFAULT_FEATURES, INPUT_FEATURES
from gdsim.engine.features import FEATURES
from gdsim.errors import DataError

# Where each toggle sits in the Inputs row: the inputs, the squares and product, the sines
# (three short lines keep the form within the dock's width)
FEATURE_GRID = {
    "x1": (0, 0),
    "x2": (0, 1),
    "x1^2": (1, 0),
    "x2^2": (1, 1),
    "x1*x2": (1, 2),
    "sin(x1)": (2, 0),
    "sin(x2)": (2, 1),
}

FileChooser = Callable[[QWidget, str, str], str]


def choose_csv_file(parent: QWidget, caption: str, directory: str) -> str:
    """The default file chooser: a QFileDialog for *.csv; "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(
        parent, caption, directory, "CSV files (*.csv);;All files (*)"
    )
    return path


class DataForm(Section):
    """Source, built-in set (samples, noise, classes) or CSV file, test fraction, seed and
    standardisation. Fields that do not apply to the chosen set are greyed out, their tooltip
    saying why (digits and iris have their own samples; only gaussian and spiral take classes).

    ``shape_changed(DataShape)`` is emitted before ``edited`` when the user's change alters the
    number of inputs, targets or classes (another data set, another source, new CSV columns).
    """

    shape_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        #: ``(parent, caption, start folder) -> path or ""``; tests replace it.
        self.file_chooser: FileChooser = choose_csv_file
        #: the dialog class used for the column mapping; tests may replace it.
        self.columns_dialog_class: type[CsvColumnsDialog] = CsvColumnsDialog
        self.columns_dialog: CsvColumnsDialog | None = None
        self._csv_path = ""
        self._csv_inputs: tuple[str, ...] = ()
        self._csv_targets: tuple[str, ...] = ()
        self._csv_classes: int | None = None
        self._base_dir: Path | None = None

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form = form
        self.source_combo = make_combo(
            DATA_SOURCES, tips.FIELDS["data.source"], object_name="dataSourceCombo"
        )
        add_row(form, "Source", self.source_combo, tips.FIELDS["data.source"])
        self.source_combo.currentIndexChanged.connect(self._source_picked)

        self.dataset_combo = make_combo(
            BUILTIN_DATASETS, tips.FIELDS["data.name"], kind="dataset", object_name="datasetCombo"
        )
        add_row(form, "Data set", self.dataset_combo, tips.FIELDS["data.name"])
        self.dataset_combo.currentIndexChanged.connect(self._dataset_picked)

        self.samples_spin = IntSpinBox()
        self.samples_spin.setObjectName("samplesSpin")
        self.samples_spin.setRange(MIN_SAMPLES, MAX_SAMPLES)
        self.samples_spin.setSingleStep(50)
        add_row(form, "Samples", self.samples_spin, tips.FIELDS["data.samples"])
        self.watch(self.samples_spin)

        self.noise_spin = NumberSpinBox(0.0, MAX_NOISE, step=0.05)
        self.noise_spin.setObjectName("noiseSpin")
        add_row(form, "Noise", self.noise_spin, tips.FIELDS["data.noise"])
        self.watch(self.noise_spin)

        self.classes_spin = IntSpinBox()
        self.classes_spin.setObjectName("classesSpin")
        self.classes_spin.setRange(MIN_CLASSES, MAX_GENERATED_CLASSES)
        add_row(form, "Classes", self.classes_spin, tips.FIELDS["data.classes"])
        # The class count changes the network's outputs: reported like a data set choice (the
        # shape first), not as typing; the wheel still needs the focus, as in watch().
        self.classes_spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.classes_spin.installEventFilter(self)
        self.classes_spin.valueChanged.connect(self._classes_picked)
        # data.classes as set for gaussian/spiral; while another set is chosen the greyed box
        # shows that set's own class count, and this value comes back with gaussian or spiral
        self._classes = 2

        buttons = self._file_buttons = QWidget()
        line = QHBoxLayout(buttons)
        line.setContentsMargins(0, 0, 0, 0)
        self.choose_button = QPushButton("Choose CSV\u2026")
        self.choose_button.setObjectName("chooseCsvButton")
        set_tip(self.choose_button, tips.FIELDS["data.choose"])
        self.choose_button.clicked.connect(self.choose_csv)
        self.columns_button = QPushButton("Columns\u2026")
        self.columns_button.setObjectName("csvColumnsButton")
        set_tip(self.columns_button, tips.FIELDS["data.columns"])
        self.columns_button.clicked.connect(self.edit_columns)
        line.addWidget(self.choose_button)
        line.addWidget(self.columns_button)
        line.addStretch(1)
        add_row(form, "File", buttons, tips.FIELDS["data.path"])
        self.file_label = QLabel()
        self.file_label.setObjectName("csvFileLabel")
        self.file_label.setWordWrap(True)
        form.addRow("", self.file_label)

        self.test_fraction_spin = NumberSpinBox(0.0, MAX_TEST_FRACTION, step=0.05)
        self.test_fraction_spin.setObjectName("testFractionSpin")
        add_row(form, "Test fraction", self.test_fraction_spin, tips.FIELDS["data.test_fraction"])
        self.watch(self.test_fraction_spin)

        self.seed_spin = SeedSpinBox()
        self.seed_spin.setObjectName("dataSeedSpin")
        add_row(form, "Data seed", self.seed_spin, tips.FIELDS["data.seed"])
        self.watch(self.seed_spin)

        # Inputs: the feature toggles (2-D data only) above the standardisation check box
        inputs = QWidget()
        column = QVBoxLayout(inputs)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        self.features_box = QWidget()
        self.features_box.setObjectName("featureToggles")
        grid = QGridLayout(self.features_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        self._features: tuple[str, ...] = DEFAULT_FEATURES
        self.feature_buttons: dict[str, QToolButton] = {}
        for name in INPUT_FEATURES:
            button = QToolButton()
            button.setText(FEATURES[name].label)
            button.setCheckable(True)
            button.setObjectName(f"feature:{name}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            set_tip(button, tips.FEATURE_TIPS[name])
            button.toggled.connect(lambda on, name=name: self._feature_toggled(name, on))
            grid.addWidget(button, *FEATURE_GRID[name])
            self.feature_buttons[name] = button
        set_tip(self.features_box, tips.FIELDS["data.features"])
        # on = filled with the highlight colour, off = an outline: plain in both themes (the
        # sheet is on this box of buttons only; the theme sets it again on a switch)
        self.features_box.setStyleSheet(TOGGLE_STYLE)
        column.addWidget(self.features_box)
        self.standardize_check = QCheckBox("Standardize inputs")
        self.standardize_check.setObjectName("standardizeCheck")
        set_tip(self.standardize_check, tips.FIELDS["data.standardize"])
        column.addWidget(self.standardize_check)
        add_row(form, "Inputs", inputs, tips.FIELDS["data.features"])
        self.watch(self.standardize_check)
        self.standardize_check.toggled.connect(self._refresh)

        self.shape_label = QLabel()
        self.shape_label.setObjectName("dataShapeLabel")
        self.shape_label.setWordWrap(True)
        self.shape_label.setStyleSheet("color: palette(placeholder-text);")
        form.addRow(self.shape_label)

        self.register("data", self.source_combo, "Data")
        self.register("data.source", self.source_combo, "Source")
        self.register("data.name", self.dataset_combo, "Data set")
        self.register("data.samples", self.samples_spin, "Samples")
        self.register("data.noise", self.noise_spin, "Noise")
        self.register("data.classes", self.classes_spin, "Classes")
        self.register("data.standardize", self.standardize_check, "Standardize inputs")
        self.register("data.features", self.features_box, "Inputs")
        self.register("data.test_fraction", self.test_fraction_spin, "Test fraction")
        self.register("data.seed", self.seed_spin, "Data seed")
        self.register("data.path", self.choose_button, "CSV file")
        self.register("data.inputs", self.columns_button, "CSV input columns")
        self.register("data.targets", self.columns_button, "CSV target columns")
        self.set_config(Config())

    # ------------------------------------------------------------------ state

    def source(self) -> str:
        return self.source_combo.currentData()

    def data_shape(self) -> DataShape:
        """The data's own columns (before input features)."""
        if self.source() == "csv":
            return csv_shape(self._csv_inputs, self._csv_targets, self._csv_classes)
        return builtin_shape(self.dataset_combo.currentData(), self._classes)

    def shape(self) -> DataShape:
        """What the network gets: the data's columns, or the input features of 2-D data."""
        return with_features(self.data_shape(), self.features())

    def takes_features(self) -> bool:
        """2-D data (a built-in set of points, a CSV file with 2 inputs): features apply."""
        return self.data_shape().n_inputs == 2

    def features(self) -> tuple[str, ...]:
        """``data.features`` as the form has them (the default where they do not apply)."""
        return self._features if self.takes_features() else DEFAULT_FEATURES

    def problem(self) -> str:
        """Why the data cannot be used yet ("" when it can): CSV chosen but no file yet."""
        if self.source() == "csv" and not self._csv_path:
            return "CSV file: none chosen yet; use \u201cChoose CSV\u2026\u201d"
        return ""

    def csv_path(self) -> Path | None:
        """The chosen CSV file (a relative config path resolved against the config's folder)."""
        if not self._csv_path:
            return None
        path = Path(self._csv_path).expanduser()
        if not path.is_absolute() and self._base_dir is not None:
            path = Path(os.path.abspath(self._base_dir / path))
        return path

    def set_config(self, cfg: Config) -> None:
        data = cfg.data
        with self.quiet():
            self._base_dir = Path(cfg.base_dir) if cfg.base_dir is not None else None
            self._csv_path = data.path if isinstance(data.path, str) else ""
            self._csv_inputs = tuple(data.inputs)
            self._csv_targets = tuple(data.targets)
            self._csv_classes = None
            select(self.source_combo, data.source)
            select(self.dataset_combo, data.name)
            self.samples_spin.setValue(data.samples)
            self.noise_spin.setValue(data.noise)
            self._classes = data.classes
            self._features = tuple(data.features)
            self.standardize_check.setChecked(data.standardize)
            self.test_fraction_spin.setValue(data.test_fraction)
            self.seed_spin.set_seed(data.seed)
        self._refresh()

    def apply_to(self, cfg: Config) -> Config:
        data = dataclasses.replace(
            cfg.data,
            source=self.source(),
            name=self.dataset_combo.currentData(),
            samples=self.samples_spin.value(),
            noise=self.noise_spin.value(),
            classes=self._classes,
            standardize=self.standardize_check.isChecked(),
            test_fraction=self.test_fraction_spin.value(),
            seed=self.seed_spin.seed(),
            path=self._csv_path,
            inputs=self._csv_inputs,
            targets=self._csv_targets,
            features=self.features(),
        )
        return dataclasses.replace(cfg, data=data)

    # ------------------------------------------------------------------ user actions

    def _source_picked(self) -> None:
        self._refresh()
        if not self.is_quiet:
            self.shape_changed.emit(self.shape())
            self.edited.emit(True)

    def _dataset_picked(self) -> None:
        self._refresh()
        if not self.is_quiet:
            self.shape_changed.emit(self.shape())
            self.edited.emit(True)

    def _feature_toggled(self, name: str, on: bool) -> None:
        if self.is_quiet:
            return
        chosen = set(self._features)
        if on:
            chosen.add(name)
        elif chosen == {name}:
            button = self.feature_buttons[name]
            with self.quiet():
                button.setChecked(True)  # the last one stays on
            self.refused.emit(
                f"Inputs: {FEATURES[name].label} is the only input left; the network needs at "
                "least one, so turn another on first.",
                self.features_box,
            )
            return
        else:
            chosen.discard(name)
        self._features = tuple(f for f in INPUT_FEATURES if f in chosen)
        self._dataset_picked()  # the network's inputs change: a data change

    def _classes_picked(self, value: int) -> None:
        if self.classes_spin.isEnabled():
            self._classes = value
            self._dataset_picked()

    def choose_csv(self) -> None:
        """Ask for a file, then open the column dialog for it."""
        current = self.csv_path()
        start = str(current.parent) if current is not None else str(Path.cwd())
        path = self.file_chooser(self, "Choose a CSV file", start)
        if path:
            self.open_columns_dialog(str(path), fresh=True)

    def edit_columns(self) -> None:
        """Re-open the column dialog for the current file."""
        path = self.csv_path()
        if path is not None:
            self.open_columns_dialog(str(path), fresh=False)

    def open_columns_dialog(self, path: str, *, fresh: bool) -> CsvColumnsDialog | None:
        """Open the (non-blocking) column dialog; a broken file gives a message box instead."""
        same_file = not fresh or (
            self.csv_path() is not None and os.path.abspath(path) == str(self.csv_path())
        )
        try:
            dialog = self.columns_dialog_class(
                path,
                self,
                inputs=self._csv_inputs if same_file else (),
                targets=self._csv_targets if same_file else (),
                test_fraction=self.test_fraction_spin.value(),
                seed=self.seed_spin.seed(),
            )
        except DataError as err:
            QMessageBox.warning(self, "Cannot read the CSV file", str(err))
            return None
        if self.columns_dialog is not None:
            self.columns_dialog.close()
        self.columns_dialog = dialog
        dialog.accepted.connect(self._columns_accepted)
        dialog.finished.connect(self._columns_finished)
        dialog.open()
        return dialog

    def _columns_accepted(self) -> None:
        dialog = self.sender()
        if not isinstance(dialog, CsvColumnsDialog):
            dialog = self.columns_dialog
        if dialog is None:
            return
        with self.quiet():
            self._csv_path = str(Path(dialog.path).absolute())
            self._csv_inputs = dialog.inputs()
            self._csv_targets = dialog.targets()
            self._csv_classes = dialog.n_classes
            self.test_fraction_spin.setValue(dialog.test_fraction())
            select(self.source_combo, "csv")
        self._refresh()
        self.shape_changed.emit(self.shape())
        self.edited.emit(True)

    def _columns_finished(self) -> None:
        dialog = self.sender()
        if dialog is self.columns_dialog or dialog is None:
            self.columns_dialog = None
        if isinstance(dialog, QWidget):
            dialog.deleteLater()

    # ------------------------------------------------------------------ display

    def _refresh(self) -> None:
        csv_mode = self.source() == "csv"
        for widget in (self.dataset_combo, self.samples_spin, self.noise_spin):
            self._form.setRowVisible(widget, not csv_mode)
        name = self.dataset_combo.currentData()
        real = name in SHIPPED_DATASETS
        for widget, key in ((self.samples_spin, "data.samples"), (self.noise_spin, "data.noise")):
            widget.setEnabled(not real)
            set_tip(widget, tips.FIELDS["data.real" if real else key])
        takes_classes = name in MULTI_CLASS_DATASETS
        own = builtin_shape(name, self._classes).n_classes or 0
        self._form.setRowVisible(self.classes_spin, not csv_mode and own > 0)
        self.classes_spin.setEnabled(takes_classes)
        self.classes_spin.blockSignals(True)  # showing a value is not an edit
        self.classes_spin.setValue(min(max(own, MIN_CLASSES), MAX_GENERATED_CLASSES))
        self.classes_spin.blockSignals(False)
        set_tip(
            self.classes_spin,
            tips.FIELDS["data.classes" if takes_classes else "data.classes.fixed"],
        )
        self._form.setRowVisible(self._file_buttons, csv_mode)
        self._form.setRowVisible(self.file_label, csv_mode)
        path = self.csv_path()
        self.columns_button.setEnabled(path is not None)
        if path is None:
            self.file_label.setText("No file chosen yet.")
            self.file_label.setToolTip("")
        else:
            cols = (
                (
                    f"<br>inputs: {html.escape(', '.join(self._csv_inputs))}<br>"
                    f"target: {html.escape(', '.join(self._csv_targets))}"
                )
                if self._csv_inputs
                else ""
            )
            self.file_label.setText(f"<b>{html.escape(path.name)}</b>{cols}")
            self.file_label.setToolTip(str(path))
        self.features_box.setVisible(self.takes_features())
        with self.quiet():
            for name, button in self.feature_buttons.items():
                button.setChecked(name in self._features)
        text = describe(self.shape())
        if self.standardize_check.isChecked():
            text += "; inputs standardised (training mean 0, standard deviation 1)"
        self.shape_label.setText(text)
