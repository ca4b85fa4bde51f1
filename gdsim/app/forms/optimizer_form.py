"""The optimizer and its hyperparameters; only the chosen optimizer's settings are shown.

Every optimizer setting is kept while another optimizer is selected (``Config.replace`` keeps
them), so switching sgd -> adam -> sgd gives back the sgd momentum that was typed. The learning
rate is remembered per optimizer: their useful ranges differ by orders of magnitude (Adam's
default is 0.001), so Adam starting from SGD's 0.5 would only teach that Adam "is broken".
Changes here are the only ones the running trainer can take without a reset.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QCheckBox, QFormLayout, QWidget

from gdsim.app.forms import tips
from gdsim.app.forms.widgets import NumberSpinBox, Section, add_row, make_combo, select
from gdsim.config import MAX_LEARNING_RATE, OPTIMIZER_DEFAULTS, OPTIMIZERS, Config

_BELOW_ONE = 0.999999999  # momentum, dampening, alpha, beta1, beta2 are in [0, 1)

# (key, label, widget kind, object name)
_SETTINGS = (
    ("learning_rate", "Learning rate", "lr", "learningRateSpin"),
    ("momentum", "Momentum", "unit", "momentumSpin"),
    ("dampening", "Dampening", "unit", "dampeningSpin"),
    ("nesterov", "Nesterov", "check", "nesterovCheck"),
    ("alpha", "Alpha", "unit", "alphaSpin"),
    ("beta1", "Beta 1", "unit", "beta1Spin"),
    ("beta2", "Beta 2", "unit", "beta2Spin"),
    ("eps", "Epsilon", "eps", "epsSpin"),
    ("centered", "Centered", "check", "centeredCheck"),
    ("amsgrad", "AMSGrad", "check", "amsgradCheck"),
)


class OptimizerForm(Section):
    """Optimizer name, learning rate and the chosen optimizer's other settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Optimizer", parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form = form
        self.optimizer_combo = make_combo(
            OPTIMIZERS, tips.FIELDS["optimizer.name"], object_name="optimizerCombo"
        )
        add_row(form, "Optimizer", self.optimizer_combo, tips.FIELDS["optimizer.name"])
        self.optimizer_combo.currentIndexChanged.connect(self._update_rows)
        self._shown_optimizer = "sgd"
        self._learning_rates: dict[str, float] = {}  # the rate last used with each optimizer
        self.register("optimizer", self.optimizer_combo, "Optimizer")
        self.register("optimizer.name", self.optimizer_combo, "Optimizer")

        self.fields: dict[str, QWidget] = {}
        for key, label, kind, name in _SETTINGS:
            tip = tips.FIELDS[f"optimizer.{key}"]
            if kind == "check":
                widget: QWidget = QCheckBox()
            elif kind == "lr":
                widget = NumberSpinBox(1e-12, MAX_LEARNING_RATE, steps="log")
            elif kind == "eps":
                widget = NumberSpinBox(1e-15, 1e3, steps="log")
            else:
                widget = NumberSpinBox(0.0, _BELOW_ONE, step=0.01)
            widget.setObjectName(name)
            add_row(form, label, widget, tip)
            self.fields[key] = widget
            self.register(f"optimizer.{key}", widget, label)
        self.learning_rate_spin: NumberSpinBox = self.fields["learning_rate"]
        # Swap the learning rate before the change is reported (slots run in connect order).
        self.optimizer_combo.currentIndexChanged.connect(self._swap_learning_rate)
        self.watch(self.optimizer_combo)
        self.momentum_spin: NumberSpinBox = self.fields["momentum"]
        self.dampening_spin: NumberSpinBox = self.fields["dampening"]
        self.nesterov_check: QCheckBox = self.fields["nesterov"]
        # Keep nesterov consistent before the edit is reported (slots run in connect order).
        self.momentum_spin.valueChanged.connect(self._update_nesterov)
        for widget in self.fields.values():
            self.watch(widget)
        self.set_config(Config())

    def name(self) -> str:
        return self.optimizer_combo.currentData()

    def set_config(self, cfg: Config) -> None:
        opt = cfg.optimizer
        with self.quiet():
            select(self.optimizer_combo, opt.name)
            for key, widget in self.fields.items():
                value = getattr(opt, key)
                if key == "learning_rate" and value is None:
                    value = OPTIMIZER_DEFAULTS[opt.name]["learning_rate"]
                if isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                else:
                    widget.show_value(float(value))
            self._update_nesterov()
        self._shown_optimizer = opt.name
        self._learning_rates[opt.name] = self.learning_rate_spin.value()
        self._update_rows()

    def apply_to(self, cfg: Config) -> Config:
        values = {
            key: (widget.isChecked() if isinstance(widget, QCheckBox) else widget.value())
            for key, widget in self.fields.items()
        }
        return dataclasses.replace(
            cfg, optimizer=dataclasses.replace(cfg.optimizer, name=self.name(), **values)
        )

    def visible_settings(self) -> tuple[str, ...]:
        """The settings shown for the current optimizer (its keys in OPTIMIZER_DEFAULTS)."""
        return tuple(OPTIMIZER_DEFAULTS[self.name()])

    def _update_rows(self, *_args: object) -> None:
        shown = set(self.visible_settings())
        for key, widget in self.fields.items():
            self._form.setRowVisible(widget, key in shown)

    def _swap_learning_rate(self, *_args: object) -> None:
        """Keep the old optimizer's rate; show the new one's last rate, or its default."""
        new = self.name()
        if new == self._shown_optimizer:
            return
        self._learning_rates[self._shown_optimizer] = self.learning_rate_spin.value()
        rate = self._learning_rates.get(new, OPTIMIZER_DEFAULTS[new]["learning_rate"])
        with self.quiet():
            self.learning_rate_spin.setValue(float(rate))
        self._shown_optimizer = new

    def _update_nesterov(self, *_args: object) -> None:
        has_momentum = self.momentum_spin.value() > 0
        if not has_momentum and self.nesterov_check.isChecked():
            with self.quiet():
                self.nesterov_check.setChecked(False)
        self.nesterov_check.setEnabled(has_momentum)
