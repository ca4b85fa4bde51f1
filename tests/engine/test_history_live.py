"""History's live rows (`append(..., live=True)`, the trainer's way): a row that the next append
replaces is never copied, yet every reader sees exactly what copying appends would have stored."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.engine.history import History
from gdsim.engine.trainer import Trainer

from .test_history import check_invariants, cost_of, extras_of, grad, row_bytes, theta


class LiveSource:
    """The trainer's pattern: two vectors overwritten in place, then appended live."""

    def __init__(self, h: History) -> None:
        self.h = h
        self.params = np.empty(h.n_params)
        self.grads = np.empty(h.n_params)

    def append(self, s: int) -> None:
        p, n = self.h.n_params, len(self.h.extra_names)
        self.params[...] = theta(s, p)
        self.grads[...] = grad(s, p)
        self.h.append(s, cost_of(s), self.params, self.grads, extras_of(s, n), live=True)


def append_until_off_stride(src: LiveSource) -> None:
    h, s = src.h, 0
    while s < 20 or h.latest_step % h.stride == 0:
        src.append(s)
        s += 1
    assert h.stride > 1


@pytest.mark.parametrize(
    ("p", "read_every"),
    [(5, 1), (5, 3), (5, 7), (5, 1000), (4100, 3), (4100, 1000)],  # 4100: a reserved store
)
def test_live_rows_read_like_copied_ones(p, read_every):
    n_ex = 2
    budget = 4 * (8 + 8 * (1 + n_ex)) * 64 + 9 * row_bytes(p, n_ex)  # decimates rows often
    live, copied = History(p, ("a", "b"), budget), History(p, ("a", "b"), budget)
    src = LiveSource(live)
    appended: list[int] = []
    sent_live = sent_copied = -1
    for s in range(300):
        src.append(s)
        copied.append(s, cost_of(s), theta(s, p), grad(s, p), extras_of(s, n_ex))
        appended.append(s)
        if s % read_every == 0:
            a, b = live.since(sent_live), copied.since(sent_copied)
            sent_live, sent_copied = a.latest_step, b.latest_step
            np.testing.assert_array_equal(a.param_steps, b.param_steps)
            np.testing.assert_array_equal(a.params, b.params)
            np.testing.assert_array_equal(a.grads, b.grads)
            np.testing.assert_array_equal(a.latest_params, b.latest_params)
            np.testing.assert_array_equal(a.latest_grads, b.latest_grads)
            check_invariants(live, appended)
    assert live.stride > 1
    np.testing.assert_array_equal(live.table(), copied.table())
    np.testing.assert_array_equal(live.table(every=4), copied.table(every=4))
    assert live.param_row(appended[-1])[0].tolist() == theta(appended[-1], p).tolist()
    # Small rows are compacted on decimation (views stay views); big ones reuse slots.
    assert np.shares_memory(live.params(), live.params()) == (p < 4096)


def test_off_stride_rows_are_not_copied_until_read():
    h = History(3, (), 2**10)
    src = LiveSource(h)
    append_until_off_stride(src)
    src.params[...] = -1.0  # a caller breaking the promise shows that nothing was copied ...
    assert h.latest_params().tolist() == [-1.0] * 3
    src.params[...] = 7.0  # ... and a read copies: later changes are not seen
    assert h.latest_params().tolist() == [-1.0] * 3


def test_lose_live_turns_an_uncopied_row_into_nan_and_keeps_copied_ones():
    h = History(3, (), 2**10)
    src = LiveSource(h)
    append_until_off_stride(src)
    h.lose_live()
    assert np.isnan(h.latest_params()).all() and np.isnan(h.latest_grads()).all()
    on = h.latest_step + h.stride - h.latest_step % h.stride
    src.append(on)  # on the stride: copied at once
    h.lose_live()
    assert h.latest_params().tolist() == theta(on, 3).tolist()


def test_a_failed_update_does_not_label_new_parameters_with_the_old_step(monkeypatch):
    t = Trainer(
        {
            "mode": "network",
            "network": {
                "inputs": 2,
                "layers": [
                    {"units": 3, "activation": "tanh"},
                    {"units": 1, "activation": "linear"},
                ],
            },
            "loss": "mse",
            "optimizer": {"name": "sgd", "learning_rate": 0.1},
            "data": {"source": "builtin", "name": "xor"},
        },
        history_budget=12_800,
    )
    t.step(20)
    while t.history.latest_step % t.history.stride == 0:
        t.step(1)
    latest = t.history.latest_step  # off the stride: a live, uncopied row

    def fail():
        raise MemoryError

    monkeypatch.setattr(t.objective, "evaluate", fail)
    with pytest.raises(MemoryError):
        t.step(1)  # theta has moved on to the next step's values before the failure
    assert t.history.latest_step == latest
    assert np.isnan(t.history.latest_params()).all()  # unknown now, and not step 6's values


def test_reset_keeps_a_reserved_row_store_and_replays_exactly():
    config = {
        "mode": "network",
        "network": {
            "inputs": 2,
            "layers": [{"units": 2000, "activation": "relu"}, {"units": 1, "activation": "linear"}],
        },
        "loss": "mse",
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "data": {"source": "builtin", "name": "xor"},
    }
    t = Trainer(config, history_budget=8 * 2**20)
    store = t.history.params().base
    t.step(200)
    first = t.history.table()
    t.reset()
    assert t.history.params().base is store  # its pages are mapped: no page faults again
    assert t.history.nbytes <= t.history.budget_bytes
    t.step(200)
    np.testing.assert_array_equal(t.history.table(), first)
