"""Parameter identity: one source for names, layers and kinds (gdsim.engine.parameters)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdsim.engine.decimation import ThinnedSeries, on_stride
from gdsim.engine.network import Network
from gdsim.engine.parameters import ParameterIndex, parse_parameter_name


@given(st.lists(st.integers(1, 6), min_size=2, max_size=5))
def test_index_matches_the_network_layout(sizes):
    net = Network(sizes[0], sizes[1:], ["tanh"] * (len(sizes) - 1), "mse")
    index = net.parameter_index
    assert index.names == net.parameter_names
    for layer, (w, b) in enumerate(zip(net.weight_slices, net.bias_slices, strict=True), 1):
        assert np.all(index.layer[w] == layer) and np.all(index.layer[b] == layer)
        assert index.is_weight[w].all() and index.is_bias[b].all()
        fan_out, fan_in = sizes[layer], sizes[layer - 1]
        jk = np.stack([index.j[w], index.k[w]], axis=1).reshape(fan_out, fan_in, 2)
        assert (jk[..., 0] == np.arange(1, fan_out + 1)[:, None]).all()
        assert (jk[..., 1] == np.arange(1, fan_in + 1)[None, :]).all()
    # reading the names back gives the same identities
    assert ParameterIndex.from_names(index.names).names == index.names
    back = ParameterIndex.from_names(index.names)
    for a, b in (
        (back.kind, index.kind),
        (back.layer, index.layer),
        (back.j, index.j),
        (back.k, index.k),
    ):
        assert np.array_equal(a, b)


def test_identity_and_words():
    p = parse_parameter_name("w2_1_3")
    assert (p.kind, p.layer, p.j, p.k) == ("weight", 2, 1, 3)
    assert p.describe() == "weight into neuron 1 of layer 2 from neuron 3 of layer 1"
    assert (
        parse_parameter_name("w1_2_1").describe() == "weight into neuron 2 of layer 1 from input 1"
    )
    assert parse_parameter_name("b1_4").describe() == "bias of neuron 4 of layer 1"
    for name in ("w", "w1", "w0_1_1", "b1_2_3", "bias"):
        assert parse_parameter_name(name).kind == "function", name
    index = ParameterIndex.for_function(["w1", "w2"])
    assert index[1].name == "w2" and index[1].kind == "function" and index.position("w2") == 1
    with pytest.raises(KeyError):
        index.position("w3")


def test_thinned_series_keeps_start_latest_and_its_bound():
    s = ThinnedSeries(width=2, max_rows=10)
    for start in range(0, 1000, 7):  # chunks of 7 rows, as snapshots arrive
        steps = np.arange(start, start + 7)
        s.extend(steps, np.stack([steps, -steps], axis=1).astype(float))
        assert len(s) <= 10 and s.steps[0] == 0 and s.steps[-1] == start + 6
        assert np.array_equal(s.rows[:, 0], s.steps) and np.array_equal(s.rows[:, 1], -s.steps)
        inner = s.steps[:-1]
        assert np.all(inner % s.stride == 0)
    s.extend(np.array([5]), np.array([[0.0, 0.0]]))  # a replayed old step changes nothing
    assert s.latest_step == 1000


def test_on_stride_does_not_overflow():
    steps = np.array([0, 2**62, 2**63 - 1], dtype=np.int64)
    assert on_stride(steps, 2**62).tolist() == [True, True, False]
    assert on_stride(np.array([0, 3]), 2**70).tolist() == [True, False]


def _loss_surface_path(chunks, max_rows):
    """The loss surface's own trajectory record before it used ThinnedSeries (the reference)."""
    t_steps, t_rows, stride = np.zeros(0, dtype=np.int64), np.zeros((0, 1)), 1
    for steps, rows in chunks:
        if len(t_steps):
            new = steps > t_steps[-1]
            steps, rows = steps[new], rows[new]
            if len(steps) == 0:
                continue
        if stride > 1:
            keep = steps % stride == 0
            keep[-1] = True
            steps, rows = steps[keep], rows[keep]
        t_steps, t_rows = np.concatenate([t_steps, steps]), np.concatenate([t_rows, rows])
        while len(t_steps) > max_rows:
            stride *= 2
            keep = t_steps % stride == 0
            keep[0] = keep[-1] = True
            t_steps, t_rows = t_steps[keep], t_rows[keep]
    return t_steps, t_rows, stride


@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=60),
    st.integers(2, 30),
    st.integers(0, 5),
)
def test_thinned_series_keeping_chunk_ends_is_the_loss_surface_path(sizes, max_rows, first):
    chunks, start = [], first
    for n in sizes:
        steps = np.arange(start - 2, start + n)  # each chunk replays two rows of the last one
        steps = steps[steps >= first]
        chunks.append((steps, steps[:, None] * 0.5))
        start += n
    s = ThinnedSeries(width=1, max_rows=max_rows, keep_chunk_ends=True)
    for steps, rows in chunks:
        s.extend(steps, rows)
    steps, rows, stride = _loss_surface_path(chunks, max_rows)
    assert s.steps.tolist() == steps.tolist() and s.stride == stride
    assert np.array_equal(s.rows, rows) and len(s) <= max_rows
    assert s.latest_step == int(chunks[-1][0][-1])


def test_thinned_series_of_width_zero():
    s = ThinnedSeries(width=0, max_rows=4)
    s.extend(np.arange(10), np.zeros((10, 0)))
    assert s.steps.tolist() == [0, 4, 8, 9] and s.rows.shape == (4, 0)


def _gradient_health_points(chunks, max_points):
    """Gradient health's own record before it used ThinnedSeries (the reference): at most
    max_points rows on the stride, plus the latest row when it is off the stride."""
    steps_, rows_, stride, tail, last_step = (
        np.zeros(0, dtype=np.int64),
        np.zeros((0, 1)),
        1,
        None,
        -1,
    )
    for steps, rows in chunks:
        new = steps > last_step
        steps, rows = steps[new], rows[new]
        if len(steps) == 0:
            continue
        keep = steps % stride == 0
        steps_, rows_ = np.concatenate([steps_, steps[keep]]), np.concatenate([rows_, rows[keep]])
        while len(steps_) > max_points:
            stride *= 2
            on = steps_ % stride == 0
            steps_, rows_ = steps_[on], rows_[on]
        last = int(steps[-1])
        tail = None if len(steps_) and steps_[-1] == last else (last, rows[-1])
        last_step = last
    if tail is not None:
        steps_, rows_ = np.append(steps_, tail[0]), np.vstack([rows_, tail[1]])
    return steps_, rows_, stride


@given(st.lists(st.integers(1, 40), min_size=1, max_size=60), st.integers(1, 30))
def test_thinned_series_is_the_gradient_health_record(sizes, max_points):
    s = ThinnedSeries(width=1, max_rows=max_points + 1)
    chunks, start = [], 0
    for n in sizes:
        steps = np.arange(max(0, start - 2), start + n)
        chunks.append((steps, steps[:, None] * 0.5))
        s.extend(*chunks[-1])
        start += n
    steps, rows, stride = _gradient_health_points(chunks, max_points)
    assert s.steps.tolist() == steps.tolist() and s.stride == stride
    assert np.array_equal(s.rows, rows)


def test_network_indexes_are_made_once_per_shape_and_can_be_handed_over():
    from gdsim.engine.parameters import ParameterIndex

    a = ParameterIndex.for_network([7, 5, 3])
    assert ParameterIndex.for_network((7, 5, 3)) is a
    assert a.names[:2] == ("w1_1_1", "w1_1_2") and len(a) == 7 * 5 + 5 + 5 * 3 + 3
    with pytest.raises(ValueError):
        a.layer[0] = 9  # shared, so read-only
    received = ParameterIndex._make_for_network((7, 6, 3))  # e.g. unpickled from the trainer
    ParameterIndex.remember([7, 6, 3], received)
    assert ParameterIndex.for_network([7, 6, 3]) is received
