"""Compare runs from the same start: up to six variants of a run trained side by side (no Qt).

A variant is the run's settings at step 0 (`Trainer.start_config`) with a few of them changed:
the learning rate, the optimizer and its momentum, the hidden layers' activation, the batch
size, the regularisation or the init seed (in function mode, the optimizer settings only).
Everything else stays, and so does the start: every variant that keeps the init seed starts
from the run's own step-0 parameters (its history's row 0, so a value set by hand at step 0
counts) and, with the same seed, the same mini-batch order (the batches are drawn from the init
seed: gdsim.engine.objectives). A variant with another activation starts from the same numbers.

Where a variant's own initialisation would not give those values, they are written into its
config as start values (network mode: the config's "parameters"; function mode: the formula's
start point) rather than set as a live change, so each variant's RUN.json replays it with
`gdsim train` exactly. A variant identical to the run reproduces the run's costs bit for bit.

The driver (gdsim.session.driver) owns at most one Comparison and calls `tick` between its own
chunks: the variants share one ~16 ms time box round-robin, and progress goes at most ~30 times
a second (every row since the last, costs and extras only: never the parameters).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gdsim.config import Config, ConfigError
from gdsim.config.names import ACTIVATIONS, MAX_STEPS, OPTIMIZER_DEFAULTS, REGULARIZATIONS
from gdsim.engine.trainer import Trainer
from gdsim.errors import closest
from gdsim.session.protocol import (
    CompareDone,
    CompareExported,
    CompareFailed,
    CompareProgress,
    CompareStarted,
    Message,
)
from gdsim.session.run_files import export_run, open_trainer
from gdsim.session.runstate import VariantRows

MAX_VARIANTS = 6
PROGRESS_SECONDS = 1 / 30  # at most this often a progress message (the window draws ~30/s)

# What a variant may change, as the window names it.
SETTINGS = {
    "learning_rate": "learning rate",
    "optimizer": "optimizer",
    "momentum": "momentum",
    "activation": "activation (hidden layers)",
    "batch_size": "batch size",
    "regularization": "regularisation",
    "regularization_rate": "regularisation rate",
    "seed": "init seed",
}
FUNCTION_SETTINGS = ("learning_rate", "optimizer", "momentum")  # a formula has no network
SWEEP = (0.1, 1.0, 10.0)  # the learning-rate sweep: these times the current rate

_SHORT = {
    "learning_rate": "lr",
    "momentum": "momentum",
    "batch_size": "batch",
    "regularization_rate": "reg rate",
    "seed": "seed",
}


def label_for(changes: Mapping[str, Any]) -> str:
    """A short label made from a variant's changes: "lr 0.01", "adam, lr 0.001", "relu"."""
    parts = []
    for key, value in changes.items():
        if key in ("optimizer", "activation", "regularization"):
            parts.append(str(value))
        else:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            parts.append(f"{_SHORT.get(key, key)} {shown}")
    return ", ".join(parts) or "as the run"


def sweep(learning_rate: float) -> list[dict[str, float]]:
    """The learning-rate sweep around `learning_rate` (x0.1, x1, x10), rounded to 12 digits so
    0.1 x 0.1 reads 0.01."""
    return [{"learning_rate": float(f"{learning_rate * k:.12g}")} for k in SWEEP]


def file_stem(index: int, label: str) -> str:
    """variant-1-lr-0.01: the file name of variant `index` (0-based) without its suffix."""
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", label).strip("-.")[:40].strip("-.")
    return f"variant-{index + 1}" + (f"-{slug}" if slug else "")


def _check_changes(mode: str, changes: Any, where: str) -> dict[str, Any]:
    if not isinstance(changes, Mapping):
        raise ValueError(f"{where}: must be a mapping of settings to values, got {changes!r}")
    allowed = SETTINGS if mode == "network" else FUNCTION_SETTINGS
    for key in changes:
        if key in allowed:
            continue
        if key in SETTINGS:
            raise ValueError(
                f"{where}.{key}: a formula has no network; in function mode a variant changes "
                "the optimizer settings only"
            )
        guess = closest(str(key), list(allowed))
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise ValueError(f"{where}: cannot change {key!r}{hint} (one of {', '.join(allowed)})")
    return dict(changes)


def variant_config(start: Config, changes: Mapping[str, Any], where: str = "variant") -> Config:
    """`start` with `changes` applied and validated like a file (ValueError naming the key)."""
    changes = _check_changes(start.mode, changes, where)
    opt = start.optimizer
    if "optimizer" in changes:
        name = changes["optimizer"]
        if name not in OPTIMIZER_DEFAULTS:
            guess = closest(str(name), list(OPTIMIZER_DEFAULTS))
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise ValueError(f"{where}.optimizer: unknown optimizer {name!r}{hint}")
        opt = dataclasses.replace(opt, name=name)
    if "learning_rate" in changes:
        opt = dataclasses.replace(opt, learning_rate=changes["learning_rate"])
    if "momentum" in changes:
        if "momentum" not in OPTIMIZER_DEFAULTS[opt.name]:
            raise ValueError(f"{where}.momentum: {opt.name} has no momentum (sgd and rmsprop do)")
        opt = dataclasses.replace(opt, momentum=changes["momentum"])
    fields: dict[str, Any] = {"optimizer": opt}
    if "activation" in changes:
        act = changes["activation"]
        if act not in ACTIVATIONS:
            raise ValueError(f"{where}.activation: unknown activation {act!r}")
        net = start.network
        if not net.hidden_layers:
            raise ValueError(f"{where}.activation: this network has no hidden layer")
        layers = tuple(dataclasses.replace(x, activation=act) for x in net.hidden_layers)
        fields["network"] = dataclasses.replace(net, layers=(*layers, net.output_layer))
    if "batch_size" in changes:
        fields["batch_size"] = changes["batch_size"]
    if "regularization" in changes or "regularization_rate" in changes:
        kind = changes.get("regularization", start.regularization.kind)
        if kind not in REGULARIZATIONS:
            raise ValueError(f"{where}.regularization: unknown kind {kind!r}")
        rate = changes.get("regularization_rate", start.regularization.rate)
        fields["regularization"] = dataclasses.replace(start.regularization, kind=kind, rate=rate)
    if "seed" in changes:
        fields["init"] = dataclasses.replace(start.init, seed=changes["seed"])
    try:
        return start.replace(**fields)
    except ConfigError as exc:
        raise ValueError(f"{where}: {exc}") from None
    except TypeError as exc:  # a value of a type no field takes
        raise ValueError(f"{where}: {exc}") from None


def start_parameters(base: Trainer) -> np.ndarray:
    """The run's parameters at step 0: its history's row 0 (a value set by hand at step 0
    included), or made again from its start settings if that row is gone."""
    row = base.history.param_row(0)
    if row is not None:
        return row[0]
    return Trainer(base.start_config, dataset=_dataset(base)).parameters


def _dataset(base: Trainer):
    return getattr(base.objective, "dataset", None)


class Comparison:
    """Up to MAX_VARIANTS trainers from one start, trained in turns (see the module doc).

    Everything is checked and every trainer built before anything is kept: a refused variant
    raises ValueError (its position and the key in one line) and no comparison starts.
    """

    def __init__(
        self,
        base: Trainer | None,
        variants: Sequence[Mapping[str, Any]],
        labels: Sequence[str],
        steps: int,
        compare_id: int,
        budget_bytes: int,
        clock: Callable[[], float],
    ):
        if base is None:
            raise ValueError("there is no run to compare: open a config that loads")
        if not isinstance(variants, (tuple, list)) or not 1 <= len(variants) <= MAX_VARIANTS:
            count = len(variants) if isinstance(variants, (tuple, list)) else variants
            raise ValueError(f"compare: 1 to {MAX_VARIANTS} variants, got {count!r}")
        if not isinstance(labels, (tuple, list)) or len(labels) != len(variants):
            raise ValueError("compare: one label for each variant")
        for label in labels:
            if not isinstance(label, str) or not label.strip() or "\n" in label:
                raise ValueError(f"compare: a label is one line of text, got {label!r}")
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"compare: steps must be a whole number in 1..{MAX_STEPS}")
        self.compare_id = compare_id
        self.labels = tuple(labels)
        self.steps = steps
        self.clock = clock
        start = base.start_config
        first = start_parameters(base)
        data = _dataset(base)
        self.trainers: list[Trainer] = []
        for i, changes in enumerate(variants):
            where = f"variant {i + 1} ({labels[i]})"
            config = variant_config(start, changes, where)
            trainer = open_trainer(config, dataset=data, history_budget=budget_bytes)
            if "seed" not in changes and not np.array_equal(trainer.parameters, first):
                trainer = open_trainer(
                    _with_start(config, trainer, first), dataset=data, history_budget=budget_bytes
                )
            self.trainers.append(trainer)
        self.sent = [-1] * len(self.trainers)  # the last step sent of each
        self.done = [False] * len(self.trainers)
        self.stopped = False
        self.progress_at = -math.inf

    @property
    def active(self) -> bool:
        return not self.stopped and not all(self.done)

    def started(self) -> CompareStarted:
        t = self.trainers[0]
        configs = tuple(x.config for x in self.trainers)
        return CompareStarted(self.compare_id, self.labels, configs, t.extra_names, self.steps)

    def tick(self, seconds: float) -> list[Message]:
        """Train every unfinished variant for its share of `seconds`; the messages due."""
        if not self.active:
            return []
        turn = [i for i, d in enumerate(self.done) if not d]
        share = seconds / len(turn)
        for i in turn:
            t = self.trainers[i]
            if t.diverged is None and t.step_count < self.steps:
                t.step(self.steps - t.step_count, max_seconds=share)
            self.done[i] = t.diverged is not None or t.step_count >= self.steps
        if all(self.done):
            return [self.progress(), CompareDone(self.compare_id)]
        if self.clock() - self.progress_at >= PROGRESS_SECONDS:
            return [self.progress()]
        return []

    def cancel(self) -> list[Message]:
        """Stop training (what was trained stays, for export)."""
        if not self.active:
            return []
        self.stopped = True
        return [self.progress(), CompareDone(self.compare_id, stopped=True)]

    def progress(self) -> CompareProgress:
        """Each variant's rows since the last progress (costs and extras; copies)."""
        self.progress_at = self.clock()
        rows = []
        for i, t in enumerate(self.trainers):
            h = t.history
            steps = h.steps()
            lo = int(np.searchsorted(steps, self.sent[i], side="right"))
            extras = {name: h.extra(name)[lo:].copy() for name in t.extra_names}
            rows.append(
                VariantRows(
                    i,
                    steps[lo:].copy(),
                    h.cost()[lo:].copy(),
                    extras,
                    t.step_count,
                    self.done[i] or self.stopped,
                    t.diverged,
                )
            )
            self.sent[i] = t.step_count
        return CompareProgress(self.compare_id, tuple(rows))

    def export_message(self, folder: str) -> CompareExported | CompareFailed:
        """`export`'s answer: the paths written, or why not in one line."""
        try:
            return CompareExported(self.export(folder))
        except ValueError as exc:
            return CompareFailed(str(exc), self.compare_id)
        except OSError as exc:
            return CompareFailed(f"could not export: {exc.strerror or exc}", self.compare_id)

    def export(self, folder: str) -> tuple[str, ...]:
        """Each variant as NAME.csv and NAME.json in `folder` (names: `file_stem`); OSError
        (FileRefused for an input of the run, a read-only file, ...) or ValueError."""
        where = Path(folder)
        if not where.is_dir():
            raise ValueError(f"cannot export into {folder}: not a folder")
        paths = []
        for i, t in enumerate(self.trainers):
            path = where / f"{file_stem(i, self.labels[i])}.csv"
            paths.append(str(export_run(t, path)))
        return tuple(paths)


def _with_start(config: Config, trainer: Trainer, first: np.ndarray) -> Config:
    """`config` with the start values that make its step 0 `first` (only those that differ)."""
    if config.mode == "function":
        names = trainer.parameter_names
        return config.replace(
            parameters=tuple((n, float(v)) for n, v in zip(names, first, strict=True))
        )
    now = trainer.parameters
    differ = np.flatnonzero(~((now == first) | (np.isnan(now) & np.isnan(first))))
    values = dict(config.start_values)
    names = trainer.parameter_names
    values.update({names[i]: float(first[i]) for i in differ})
    return config.replace(start_values=tuple(values.items()))
