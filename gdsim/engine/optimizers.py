"""Optimizers that update one flat float64 parameter vector in place.

The engine keeps every parameter of a model in a single vector ``theta`` and the gradient in a
vector ``grad`` of the same length. Each optimizer follows the update rule of its
``torch.optim`` namesake (torch 2.x, single-tensor path, ``weight_decay=0``, ``maximize=False``)
operation for operation, so float64 trajectories agree with PyTorch to rounding level. The only
differences are ones NumPy cannot express: PyTorch's CPU kernels evaluate ``add_`` with
``alpha``, ``addcmul_`` and ``lerp_`` with a fused multiply-add, NumPy rounds the product first.
That is a difference of at most one unit in the last place per operation.

A step first computes the change into :attr:`Optimizer.update` and then adds it to ``theta``.
All state and scratch arrays are allocated once, in ``__init__``; a step only calls ufuncs that
write into them (2 NumPy calls for plain SGD, 9 for RMSprop, 13 for Adam), because small
networks are bound by the fixed cost of each NumPy call rather than by arithmetic. Two cheap
tricks cut that cost by about a third: the output array is passed positionally (``np.add(a, b,
a)`` is faster than ``out=a``; np.maximum insists on ``out=``), and scalar operands are
preallocated 0-d arrays, refreshed when a hyperparameter changes (per step for Adam's bias
corrections), because NumPy handles a Python float operand ~0.25 µs slower.

Notation below: ``g`` is the gradient, ``lr`` the learning rate, ``t`` the step number (1-based).
"""

from __future__ import annotations

import abc
import math
from typing import Any, ClassVar

import numpy as np

# The names and each one's hyperparameters with the torch.optim defaults (torch 2.x): one table,
# shared with the config format.
from gdsim.config.names import OPTIMIZER_DEFAULTS as DEFAULTS
from gdsim.config.names import OPTIMIZERS

__all__ = ["DEFAULTS", "OPTIMIZERS", "Optimizer", "SGD", "RMSprop", "Adam", "make_optimizer"]

_f64 = np.float64
_add = np.add
_subtract = np.subtract
_multiply = np.multiply
_divide = np.divide
_sqrt = np.sqrt
_maximum = np.maximum


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _as_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _scalar(value: float = 0.0) -> np.ndarray:
    """A 0-d float64 array used as a ufunc operand (set with ``a[()] = x``)."""
    return np.array(value, dtype=_f64)


class _Lerp:
    """In-place ``start <- lerp(start, end, weight)`` with torch's two-branch formula.

    |w| < 0.5: start + w*(end - start);  otherwise: end + (w - 1)*(end - start).
    """

    __slots__ = ("coeff", "small")

    def __init__(self) -> None:
        self.coeff = _scalar()
        self.small = True

    def set_weight(self, weight: float) -> None:
        self.small = abs(weight) < 0.5
        self.coeff[()] = weight if self.small else weight - 1.0

    def __call__(self, start: np.ndarray, end: np.ndarray, scratch: np.ndarray) -> None:
        _subtract(end, start, scratch)
        _multiply(scratch, self.coeff, scratch)
        _add(start if self.small else end, scratch, start)


class _Hyperparameter:
    """Attribute access to one hyperparameter; assignment goes through set_hyperparameters."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __get__(self, obj: Optimizer | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._hp[self.key]

    def __set__(self, obj: Optimizer, value: Any) -> None:
        obj.set_hyperparameters(**{self.key: value})


class Optimizer(abc.ABC):
    """Base class: hyperparameters, the ``update`` vector and the step counter.

    Hyperparameters (named as in :data:`DEFAULTS`) are attributes; assigning one, e.g.
    ``opt.learning_rate = 0.05``, is the same as ``opt.set_hyperparameters(learning_rate=0.05)``
    and takes effect from the next step. Subclasses define ``name``, ``_bool_keys`` and implement
    ``_validate``, ``_sync`` (derive the cached step constants), ``step`` and ``_reset_state``.
    """

    name: ClassVar[str] = ""
    _bool_keys: ClassVar[frozenset[str]] = frozenset()
    learning_rate = _Hyperparameter()

    def __init__(self, n_params: int, **hyperparameters: Any) -> None:
        if isinstance(n_params, (bool, np.bool_)) or not isinstance(n_params, (int, np.integer)):
            raise ValueError(f"n_params must be an integer, got {n_params!r}")
        if n_params < 0:
            raise ValueError(f"n_params must be >= 0, got {n_params}")
        self.n_params = int(n_params)
        self._shape = (self.n_params,)
        # theta_new - theta_old of the last step; zeros before the first step.
        self.update = np.zeros(self.n_params, dtype=_f64)
        self.steps_taken = 0
        self._neg_lr = _scalar()  # -lr
        self._hp: dict[str, Any] = dict(DEFAULTS[self.name])
        self._alloc()
        self.set_hyperparameters(**hyperparameters)

    # ----------------------------------------------------------------- hyperparameters
    @property
    def hyperparameters(self) -> dict[str, float | bool]:
        """A copy of the current values, keyed as in ``DEFAULTS[self.name]``."""
        return dict(self._hp)

    def set_hyperparameters(self, **values: Any) -> None:
        """Change hyperparameters live; the optimizer's state is kept.

        Unknown names or invalid values raise ValueError and leave every value unchanged.
        """
        allowed = self._hp
        for key in values:
            if key not in allowed:
                raise ValueError(
                    f"unknown hyperparameter {key!r} for optimizer '{self.name}'; "
                    f"allowed: {', '.join(allowed)}"
                )
        new = dict(self._hp)
        for key, value in values.items():
            new[key] = _as_bool(key, value) if key in self._bool_keys else _as_float(key, value)
        if new["learning_rate"] < 0.0:
            raise ValueError(f"learning_rate must be >= 0, got {new['learning_rate']}")
        self._validate(new)
        self._hp = new
        self._neg_lr[()] = -new["learning_rate"]
        self._sync(new)

    @abc.abstractmethod
    def _validate(self, hp: dict[str, Any]) -> None:
        """Raise ValueError (naming the setting) for values the optimizer does not accept."""

    @abc.abstractmethod
    def _sync(self, hp: dict[str, Any]) -> None:
        """Copy the settings into the 0-d arrays the update rule reads."""

    # ----------------------------------------------------------------------- state
    def _alloc(self) -> None:  # noqa: B027 (an optional hook: no state by default)
        """Allocate the subclass's state and scratch arrays (called once, from __init__)."""

    def _reset_state(self) -> None:  # noqa: B027 (an optional hook)
        """Zero the subclass's state arrays and flags."""

    @property
    def buffers(self) -> dict[str, np.ndarray]:
        """Every parameter-sized array the optimizer owns (state and scratch) by name, including
        ``update``. They are allocated once: their identities never change."""
        return {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray) and v.ndim == 1}

    def reset(self) -> None:
        """Forget all state (moments, momentum buffers, step count); ``update`` back to zeros."""
        self.update.fill(0.0)
        self.steps_taken = 0
        self._reset_state()

    def _check(self, theta: np.ndarray, grad: np.ndarray) -> None:
        if theta.shape != self._shape or grad.shape != self._shape:
            raise ValueError(
                f"theta and grad must have shape {self._shape}, got {theta.shape} and {grad.shape}"
            )

    @abc.abstractmethod
    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Update ``theta`` in place from ``grad`` (both float64, shape ``(n_params,)``)."""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hp.items())
        return f"{type(self).__name__}(n_params={self.n_params}, {args})"


class SGD(Optimizer):
    """torch.optim.SGD.

    momentum == 0:  theta <- theta - lr*g
    momentum != 0:  buf <- g (first step), else buf <- momentum*buf + (1 - dampening)*g
                    d <- g + momentum*buf (nesterov) or buf;  theta <- theta - lr*d
    """

    name = "sgd"
    _bool_keys = frozenset({"nesterov"})
    momentum = _Hyperparameter()
    dampening = _Hyperparameter()
    nesterov = _Hyperparameter()

    def _validate(self, hp: dict[str, Any]) -> None:
        if hp["momentum"] < 0.0:
            raise ValueError(f"momentum must be >= 0, got {hp['momentum']}")
        if hp["nesterov"] and (hp["momentum"] <= 0.0 or hp["dampening"] != 0.0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _alloc(self) -> None:  # noqa: B027 (an optional hook: no state by default)
        self._buf = np.zeros(self.n_params, dtype=_f64)
        self._has_buf = False  # torch creates the buffer lazily: the first momentum step copies g
        self._k_momentum = _scalar()
        self._k_undamped = _scalar()  # 1 - dampening

    def _sync(self, hp: dict[str, Any]) -> None:
        self._use_momentum = hp["momentum"] != 0.0
        self._dampened = hp["dampening"] != 0.0
        self._nesterov = hp["nesterov"]
        self._k_momentum[()] = hp["momentum"]
        self._k_undamped[()] = 1.0 - hp["dampening"]

    def _reset_state(self) -> None:  # noqa: B027 (an optional hook)
        self._buf.fill(0.0)
        self._has_buf = False

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self._check(theta, grad)
        u = self.update
        if self._use_momentum:
            buf = self._buf
            if self._has_buf:
                # buf <- momentum*buf + (1 - dampening)*g
                _multiply(buf, self._k_momentum, buf)
                if self._dampened:
                    _multiply(grad, self._k_undamped, u)
                    _add(buf, u, buf)
                else:
                    _add(buf, grad, buf)
            else:
                buf[...] = grad  # buf <- g
                self._has_buf = True
            if self._nesterov:
                # update <- -lr*(g + momentum*buf)
                _multiply(buf, self._k_momentum, u)
                _add(grad, u, u)
                _multiply(u, self._neg_lr, u)
            else:
                _multiply(buf, self._neg_lr, u)  # update <- -lr*buf
        else:
            _multiply(grad, self._neg_lr, u)  # update <- -lr*g
        _add(theta, u, theta)
        self.steps_taken += 1


class RMSprop(Optimizer):
    """torch.optim.RMSprop.

    v <- alpha*v + (1 - alpha)*g^2
    centered:  g_avg <- lerp(g_avg, g, 1 - alpha);  avg <- sqrt(v - g_avg^2) + eps
    otherwise: avg <- sqrt(v) + eps
    momentum > 0: buf <- momentum*buf + g/avg;  theta <- theta - lr*buf
    otherwise:    theta <- theta - lr*g/avg

    State starts at zero. Centered mode clamps v - g_avg^2 at 0 before the square root. It is a
    variance estimate: when the gradient stays (nearly) constant it cancels to 0 up to rounding
    and can come out slightly negative, where torch takes sqrt of a negative number and returns
    NaN (with a constant gradient both then divide by ~eps, i.e. take huge steps). Switching
    ``centered`` or ``momentum`` on mid-run starts their buffers from their current contents
    (zero unless used before); torch would raise a KeyError.
    """

    name = "rmsprop"
    _bool_keys = frozenset({"centered"})
    alpha = _Hyperparameter()
    eps = _Hyperparameter()
    momentum = _Hyperparameter()
    centered = _Hyperparameter()

    def _validate(self, hp: dict[str, Any]) -> None:
        for key in ("alpha", "eps", "momentum"):
            if hp[key] < 0.0:
                raise ValueError(f"{key} must be >= 0, got {hp[key]}")

    def _alloc(self) -> None:  # noqa: B027 (an optional hook: no state by default)
        n = self.n_params
        self._square_avg = np.zeros(n, dtype=_f64)
        self._grad_avg = np.zeros(n, dtype=_f64)
        self._buf = np.zeros(n, dtype=_f64)
        self._scratch = np.zeros(n, dtype=_f64)
        self._k_alpha = _scalar()
        self._k_one_minus_alpha = _scalar()
        self._k_eps = _scalar()
        self._k_momentum = _scalar()
        self._k_zero = _scalar()
        self._lerp = _Lerp()

    def _sync(self, hp: dict[str, Any]) -> None:
        self._centered = hp["centered"]
        self._use_momentum = hp["momentum"] > 0.0
        self._k_alpha[()] = hp["alpha"]
        self._k_one_minus_alpha[()] = 1.0 - hp["alpha"]
        self._k_eps[()] = hp["eps"]
        self._k_momentum[()] = hp["momentum"]
        self._lerp.set_weight(1.0 - hp["alpha"])

    def _reset_state(self) -> None:  # noqa: B027 (an optional hook)
        self._square_avg.fill(0.0)
        self._grad_avg.fill(0.0)
        self._buf.fill(0.0)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self._check(theta, grad)
        u = self.update
        s = self._scratch
        v = self._square_avg
        # v <- alpha*v + ((1 - alpha)*g)*g   (torch: mul_ then addcmul_)
        _multiply(v, self._k_alpha, v)
        _multiply(grad, self._k_one_minus_alpha, s)
        _multiply(s, grad, s)
        _add(v, s, v)
        if self._centered:
            ga = self._grad_avg
            self._lerp(ga, grad, u)  # g_avg <- lerp(g_avg, g, 1 - alpha)
            # avg <- sqrt(max(v - g_avg^2, 0)) + eps
            _multiply(ga, ga, s)
            _subtract(v, s, s)
            _maximum(s, self._k_zero, out=s)
            _sqrt(s, s)
        else:
            _sqrt(v, s)  # avg <- sqrt(v) + eps
        _add(s, self._k_eps, s)
        if self._use_momentum:
            # buf <- momentum*buf + g/avg;  update <- -lr*buf
            buf = self._buf
            _multiply(buf, self._k_momentum, buf)
            _divide(grad, s, s)
            _add(buf, s, buf)
            _multiply(buf, self._neg_lr, u)
        else:
            # update <- (-lr*g)/avg   (torch: addcdiv_ with value=-lr)
            _multiply(grad, self._neg_lr, u)
            _divide(u, s, u)
        _add(theta, u, theta)
        self.steps_taken += 1


class Adam(Optimizer):
    """torch.optim.Adam.

    t <- t + 1
    m <- lerp(m, g, 1 - beta1)            (= beta1*m + (1 - beta1)*g)
    v <- beta2*v + (1 - beta2)*g^2
    v_max <- max(v_max, v) (amsgrad; used in place of v below)
    denom <- sqrt(v)/sqrt(1 - beta2^t) + eps
    theta <- theta - (lr/(1 - beta1^t))*m/denom

    ``t`` is :attr:`steps_taken`. With amsgrad switched on mid-run the running maximum starts
    from its current contents (zero unless amsgrad was used before).
    """

    name = "adam"
    _bool_keys = frozenset({"amsgrad"})
    beta1 = _Hyperparameter()
    beta2 = _Hyperparameter()
    eps = _Hyperparameter()
    amsgrad = _Hyperparameter()

    def _validate(self, hp: dict[str, Any]) -> None:
        if hp["eps"] < 0.0:
            raise ValueError(f"eps must be >= 0, got {hp['eps']}")
        for key in ("beta1", "beta2"):
            if not 0.0 <= hp[key] < 1.0:
                raise ValueError(f"{key} must be in [0, 1), got {hp[key]}")

    def _alloc(self) -> None:  # noqa: B027 (an optional hook: no state by default)
        n = self.n_params
        self._exp_avg = np.zeros(n, dtype=_f64)
        self._exp_avg_sq = np.zeros(n, dtype=_f64)
        self._max_exp_avg_sq = np.zeros(n, dtype=_f64)
        self._scratch = np.zeros(n, dtype=_f64)
        self._k_beta2 = _scalar()
        self._k_one_minus_beta2 = _scalar()
        self._k_eps = _scalar()
        self._k_neg_step_size = _scalar()  # -lr/(1 - beta1^t), set every step
        self._k_bc2_sqrt = _scalar()  # (1 - beta2^t)^0.5, set every step
        self._lerp = _Lerp()

    def _sync(self, hp: dict[str, Any]) -> None:
        self._lr = hp["learning_rate"]
        self._beta1 = hp["beta1"]
        self._beta2 = hp["beta2"]
        self._amsgrad = hp["amsgrad"]
        self._k_beta2[()] = hp["beta2"]
        self._k_one_minus_beta2[()] = 1.0 - hp["beta2"]
        self._k_eps[()] = hp["eps"]
        self._lerp.set_weight(1.0 - hp["beta1"])

    def _reset_state(self) -> None:  # noqa: B027 (an optional hook)
        self._exp_avg.fill(0.0)
        self._exp_avg_sq.fill(0.0)
        self._max_exp_avg_sq.fill(0.0)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        self._check(theta, grad)
        u = self.update
        s = self._scratch
        m = self._exp_avg
        v = self._exp_avg_sq
        t = float(self.steps_taken + 1)  # torch keeps the step count as a float tensor
        self._lerp(m, grad, s)  # m <- lerp(m, g, 1 - beta1)
        # v <- beta2*v + ((1 - beta2)*g)*g   (torch: mul_ then addcmul_)
        _multiply(v, self._k_beta2, v)
        _multiply(grad, self._k_one_minus_beta2, s)
        _multiply(s, grad, s)
        _add(v, s, v)
        # Python floats, as in torch: step_size = lr/(1 - beta1^t); torch uses ** 0.5, not sqrt.
        self._k_neg_step_size[()] = -(self._lr / (1.0 - self._beta1**t))
        self._k_bc2_sqrt[()] = (1.0 - self._beta2**t) ** 0.5
        if self._amsgrad:
            vm = self._max_exp_avg_sq
            _maximum(vm, v, out=vm)  # v_max <- max(v_max, v)
            v = vm
        # denom <- sqrt(v)/sqrt(1 - beta2^t) + eps
        _sqrt(v, s)
        _divide(s, self._k_bc2_sqrt, s)
        _add(s, self._k_eps, s)
        # update <- (-step_size*m)/denom   (torch: addcdiv_ with value=-step_size)
        _multiply(m, self._k_neg_step_size, u)
        _divide(u, s, u)
        _add(theta, u, theta)
        self.steps_taken += 1


_CLASSES: dict[str, type[Optimizer]] = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}


def make_optimizer(name: str, n_params: int, **hyperparameters: Any) -> Optimizer:
    """Create the optimizer ``name`` (one of :data:`OPTIMIZERS`) for ``n_params`` parameters.

    Hyperparameters not given take the torch defaults in :data:`DEFAULTS`.
    """
    cls = _CLASSES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return cls(n_params, **hyperparameters)
