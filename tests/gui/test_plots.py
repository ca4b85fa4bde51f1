"""The plot panel: data in, curves out, decimation, selection, log axis, hover, export."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QPushButton

from gdsim.app.plots.panel import (
    MAX_SHOWN,
    PALETTE,
    PlotPanel,
    default_selection,
)
from gdsim.engine.history import HistoryChunk
from gdsim.engine.trainer import Trainer
from gdsim.session.runstate import RunInfo, Snapshot
from gdsim.session.series import Series

# screenshots to look at (the tests only check that they are written)
SHOTS = Path(os.environ.get("GDSIM_SCREENSHOTS", "/tmp/plots-shots"))

FUNCTION = {
    "mode": "function",
    "function": "(w - 3)**2",
    "parameters": {"w": 1.0},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
}


# ----------------------------------------------------------------------------------------------
# helpers


class Feed:
    """Drives a Trainer and hands its new rows to the panel as the worker would."""

    def __init__(self, panel: PlotPanel, trainer: Trainer | None = None, run_id: int = 1):
        self.panel = panel
        self.trainer = trainer if trainer is not None else Trainer()
        self.run_id = run_id
        self.last = -1
        t = self.trainer
        self.info = RunInfo(run_id, t.config, t.parameter_names, t.extra_names, t.seed)

    def start(self) -> Feed:
        self.panel.start_run(self.info)
        return self

    def snapshot(self, chunk: HistoryChunk, run_id: int | None = None) -> Snapshot:
        return Snapshot.of_trainer(self.trainer, self.run_id if run_id is None else run_id, chunk)

    def step(self, n: int, *, refresh: bool = True) -> None:
        self.trainer.step(n)
        chunk = self.trainer.history.since(self.last)
        self.last = chunk.latest_step
        self.panel.add_snapshot(self.snapshot(chunk))
        if refresh:
            self.panel.refresh()


@pytest.fixture
def panel(qtbot):
    p = PlotPanel()
    qtbot.addWidget(p)
    p.resize(1200, 420)
    p.show()
    qtbot.waitExposed(p)
    return p


def pen_color(curve) -> str:
    return curve.opts["pen"].color().name()


def plot_width(plot: pg.PlotWidget) -> int:
    return plot.width()


# ----------------------------------------------------------------------------------------------
# data in, curves out


def test_one_step_run_draws_two_exact_points(panel):
    feed = Feed(panel).start()
    feed.step(1)
    h = feed.trainer.history
    cost = panel.cost_curves()["cost"]
    np.testing.assert_array_equal(cost.xData, [0, 1])
    np.testing.assert_array_equal(cost.yData, h.cost())
    assert len(panel.parameter_curves()) == len(panel.selection()) > 0
    for pos, idx in enumerate(panel.selection()):
        pc = panel.parameter_curves()[pos]
        gc = panel.gradient_curves()[pos]
        np.testing.assert_array_equal(pc.xData, [0, 1])
        np.testing.assert_array_equal(gc.xData, [0, 1])
        np.testing.assert_array_equal(pc.yData, h.params()[:, idx])
        np.testing.assert_array_equal(gc.yData, h.grads()[:, idx])
    # every plot shows a 2-point curve
    for plot in (panel.cost_plot, panel.parameter_plot, panel.gradient_plot):
        items = plot.getPlotItem().listDataItems()
        assert any(len(it.xData) == 2 for it in items if it.isVisible())


def test_next_snapshot_extends_the_curves(panel):
    feed = Feed(panel).start()
    feed.step(1)
    feed.step(4)
    h = feed.trainer.history
    np.testing.assert_array_equal(panel.cost_curves()["cost"].xData, np.arange(6))
    np.testing.assert_array_equal(panel.cost_curves()["cost"].yData, h.cost())
    idx = panel.selection()[-1]
    np.testing.assert_array_equal(panel.parameter_curves()[-1].yData, h.params()[:, idx])
    np.testing.assert_array_equal(panel.gradient_curves()[-1].yData, h.grads()[:, idx])
    # test cost is evaluated every step for the default (full-batch) run: drawn where evaluated
    x, y = panel.curve_data("test_cost")
    np.testing.assert_array_equal(x, np.arange(6))
    np.testing.assert_array_equal(y, h.extra("test_cost"))


def test_add_snapshot_only_stores_and_refresh_draws_once(panel):
    feed = Feed(panel).start()
    feed.step(3, refresh=False)
    assert len(panel.cost_curves()["cost"].xData) == 0  # nothing drawn yet
    assert panel.refresh() is True
    assert len(panel.cost_curves()["cost"].xData) == 4
    assert panel.refresh() is False  # nothing new: no redraw


def test_refresh_before_any_run_is_a_no_op(qtbot):
    p = PlotPanel()
    qtbot.addWidget(p)
    assert p.refresh() is False
    assert p.selection() == ()
    assert p.show_readout_at(3) is None


def test_snapshots_of_a_stale_run_are_ignored(panel):
    feed = Feed(panel, run_id=7).start()
    feed.step(2)
    other = Trainer()
    other.step(50)
    panel.add_snapshot(feed.snapshot(other.history.since(-1), run_id=6))
    assert panel.refresh() is False
    x, _ = panel.curve_data("cost")
    np.testing.assert_array_equal(x, [0, 1, 2])


def test_start_run_clears_everything(panel):
    feed = Feed(panel).start()
    feed.step(20)
    panel.show_readout_at(5)
    fresh = Feed(panel, Trainer(FUNCTION), run_id=2).start()
    assert panel.readout_text() == ""
    for which in ("cost", "train_cost", "test_cost"):
        assert len(panel.curve_data(which)[0]) == 0
    assert panel.selection() == (0,)  # the one parameter, w
    panel.refresh()
    assert len(panel.cost_curves()["cost"].xData) == 0
    assert set(panel.cost_curves()) == {"cost"}  # function mode: no train/test cost
    fresh.step(3)
    np.testing.assert_array_equal(panel.curve_data("parameter", 0)[0], [0, 1, 2, 3])
    np.testing.assert_array_equal(
        panel.parameter_curves()[0].yData, fresh.trainer.history.params()[:, 0]
    )
    # the old run's snapshots no longer count
    feed.step(5)
    assert panel.curve_data("cost")[0][-1] == 3


def test_rows_steps_may_differ_from_dense_steps(panel):
    """After the worker's decimation a chunk's param rows are sparser than its dense steps."""
    t = Trainer(history_budget=40_000)
    t.step(3000)
    h = t.history
    assert h.stride > 1 and len(h.param_steps()) < len(h.steps())
    feed = Feed(panel, t).start()
    panel.add_snapshot(feed.snapshot(h.since(-1)))
    panel.refresh()
    np.testing.assert_array_equal(panel.curve_data("cost")[0], h.steps())
    np.testing.assert_array_equal(panel.curve_data("cost")[1], h.cost())
    np.testing.assert_array_equal(panel.curve_data("parameter", 3)[0], h.param_steps())
    np.testing.assert_array_equal(panel.curve_data("gradient", 3)[1], h.grads()[:, 3])


# ----------------------------------------------------------------------------------------------
# selection and colours


def test_default_selection_rules():
    assert default_selection(["w"]) == (0,)
    names12 = [f"w1_{j}_1" for j in range(1, 13)]
    assert default_selection(names12) == tuple(range(12))
    default = Trainer().parameter_names  # 2-4-1: 17 parameters
    chosen = default_selection(default)
    assert [default[i] for i in chosen] == [
        "w1_1_1",
        "w1_1_2",
        "w1_2_1",
        "w1_2_2",
        "w1_3_1",
        "w1_3_2",
        "w1_4_1",
        "w1_4_2",
        "w2_1_1",
        "w2_1_2",
        "w2_1_3",
        "w2_1_4",
        "b2_1",
    ]
    big = Trainer(
        {
            "network": {
                "inputs": 2,
                "layers": [
                    {"units": 16, "activation": "tanh"},
                    {"units": 16, "activation": "tanh"},
                    {"units": 3, "activation": "softmax"},
                ],
            },
            "loss": "cross_entropy",
            "data": {"source": "builtin", "name": "spiral"},
        }
    ).parameter_names
    chosen = [big[i] for i in default_selection(big)]
    assert len(chosen) <= 13
    # every layer is in view: the first and last ends, and the layer between them
    for layer in (1, 2, 3):
        assert any(name[1:].startswith(f"{layer}_") for name in chosen), layer
    assert chosen[:4] == [n for n in big if n.startswith("w1_")][:4]
    assert sum(name.startswith(("w3_", "b3_")) for name in chosen) == 5


def test_selection_drives_both_plots_with_the_same_colours(panel, qtbot):
    feed = Feed(panel).start()
    feed.step(10)
    with qtbot.waitSignal(panel.selection_changed) as blocker:
        panel.set_selection([5, 0, 16, 5])
    assert blocker.args == [(0, 5, 16)]
    assert panel.selection() == (0, 5, 16)
    panel.refresh()
    pcs, gcs = panel.parameter_curves(), panel.gradient_curves()
    assert len(pcs) == len(gcs) == 3
    names = feed.trainer.parameter_names
    for pos, idx in enumerate(panel.selection()):
        assert pen_color(pcs[pos]) == pen_color(gcs[pos]) == PALETTE[pos].lower()
        assert panel.color_of(idx) == PALETTE[pos]
        assert pcs[pos].name() == names[idx]
        assert gcs[pos].name() == f"dC/d{names[idx]}"
        np.testing.assert_array_equal(pcs[pos].yData, feed.trainer.history.params()[:, idx])
    # only the selected curves are in the plots (plus the cost plot's own)
    assert len(panel.parameter_plot.getPlotItem().listDataItems()) == 3
    assert len(panel.gradient_plot.getPlotItem().listDataItems()) == 3
    # the colour key names them in their colours
    key = panel.key_label.text()
    assert names[16] in key and PALETTE[2] in key
    assert panel.color_of(1) is None
    panel.set_selection([])
    assert panel.parameter_curves() == [] and panel.gradient_curves() == []
    with pytest.raises(IndexError):
        panel.set_selection([17])


def test_selection_is_capped(panel):
    wide = Trainer(
        {
            "network": {
                "inputs": 2,
                "layers": [
                    {"units": 32, "activation": "tanh"},
                    {"units": 1, "activation": "sigmoid"},
                ],
            }
        }
    )
    Feed(panel, wide).start()
    panel.set_selection(range(len(wide.parameter_names)))
    assert len(panel.selection()) == MAX_SHOWN
    # past the palette the colours repeat, dashed, in both plots alike
    pc, gc = panel.parameter_curves()[len(PALETTE)], panel.gradient_curves()[len(PALETTE)]
    assert (
        pc.opts["pen"].style()
        == gc.opts["pen"].style()
        != panel.parameter_curves()[0].opts["pen"].style()
    )


def test_picker_list_and_quick_picks(panel, qtbot):
    feed = Feed(panel).start()
    feed.step(5)
    picker = panel.picker
    assert picker.text().startswith("showing 13 of 17 parameters")
    picker._populate()  # what opening the popup does
    lst = picker.list_widget
    assert lst.count() == 17
    checked = [
        lst.item(r).text()
        for r in range(lst.count())
        if lst.item(r).checkState() == pg.QtCore.Qt.CheckState.Checked
    ]
    assert len(checked) == 13 and "b1_1" not in checked
    # tick b1_1 -> it joins both plots
    b11 = next(lst.item(r) for r in range(lst.count()) if lst.item(r).text() == "b1_1")
    with qtbot.waitSignal(panel.selection_changed):
        b11.setCheckState(pg.QtCore.Qt.CheckState.Checked)
    assert 8 in panel.selection() and len(panel.parameter_curves()) == 14
    # a tick past the cap is refused and unticked again
    Feed(
        panel,
        Trainer(
            {
                "network": {
                    "inputs": 2,
                    "layers": [
                        {"units": 32, "activation": "tanh"},
                        {"units": 1, "activation": "sigmoid"},
                    ],
                }
            }
        ),
    ).start()
    panel.set_selection(range(MAX_SHOWN))
    picker._populate()
    last = lst.item(lst.count() - 1)
    last.setCheckState(pg.QtCore.Qt.CheckState.Checked)
    assert len(panel.selection()) == MAX_SHOWN
    assert last.checkState() == pg.QtCore.Qt.CheckState.Unchecked
    feed = Feed(panel).start()
    # quick picks
    picker.findChild(QPushButton, "pick_layer2").click()
    assert panel.selection() == tuple(range(12, 17))
    picker.findChild(QPushButton, "pick_none").click()
    assert panel.selection() == ()
    picker.findChild(QPushButton, "pick_all").click()
    assert panel.selection() == tuple(range(17))
    assert picker.text().startswith("showing 17 of 17 parameters")
    # the filter narrows the list
    picker._filter.setText("b2")
    assert [lst.item(r).text() for r in range(lst.count())] == ["b2_1"]


# ----------------------------------------------------------------------------------------------
# decimation, memory


def test_curve_data_after_5000_steps_and_decimated_drawing(panel):
    feed = Feed(panel).start()
    for _ in range(5):
        feed.step(1000, refresh=False)
    panel.refresh()
    h = feed.trainer.history
    x, y = panel.curve_data("cost")
    np.testing.assert_array_equal(x, h.steps())
    np.testing.assert_array_equal(y, h.cost())
    for idx in (0, 7, 16):
        x, y = panel.curve_data("parameter", idx)
        np.testing.assert_array_equal(x, h.param_steps())
        np.testing.assert_array_equal(y, h.params()[:, idx])
        np.testing.assert_array_equal(panel.curve_data("gradient", idx)[1], h.grads()[:, idx])
    curves = [("cost", panel.cost_plot, panel.cost_curves()["cost"])]
    curves += [("p", panel.parameter_plot, c) for c in panel.parameter_curves()]
    curves += [("g", panel.gradient_plot, c) for c in panel.gradient_curves()]
    for _, plot, curve in curves:
        assert 20 < len(curve.xData) <= 2 * plot_width(plot) + 4
    # the envelope keeps the extremes and both ends exactly
    for pos, idx in enumerate(panel.selection()):
        for curve, full in (
            (panel.parameter_curves()[pos], h.params()[:, idx]),
            (panel.gradient_curves()[pos], h.grads()[:, idx]),
        ):
            assert np.nanmin(curve.yData) == full.min()
            assert np.nanmax(curve.yData) == full.max()
            assert curve.xData[0] == 0 and curve.xData[-1] == 5000
            assert curve.yData[-1] == full[-1]
            assert np.all(np.diff(curve.xData) >= 0)
    with pytest.raises(ValueError):
        panel.curve_data("weights")
    with pytest.raises(IndexError):
        panel.curve_data("gradient", 17)


def test_store_stays_within_budget(qtbot):
    p = PlotPanel(budget_bytes=300_000)
    qtbot.addWidget(p)
    p.resize(900, 400)
    feed = Feed(p).start()
    for _ in range(20):
        feed.step(1000)
    assert p.nbytes <= 300_000
    x, y = p.curve_data("parameter", 2)
    h = feed.trainer.history
    assert x[0] == 0 and x[-1] == 20_000
    assert len(x) < 20_001 and np.all(np.diff(x) > 0)
    # the values kept are the recorded ones
    np.testing.assert_array_equal(y, h.params()[np.searchsorted(h.param_steps(), x), 2])
    xc, yc = p.curve_data("cost")
    assert xc[0] == 0 and xc[-1] == 20_000
    np.testing.assert_array_equal(yc, h.cost()[xc])
    for curve in p.parameter_curves():
        assert len(curve.xData) <= 2 * p.parameter_plot.width() + 4


def test_series_decimates_and_envelope_keeps_extremes():
    rng = np.random.default_rng(1)
    s = Series(3, budget_bytes=3 * 8 * 1000)
    steps = np.arange(0, 50_000)
    vals = rng.normal(size=(steps.size, 3)).cumsum(axis=0)
    for a in range(0, steps.size, 777):
        s.extend(steps[a : a + 777], [vals[a : a + 777, :1], vals[a : a + 777, 1:]])
    assert s.n <= s.cap and s.stride > 1
    x = s.steps[: s.n]
    assert x[0] == 0 and x[-1] == steps[-1] and np.all(np.diff(x) > 0)
    np.testing.assert_array_equal(s.vals[: s.n], vals[x])
    # envelopes over many ranges and widths: extremes kept, within 2 points per pixel + 3
    for i0, i1, width in [
        (0, s.n, 50),
        (0, s.n, 7),
        (3, s.n - 5, 40),
        (100, 300, 9),
        (0, s.n, 1000),
        (10, 12, 3),
    ]:
        xe, ye = s.envelope(np.array([2, 0]), i0, i1, width)
        assert len(xe) <= 2 * width + 3
        assert xe[0] == x[i0] and xe[-1] == x[i1 - 1]
        np.testing.assert_array_equal(np.nanmin(ye, axis=1), s.vals[i0:i1, [2, 0]].min(axis=0))
        np.testing.assert_array_equal(np.nanmax(ye, axis=1), s.vals[i0:i1, [2, 0]].max(axis=0))
    # older steps are skipped, the provisional tail gives way
    n = s.n
    s.extend(np.array([5, 6]), [np.zeros((2, 3))])
    assert s.n == n
    s.extend(np.array([steps[-1] + 1]), [np.ones((1, 3))])
    assert s.steps[s.n - 1] == steps[-1] + 1


def test_series_pyramid_matches_raw_envelope():
    rng = np.random.default_rng(2)
    s = Series(2, budget_bytes=10**8)
    steps = np.arange(200_000)
    vals = rng.normal(size=(steps.size, 2))
    vals[123_456, 1] = np.inf
    vals[99_999, 0] = np.nan
    for a in range(0, steps.size, 10_000):
        s.extend(steps[a : a + 10_000], [vals[a : a + 10_000]])
    for width in (100, 333, 3000):
        xe, ye = s.envelope(np.array([0, 1]), 0, s.n, width)
        assert len(xe) <= 2 * width + 5
        assert not np.isinf(ye).any()  # inf comes back as NaN
        assert np.nanmin(ye[0]) == np.nanmin(vals[:, 0])
        assert np.nanmax(ye[0]) == np.nanmax(vals[:, 0])
        # the pixel column holding the inf loses its max (drawn as a gap), nothing else
        assert np.nanmin(ye[1]) == vals[:, 1].min()
        assert np.isnan(ye[1]).sum() == 1


# ----------------------------------------------------------------------------------------------
# view: log axis, linked x, zoom, follow


def test_log_cost_toggles_the_log_axis(panel, qtbot):
    feed = Feed(panel).start()
    feed.step(50)
    item = panel.cost_plot.getPlotItem()
    with qtbot.waitSignal(panel.log_cost_changed) as blocker:
        panel.set_log_cost(True)
    assert blocker.args == [True]
    assert panel.log_cost() and item.ctrl.logYCheck.isChecked()
    assert item.getAxis("left").logMode and panel.log_check.isChecked()
    assert panel.refresh() is True
    np.testing.assert_allclose(
        panel.cost_curves()["cost"].yData, np.log10(feed.trainer.history.cost())
    )
    panel.set_log_cost(False)
    assert not item.ctrl.logYCheck.isChecked() and not panel.log_check.isChecked()
    panel.refresh()
    np.testing.assert_array_equal(panel.cost_curves()["cost"].yData, feed.trainer.history.cost())
    # the panel's check box and the plot's own context menu stay in step
    panel.log_check.setChecked(True)
    assert item.ctrl.logYCheck.isChecked()
    item.ctrl.logYCheck.setChecked(False)
    assert not panel.log_check.isChecked() and not panel.log_cost()


def test_log_cost_leaves_out_non_positive_costs(panel):
    feed = Feed(panel, Trainer(FUNCTION)).start()
    feed.step(200)  # (w-3)^2 -> 0: the last costs underflow
    panel.set_log_cost(True)
    panel.refresh()
    y = panel.cost_curves()["cost"].yData
    cost = feed.trainer.history.cost()
    assert np.isnan(y[cost <= 0]).all()
    np.testing.assert_allclose(y[cost > 0], np.log10(cost[cost > 0]))


def test_three_plots_side_by_side_linked_and_distinct(panel):
    assert panel.cost_plot.objectName() == "costPlot"
    assert panel.parameter_plot.objectName() == "parameterPlot"
    assert panel.gradient_plot.objectName() == "gradientPlot"
    assert [panel.splitter.widget(i) for i in range(3)] == [
        panel.cost_plot,
        panel.parameter_plot,
        panel.gradient_plot,
    ]
    xs = [
        p.mapTo(panel, p.rect().topLeft()).x()
        for p in (panel.cost_plot, panel.parameter_plot, panel.gradient_plot)
    ]
    assert xs == sorted(xs)
    vb = panel.cost_plot.getPlotItem().getViewBox()
    for plot in (panel.parameter_plot, panel.gradient_plot):
        assert plot.getPlotItem().getViewBox().linkedView(pg.ViewBox.XAxis) is vb
    assert panel.parameter_plot.getPlotItem().titleLabel.text.startswith("parameter values")
    assert panel.gradient_plot.getPlotItem().titleLabel.text.startswith("gradients")
    assert panel.cost_plot.getPlotItem().getAxis("left").labelText == "cost C"
    assert (
        panel.gradient_plot.backgroundBrush().color()
        != panel.parameter_plot.backgroundBrush().color()
    )
    assert panel.zero_line.angle == 0 and panel.zero_line.value() == 0
    assert panel.zero_line.pen.style() == pg.QtCore.Qt.PenStyle.DashLine


def test_view_follows_data_until_the_user_zooms(panel):
    feed = Feed(panel).start()
    feed.step(100)
    vb = panel.cost_plot.getPlotItem().getViewBox()
    x0, x1 = vb.viewRange()[0]
    assert x0 <= 0 and x1 >= 100
    feed.step(100)
    x0, x1 = vb.viewRange()[0]
    assert x0 <= 0 and x1 >= 200  # all steps in view
    # the user zooms into steps 20..60 (as a mouse drag does)
    vb.setXRange(20, 60, padding=0)
    vb.sigRangeChangedManually.emit([True, False])
    panel.refresh()
    curve = panel.parameter_curves()[0]
    assert curve.xData[0] >= 19 and curve.xData[-1] <= 61
    feed.step(100)
    assert vb.viewRange()[0] == pytest.approx([20, 60])  # not at the latest: stays put
    # the linked plots show the same range
    for plot in (panel.parameter_plot, panel.gradient_plot):
        assert plot.getPlotItem().getViewBox().viewRange()[0] == pytest.approx([20, 60])
    # zoomed on the newest steps with "follow latest": the window slides along
    vb.setXRange(250, 300, padding=0)
    vb.sigRangeChangedManually.emit([True, False])
    panel.refresh()
    feed.step(40)
    assert vb.viewRange()[0] == pytest.approx([290, 340])
    panel.show_all()
    panel.refresh()
    x0, x1 = vb.viewRange()[0]
    assert x0 <= 0 and x1 >= 340


# ----------------------------------------------------------------------------------------------
# hover readout


def test_readout_shows_exact_values_at_the_hovered_step(panel):
    feed = Feed(panel).start()
    feed.step(300)
    h = feed.trainer.history
    at = panel.show_readout_at(150.3)
    assert at == 150
    text = panel.readout_text()
    assert "step 150" in text
    assert f"C = {h.cost()[150]:.6g}" in text
    assert f"test cost = {h.extra('test_cost')[150]:.6g}" in text
    names = feed.trainer.parameter_names
    for idx in panel.selection():
        assert f"{names[idx]} = {h.params()[150, idx]:.6g}" in text
        assert f"dC/d{names[idx]} = {h.grads()[150, idx]:.6g}" in text
    for line in panel._hover_lines:
        assert line.isVisible() and line.value() == 150
    panel.hide_readout()
    assert panel.readout_text() == ""
    assert not any(line.isVisible() for line in panel._hover_lines)


def test_mouse_move_over_any_plot_shows_the_readout(panel):
    feed = Feed(panel).start()
    feed.step(300)
    h = feed.trainer.history
    vb = panel.gradient_plot.getPlotItem().getViewBox()
    pos = vb.mapViewToScene(QPointF(42.2, 0.0))
    panel._on_mouse_moved(2, (pos,))  # what the rate-limited proxy calls
    assert panel.readout_text().startswith("step 42")
    assert f"C = {h.cost()[42]:.6g}" in panel.readout_text()
    # outside the data area: hidden
    panel._on_mouse_moved(2, (QPointF(-500, -500),))
    assert panel.readout_text() == ""


# ----------------------------------------------------------------------------------------------
# divergence, export, screenshots


def test_nan_and_inf_rows_draw_without_errors(panel):
    t = Trainer({**FUNCTION, "optimizer": {"name": "sgd", "learning_rate": 5.0}})
    feed = Feed(panel, t).start()
    feed.step(2000)
    assert t.diverged is not None
    h = t.history
    assert not np.isfinite(h.params()[-1]).all() or not math.isfinite(h.cost()[-1])
    panel.set_log_cost(True)
    assert panel.refresh() is True
    panel.set_log_cost(False)
    panel.refresh()
    for curve in [
        *panel.cost_curves().values(),
        *panel.parameter_curves(),
        *panel.gradient_curves(),
    ]:
        y = curve.yData
        assert not np.isinf(y).any()
    # everything up to the divergence is there
    y = panel.parameter_curves()[0].yData
    finite = np.isfinite(h.params()[:, 0])
    np.testing.assert_array_equal(y[finite], h.params()[finite, 0])
    panel.show_readout_at(h.param_steps()[-1])
    assert "step" in panel.readout_text()
    panel.grab()  # paints without raising


def test_synthetic_chunk_with_inf_and_nan(panel):
    t = Trainer()
    feed = Feed(panel, t).start()
    p = len(t.parameter_names)
    steps = np.arange(0, 6000, dtype=np.int64)
    params = np.tile(np.linspace(-1, 1, p), (steps.size, 1))
    grads = np.ones_like(params)
    params[3000:, 0] = np.inf
    grads[4000, :] = np.nan
    cost = np.linspace(1, 0.1, steps.size)
    cost[5000] = np.inf
    nan = np.full(steps.size, np.nan)
    chunk = HistoryChunk(
        steps,
        cost,
        {n: nan for n in t.extra_names},
        steps,
        params,
        grads,
        int(steps[-1]),
        params[-1],
        grads[-1],
    )
    panel.add_snapshot(feed.snapshot(chunk))
    assert panel.refresh() is True
    assert panel.curve_data("train_cost")[0].size == 0  # never evaluated
    curve = panel.parameter_curves()[0]
    # finite up to the pixel column holding step 3000 (the envelope's column of 6000 / width
    # steps may lose its max there), then a gap
    column = 6000 / panel.parameter_plot.getPlotItem().getViewBox().width() + 1
    x, y = curve.xData, curve.yData
    assert np.isfinite(y[x < 3000 - column]).all()
    assert x[np.isfinite(y)].max() >= 3000 - 2 * column
    assert np.isnan(y[x > 3000 + column]).all()
    assert not np.isinf(panel.cost_curves()["cost"].yData).any()


def test_export_images_png_and_svg(panel, tmp_path):
    feed = Feed(panel).start()
    feed.step(200)
    panel.show_readout_at(100)
    pngs = panel.export_images(tmp_path, "png")
    svgs = panel.export_images(tmp_path / "sub", "svg")
    assert [p.name for p in pngs] == ["cost.png", "parameters.png", "gradients.png"]
    assert [p.name for p in svgs] == ["cost.svg", "parameters.svg", "gradients.svg"]
    for path in pngs:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 2000
    from PySide6.QtSvg import QSvgRenderer

    for path in svgs:
        text = path.read_text()
        assert "<svg" in text and len(text) > 2000
        assert QSvgRenderer(str(path)).isValid()
    assert "parameter values" in svgs[1].read_text()
    # a file name gives name-cost.png etc.
    named = panel.export_images(tmp_path / "run.png", "png")
    assert [p.name for p in named] == ["run-cost.png", "run-parameters.png", "run-gradients.png"]
    assert panel.readout_text() != ""  # the hover came back after export
    with pytest.raises(ValueError):
        panel.export_images(tmp_path, "jpg")


def test_screenshots(panel):
    SHOTS.mkdir(parents=True, exist_ok=True)
    feed = Feed(panel).start()
    feed.step(300)
    assert panel.grab().save(str(SHOTS / "panel.png"))
    panel.show_readout_at(120)
    assert panel.grab().save(str(SHOTS / "panel-hover.png"))
    panel.hide_readout()
    panel.set_log_cost(True)
    panel.refresh()
    assert panel.grab().save(str(SHOTS / "panel-log.png"))


def test_learning_rate_changes_are_marked_on_every_plot(panel):
    feed = Feed(panel).start()
    feed.step(5)
    assert panel.rate_marks.steps() == []  # the first rate is no change
    feed.trainer.set_learning_rate(0.5)
    feed.step(3)
    feed.step(2)  # same rate: no new mark
    feed.trainer.set_learning_rate(0.05)
    feed.step(1)
    # row t holds the rate of the update from t to t+1: the rate set after 5 updates is the
    # rate from step 5 on, so the mark is at step 5 (not 6, the first row sent with it)
    assert panel.rate_marks.steps() == [5.0, 10.0]
    whole = feed.trainer.history.since(-1)
    rates = whole.extras["learning_rate"]
    changed = whole.steps[1:][rates[1:] != rates[:-1]]
    assert changed.tolist() == [5, 10]  # where the engine's own history changes rate
    lines = [
        item for item in panel.cost_plot.getPlotItem().items if isinstance(item, pg.InfiniteLine)
    ]
    assert [line.label.toPlainText() for line in lines if hasattr(line, "label")] == [
        "lr 0.1 → 0.5",
        "lr 0.5 → 0.05",
    ]
    for plot in (panel.parameter_plot, panel.gradient_plot):
        marks = [
            i
            for i in plot.getPlotItem().items
            if isinstance(i, pg.InfiniteLine) and i.pos().x() in (5, 10)
        ]
        assert len(marks) == 2
    panel.start_run(feed.info)  # a new run starts unmarked
    assert panel.rate_marks.steps() == []
    assert not [
        i
        for i in panel.cost_plot.getPlotItem().items
        if isinstance(i, pg.InfiniteLine) and hasattr(i, "label")
    ]


def test_hand_edits_are_marked_and_a_continued_run_keeps_the_chosen_parameters(panel):
    feed = Feed(panel).start()
    feed.step(4)
    panel.set_selection([0, 2])
    t = feed.trainer
    t.set_parameters({"w1_1_1": 0.5, "b2_1": -1.25, "w1_2_1": 2.0})
    t.step(3)
    t.freeze(["b2_*"])
    info = RunInfo.of_trainer(t, 2, continued=True)  # as the driver sends it after an edit
    panel.start_run(info)
    assert panel.rate_marks.steps() == [4.0, 7.0]
    lines = [
        item for item in panel.cost_plot.getPlotItem().items if isinstance(item, pg.InfiniteLine)
    ]
    assert [line.label.toPlainText() for line in lines] == [
        "set w1_1_1 = 0.5, b2_1 = -1.25 …",
        "froze b2_*",
    ]
    assert "w1_2_1 = 2" in lines[0].toolTip() and "at step 4" in lines[0].toolTip()
    assert panel.selection() == (0, 2)  # the learner's choice stays on a cut or edited run
    t.reset()
    panel.start_run(RunInfo.of_trainer(t, 3))  # a new run: the default choice, no marks
    assert panel.selection() != (0, 2) and panel.rate_marks.steps() == []
