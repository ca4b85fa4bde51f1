"""The training loop: initialise, then repeat forward pass, cost, gradient, update.

Row t of the history holds the parameters after t updates, the cost at those parameters and the
gradient there: the gradient that update t+1 will use. So after `reset()` the trainer already
knows the first gradient, and the GUI can show it before the first step is taken.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from gdsim.config import MAX_SEED, Config, config_from_dict, default_config
from gdsim.engine import checkpoints as _ck
from gdsim.engine.datasets import Dataset
from gdsim.engine.edits import NameLookup
from gdsim.engine.history_edit import EditableHistory
from gdsim.engine.objectives import make_objective
from gdsim.engine.optimizers import make_optimizer
from gdsim.engine.parameters import ParameterIndex
from gdsim.engine.time_travel import TimeTravel, start_frozen

DEFAULT_HISTORY_BUDGET = 256 * 2**20


def checkpoint_share(history_budget: int) -> int:
    """The part of the trainer's history budget that its rewind checkpoints may use."""
    return history_budget // 8


_min, _max, _dot = np.minimum.reduce, np.maximum.reduce, np.dot
_DOT_MAX = 10_000  # OpenBLAS's ddot uses one thread up to this length


def _check_seed(seed: Any) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed: must be a whole number, got {seed!r}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed: must be in 0..{MAX_SEED}, got {seed}")
    return int(seed)


class Trainer(TimeTravel):
    """Train a network (or minimise a formula) step by step.

    `config` is a Config or a dict in the config-file format (None: the default run).
    `dataset` gives the data as arrays (network mode); without it a built-in data set is made
    from the config. The engine opens no files: for a config file, or a config whose data is
    a CSV file, use :func:`gdsim.session.run_files.open_trainer`, which reads them.

    >>> t = Trainer(
    ...     {
    ...         "mode": "function",
    ...         "function": "(w - 3)**2",
    ...         "parameters": {"w": 1.0},
    ...         "optimizer": {"name": "sgd", "learning_rate": 0.1},
    ...     }
    ... )
    >>> t.cost, float(t.gradients[0])
    (4.0, -4.0)
    >>> t.step()  # w <- w - 0.1 * (-4)
    1
    >>> round(float(t.parameters[0]), 12)
    1.4
    """

    def __init__(
        self,
        config: Config | Mapping[str, Any] | None = None,
        *,
        dataset: Dataset | None = None,
        history_budget: int = DEFAULT_HISTORY_BUDGET,
    ):
        if config is None:
            config = default_config()
        elif isinstance(config, (str, os.PathLike)):
            raise TypeError(
                f"Trainer takes a Config or a dict, not the path {os.fspath(config)!r}: "
                "gdsim.session.run_files.open_trainer(path) reads a config file"
            )
        elif not isinstance(config, Config):
            config = config_from_dict(dict(config))
        self.config: Config = config
        self.objective = make_objective(config, dataset)
        opt = config.optimizer
        self.optimizer = make_optimizer(
            opt.name, self.objective.theta.size, **opt.hyperparameters()
        )
        self.extra_names: tuple[str, ...] = (*self.objective.extra_names, "learning_rate")
        # The history budget holds both the history (7/8) and the checkpoints that rewinding
        # replays from (1/8; see checkpoints.py).
        checkpoint_budget = checkpoint_share(history_budget)
        self.history = EditableHistory(
            self.objective.theta.size,
            self.extra_names,
            budget_bytes=history_budget - checkpoint_budget,
        )
        self.checkpoints = _ck.Checkpoints(checkpoint_budget)
        self._names = NameLookup(self.objective.parameter_names)
        self._frozen: np.ndarray | None = None  # positions of the frozen parameters
        self._changes: list[dict[str, Any]] = []  # every live change, in order (see changes)
        self._timeline: list[dict[str, Any]] = []  # those still in force (not cut by a rewind)
        self._extras = np.full(len(self.extra_names), math.nan)
        n = self.objective.theta.size
        self._zeros = np.zeros(n) if n <= _DOT_MAX else None
        self.seed = config.init.seed
        self.reset()

    # ------------------------------------------------------------------ state
    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self.objective.parameter_names

    @property
    def parameter_index(self) -> ParameterIndex:
        """Who each parameter is (kind, layer, j, k): see gdsim.engine.parameters."""
        return self.objective.parameter_index

    @property
    def mode(self) -> str:
        return self.config.mode

    @property
    def step_count(self) -> int:
        """Updates applied since the start (the row number of the current parameters)."""
        return self._step

    @property
    def epoch(self) -> int:
        return self.objective.epoch

    @property
    def cost(self) -> float:
        """Cost at the current parameters (on the batch of the current gradient)."""
        return self._cost

    @property
    def parameters(self) -> np.ndarray:
        return self.objective.theta.copy()

    @property
    def gradients(self) -> np.ndarray:
        """dC/dtheta at the current parameters: what the next update will use."""
        return self.objective.grad.copy()

    @property
    def last_update(self) -> np.ndarray:
        """theta_t - theta_{t-1} (zeros before the first update)."""
        return self.optimizer.update.copy()

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @property
    def run_config(self) -> Config:
        """The config that replays this run: the config with its settings in force now if
        nothing was changed live, else the settings at the start with the `changes`."""
        if not self._changes:
            return self.config
        return self.start_config.replace(changes=tuple(self.changes))

    @property
    def diverged(self) -> str | None:
        """Why training stopped (a non-finite cost or parameter), or None."""
        return self._diverged

    # ------------------------------------------------------------------ control
    # A refused value (ValueError; a ConfigError is one) leaves the trainer exactly as it was:
    # everything is checked before anything changes.
    def reset(self, seed: int | None = None) -> None:
        """Back to step 0. The same seed gives exactly the same start (and batch order)."""
        if seed is not None:
            seed = _check_seed(seed)
            if self.config.mode == "network":  # so a saved config or RUN.json replays this start
                self.config = self.config.replace(
                    init=dataclasses.replace(self.config.init, seed=seed)
                )
            self.seed = seed
        self.start_config: Config = self.config  # the settings at step 0 (see run_config)
        self._start()
        self.optimizer.reset()
        self.history.clear()
        self.checkpoints.clear()
        self._changes.clear()
        self._timeline.clear()
        self._step = 0
        self._diverged: str | None = None
        with np.errstate(all="ignore"):
            self._cost = self.objective.evaluate()
            self._record()

    def _start(self) -> None:
        """Parameters, batches and frozen parameters as at step 0 (of `start_config`)."""
        self.objective.initialize(self.seed)
        config = self.start_config
        if config.mode == "network" and config.start_values:  # they override the initialiser
            idx, vals = self._names.values(dict(config.start_values), "parameters")
            self.objective.theta[idx] = vals
        self._frozen = start_frozen(config, self._names)

    def set_learning_rate(self, learning_rate: float) -> None:
        """Applies from the next update on (the optimizer keeps its state). The history's
        `learning_rate` on the current step becomes this rate: row t holds the rate of the
        update from step t to t+1, so w(t+1) - w(t) = -lr(t) * g(t) can be read off (plain SGD)."""
        if (
            isinstance(learning_rate, (bool, np.bool_))
            or not isinstance(learning_rate, (int, float, np.number))
            or not (learning_rate > 0 and math.isfinite(learning_rate))
        ):
            raise ValueError(f"learning_rate: must be > 0, got {learning_rate!r}")
        self.set_optimizer(self.optimizer.name, learning_rate=float(learning_rate))

    def set_optimizer(self, name: str, **hyperparameters: Any) -> None:
        """Change optimizer settings live; switching to another optimizer starts it fresh.
        Values outside the config's limits are refused (ValueError) and nothing changes."""
        self._set_optimizer(name, hyperparameters)
        settings = self.optimizer.hyperparameters
        self._log({"kind": "optimizer", "name": self.optimizer.name, "settings": settings})

    def _set_optimizer(self, name: str, hyperparameters: dict[str, Any]) -> None:
        same = name == self.optimizer.name
        settings = (
            {**self.optimizer.hyperparameters, **hyperparameters} if same else hyperparameters
        )
        trial = make_optimizer(name, 0, **settings)  # unknown names, bad values: ValueError
        # Keep `config` in step with live changes, so RUN.json holds the settings in force at
        # the end; validated like a file (ConfigError, a ValueError, e.g. a rate over the limit).
        config = self.config.replace(
            optimizer=dataclasses.replace(
                self.config.optimizer, name=trial.name, **trial.hyperparameters
            )
        )
        if same:
            self.optimizer.set_hyperparameters(**hyperparameters)
        else:
            self.optimizer = make_optimizer(name, self.objective.theta.size, **hyperparameters)
        self.config = config
        # The rate of the next update, i.e. of the update from the current step (see above).
        self._extras[-1] = self.optimizer.learning_rate
        self.history.set_latest_extra("learning_rate", self.optimizer.learning_rate)

    def step(
        self, n: int = 1, *, max_seconds: float | None = None, until_cost: float | None = None
    ) -> int:
        """Apply up to n updates; fewer if training diverges, `max_seconds` runs out, or the
        cost falls to `until_cost` or below (checked after every update).

        Returns the number of updates applied.
        """
        objective, optimizer = self.objective, self.optimizer
        theta, grad = objective.theta, objective.grad
        frozen, checkpoints = self._frozen, self.checkpoints
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        target = -math.inf if until_cost is None else until_cost
        done = 0
        moved = False  # theta/grad no longer hold the latest row (the history reads them live)
        try:
            with np.errstate(all="ignore"):
                while done < n and self._diverged is None:
                    moved = True
                    if frozen is None:
                        optimizer.step(theta, grad)  # theta <- theta + update(grad)
                    else:  # the optimizer's state moves on; the frozen values stay
                        kept = theta[frozen]
                        optimizer.step(theta, grad)
                        theta[frozen] = kept
                        optimizer.update[frozen] = 0.0
                    self._step += 1
                    objective.advance(self._step)
                    self._cost = objective.evaluate()  # forward pass, cost, backward pass
                    self._record()
                    moved = False
                    if self._step % checkpoints.stride == 0:
                        self._checkpoint()
                    done += 1
                    if self._cost <= target or (
                        deadline is not None and time.perf_counter() >= deadline
                    ):
                        break
        except BaseException:
            if moved:
                self.history.lose_live()
            raise
        return done

    def _record(self, replace: bool = False) -> None:
        cost, step = self._cost, self._step
        extras = self._extras
        self.objective.extras(step, cost, extras)
        extras[-1] = self.optimizer.learning_rate
        theta = self.objective.theta
        # theta . 0 is NaN exactly when some parameter is inf or NaN (one cheap call); past
        # 10,000 OpenBLAS runs a dot on 2 threads, so min and max (which propagate NaN) instead.
        zeros = self._zeros
        if not math.isfinite(cost) or not (
            math.isfinite(_dot(theta, zeros))
            if zeros is not None
            else math.isfinite(_min(theta, initial=0.0)) and math.isfinite(_max(theta, initial=0.0))
        ):
            self._diverged = self._divergence_message(step, cost)
        # Last, so that a row is recorded only once all went well. `live`: theta and grad change
        # only in step(), which tells the history if it fails half-way (a row that the next
        # append replaces is then never copied).
        if replace:
            self.history.replace_latest(cost, theta, self.objective.grad, extras)
        else:
            self.history.append(step, cost, theta, self.objective.grad, extras, live=True)

    def _divergence_message(self, step: int, cost: float) -> str:
        theta = self.objective.theta
        bad = np.flatnonzero(~np.isfinite(theta))
        if bad.size:
            what = f"parameter {self.parameter_names[bad[0]]} became {theta[bad[0]]}"
        else:
            what = f"the cost became {cost}"
        if step == 0:  # no update has happened yet: the learning rate cannot be the cause
            cause = (
                "The formula is not defined at this starting point (e.g. log or sqrt of a "
                "negative number, or a division by zero); choose another start."
                if self.mode == "function"
                else "Check the data and the initialisation."
            )
            return f"the cost cannot be computed at the start: {what} before any update. {cause}"
        lr = self.optimizer.learning_rate
        return (
            f"training diverged at step {step}: {what}. The learning rate ({lr:g}) is "
            f"probably too large for this cost; try a smaller one."
        )

    # ------------------------------------------------------------------ output
    def predict(self, x: np.ndarray) -> np.ndarray:
        """Network output for inputs x (features x samples). Network mode only."""
        return self.objective.network.predict(np.asarray(x, dtype=np.float64))
