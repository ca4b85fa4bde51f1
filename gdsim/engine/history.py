"""The record of a training run, kept within a fixed memory budget.

For every appended step the *dense series* keeps the step number, the cost and each named extra
(train_cost, test_cost, learning_rate, ...; NaN when not evaluated). The parameter vector θ and
the gradient g are kept as *rows* only for steps that are multiples of `stride`. When one more row
would not fit in the budget, rows are decimated by stride doubling: only rows whose step is a
multiple of 2*stride stay and the stride doubles. Step 0 is a multiple of
every stride, so it always stays; the latest step's row is always kept as well (see "tail" below).
If the dense series would outgrow a quarter of the budget it is decimated the same way with its
own stride (`dense_stride`), keeping step 0 and the latest step.

Storage (preallocated, grown by doubling up to the budget: `append` allocates nothing else):

* dense: ``_steps`` (cap,) int64 and ``_vals`` (1 + n_extras, cap) float64 — row 0 is the cost,
  row 1+i is extra i, so every series is a contiguous slice.
* rows: ``_rsteps`` (R,) int64, ``_rparams`` / ``_rgrads`` (R, P) float64 and ``_rmeta``
  (1 + n_extras, R) float64 holding the cost and extras of each row's step, so `table()` has them
  even once the dense series has dropped that step. (To save a copy per append, `_rmeta` is only
  filled from the first dense decimation on; before that the dense series is complete and a row's
  cost/extras are looked up there by step.)

Row i's θ and g are in row ``_slot[i]`` of ``_rparams`` / ``_rgrads`` (slots k.. are free). In a
reserved store (big rows) a decimation moves no θ/g row (on 784-128-64-10 each one copied
~100 MB): it compacts the small arrays and the slot map; a dropped row's slot takes a later row.

The tail: the last row always holds the latest appended step. If that step is not on the current
stride it is provisional — the next append overwrites it instead of taking a new slot — so "the
latest step is always available" costs no extra buffer. With ``append(..., live=True)`` (the
trainer) it is not even copied: the caller's vectors are copied into its slot only when a reader
asks (`_settle`), so rows that the next append replaces cost nothing to record.

Budget: the dense series may use at most budget // 4 bytes; the rows get the rest. `nbytes`
counts the allocated (capacity) bytes of all arrays and never exceeds `budget_bytes` (transiently,
while an array is being grown, the old and the new copy coexist).

Not thread-safe: one owner (the session's driver, in the trainer process) appends and calls
`since()`; it hands the resulting `HistoryChunk` (all copies) to the window. The stride doubling
itself is :mod:`gdsim.engine.decimation`, shared with the plots' store.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

from gdsim.engine.decimation import compact, on_stride
from gdsim.engine.history_chunk import HistoryChunk
from gdsim.engine.history_chunk import readonly as _readonly

__all__ = ["History", "HistoryChunk", "DEFAULT_BUDGET_BYTES"]

DEFAULT_BUDGET_BYTES = 256 * 2**20

_INITIAL_DENSE = 4096  # entries
_INITIAL_ROW_BYTES = 2**20  # first row allocation is at most this big (and at most 64 rows)
_RESERVE_ROW_BYTES = 64 * 1024  # rows this large reserve their whole store at once
_INITIAL_ROWS = 64


class History:
    """Cost, extras, parameters and gradients of a run, step by step, within `budget_bytes`.

    Accessors (`steps`, `cost`, `extra`, `param_steps`, `params`, `grads`, `latest_params`,
    `latest_grads`) return read-only *views* of internal buffers: cheap, but only valid until the
    next `append`/`clear` (which may overwrite, compact or reallocate them). Copy them to keep
    them. `param_row`, `table` and `since` return copies.
    """

    def __init__(
        self,
        n_params: int,
        extra_names: Sequence[str] = (),
        budget_bytes: int = DEFAULT_BUDGET_BYTES,
    ) -> None:
        n_params = operator.index(n_params)
        if n_params < 0:
            raise ValueError(f"n_params must be >= 0, got {n_params}")
        if isinstance(extra_names, str):
            raise TypeError("extra_names must be a sequence of names, not a single string")
        names = tuple(str(n) for n in extra_names)
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate extra names: {names}")
        budget_bytes = operator.index(budget_bytes)
        self.n_params: int = n_params
        self.extra_names: tuple[str, ...] = names
        self.budget_bytes: int = budget_bytes
        self._extra_index = {n: i + 1 for i, n in enumerate(names)}
        n_vals = 1 + len(names)
        self._n_vals = n_vals
        self._n_extras = len(names)
        self._pshape = (n_params,)

        self._dense_entry_bytes = 8 + 8 * n_vals
        self._max_dense = (budget_bytes // 4) // self._dense_entry_bytes
        self._row_bytes = 16 * n_params + 16 + 8 * n_vals  # θ, g, step, slot, cost and extras
        rows_budget = budget_bytes - self._max_dense * self._dense_entry_bytes
        self._max_rows = rows_budget // self._row_bytes
        if self._max_dense < 2 or self._max_rows < 2:
            raise ValueError(
                f"budget_bytes={budget_bytes} is too small: need room for at least 2 dense entries "
                f"({self._dense_entry_bytes} B each) in a quarter of it and 2 parameter rows "
                f"({self._row_bytes} B each) in the rest"
            )
        self._allocate()

    # ------------------------------------------------------------------ storage management
    def _allocate(self) -> None:
        dcap = min(_INITIAL_DENSE, self._max_dense)
        rcap = min(self._max_rows, _INITIAL_ROWS, max(2, _INITIAL_ROW_BYTES // self._row_bytes))
        reserve = self._reserved = self._row_bytes >= _RESERVE_ROW_BYTES
        if reserve:
            # Large rows (big networks): reserve the whole row store now. np.zeros of this size
            # is mapped lazily by the OS, so memory is committed only as rows are written, and
            # growth never copies megabytes of rows (measured: a quarter of a 784-128-64-10
            # step went to regrowth after each reset).
            rcap = self._max_rows
        self._steps = np.zeros(dcap, dtype=np.int64)
        self._vals = np.zeros((self._n_vals, dcap), dtype=np.float64)
        self._dcap = dcap
        self._n = 0
        self._dstride = 1
        self._dtail_off = False
        self._rsteps = np.zeros(rcap, dtype=np.int64)
        if not (reserve and getattr(self, "_rcap", 0) == rcap):
            # (A reserved store is kept by clear(): its pages are mapped already, and writing a
            # row into fresh pages cost 3-5x more, measured on 784-128-64-10 after a reset.)
            self._rparams = np.zeros((rcap, self.n_params), dtype=np.float64)
            self._rgrads = np.zeros((rcap, self.n_params), dtype=np.float64)
        self._rmeta = np.zeros((self._n_vals, rcap), dtype=np.float64)
        self._slot = np.arange(rcap)
        self._rcap = rcap
        # Row cost/extras are copied into _rmeta only once the dense series has been decimated;
        # until then every row's step is in the (complete) dense series and is looked up there.
        self._meta_eager = False
        self._k = 0
        self._stride = 1
        self._rtail_off = False
        self._live: tuple[np.ndarray, np.ndarray] | None = None  # the tail row, not yet copied
        self._last = -1  # latest appended step (Python int); -1 = none yet (steps are >= 0)

    def _dense_make_room(self) -> int:
        """Called when the dense store is full and its tail is on-stride; returns the free slot."""
        cap = len(self._steps)
        if cap < self._max_dense:
            new = min(self._max_dense, 2 * cap)
            steps = np.zeros(new, dtype=np.int64)
            steps[:cap] = self._steps
            vals = np.zeros((self._n_vals, new), dtype=np.float64)
            vals[:, :cap] = self._vals
            self._steps, self._vals, self._dcap = steps, vals, new
            return self._n
        if not self._meta_eager:
            self._rmeta[:, : self._k] = self._row_meta(np.arange(self._k))
            self._meta_eager = True
        n = self._n
        while n >= cap:
            idx = np.flatnonzero(on_stride(self._steps[:n], 2 * self._dstride))
            compact(self._steps, idx)
            compact(self._vals.T, idx)
            n = len(idx)
            self._dstride *= 2
        self._n = n
        return n

    def _rows_make_room(self) -> int:
        """Called when the row store is full and its tail is on-stride; returns the free slot."""
        cap = len(self._rsteps)
        k = self._k
        if cap < self._max_rows:
            new = min(self._max_rows, 2 * cap)
            rsteps = np.zeros(new, dtype=np.int64)
            rsteps[:k] = self._rsteps[:k]
            rparams = np.zeros((new, self.n_params), dtype=np.float64)
            rparams[:cap] = self._rparams  # (full: every physical row is in use)
            self._rparams = rparams  # drop the old one before allocating the next
            rgrads = np.zeros((new, self.n_params), dtype=np.float64)
            rgrads[:cap] = self._rgrads
            self._rgrads = rgrads
            self._slot = np.concatenate([self._slot, np.arange(cap, new)])
            rmeta = np.zeros((self._n_vals, new), dtype=np.float64)
            rmeta[:, :k] = self._rmeta[:, :k]
            self._rsteps, self._rmeta, self._rcap = rsteps, rmeta, new
            return k
        while k >= cap:
            keep = on_stride(self._rsteps[:k], 2 * self._stride)
            idx = np.flatnonzero(keep)
            if self._reserved:  # big rows stay put; their slots are reused
                slot = self._slot
                slot[:] = np.concatenate([slot[:k][keep], slot[:k][~keep], slot[k:]])
            else:  # small rows are compacted, so params() and grads() stay views
                compact(self._rparams, idx)
                compact(self._rgrads, idx)
            compact(self._rsteps, idx)
            compact(self._rmeta.T, idx)
            k = len(idx)
            self._stride *= 2
        self._k = k
        return k

    # ------------------------------------------------------------------ recording
    def append(
        self,
        step: int,
        cost: float,
        params: np.ndarray,
        grads: np.ndarray,
        extras: Sequence[float] | np.ndarray = (),
        *,
        live: bool = False,
    ) -> None:
        """Record one step. `params`/`grads` are copied. `extras` is one value per extra name
        (in `extra_names` order) or empty for all-NaN. Steps must be >= 0 and strictly increasing
        (ValueError otherwise; nothing is recorded then). `live=True`: float64 vectors that the
        caller leaves unchanged until its next append (else it calls `lose_live`); a row that
        that append replaces is copied only if read before."""
        step = operator.index(step)
        if step <= self._last:
            if self._last < 0:
                raise ValueError(f"steps must be >= 0, got {step}")
            raise ValueError(f"steps must be strictly increasing: got {step} after {self._last}")
        pshape = self._pshape
        if getattr(params, "shape", None) != pshape or getattr(grads, "shape", None) != pshape:
            params, grads = self._check_vectors(params, grads)
        cost = float(cost)
        n_extras = self._n_extras
        n_given = len(extras)
        if n_given != n_extras and n_given != 0:
            raise ValueError(f"expected {n_extras} extras {self.extra_names}, got {n_given}")

        # dense series
        n = self._n
        if self._dtail_off:
            n -= 1
        elif n == self._dcap:
            n = self._dense_make_room()
        vals = self._vals
        if n_extras:  # first: a bad value raises before anything is overwritten
            vals[1:, n] = extras if n_given else np.nan
        vals[0, n] = cost
        self._steps[n] = step
        self._n = n + 1
        self._dtail_off = step % self._dstride != 0

        # parameter rows
        k = self._k
        if self._rtail_off:
            k -= 1
        elif k == self._rcap:
            k = self._rows_make_room()
        off = step % self._stride != 0
        self._rsteps[k] = step
        if live and off:
            self._live = (params, grads)
        else:
            self._live = None
            r = self._slot[k]
            self._rparams[r] = params
            self._rgrads[r] = grads
        if self._meta_eager:
            self._rmeta[:, k] = vals[:, n]
        self._k = k + 1
        self._rtail_off = off
        self._last = step

    def _settle(self, lost: bool = False) -> None:
        """Copy a live tail row into its slot (before anything reads the rows); NaN if `lost`."""
        if self._live is not None:
            r = self._slot[self._k - 1]
            self._rparams[r], self._rgrads[r] = (np.nan, np.nan) if lost else self._live
            self._live = None

    def lose_live(self) -> None:
        """The live vectors changed before the next append (an update failed half-way): a tail
        row not yet copied is lost (NaN rather than another step's values)."""
        self._settle(lost=True)

    def set_latest_extra(self, name: str, value: float) -> None:
        """Overwrite extra `name` of the latest appended step (its dense entry and its row).

        For a value known only after its step was appended: the trainer's `learning_rate` on row
        t is the rate of the update from t to t+1 (a rate changed at step t goes into row t)."""
        try:
            i = self._extra_index[name]
        except KeyError:
            raise KeyError(f"no extra named {name!r}; have {self.extra_names}") from None
        if self._last < 0:
            raise IndexError("the history is empty")
        value = float(value)
        self._vals[i, self._n - 1] = value  # the latest step is always the last dense entry
        if self._meta_eager:  # ... and the last row, whose meta is its own copy from then on
            self._rmeta[i, self._k - 1] = value

    def _check_vectors(self, params, grads) -> tuple[np.ndarray, np.ndarray]:
        params = np.asarray(params, dtype=np.float64)
        grads = np.asarray(grads, dtype=np.float64)
        if params.shape != self._pshape or grads.shape != self._pshape:
            raise ValueError(
                f"params and grads must have shape {self._pshape}, "
                f"got {params.shape} and {grads.shape}"
            )
        return params, grads

    def clear(self) -> None:
        """Forget everything (and release grown buffers, but not a reserved row store); strides
        go back to 1."""
        self._allocate()

    # ------------------------------------------------------------------ dense series
    def __len__(self) -> int:
        """Number of steps still represented in the dense series."""
        return self._n

    def steps(self) -> np.ndarray:
        """Steps of the dense series (int64, read-only view)."""
        return _readonly(self._steps[: self._n])

    def cost(self) -> np.ndarray:
        """Cost at each step of `steps()` (float64, read-only view)."""
        return _readonly(self._vals[0, : self._n])

    def extra(self, name: str) -> np.ndarray:
        """Extra `name` aligned with `steps()` (float64, read-only view; NaN = not evaluated)."""
        try:
            i = self._extra_index[name]
        except KeyError:
            raise KeyError(f"no extra named {name!r}; have {self.extra_names}") from None
        return _readonly(self._vals[i, : self._n])

    @property
    def dense_stride(self) -> int:
        """Stride of the dense series (1 until it outgrows a quarter of the budget)."""
        return self._dstride

    # ------------------------------------------------------------------ parameter rows
    @property
    def stride(self) -> int:
        """Current stride of the parameter rows (a power of two)."""
        return self._stride

    def param_steps(self) -> np.ndarray:
        """Steps with a stored θ/g row, ascending; includes step 0 (if appended) and the latest."""
        return _readonly(self._rsteps[: self._k])

    def params(self) -> np.ndarray:
        """θ rows aligned with `param_steps()`, shape (len, P) (read-only; a view, except in a
        reserved store once decimation has reused slots: a copy)."""
        return _readonly(self._rows(self._rparams, 0, self._k))

    def grads(self) -> np.ndarray:
        """g rows aligned with `param_steps()`, shape (len, P) (read-only, as `params`)."""
        return _readonly(self._rows(self._rgrads, 0, self._k))

    def _rows(self, store: np.ndarray, lo: int, hi: int, copy: bool = False) -> np.ndarray:
        """Rows lo..hi-1 of `store` in order: a view if their slots are consecutive, else new."""
        self._settle()
        slots = self._slot[lo:hi]
        if hi - lo < 2 or (slots[-1] - slots[0] == hi - lo - 1 and np.all(np.diff(slots) == 1)):
            first = int(slots[0]) if hi > lo else 0
            view = store[first : first + hi - lo]
            return view.copy() if copy else view
        return store[slots]

    def _require_nonempty(self) -> int:
        if self._k == 0:
            raise IndexError("the history is empty")
        self._settle()
        return self._k - 1

    def latest_params(self) -> np.ndarray:
        """θ of the latest step (read-only view). IndexError when empty."""
        return _readonly(self._rparams[self._slot[self._require_nonempty()]])

    def latest_grads(self) -> np.ndarray:
        """g of the latest step (read-only view). IndexError when empty."""
        return _readonly(self._rgrads[self._slot[self._require_nonempty()]])

    @property
    def latest_step(self) -> int | None:
        """The latest appended step, or None when empty."""
        return self._last if self._last >= 0 else None

    @property
    def latest_cost(self) -> float:
        """Cost of the latest step (NaN when empty)."""
        if self._k == 0:
            return float("nan")
        return float(self._row_meta(np.array([self._k - 1]))[0, 0])

    def _row_meta(self, idx: np.ndarray) -> np.ndarray:
        """Cost and extras (1 + n_extras, len(idx)) of the rows `idx` (a new array)."""
        if self._meta_eager:
            return self._rmeta[:, idx]
        n = self._n
        pos = np.searchsorted(self._steps[:n], self._rsteps[idx])
        return self._vals[:, pos]

    def param_row(self, step: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(θ, g) copies for `step` if a row for exactly that step is stored, else None."""
        step = operator.index(step)
        self._settle()
        k = self._k
        i = int(np.searchsorted(self._rsteps[:k], step))
        if i < k and self._rsteps[i] == step:
            r = self._slot[i]
            return self._rparams[r].copy(), self._rgrads[r].copy()
        return None

    # ------------------------------------------------------------------ export
    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (allocated capacity, not just the used part)."""
        return (
            self._steps.nbytes
            + self._vals.nbytes
            + self._rsteps.nbytes
            + self._rparams.nbytes
            + self._rgrads.nbytes
            + self._rmeta.nbytes
            + self._slot.nbytes
        )

    def table_columns(self) -> list[str]:
        """Generic column names of `table()`: step, cost, theta[i]..., grad[i]..., extras."""
        p = self.n_params
        return (
            ["step", "cost"]
            + [f"theta[{i}]" for i in range(p)]
            + [f"grad[{i}]" for i in range(p)]
            + list(self.extra_names)
        )

    def table(self, every: int = 1) -> np.ndarray:
        """One float64 row per stored param step: [step, cost, θ..., g..., extras...].

        With `every` > 1 only steps divisible by `every` are kept, plus the latest step. The cost
        and extras are those recorded with the step (identical to the dense series). A copy.
        """
        every = operator.index(every)
        if every < 1:
            raise ValueError(f"every must be >= 1, got {every}")
        self._settle()
        k, p = self._k, self.n_params
        rsteps = self._rsteps[:k]
        if every == 1:
            idx = np.arange(k)
        else:
            keep = rsteps % every == 0
            if k:
                keep[-1] = True
            idx = np.flatnonzero(keep)
        out = np.empty((len(idx), 2 + 2 * p + self._n_extras), dtype=np.float64)
        out[:, 0] = rsteps[idx]
        meta = self._row_meta(idx)
        out[:, 1] = meta[0]
        out[:, 2 : 2 + p] = self._rparams[self._slot[idx]]
        out[:, 2 + p : 2 + 2 * p] = self._rgrads[self._slot[idx]]
        out[:, 2 + 2 * p :] = meta[1:].T
        return out

    def since(self, step: int) -> HistoryChunk:
        """Everything stored with a step strictly after `step`, as copies (see `HistoryChunk`).

        Pass the previous chunk's `latest_step` to get the next increment; pass -1 for all.
        After a decimation this is simply what is stored now after `step`.
        """
        step = operator.index(step)
        self._settle()
        n, k = self._n, self._k
        d0 = int(np.searchsorted(self._steps[:n], step, side="right"))
        r0 = int(np.searchsorted(self._rsteps[:k], step, side="right"))
        vals = self._vals[:, d0:n].copy()
        if k:
            latest_step = int(self._rsteps[k - 1])
            latest_params = self._rparams[self._slot[k - 1]].copy()
            latest_grads = self._rgrads[self._slot[k - 1]].copy()
        else:
            latest_step = -1
            latest_params = np.empty(0, dtype=np.float64)
            latest_grads = np.empty(0, dtype=np.float64)
        return HistoryChunk(
            steps=self._steps[d0:n].copy(),
            cost=vals[0],
            extras={name: vals[i + 1] for i, name in enumerate(self.extra_names)},
            param_steps=self._rsteps[r0:k].copy(),
            params=self._rows(self._rparams, r0, k, copy=True),
            grads=self._rows(self._rgrads, r0, k, copy=True),
            latest_step=latest_step,
            latest_params=latest_params,
            latest_grads=latest_grads,
        )

    def __repr__(self) -> str:
        return (
            f"History(n_params={self.n_params}, extras={self.extra_names}, steps={self._n}, "
            f"rows={self._k}, stride={self._stride}, dense_stride={self._dstride}, "
            f"nbytes={self.nbytes}/{self.budget_bytes})"
        )
