"""Loss, weight initialisation, batch size and regularisation."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from gdsim.app.forms import tips
from gdsim.app.forms.widgets import (
    IntSpinBox,
    NumberSpinBox,
    Section,
    SeedSpinBox,
    add_row,
    make_combo,
    select,
)
from gdsim.config import (
    INIT_SCHEMES,
    LOSSES,
    MAX_BATCH_SIZE,
    REGULARIZATIONS,
    SCALED_INIT_SCHEMES,
    Config,
    InitConfig,
    RegularizationConfig,
)


class TrainingForm(Section):
    """The cost (loss + regularisation) and how training starts and samples the data.

    ``loss_changed(name)`` is emitted (instead of ``edited``) when the user picks another loss,
    so the form can fit the output layer to it before applying.
    """

    loss_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.loss_combo = make_combo(LOSSES, tips.FIELDS["loss"], object_name="lossCombo")
        add_row(form, "Loss", self.loss_combo, tips.FIELDS["loss"])
        self.loss_combo.currentIndexChanged.connect(self._loss_picked)
        self.advice_label = QLabel()
        self.advice_label.setObjectName("lossAdviceLabel")
        self.advice_label.setWordWrap(True)
        self.advice_label.setStyleSheet("color: #c36008;")  # >= 3.4:1 on light and dark
        form.addRow(self.advice_label)
        self.advice_label.hide()

        self.init_combo = make_combo(
            INIT_SCHEMES, tips.FIELDS["init.scheme"], object_name="initCombo"
        )
        add_row(form, "Initialisation", self.init_combo, tips.FIELDS["init.scheme"])
        self.init_combo.currentIndexChanged.connect(self._update_visibility)
        self.watch(self.init_combo)

        self.scale_spin = NumberSpinBox(1e-9, 1e6, steps="log")
        self.scale_spin.setObjectName("initScaleSpin")
        add_row(form, "Init scale", self.scale_spin, tips.FIELDS["init.scale"])
        self.watch(self.scale_spin)

        self.seed_spin = SeedSpinBox()
        self.seed_spin.setObjectName("seedSpin")
        add_row(form, "Init seed", self.seed_spin, tips.FIELDS["init.seed"])
        self.watch(self.seed_spin)

        self.batch_spin = IntSpinBox()
        self.batch_spin.setObjectName("batchSizeSpin")
        self.batch_spin.setRange(0, MAX_BATCH_SIZE)
        self.batch_spin.setSpecialValueText("full batch")
        self.batch_spin.setSingleStep(8)
        add_row(form, "Batch size", self.batch_spin, tips.FIELDS["batch_size"])
        self.watch(self.batch_spin)

        self.reg_combo = make_combo(
            REGULARIZATIONS, tips.FIELDS["regularization.kind"], object_name="regularizationCombo"
        )
        add_row(form, "Regularisation", self.reg_combo, tips.FIELDS["regularization.kind"])
        self.reg_combo.currentIndexChanged.connect(self._update_visibility)
        self.watch(self.reg_combo)

        self.reg_rate_spin = NumberSpinBox(0.0, 1e6, steps="log")
        self.reg_rate_spin.setObjectName("regularizationRateSpin")
        add_row(form, "Penalty rate", self.reg_rate_spin, tips.FIELDS["regularization.rate"])
        self.watch(self.reg_rate_spin)

        self._form = form
        self.register("loss", self.loss_combo, "Loss")
        self.register("init", self.init_combo, "Initialisation")
        self.register("init.scheme", self.init_combo, "Initialisation")
        self.register("init.scale", self.scale_spin, "Init scale")
        self.register("init.seed", self.seed_spin, "Init seed")
        self.register("batch_size", self.batch_spin, "Batch size")
        self.register("regularization", self.reg_combo, "Regularisation")
        self.register("regularization.kind", self.reg_combo, "Regularisation")
        self.register("regularization.rate", self.reg_rate_spin, "Penalty rate")
        self.set_config(Config())

    def set_advice(self, text: str) -> None:
        """A warning under the loss when it does not suit the data ("" hides it)."""
        self.advice_label.setText(text)
        self.advice_label.setVisible(bool(text))

    def loss(self) -> str:
        return self.loss_combo.currentData()

    def set_config(self, cfg: Config) -> None:
        with self.quiet():
            select(self.loss_combo, cfg.loss)
            select(self.init_combo, cfg.init.scheme)
            self.scale_spin.show_value(cfg.init.scale)
            self.seed_spin.set_seed(cfg.init.seed)
            self.batch_spin.setValue(cfg.batch_size)
            select(self.reg_combo, cfg.regularization.kind)
            self.reg_rate_spin.show_value(cfg.regularization.rate)
        self._update_visibility()

    def apply_to(self, cfg: Config) -> Config:
        return dataclasses.replace(
            cfg,
            loss=self.loss(),
            init=InitConfig(
                self.init_combo.currentData(), self.seed_spin.seed(), self.scale_spin.value()
            ),
            batch_size=self.batch_spin.value(),
            regularization=RegularizationConfig(
                self.reg_combo.currentData(), self.reg_rate_spin.value()
            ),
        )

    def set_loss(self, loss: str) -> None:
        """Choose a loss from code (the form adapting to new data): no loss_changed."""
        with self.quiet():
            select(self.loss_combo, loss)

    def _loss_picked(self) -> None:
        if not self.is_quiet:
            self.loss_changed.emit(self.loss())

    def _update_visibility(self, *_args: object) -> None:
        self._form.setRowVisible(
            self.scale_spin, self.init_combo.currentData() in SCALED_INIT_SCHEMES
        )
        self.reg_rate_spin.setEnabled(self.reg_combo.currentData() != "none")
