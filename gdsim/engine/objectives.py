"""What the trainer minimises: a network on a dataset, or a formula in one or two parameters.

An objective owns the flat parameter vector `theta` and gradient vector `grad`; `evaluate()`
computes the cost at `theta` on the current batch and fills `grad`; `advance(step)` selects the
batch for that step. The optimizer only ever sees the two vectors.
"""

from __future__ import annotations

import math

import numpy as np

from gdsim.config import Config, ConfigError
from gdsim.engine.datasets import Dataset, make_builtin
from gdsim.engine.network import Network
from gdsim.engine.parameters import ParameterIndex


class FunctionObjective:
    """Function mode: C(w) or C(w1, w2) given as a formula, with its exact gradient."""

    mode = "function"

    def __init__(self, config: Config):
        from gdsim.expression import ExpressionError, parse_expression

        names = [name for name, _ in config.parameters]
        try:
            self.expression = parse_expression(config.function, names)
        except ExpressionError as exc:
            raise ConfigError(f"function: {exc}", key="function") from None
        self.parameter_index = ParameterIndex.for_function(names)
        self.parameter_names = self.parameter_index.names
        self._start = np.array([value for _, value in config.parameters], dtype=np.float64)
        self.theta = self._start.copy()
        self.grad = np.zeros_like(self.theta)
        self.extra_names: tuple[str, ...] = ()
        self.epoch = 0

    def initialize(self, seed: int | None = None) -> None:
        self.theta[...] = self._start  # the lesson starts where the user put it; no randomness

    def advance(self, step: int) -> None:
        pass

    def batch_state(self) -> dict:
        return {}

    def restore_batch(self, state: dict, step: int) -> None:
        pass

    def evaluate(self) -> float:
        cost, grad = self.expression.value_and_gradient(self.theta)
        self.grad[...] = grad
        return float(cost)

    def extras(self, step: int, cost: float, out: np.ndarray) -> None:
        pass


def builtin_dataset(config: Config) -> Dataset:
    """The config's built-in data set. A CSV data set is read from its file by the layer above
    (:func:`gdsim.session.run_files.load_dataset`) and passed in: the engine opens no files."""
    data = config.data
    if data.source == "csv":
        raise ConfigError(
            "data.source: a CSV data set is read from its file before training: use "
            "gdsim.session.run_files.open_trainer(config), or pass dataset=... "
            "(the engine opens no files)",
            key="data.source",
        )
    if data.shipped:
        raise ConfigError(
            f"data.name: '{data.name}' is real data read from its shipped file before "
            "training: use gdsim.session.run_files.open_trainer(config), or pass dataset=... "
            "(the engine opens no files)",
            key="data.name",
        )
    return make_builtin(
        data.name,
        samples=data.samples,
        noise=data.noise,
        test_fraction=data.test_fraction,
        seed=data.seed,
        classes=data.class_count() or 2,  # a kept value of a set without classes counts not
        standardize=data.standardize,
        features=data.features,
    )


def _remedy(dataset: Dataset) -> str:
    """The loss and output layer that fit the data set, as advice: labels 0/1 -> bce with one
    sigmoid unit; labels 0..K-1 in one column -> cross_entropy with K softmax units; numbers to
    predict -> mse with a linear output."""
    k = dataset.n_classes
    if k == 2:
        return "use 'bce' with 1 sigmoid output unit for these 0/1 labels"
    if k >= 3:
        return (
            f"for these {k} classes (labels 0..{k - 1}) use 'cross_entropy' with {k} softmax "
            f"output units"
        )
    return "use 'mse' with a linear output for this data"


def _targets_for_loss(
    config: Config, y: np.ndarray, n_outputs: int, dataset: Dataset
) -> np.ndarray:
    """Check the data's targets against the loss and output layer; one-hot class indices for CE."""
    loss = config.loss
    if loss == "cross_entropy" and y.shape[0] == 1 and n_outputs > 1:
        labels = y[0]
        if y.size and (
            not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() >= n_outputs
        ):
            raise ConfigError(
                f"network.layers[{len(config.network.layers) - 1}].units: cross_entropy with "
                f"{n_outputs} outputs needs class labels 0..{n_outputs - 1} in "
                f"'{dataset.target_names[0]}'; {_remedy(dataset)}",
                key="network.layers",
            )
        onehot = np.zeros((n_outputs, y.shape[1]))
        onehot[labels.astype(np.intp), np.arange(y.shape[1])] = 1.0
        return onehot
    if y.shape[0] != n_outputs:
        raise ConfigError(
            f"network.layers[{len(config.network.layers) - 1}].units: the output layer has "
            f"{n_outputs} unit(s) but the data has {y.shape[0]} target(s) "
            f"({', '.join(dataset.target_names)})",
            key="network.layers",
        )
    if loss == "bce" and y.size and (y.min() < 0.0 or y.max() > 1.0):
        raise ConfigError(
            f"loss: 'bce' needs targets between 0 and 1; {_remedy(dataset)}", key="loss"
        )
    return np.ascontiguousarray(y, dtype=np.float64)


class NetworkObjective:
    """A network on a dataset, full batch or mini-batches (reshuffled every epoch)."""

    mode = "network"

    def __init__(self, config: Config, dataset: Dataset | None = None):
        self.config = config
        net_cfg = config.network
        self.dataset = dataset if dataset is not None else builtin_dataset(config)
        if net_cfg.inputs != self.dataset.n_inputs:
            raise ConfigError(
                f"network.inputs: {net_cfg.inputs} does not match the data, which has "
                f"{self.dataset.n_inputs} input(s) ({', '.join(self.dataset.input_names)})",
                key="network.inputs",
            )
        self.network = Network(
            net_cfg.inputs,
            [layer.units for layer in net_cfg.layers],
            [layer.activation for layer in net_cfg.layers],
            config.loss,
            config.regularization.kind,
            config.regularization.rate,
        )
        n_out = net_cfg.layers[-1].units
        self.x_train = np.ascontiguousarray(self.dataset.x_train, dtype=np.float64)
        self.x_test = np.ascontiguousarray(self.dataset.x_test, dtype=np.float64)
        self.y_train = _targets_for_loss(config, self.dataset.y_train, n_out, self.dataset)
        self.y_test = _targets_for_loss(config, self.dataset.y_test, n_out, self.dataset)
        self.theta, self.grad = self.network.theta, self.network.grad
        self.parameter_index = self.network.parameter_index
        self.parameter_names = self.network.parameter_names

        n_train = self.x_train.shape[1]
        batch = config.batch_size
        self.full_batch = batch == 0 or batch >= n_train
        self.batch_size = n_train if self.full_batch else batch
        self.steps_per_epoch = 1 if self.full_batch else math.ceil(n_train / batch)
        every = config.evaluate_every or self.steps_per_epoch
        self.evaluate_every = every
        self.has_test = self.x_test.shape[1] > 0
        # Classification (labels 0..K-1, one output per class or one sigmoid-like output) also
        # records the fraction of samples classified right, where the costs are evaluated.
        self.classifies = self.dataset.task == "classification" and n_out in (
            1,
            self.dataset.n_classes,
        )
        self.extra_names = ("train_cost", "test_cost", "epoch")
        if self.classifies:
            self.extra_names += ("train_accuracy", "test_accuracy")
            self._labels_train = self.dataset.y_train[0].astype(np.intp)
            self._labels_test = self.dataset.y_test[0].astype(np.intp)
        self.epoch = 0
        self._x, self._y = self.x_train, self.y_train
        self._rng = np.random.default_rng()
        self._order = np.arange(n_train)
        if not self.full_batch:
            # Gather mini-batches as rows of sample-major copies (contiguous, fast) and hand the
            # network their transposes: features x samples views that BLAS takes without a copy.
            self._x_rows = np.ascontiguousarray(self.x_train.T)
            self._y_rows = np.ascontiguousarray(self.y_train.T)
            self._xb: dict[int, np.ndarray] = {}
            self._yb: dict[int, np.ndarray] = {}

    def initialize(self, seed: int) -> None:
        init = self.config.init
        self.network.initialize(init.scheme, seed, init.scale)
        # The batch order is part of the run: seed it from the same seed, so Reset replays exactly.
        self._rng = np.random.default_rng([seed, 0x6764])
        self.epoch = 0
        self.advance(0)

    def advance(self, step: int) -> None:
        """Select the batch whose gradient row `step` will hold."""
        if self.full_batch:
            self.epoch = step
            return
        self.epoch, index = divmod(step, self.steps_per_epoch)
        if index == 0:
            self._order = self._rng.permutation(self.x_train.shape[1])
        self._select(index)

    def _select(self, index: int) -> None:
        idx = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        n = idx.size
        if n not in self._xb:
            self._xb[n] = np.empty((n, self._x_rows.shape[1]))
            self._yb[n] = np.empty((n, self._y_rows.shape[1]))
        self._x = np.take(self._x_rows, idx, axis=0, out=self._xb[n]).T
        self._y = np.take(self._y_rows, idx, axis=0, out=self._yb[n]).T

    def batch_state(self) -> dict:
        """Where the mini-batches are (for a checkpoint): epoch, order, the RNG's state."""
        return {
            "epoch": self.epoch,
            "order": self._order.copy(),
            "rng": self._rng.bit_generator.state,
        }

    def restore_batch(self, state: dict, step: int) -> None:
        """Back to `batch_state()` taken at `step`, with that step's batch selected again."""
        self._rng.bit_generator.state = state["rng"]
        self._order = state["order"].copy()
        self.epoch = state["epoch"]
        if not self.full_batch:
            self._select(step % self.steps_per_epoch)

    def evaluate(self) -> float:
        return self.network.cost_and_gradient(self._x, self._y)

    def extras(self, step: int, cost: float, out: np.ndarray) -> None:
        """train_cost, test_cost (every `evaluate_every` steps, else NaN) and epoch; for
        classification then train_accuracy and test_accuracy (fractions 0..1, at the same steps
        as the costs: train every step with full batches). Each accuracy is read from the
        forward pass that gave its cost, so it costs a comparison, not another pass."""
        evaluate = step % self.evaluate_every == 0
        classifies = self.classifies
        if self.full_batch:
            out[0] = cost
            if classifies:  # evaluate() just ran the forward pass on the whole training set
                out[3] = self._accuracy(self.x_train, self._labels_train)
        elif evaluate:
            out[0] = self.network.cost(self.x_train, self.y_train)
            if classifies:
                out[3] = self._accuracy(self.x_train, self._labels_train)
        else:
            out[0] = math.nan
            if classifies:
                out[3] = math.nan
        if evaluate and self.has_test:
            out[1] = self.network.cost(self.x_test, self.y_test)
            if classifies:
                out[4] = self._accuracy(self.x_test, self._labels_test)
        else:
            out[1] = math.nan
            if classifies:
                out[4] = math.nan
        out[2] = self.epoch

    def _accuracy(self, x: np.ndarray, labels: np.ndarray) -> float:
        """The fraction of `labels` that the latest forward pass on `x` predicts: class 1 where a
        single output is >= 0.5, else the most likely class (argmax)."""
        output = _latest_output(self.network, x)
        if output.shape[0] == 1:
            right = np.count_nonzero((output[0] >= 0.5) == (labels == 1))
        else:
            right = np.count_nonzero(np.argmax(output, axis=0) == labels)
        return right / labels.size


def _latest_output(network: Network, x: np.ndarray) -> np.ndarray:
    """The network's output from its latest forward pass on `x` (it keeps the activations of
    each batch size in a workspace until the next pass of that size); a new pass if there is
    none. The caller runs this right after the pass on `x`, before any other of that size."""
    workspace = getattr(network, "_workspaces", {}).get(x.shape[1])
    if workspace is None:  # (not expected; stays right if the network's buffers change)
        return network.predict(x)
    return workspace.a[-1]


def make_objective(
    config: Config, dataset: Dataset | None = None
) -> FunctionObjective | NetworkObjective:
    if config.mode == "function":
        return FunctionObjective(config)
    return NetworkObjective(config, dataset)
