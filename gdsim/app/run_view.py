"""What a view of the run declares so the window's run presenter can feed it without knowing it.

Every view of the current run (the plot panel, the parameter table, each tab under the plots)
has ``start_run(info)``, ``update_from(snap)`` and a class attribute ``run_feed``: a
:class:`Feed` saying which snapshots it needs and how often. The presenter
(gdsim.app.window.presenter) loops over its views and reads only that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from gdsim.session.runstate import RunInfo, Snapshot

UPDATE_MS_RUNNING = 200  # numbers that change 30 times a second cannot be read anyway


@dataclass(frozen=True)
class Feed:
    """How a view wants its snapshots.

    every_row: True, the rows of every snapshot since its last update (merged into one); False,
        only the latest state.
    interval_ms: at most one update this often while a run goes on, and one at once when it
        pauses; None, every snapshot as it arrives, and the view draws in ``refresh()``, which
        the presenter calls on every tick of its ~30 Hz timer.
    only_visible: no updates while its tab is hidden; it catches up when the tabs change.
    """

    every_row: bool = False
    interval_ms: int | None = UPDATE_MS_RUNNING
    only_visible: bool = False


@runtime_checkable
class RunView(Protocol):
    """A view the run presenter feeds (see the module doc)."""

    run_feed: ClassVar[Feed]

    def start_run(self, info: RunInfo) -> None:
        """Forget the previous run; prepare for this one."""

    def update_from(self, snap: Snapshot) -> None:
        """Show a snapshot (merged from several if the feed wants every row)."""


@runtime_checkable
class PinnableView(Protocol):
    """A view fed every row that can also show a past step (the window's timeline).

    While pinned to a state it keeps recording the rows `update_from` brings (the plots grow,
    the loss surface's path is complete when live is chosen again) but shows `state`. A view
    fed only the latest state needs no pin: the presenter hands it the past state instead.
    """

    def pin(self, state: Snapshot | None) -> None:
        """Show `state` (a past step: running False, no rows); None: the latest again."""
