"""A TrainingDriver as a plain object: a fake clock, a list as outbox, scripted polls."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

from gdsim.config import config_from_dict
from gdsim.session.driver import TrainingDriver
from gdsim.session.protocol import Command, SnapshotReady
from gdsim.session.runstate import Snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
BUDGET = 32 * 2**20

# C(w) = (w - 3)^2 from w = 1 with plain gradient descent at 0.1: after t steps
# w = 3 - 2 * 0.8^t and C = 4 * 0.64^t, so step counts and costs are known exactly.
ONE = config_from_dict(
    {
        "mode": "function",
        "function": "(w - 3)**2",
        "parameters": {"w": 1.0},
        "optimizer": {"name": "sgd", "learning_rate": 0.1},
    }
)


def w_after(t: int) -> float:
    return 3 - 2 * 0.8**t


def cost_after(t: int) -> float:
    return 4 * 0.64**t


def missing_data_config():
    """A valid config whose CSV does not exist: the Trainer refuses it (DataError)."""
    data = json.loads((EXAMPLES / "moons-csv.json").read_text())
    data["data"]["path"] = "missing.csv"
    return config_from_dict(data, base_dir="/nonexistent")


class FakeClock:
    """Seconds that move only when a test says so."""

    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Script:
    """The driver's `poll` during an export: each call returns the next item (None: nothing
    arrived yet); once the script is used up, nothing more arrives."""

    def __init__(self, *items: Command | None):
        self.items = deque(items)

    def __call__(self) -> Command | None:
        return self.items.popleft() if self.items else None


def make_driver(poll=None) -> tuple[TrainingDriver, list, FakeClock]:
    outbox: list = []
    clock = FakeClock()
    driver = TrainingDriver(outbox.append, BUDGET, poll or (lambda: None), clock)
    return driver, outbox, clock


def snapshots(outbox: list) -> list[Snapshot]:
    return [m.snapshot for m in outbox if isinstance(m, SnapshotReady)]


def kinds(outbox: list) -> list[type]:
    return [type(m) for m in outbox]


def finish(driver: TrainingDriver, limit: int = 100_000) -> int:
    """Tick until the driver stops (the clock stands still); returns the number of ticks."""
    for ticks in range(1, limit + 1):
        driver.tick()
        if not driver.running:
            return ticks
    raise AssertionError(f"still running after {limit} ticks")
