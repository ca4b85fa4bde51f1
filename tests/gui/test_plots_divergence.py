"""After a run diverges the plots still show its finite history, scaled to it, and mark where."""

import numpy as np
import pyqtgraph as pg

from gdsim.app.plots.ranges import RUNAWAY, fit_before_divergence
from gdsim.config import config_from_dict
from gdsim.engine.trainer import Trainer
from tests.gui.test_main_window import DIVERGING
from tests.gui.test_plots import Feed, panel  # noqa: F401 (the fixture)


def diverged_feed(panel, log=False):  # noqa: F811
    slowly = dict(DIVERGING, optimizer={"name": "sgd", "learning_rate": 5.0})  # ~160 steps
    feed = Feed(panel, Trainer(config_from_dict(slowly))).start()
    panel.set_log_cost(log)
    while feed.trainer.diverged is None:
        feed.step(10)
    panel.refresh()
    return feed


def y_range(plot) -> tuple[float, float]:
    return tuple(plot.getPlotItem().getViewBox().viewRange()[1])


def test_the_axes_fit_the_history_before_the_run_away_and_the_divergence_is_marked(panel):  # noqa: F811
    feed = diverged_feed(panel)
    last = feed.trainer.step_count
    steps, cost = panel.curve_data("cost")
    assert steps[-1] == last and np.nanmax(cost[:-1]) > 1e200  # it grew for a while first
    cut = fit_before_divergence(steps, cost, last)
    assert 2 <= cut < last and abs(cost[cut]) > RUNAWAY * cost[0]
    assert (np.abs(cost[2:cut]) <= RUNAWAY * cost[0]).all()
    lo, hi = y_range(panel.cost_plot)
    before = cost[:cut]
    assert lo <= before.min() and before.max() <= hi < 2 * before.max()
    for which, plot in (("parameter", panel.parameter_plot), ("gradient", panel.gradient_plot)):
        values = np.array([panel.curve_data(which, i)[1][:cut] for i in panel._selection])
        values = np.append(values, 0.0)  # (the gradient plot keeps its zero line in view)
        lo, hi = y_range(plot)
        assert lo <= values.min() and values.max() <= hi
        assert hi - lo < 2 * np.ptp(values) + 1e-6
    assert panel.divergence.step == last
    for plot in (panel.cost_plot, panel.parameter_plot, panel.gradient_plot):
        marks = [
            i
            for i in plot.getPlotItem().items
            if isinstance(i, pg.InfiniteLine) and i.angle == 90 and i.pos().x() == last
        ]
        assert len(marks) == 1
    panel.start_run(feed.info)  # a new run: no mark
    assert panel.divergence.step is None


def test_a_log_cost_axis_fits_the_history_before_the_run_away_too(panel):  # noqa: F811
    diverged_feed(panel, log=True)
    steps, cost = panel.curve_data("cost")
    cut = fit_before_divergence(steps, cost, int(steps[-1]))
    lo, hi = y_range(panel.cost_plot)
    before = np.log10(cost[:cut])
    assert lo <= before.min() and before.max() <= hi < before.max() + 1


def test_the_fit_ends_where_the_cost_runs_away():
    steps = np.arange(8)
    cost = np.array([1.0, 0.5, 0.4, 3.0, 20.0, 1e10, 1e300, np.inf])
    assert fit_before_divergence(steps, cost, 7) == 4  # the first over 10 x |C0|
    assert fit_before_divergence(steps, np.array([1.0, 50, 1e9, np.inf]), 3) == 2  # 2 at least
    assert fit_before_divergence(steps, np.array([1.0, 0.5, 2.0, np.nan]), 3) == 3
    assert fit_before_divergence(steps[:0], cost[:0], 0) == 0
