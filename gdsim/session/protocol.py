"""The typed protocol between a session (the window's side) and its TrainingDriver.

The window sends `Command`s; the driver answers with `Message`s. Both are frozen dataclasses of
plain data, so they pickle through the child process's pipes unchanged (and pass by reference
when the driver runs in the GUI thread, as for the lessons). In short:

    Load(config, run_id)  -> RunStarted, SnapshotReady       (LoadFailed keeps the current run)
    Reset(seed, run_id)   -> RunStarted, SnapshotReady       (LoadFailed keeps the current run)
    Step(n), Run()        -> a SnapshotReady per ~16 ms chunk until done, paused or stopped
    Pause()               -> SnapshotReady(running=False), when running
    SetLearningRate, SetOptimizer -> SnapshotReady when idle
    Rewind(step, run_id)  -> RunStarted(continued), SnapshotReady of every row  (or LoadFailed)
    SetParameters(values, run_id) -> the same; training goes on if it was running
    Freeze(names, frozen) -> SnapshotReady when idle
    SetSpeedLimit, SetStopRules   -> nothing; they rule the chunks that follow
    Export(path, every)   -> ExportProgress..., then Exported or ExportFailed
    CancelExport()        -> ends a running export with ExportFailed; otherwise nothing
    Shutdown()            -> nothing; the driver stops
    Compare(variants, labels, steps, compare_id) -> CompareStarted, CompareProgress... (at
                             most ~30 a second), then CompareDone    (or CompareFailed)
    CancelCompare()       -> CompareProgress, CompareDone(stopped) when one is training
    ExportCompare(folder) -> CompareExported(paths) or CompareFailed

A comparison (gdsim.session.compare) trains up to six variants of the run's start, each from
the same start values and mini-batch order, between the main run's chunks: the main run keeps
answering Step and Run while it trains. Its messages carry its own `compare_id`, never a run id.

Every request is carried out or answered with a reason: a bad value (a learning rate <= 0, a
step count < 1, a negative speed limit, ...) or a request with no run to act on gets `Failed`
(`LoadFailed` for Load and Reset, `ExportFailed` for Export), and the driver goes on.

Requests add up: Step(n) while a Step is still running adds n updates to those still owed
(n clicks are n updates), and Run() turns what is owed into running until paused. Stop rules
(SetStopRules) pause a Run; the updates a Step asks for are always carried out.

Rewind and SetParameters change the run's history (steps cut away, the current row computed
again), so they start the run again under a new id, as `RunStarted` with `info.continued` True
and a snapshot holding every row the trainer kept: the views rebuild from the trainer's own
record instead of patching theirs.

Run ids: the session numbers each Load, Reset, Rewind and SetParameters; every RunStarted and
SnapshotReady carries the id of the run it belongs to, so the session drops those of a run it
has since replaced. Commands that arrive during an export wait, in order, until the export ends.

Running state: SnapshotReady, Failed and LoadFailed say whether the driver is training, and
`requests` counts the Load, Reset, Rewind, Step and Run commands it had received when it sent
them. The session shows a request's effect at once (Run shows Pause) and takes the driver's word
only from messages that answer every such request it sent, so a message already on its way when
the user clicked never flips the state back (no flicker).
See docs/architecture.md for the layers and the process model.
"""

from __future__ import annotations

from dataclasses import dataclass

from gdsim.config import Config, OptimizerConfig
from gdsim.session.runstate import RunInfo, Snapshot, VariantRows

__all__ = [
    "CancelCompare",
    "CancelExport",
    "Command",
    "Compare",
    "CompareDone",
    "CompareExported",
    "CompareFailed",
    "CompareProgress",
    "CompareStarted",
    "ExportCompare",
    "Export",
    "Freeze",
    "ExportFailed",
    "ExportProgress",
    "Exported",
    "Failed",
    "Load",
    "LoadFailed",
    "Message",
    "Pause",
    "Reset",
    "Rewind",
    "Run",
    "RunStarted",
    "SetLearningRate",
    "SetOptimizer",
    "SetParameters",
    "SetSpeedLimit",
    "SetStopRules",
    "Shutdown",
    "SnapshotReady",
    "Step",
]


# ---------------------------------------------------------------------- commands (to the driver)
@dataclass(frozen=True)
class Load:
    """Start a new run of `config`, numbered `run_id`."""

    config: Config
    run_id: int


@dataclass(frozen=True)
class Reset:
    """Start the current config again (with `seed`, or the run's own when None) as `run_id`."""

    seed: int | None
    run_id: int


@dataclass(frozen=True)
class Step:
    """Apply `n` updates (in chunks), then pause."""

    n: int


@dataclass(frozen=True)
class Run:
    """Train until paused, stopped by a stop rule, or diverged."""


@dataclass(frozen=True)
class Pause:
    """Stop training after the current chunk."""


@dataclass(frozen=True)
class SetLearningRate:
    learning_rate: float


@dataclass(frozen=True)
class SetOptimizer:
    optimizer: OptimizerConfig


@dataclass(frozen=True)
class Rewind:
    """Cut the run at `step` and go on from the exact state there (Trainer.rewind), as
    `run_id`; training pauses."""

    step: int
    run_id: int


@dataclass(frozen=True)
class SetParameters:
    """Set parameters by name (Trainer.set_parameters), as `run_id`: the cost and gradients at
    the new values show at once. A run that was training goes on."""

    values: dict[str, float]
    run_id: int


@dataclass(frozen=True)
class Freeze:
    """Freeze (`frozen` True) or unfreeze parameters by name or shell-style pattern."""

    names: tuple[str, ...]
    frozen: bool = True


@dataclass(frozen=True)
class SetSpeedLimit:
    """At most this many steps per second of wall time; None (or 0) for as fast as possible."""

    steps_per_second: float | None


@dataclass(frozen=True)
class SetStopRules:
    """Pause at this step count and/or once the cost is at or below this value (None: never)."""

    max_steps: int | None
    target_cost: float | None


@dataclass(frozen=True)
class Export:
    """Write the run CSV (every `every`-th recorded step, always the last) and its config."""

    path: str
    every: int = 1


@dataclass(frozen=True)
class CancelExport:
    """Abandon the export in progress (no file is written)."""


@dataclass(frozen=True)
class Shutdown:
    """End the driver (and the child process)."""


@dataclass(frozen=True)
class Compare:
    """Train variants of the run's start side by side, `steps` updates each (see
    gdsim.session.compare). Each variant is a mapping of settings to values (e.g.
    ``{"learning_rate": 0.01}``; {} is the run's own start settings), applied to the run's
    settings at step 0, and every variant that keeps the init seed starts from the run's own
    step-0 values and mini-batch order. A new Compare stops the one before (which stays, for
    ExportCompare, if the new one is refused)."""

    variants: tuple[dict, ...]
    labels: tuple[str, ...]
    steps: int
    compare_id: int


@dataclass(frozen=True)
class CancelCompare:
    """Stop the comparison's training (what it trained stays, for export)."""


@dataclass(frozen=True)
class ExportCompare:
    """Write every variant as a run CSV and its RUN.json into `folder`."""

    folder: str


Command = (
    Load
    | Reset
    | Step
    | Run
    | Pause
    | SetLearningRate
    | SetOptimizer
    | Rewind
    | SetParameters
    | Freeze
    | SetSpeedLimit
    | SetStopRules
    | Export
    | CancelExport
    | Shutdown
    | Compare
    | CancelCompare
    | ExportCompare
)


# ---------------------------------------------------------------------- messages (from the driver)
@dataclass(frozen=True)
class RunStarted:
    """A run began (load or reset); a SnapshotReady of its step 0 follows."""

    info: RunInfo


@dataclass(frozen=True)
class SnapshotReady:
    """The state after a chunk (or a change while idle), with every row since the last one."""

    snapshot: Snapshot
    requests: int = 0  # Load/Reset/Rewind/Step/Run commands received so far (see the module doc)


@dataclass(frozen=True)
class Failed:
    """A request was refused (a bad value, no run to act on) or the engine raised; the run
    stays usable. `running`: whether the driver is still training (a refused setting does not
    stop a run; an engine error does)."""

    text: str
    running: bool = False
    requests: int = 0


@dataclass(frozen=True)
class LoadFailed:
    """A Load, Reset, Rewind or SetParameters was refused; the run numbered `current_run_id`
    (0: none) goes on, paused (`running` True: a refused SetParameters left it training).
    `refused_run_id` is the id the refused command asked for."""

    text: str
    current_run_id: int
    refused_run_id: int = 0
    requests: int = 0
    running: bool = False


@dataclass(frozen=True)
class ExportProgress:
    rows_done: int
    rows_total: int


@dataclass(frozen=True)
class Exported:
    path: str


@dataclass(frozen=True)
class ExportFailed:
    text: str


@dataclass(frozen=True)
class CompareStarted:
    """A comparison began: its variants' labels and their configs as trained (with the start
    values that make their start the run's: each replays with `gdsim train`)."""

    compare_id: int
    labels: tuple[str, ...]
    configs: tuple[Config, ...]
    extra_names: tuple[str, ...]
    steps: int


@dataclass(frozen=True)
class CompareProgress:
    """Every variant's rows since the last progress message, and whether it is done."""

    compare_id: int
    variants: tuple[VariantRows, ...]


@dataclass(frozen=True)
class CompareDone:
    """Every variant has trained its steps or diverged (`stopped`: CancelCompare ended it)."""

    compare_id: int
    stopped: bool = False


@dataclass(frozen=True)
class CompareFailed:
    """A Compare or ExportCompare was refused, or the engine raised while comparing; one line.
    A comparison that was training is over."""

    text: str
    compare_id: int = 0


@dataclass(frozen=True)
class CompareExported:
    """The run CSVs written by ExportCompare (each with its RUN.json beside it)."""

    paths: tuple[str, ...]


Message = (
    RunStarted
    | SnapshotReady
    | Failed
    | LoadFailed
    | ExportProgress
    | Exported
    | ExportFailed
    | CompareStarted
    | CompareProgress
    | CompareDone
    | CompareFailed
    | CompareExported
)
