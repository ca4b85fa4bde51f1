"""The two-parameter lesson's optimizer race: SGD, momentum, Nesterov, RMSProp and Adam from
the same start, one Trainer each, their paths on the map, the group box that switches them,
and the QTimer that steps them together with the lesson's own run in the GUI thread
(function-mode steps take microseconds).

The race's SGD is the lesson's session itself, so its path is the lesson's own path.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel

from gdsim.app import theme
from gdsim.app.lessons.drawing import num, set_path
from gdsim.config import Config
from gdsim.engine.trainer import Trainer

RACE_HISTORY_BUDGET = 4 * 2**20

# key, label, colour, optimizer settings (learning rates are added per surface). The colours are
# data-series colours: they read on the pale map and, as check box text, on light and dark, so
# the race needs no theme handling of its own.
RACE = (
    ("sgd", "SGD", theme.SERIES[0], {"name": "sgd"}),
    ("momentum", "Momentum 0.9", theme.SERIES[1], {"name": "sgd", "momentum": 0.9}),
    (
        "nesterov",
        "Nesterov 0.9",
        theme.SERIES[4],
        {"name": "sgd", "momentum": 0.9, "nesterov": True},
    ),
    ("rmsprop", "RMSProp", theme.SERIES[7], {"name": "rmsprop"}),
    ("adam", "Adam", theme.SERIES[3], {"name": "adam"}),
)
SGD_FAMILY = ("sgd", "momentum", "nesterov")  # these follow the lesson's learning rate


class Race(QObject):
    """The race's trainers, map paths, legend, group box and timer. The lesson decides when
    the race is on (`on`) and resets it; the race steps the lesson's session along with its
    trainers and emits `changed` when there is something new to draw."""

    changed = Signal()

    def __init__(self, session, controls, plot: pg.PlotItem, parent: QObject | None = None):
        super().__init__(parent)
        self.session, self.controls = session, controls
        self.on = False
        self.rates: dict[str, float] = {}  # RMSProp's and Adam's rates for the surface
        self.trainers: dict[str, Trainer] = {}
        self.escaped: dict[str, int] = {}
        self.stepping = False  # True while the race steps the session: draw once at the end
        self._remaining = 0.0
        self._credit = 0.0
        self._last = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(16)
        self.timer.timeout.connect(self._tick)

        self.paths: dict[str, pg.PlotDataItem] = {}
        for key, label, color, _ in RACE:
            item = pg.PlotDataItem(
                pen=pg.mkPen(color, width=theme.px(2)),
                symbol="o",
                symbolSize=4,
                symbolBrush=pg.mkBrush(color),
                symbolPen=None,
                name=label,
            )
            item.setZValue(12)
            item.hide()
            plot.addItem(item)
            self.paths[key] = item
        self.legend = pg.LegendItem(
            offset=(8, -8),
            labelTextSize="8pt",
            verSpacing=-6,
        )  # (colours: theme.style_plot)
        self.legend.setParentItem(plot.getViewBox())
        self.legend.hide()

        self.group = QGroupBox("Optimizer race")
        self.group.setObjectName("raceGroup")
        self.group.setCheckable(True)
        self.group.setChecked(False)
        self.group.setToolTip(
            "Run five optimizers from the same start on the same surface, stepping together"
        )
        grid_layout = QGridLayout(self.group)
        grid_layout.setContentsMargins(6, 2, 6, 4)
        grid_layout.setVerticalSpacing(1)
        self.checks: dict[str, QCheckBox] = {}
        self.info: dict[str, QLabel] = {}
        for row, (key, label, color, _) in enumerate(RACE):
            check = QCheckBox(label)
            check.setObjectName(f"raceCheck_{key}")
            check.setChecked(True)
            check.setStyleSheet(f"QCheckBox {{ color: {color}; font-weight: bold; }}")
            info = QLabel()
            info.setObjectName(f"raceInfo_{key}")
            info.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid_layout.addWidget(check, row, 0)
            grid_layout.addWidget(info, row, 1)
            self.checks[key] = check
            self.info[key] = info
            check.toggled.connect(self._on_check)

    # ------------------------------------------------------------------ trainers
    def reset(self, make_config: Callable[[dict], Config], lr: float) -> None:
        """New trainers for every optimizer from the start (none while the race is off);
        `make_config` turns optimizer settings into the lesson's config, `lr` is the lesson's
        learning rate (the SGD family uses it)."""
        self.trainers = {}
        self.escaped: dict[str, int] = {}  # optimizer -> the step at which it ran away
        self.legend.clear()
        if self.on:
            for key, label, _, settings in RACE:
                rate = lr if key in SGD_FAMILY else self.rates.get(key, 0.05)
                self.trainers[key] = Trainer(
                    make_config({**settings, "learning_rate": rate}),
                    history_budget=RACE_HISTORY_BUDGET,
                )
                if self.checks[key].isChecked():
                    self.legend.addItem(self.paths[key], label)
        self.legend.setVisible(self.on)

    def set_learning_rate(self, lr: float) -> None:
        for key in SGD_FAMILY:
            if key in self.trainers:
                self.trainers[key].set_learning_rate(lr)

    def positions(self) -> dict[str, tuple[float, float]]:
        return {key: tuple(float(v) for v in t.parameters) for key, t in self.trainers.items()}

    def _on_check(self, *_args) -> None:
        self.legend.clear()
        for key, label, _, _ in RACE:
            if self.checks[key].isChecked():
                self.legend.addItem(self.paths[key], label)
        self.changed.emit()

    def step(self, n: int) -> int:
        """n steps of the session and of every switched-on race optimizer, together."""
        self.stepping = True
        try:
            for _ in range(n):
                self.session.step(1)
                for key, trainer in self.trainers.items():
                    if self.checks[key].isChecked() and key not in self.escaped:
                        trainer.step(1)
                        if _ran_away(trainer):
                            self.escaped[key] = trainer.step_count
        finally:
            self.stepping = False
        return n

    # ------------------------------------------------------------------ timer
    def start(self, n: float) -> None:
        """Step n times (math.inf: until stopped) at the controls' speed."""
        self._remaining = n
        self._credit = 0.0
        self._last = time.perf_counter()
        self.controls.set_running(True)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._remaining = 0
        if self.on:
            self.controls.set_running(False)

    def _tick(self) -> None:
        now = time.perf_counter()
        speed = self.controls.speed_limit()
        max_steps, _ = self.controls.stop_conditions()
        step = self.session.trainer.step_count if self.session.trainer else 0
        budget = self._remaining
        if max_steps is not None:
            budget = min(budget, max_steps - step)
        if speed is not None:  # paced: whole steps as the clock allows
            self._credit = min(self._credit + (now - self._last) * speed, max(1.0, speed * 0.25))
            n = int(min(budget, self._credit))
            self._credit -= n
            if n > 0:
                self.step(n)
        else:  # as fast as possible, in chunks of about 8 ms
            deadline, n = now + 0.008, 0
            while n < budget and time.perf_counter() < deadline:
                n += self.step(1)
        self._last = now
        self._remaining -= n
        trainer = self.session.trainer
        if self._remaining <= 0 or budget <= n or (trainer and trainer.diverged):
            self.stop()
        self.changed.emit()

    # ------------------------------------------------------------------ drawing
    def draw(self) -> None:
        """Each switched-on optimizer's path, and its learning rate and cost by its check."""
        for key, item in self.paths.items():
            trainer = self.trainers.get(key)
            item.setVisible(trainer is not None and self.checks[key].isChecked())
            info = self.info[key]
            if trainer is None:
                info.setText("")
                continue
            set_path(item, trainer.history.params())
            if key in self.escaped or trainer.diverged:
                # stopped, and said so: its path would only streak across the map
                info.setText(f"diverged at step {self.escaped.get(key, trainer.step_count)}")
            else:
                info.setText(f"lr {num(trainer.learning_rate, 3)} · C {num(trainer.cost, 3)}")


ESCAPE = 1e6  # |w| beyond this is far off any surface the lesson draws: the run is diverging


def _ran_away(trainer: Trainer) -> bool:
    """Diverged, or on its way there: a parameter far beyond the map (long before overflow)."""
    return bool(trainer.diverged) or not bool(np.all(np.abs(trainer.parameters) < ESCAPE))
