"""History: exact storage, growth, the memory budget and its stride-doubling decimation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.engine.history import History, HistoryChunk

# ---------------------------------------------------------------------------- helpers
# Every stored value is a known function of its step, so any row can be checked exactly.


def theta(step: int, p: int) -> np.ndarray:
    return step + np.arange(p) / 8.0


def grad(step: int, p: int) -> np.ndarray:
    return -0.5 * step - np.arange(p) / 4.0


def cost_of(step: int) -> float:
    return 1.0 / (1.0 + step)


def extras_of(step: int, n: int) -> list[float]:
    # NaN on most steps, like a test cost evaluated only now and then.
    return [float(step * 10 + j) if (step + j) % 3 == 0 else math.nan for j in range(n)]


def expected_table(steps, p: int, n_extras: int) -> np.ndarray:
    """table() rows for these steps, built independently of History (vectorised)."""
    s = np.asarray(steps, dtype=np.int64)[:, None]
    i = np.arange(p)[None, :]
    j = np.arange(n_extras)[None, :]
    ex = np.where((s + j) % 3 == 0, (s * 10 + j).astype(np.float64), np.nan)
    return np.hstack([s, 1.0 / (1.0 + s), s + i / 8.0, -0.5 * s - i / 4.0, ex]).astype(np.float64)


def fill(h: History, steps, *, extras: bool = True) -> None:
    p, n = h.n_params, len(h.extra_names)
    for s in steps:
        h.append(s, cost_of(s), theta(s, p), grad(s, p), extras_of(s, n) if extras else ())


def dense_entry_bytes(h: History) -> int:
    return 8 + 8 * (1 + len(h.extra_names))


def max_dense(h: History) -> int:
    return (h.budget_bytes // 4) // dense_entry_bytes(h)


def row_bytes(p: int, n_extras: int) -> int:
    return 16 * p + 16 + 8 * (1 + n_extras)


def is_power_of_two(x: int) -> bool:
    return x >= 1 and x & (x - 1) == 0


def expected_kept(appended: list[int], stride: int) -> list[int]:
    """Multiples of `stride` among the appended steps, plus the latest."""
    kept = [s for s in appended if s % stride == 0]
    if appended and (not kept or kept[-1] != appended[-1]):
        kept.append(appended[-1])
    return kept


def check_invariants(h: History, appended: list[int]) -> None:
    """Everything the History promises, checked against what was appended."""
    p, n_ex = h.n_params, len(h.extra_names)
    assert h.nbytes <= h.budget_bytes
    assert is_power_of_two(h.stride) and is_power_of_two(h.dense_stride)
    if not appended:
        assert len(h) == 0 and len(h.param_steps()) == 0 and h.latest_step is None
        return
    latest = appended[-1]
    assert h.latest_step == latest
    assert h.latest_cost == cost_of(latest)
    np.testing.assert_array_equal(h.latest_params(), theta(latest, p))
    np.testing.assert_array_equal(h.latest_grads(), grad(latest, p))

    # parameter rows: exactly the multiples of the stride, plus the latest
    ps = h.param_steps()
    assert ps.dtype == np.int64
    assert ps.tolist() == expected_kept(appended, h.stride)
    if appended[0] == 0:
        assert ps[0] == 0
    assert h.params().shape == h.grads().shape == (len(ps), p)
    want = expected_table(ps, p, n_ex)
    np.testing.assert_array_equal(h.params(), want[:, 2 : 2 + p])
    np.testing.assert_array_equal(h.grads(), want[:, 2 + p : 2 + 2 * p])

    # dense series: complete until decimated, then multiples of its stride plus the latest
    st_ = h.steps()
    assert st_.dtype == np.int64
    assert st_.tolist() == expected_kept(appended, h.dense_stride)
    assert len(h) == len(st_)
    if h.dense_stride == 1:
        assert len(h) == len(appended)
    want_dense = expected_table(st_, 0, n_ex)
    np.testing.assert_array_equal(h.cost(), want_dense[:, 1])
    for j, name in enumerate(h.extra_names):
        np.testing.assert_array_equal(h.extra(name), want_dense[:, 2 + j])

    # the table has each row's cost/extras even when the dense series no longer has that step
    tab = h.table()
    assert tab.shape == (len(ps), 2 + 2 * p + n_ex)
    np.testing.assert_array_equal(tab, want)


# ---------------------------------------------------------------------------- basics
def test_empty_history():
    h = History(3, ["test_cost"])
    assert len(h) == 0
    assert h.latest_step is None
    assert math.isnan(h.latest_cost)
    assert h.stride == 1 and h.dense_stride == 1
    assert h.steps().shape == (0,) and h.cost().shape == (0,)
    assert h.params().shape == (0, 3)
    assert h.param_steps().shape == (0,)
    assert h.table().shape == (0, 2 + 6 + 1)
    assert h.param_row(0) is None
    with pytest.raises(IndexError):
        h.latest_params()
    chunk = h.since(-1)
    assert chunk.is_empty and chunk.latest_step == -1
    assert chunk.latest_params.shape == (0,)
    assert 0 < h.nbytes <= h.budget_bytes


def test_values_stored_exactly():
    h = History(4, ["train_cost", "test_cost"])
    fill(h, range(5))
    check_invariants(h, list(range(5)))
    assert h.n_params == 4 and h.extra_names == ("train_cost", "test_cost")
    assert h.steps().tolist() == [0, 1, 2, 3, 4]
    assert h.cost().dtype == np.float64
    row = h.param_row(3)
    assert row is not None
    np.testing.assert_array_equal(row[0], theta(3, 4))
    np.testing.assert_array_equal(row[1], grad(3, 4))
    assert h.param_row(7) is None


def test_append_copies_caller_buffers():
    h = History(3)
    p = np.array([1.0, 2.0, 3.0])
    g = np.array([-1.0, -2.0, -3.0])
    h.append(0, 0.5, p, g)
    p[:] = 99.0
    g[:] = 99.0
    h.append(1, 0.25, p, g)
    p[:] = -7.0
    g[:] = -7.0
    np.testing.assert_array_equal(h.params(), [[1, 2, 3], [99, 99, 99]])
    np.testing.assert_array_equal(h.grads(), [[-1, -2, -3], [99, 99, 99]])
    np.testing.assert_array_equal(h.latest_params(), [99, 99, 99])


def test_accessors_are_read_only_views():
    h = History(2, ["lr"])
    fill(h, range(3))
    for arr in (
        h.steps(),
        h.cost(),
        h.extra("lr"),
        h.param_steps(),
        h.params(),
        h.grads(),
        h.latest_params(),
        h.latest_grads(),
    ):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[...] = 0


def test_extras_nan_preserved_and_defaulted():
    h = History(1, ["train_cost", "test_cost", "epoch"])
    h.append(0, 1.0, np.zeros(1), np.zeros(1), [0.9, math.nan, 0.0])
    h.append(1, 0.8, np.zeros(1), np.zeros(1), np.array([0.7, 0.6, 1.0]))
    h.append(2, 0.5, np.zeros(1), np.zeros(1))  # no extras given: all NaN
    np.testing.assert_array_equal(h.extra("train_cost"), [0.9, 0.7, math.nan])
    np.testing.assert_array_equal(h.extra("test_cost"), [math.nan, 0.6, math.nan])
    np.testing.assert_array_equal(h.extra("epoch"), [0.0, 1.0, math.nan])
    with pytest.raises(KeyError):
        h.extra("nope")


def test_growth_past_initial_capacity():
    h = History(3, ["lr"])
    cap0 = h.nbytes
    steps = list(range(10_000))
    fill(h, steps)
    assert h.nbytes > cap0  # it grew
    assert h.stride == 1 and h.dense_stride == 1  # default budget: nothing decimated
    check_invariants(h, steps)


def test_steps_must_increase():
    h = History(2)
    fill(h, [0, 1, 5])
    for bad in (5, 4, 0):
        with pytest.raises(ValueError, match="increasing"):
            h.append(bad, 0.0, np.zeros(2), np.zeros(2))
    check_invariants(h, [0, 1, 5])  # nothing recorded by the failed calls
    h.append(6, cost_of(6), theta(6, 2), grad(6, 2))
    check_invariants(h, [0, 1, 5, 6])


def test_rejects_bad_input():
    h = History(2, ["a", "b"])
    with pytest.raises(ValueError):
        h.append(-1, 0.0, np.zeros(2), np.zeros(2))
    with pytest.raises(TypeError):
        h.append(1.5, 0.0, np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        h.append(0, 0.0, np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        h.append(0, 0.0, np.zeros(2), np.float64(1.0))  # would broadcast silently
    with pytest.raises(ValueError, match="extras"):
        h.append(0, 0.0, np.zeros(2), np.zeros(2), [1.0])
    assert len(h) == 0 and h.latest_step is None
    h.append(np.int64(0), np.float32(0.5), [1.0, 2.0], (3.0, 4.0), [1.0, 2.0])  # lenient types
    np.testing.assert_array_equal(h.latest_params(), [1.0, 2.0])
    with pytest.raises(ValueError, match="duplicate"):
        History(2, ["a", "a"])
    with pytest.raises(ValueError, match="too small"):
        History(1000, budget_bytes=10_000)


def test_clear():
    h = History(2, ["lr"], budget_bytes=16 * 1024)
    fill(h, range(3000))
    assert h.stride > 1
    h.clear()
    assert len(h) == 0 and h.latest_step is None
    assert h.stride == 1 and h.dense_stride == 1
    assert h.param_steps().shape == (0,)
    fill(h, range(10, 20))  # starting again, at any step
    check_invariants(h, list(range(10, 20)))


# ---------------------------------------------------------------------------- budget
def test_small_budget_decimates_param_rows():
    p = 10
    budget = 4 * 1024 + int(100 / 0.75 * row_bytes(p, 0))  # ~100 rows
    h = History(p, budget_bytes=budget)
    steps = list(range(10_000))
    fill(h, steps)
    assert h.nbytes <= budget
    assert is_power_of_two(h.stride) and h.stride > 1
    ps = h.param_steps()
    assert ps[0] == 0 and ps[-1] == 9_999
    assert np.all(ps[:-1] % h.stride == 0)
    np.testing.assert_array_equal(np.diff(ps[:-1]), h.stride)  # evenly spaced
    assert 50 <= len(ps) <= 101
    np.testing.assert_array_equal(h.params()[0], theta(0, p))
    np.testing.assert_array_equal(h.params()[-1], theta(9_999, p))
    np.testing.assert_array_equal(h.grads()[-1], grad(9_999, p))
    check_invariants(h, steps)


def test_latest_row_is_provisional_when_off_stride():
    h = History(1, budget_bytes=1024)  # 24 rows
    fill(h, range(200))
    stride = h.stride
    assert stride >= 4
    m = (200 // stride + 1) * stride
    fill(h, range(200, m + 1))  # up to a multiple of the stride: a regular row
    n_rows = len(h.param_steps())
    fill(h, [m + 1])  # off-stride: becomes the (provisional) last row
    assert h.param_steps()[-1] == m + 1 and len(h.param_steps()) == n_rows + 1
    fill(h, [m + 2])  # off-stride again: replaces it
    assert h.param_steps()[-2:].tolist() == [m, m + 2]
    assert len(h.param_steps()) == n_rows + 1
    assert h.param_row(m + 1) is None
    np.testing.assert_array_equal(h.param_row(m + 2)[0], theta(m + 2, 1))
    check_invariants(h, list(range(m + 3)))


def test_dense_series_complete_until_quarter_budget_then_decimated():
    h = History(1, ["lr"], budget_bytes=4096)
    limit = max_dense(h)
    assert limit == 1024 // 24
    steps: list[int] = []
    for s in range(limit):
        fill(h, [s])
        steps.append(s)
        assert len(h) == len(steps) and h.dense_stride == 1
    check_invariants(h, steps)
    for s in range(limit, 5_000):
        fill(h, [s])
        steps.append(s)
    assert h.dense_stride > 1
    assert len(h) <= limit
    d = h.steps()
    assert d[0] == 0 and d[-1] == 4_999
    assert h.cost()[-1] == cost_of(4_999) and h.cost()[0] == cost_of(0)
    check_invariants(h, steps)


def test_table_keeps_row_values_dropped_from_dense_series():
    # Make the dense series decimate harder than the rows: then some rows' steps are gone from
    # the dense series and table() must use the values stored with the row.
    h = History(1, ["a", "b", "c"], budget_bytes=4096)
    steps = list(range(1000))
    fill(h, steps)
    assert h.dense_stride > h.stride
    dense = set(h.steps().tolist())
    assert any(s not in dense for s in h.param_steps().tolist())
    check_invariants(h, steps)


def test_gapped_steps_and_late_start():
    h = History(2, ["x"], budget_bytes=2048)
    steps = [3 * i + 5 for i in range(700)]  # no step 0, never consecutive
    fill(h, steps)
    check_invariants(h, steps)


def test_memory_stays_within_budget_for_a_long_run():
    p, budget, n = 177, 64 * 2**20, 300_000
    h = History(p, ["train_cost", "test_cost"], budget_bytes=budget)
    prm, grd = np.zeros(p), np.zeros(p)
    append = h.append
    for s in range(n):
        prm[0] = s
        grd[0] = -s
        append(s, 0.5, prm, grd, (0.5, math.nan))
    assert h.nbytes <= budget
    assert len(h) == n and h.dense_stride == 1  # 300k x 32 B fits the dense quarter
    assert h.stride > 1 and is_power_of_two(h.stride)
    ps = h.param_steps()
    assert ps[0] == 0 and ps[-1] == n - 1
    assert np.all(ps[:-1] % h.stride == 0)
    assert h.params()[0, 0] == 0 and h.latest_params()[0] == n - 1
    assert h.grads()[-1, 0] == -(n - 1)
    np.testing.assert_array_equal(h.params()[:, 0], ps)


# ---------------------------------------------------------------------------- export
def test_table_columns_and_every():
    p = 2
    h = History(p, ["lr"])
    fill(h, range(11))
    tab = h.table()
    assert tab.dtype == np.float64
    assert tab.shape == (11, 2 + 2 * p + 1)
    assert h.table_columns() == ["step", "cost", "theta[0]", "theta[1]", "grad[0]", "grad[1]", "lr"]
    np.testing.assert_array_equal(
        tab[4], [4, cost_of(4), *theta(4, p), *grad(4, p), *extras_of(4, 1)]
    )
    tab3 = h.table(every=3)
    assert tab3[:, 0].tolist() == [0, 3, 6, 9, 10]  # plus the latest
    np.testing.assert_array_equal(tab3, tab[[0, 3, 6, 9, 10]])
    tab5 = h.table(every=5)
    assert tab5[:, 0].tolist() == [0, 5, 10]  # latest already included once
    with pytest.raises(ValueError):
        h.table(every=0)


def test_table_is_a_copy():
    h = History(1)
    fill(h, range(3))
    tab = h.table()
    fill(h, range(3, 5))
    tab[:] = 0
    assert h.params()[1, 0] == theta(1, 1)[0]


def test_since_returns_new_rows_as_copies():
    p = 3
    h = History(p, ["lr"])
    fill(h, range(5))
    everything = h.since(-1)
    assert isinstance(everything, HistoryChunk)
    assert everything.steps.tolist() == [0, 1, 2, 3, 4]
    assert everything.param_steps.tolist() == [0, 1, 2, 3, 4]

    first = h.since(2)
    assert first.steps.tolist() == [3, 4]
    np.testing.assert_array_equal(first.cost, [cost_of(3), cost_of(4)])
    np.testing.assert_array_equal(first.extras["lr"], [extras_of(3, 1)[0], extras_of(4, 1)[0]])
    assert first.param_steps.tolist() == [3, 4]
    np.testing.assert_array_equal(first.params, [theta(3, p), theta(4, p)])
    np.testing.assert_array_equal(first.grads, [grad(3, p), grad(4, p)])
    assert first.latest_step == 4
    np.testing.assert_array_equal(first.latest_params, theta(4, p))
    np.testing.assert_array_equal(first.latest_grads, grad(4, p))

    saved = {k: np.copy(v) for k, v in vars(first).items() if isinstance(v, np.ndarray)}
    for arr in saved:
        assert not np.shares_memory(getattr(first, arr), h.params())
        assert not np.shares_memory(getattr(first, arr), h.steps())
    fill(h, range(5, 8))
    nxt = h.since(first.latest_step)
    assert nxt.steps.tolist() == [5, 6, 7] and nxt.param_steps.tolist() == [5, 6, 7]
    assert nxt.latest_step == 7
    assert h.since(7).is_empty and h.since(7).latest_step == 7
    h.clear()
    fill(h, range(100, 103))
    for k, v in saved.items():  # the old chunk never changed
        np.testing.assert_array_equal(getattr(first, k), v)


def test_since_after_decimation_returns_what_is_stored():
    h = History(1, budget_bytes=1024)
    fill(h, range(50))
    before = h.since(-1)
    fill(h, range(50, 400))
    after = h.since(before.latest_step)
    ps = h.param_steps()
    assert after.param_steps.tolist() == ps[ps > 49].tolist()
    assert after.steps.tolist() == h.steps()[h.steps() > 49].tolist()
    assert after.latest_step == 399
    np.testing.assert_array_equal(after.params[:, 0], after.param_steps)


# ---------------------------------------------------------------------------- property test
@settings(max_examples=60, deadline=None)
@given(
    p=st.integers(0, 12),
    n_extras=st.integers(0, 3),
    budget_slack=st.integers(0, 4_000),
    n_steps=st.one_of(st.integers(0, 60), st.integers(200, 3_000)),
    max_gap=st.sampled_from([1, 1, 2, 5]),
    seed=st.integers(0, 2**32 - 1),
    start=st.sampled_from([0, 0, 0, 1, 7]),
    check_at=st.lists(st.integers(0, 3_000), max_size=3),
)
def test_invariants_hold(p, n_extras, budget_slack, n_steps, max_gap, seed, start, check_at):
    e = 8 + 8 * (1 + n_extras)
    budget = max(8 * e, 3 * row_bytes(p, n_extras)) + budget_slack
    h = History(p, [f"x{j}" for j in range(n_extras)], budget_bytes=budget)
    gaps = np.random.default_rng(seed).integers(1, max_gap + 1, n_steps)
    steps = (start + np.concatenate([[0], np.cumsum(gaps)])[:n_steps]).tolist()
    appended: list[int] = []
    last_chunk_step = -1
    for i, s in enumerate(steps):
        fill(h, [s])
        appended.append(s)
        if i in check_at:
            check_invariants(h, appended)
            chunk = h.since(last_chunk_step)
            assert all(x > last_chunk_step for x in chunk.steps.tolist())
            assert chunk.param_steps.tolist() == [
                x for x in h.param_steps().tolist() if x > last_chunk_step
            ]
            assert chunk.latest_step == s
            last_chunk_step = s
    check_invariants(h, appended)


@pytest.mark.parametrize("budget", [2**20, 4096])  # complete, and decimated with rows' own meta
def test_set_latest_extra_changes_the_latest_step_everywhere(budget):
    h = History(1, ["lr", "other"], budget_bytes=budget)
    fill(h, range(1002))  # step 1001's "other" is 10011.0 (see extras_of)
    h.set_latest_extra("lr", 0.25)
    assert h.extra("lr")[-1] == 0.25 and h.steps()[-1] == 1001
    assert h.table()[-1].tolist()[-3:] == [grad(1001, 1)[0], 0.25, 10011.0]
    assert h.since(1000).extras["lr"].tolist() == [0.25]
    h.append(1002, 0.0, theta(1002, 1), grad(1002, 1), [1.0, 2.0])
    kept = h.table()
    assert kept[kept[:, 0] == 1001, -2].tolist() in ([0.25], [])  # the row keeps it, if kept
    assert h.extra("lr")[h.steps() == 1001].tolist() in ([0.25], [])
    with pytest.raises(KeyError, match="no extra named 'nope'"):
        h.set_latest_extra("nope", 1.0)
    with pytest.raises(IndexError, match="empty"):
        History(1, ["lr"]).set_latest_extra("lr", 1.0)
