"""Command line: `gdsim [FILE.json]` starts the app, `gdsim train ...` trains headless,
`gdsim lesson [--check] LESSON.json` checks a lesson file (and starts the app with it),
`gdsim --self-test [--screenshot PNG]` checks that the app opens and its trainer answers.

The app (and so Qt) is imported only when it is started, so `gdsim train` stays light.
Bad input prints one line naming the problem and exits 2; a diverged run exits 1.
"""

from __future__ import annotations

import argparse
import decimal
import math
import sys
import tempfile
import time
from pathlib import Path

from gdsim import __version__
from gdsim.errors import one_line, show_path
from gdsim.io.atomic import Terminated

EXIT_OK, EXIT_DIVERGED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def _count(minimum: int, maximum: int):
    """An argparse type: a whole number in minimum..maximum, written as an integer or in
    scientific notation (``1e6``); anything else is refused in one line."""

    def parse(text: str) -> int:
        shown = text if len(text) <= 24 else text[:21] + "..."
        try:
            value = decimal.Decimal(text.strip())
        except (decimal.InvalidOperation, ValueError):
            raise argparse.ArgumentTypeError(f"must be an integer, got {shown!r}") from None
        if not value.is_finite() or value != value.to_integral_value():
            raise argparse.ArgumentTypeError(f"must be an integer, got {shown!r}")
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {shown}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {shown}")
        return int(value)

    return parse


def _train_parser() -> _Parser:
    from gdsim.config.names import MAX_STEPS

    p = _Parser(prog="gdsim train", description="Train headless and write the run CSV.")
    p.add_argument("config", help="config file (JSON)")
    p.add_argument(
        "--steps", type=_count(0, MAX_STEPS), required=True, help="updates to apply (1e6 works)"
    )
    p.add_argument("--out", required=True, help="run CSV to write (its config goes to RUN.json)")
    p.add_argument(
        "--every",
        type=_count(1, MAX_STEPS),
        default=1,
        help="write every K-th step (the last step is always written)",
    )
    return p


def _app_parser() -> _Parser:
    p = _Parser(
        prog="gdsim",
        description="gdsim: a gradient-descent simulator. "
        "Also: gdsim train CONFIG.json --steps N --out RUN.csv [--every K]; "
        "gdsim lesson [--check] LESSON.json",
    )
    p.add_argument("config", nargs="?", help="config file (JSON) to open")
    p.add_argument("--version", action="version", version=f"gdsim {__version__}")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="open the main window, train one step in the trainer process, close and report "
        "in one line (exit 0 when all works); for checking an installation or a bundle",
    )
    p.add_argument(
        "--screenshot",
        metavar="PATH",
        help="with --self-test: save an image of the window (PNG) to PATH",
    )
    return p


def _self_test(args) -> int:
    if args.config is not None:
        raise UsageError("--self-test opens the default network; give no config file")
    screenshot = None
    if args.screenshot is not None:
        screenshot = Path(args.screenshot)
        if not screenshot.parent.is_dir():
            raise UsageError(f"--screenshot: folder {str(screenshot.parent)!r} does not exist")
    from gdsim.app import display_problem  # no Qt yet: Qt itself would abort without a display

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    from gdsim.app.self_test import self_test

    return self_test(screenshot)


def _check_writable(out: Path, config) -> None:
    """Refuse an --out that the export would refuse, before any training is done."""
    from gdsim.errors import FileRefused
    from gdsim.session.run_files import check_run_outputs

    folder = out.parent
    try:
        check_run_outputs(out, config)
    except FileNotFoundError:
        raise UsageError(f"--out: folder {str(folder)!r} does not exist") from None
    except FileRefused as exc:
        raise UsageError(f"--out: {exc}") from None
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UsageError(f"--out: cannot write in {str(folder)!r} ({exc.strerror})") from None


def train(argv: list[str]) -> int:
    from gdsim.config import ConfigError
    from gdsim.errors import DataError, FileRefused
    from gdsim.session.run_files import export_run, open_trainer

    args = _train_parser().parse_args(argv)
    config_path, out = Path(args.config), Path(args.out)
    try:
        trainer = open_trainer(config_path)
    except ConfigError as exc:
        if exc.file is None:  # raised while matching the config to its data: name the file too
            exc.file = config_path.name
        raise UsageError(str(exc)) from None
    except DataError as exc:
        raise UsageError(f"{config_path.name}: {exc}") from None
    except MemoryError:
        raise UsageError(
            f"{config_path.name}: not enough memory for this run (use a smaller network or "
            f"less data)"
        ) from None
    _check_writable(out, trainer.config)

    started = time.perf_counter()
    try:
        if trainer.config.changes:  # a RUN.json with its live changes: replayed, then on to N
            trainer.replay(trainer.config.changes, steps=args.steps)
            done = trainer.step_count
        else:
            done = trainer.step(args.steps)
    except ValueError as exc:  # a change that cannot be applied (e.g. a name of another run)
        raise UsageError(f"{config_path.name}: {exc}") from None
    except MemoryError:
        raise UsageError(f"{config_path.name}: ran out of memory while training") from None
    seconds = time.perf_counter() - started
    try:
        export_run(trainer, out, every=args.every)
    except FileRefused as exc:
        raise UsageError(f"--out: {exc}") from None
    except OSError as exc:
        raise UsageError(f"--out: cannot write {str(out)!r} ({exc.strerror or exc})") from None
    except MemoryError:
        raise UsageError(f"--out: not enough memory to write {str(out)!r}") from None

    if trainer.diverged:
        print(
            one_line(
                f"gdsim train: {trainer.diverged} Rows up to step {trainer.step_count} are in "
                f"{show_path(out)}."
            ),
            file=sys.stderr,
        )
        return EXIT_DIVERGED
    rate = done / seconds if seconds > 0 else math.inf
    test = trainer.history.extra("test_cost") if "test_cost" in trainer.extra_names else None
    test_text = ""
    if test is not None and test.size and math.isfinite(test[-1]):
        test_text = f", test cost {test[-1]:.6g}"
    print(
        f"trained {done} steps in {seconds:.3g} s ({rate:,.0f} steps/s): "
        f"final cost {trainer.cost:.6g}{test_text} -> {show_path(out)}"
    )
    return EXIT_OK


def _lesson_parser() -> _Parser:
    p = _Parser(prog="gdsim lesson", description="Check a lesson file, or start the app with it.")
    p.add_argument("lesson", help="lesson file (JSON)")
    p.add_argument(
        "--check",
        action="store_true",
        help="only check the file: print one line and exit 0, or name the problem and exit 2",
    )
    return p


def lesson(argv: list[str]) -> int:
    """`gdsim lesson [--check] FILE`: the file is checked before anything else (and before Qt
    is imported), so a bad lesson gets one line and exit 2, never a window."""
    from gdsim.lessonfile import LessonError, load_lesson

    args = _lesson_parser().parse_args(argv)
    path = Path(args.lesson)
    try:
        checked = load_lesson(path)
    except LessonError as exc:
        raise UsageError(f"gdsim: {exc}") from None
    if args.check:
        steps, questions = len(checked.steps), checked.question_count
        print(
            one_line(
                f"gdsim lesson: {show_path(path)}: ok ({steps} step{'s' * (steps != 1)}, "
                f"{questions} question{'s' * (questions != 1)})"
            )
        )
        return EXIT_OK
    return _start_app_with_lesson(path)


def _start_app_with_lesson(path: Path) -> int:
    """Start the app playing the (already checked) lesson file at ``path``: the window loads
    it again with :func:`gdsim.lessonfile.load_lesson` (the file may have changed meanwhile;
    a problem then is one line in the window, which opens all the same)."""
    from gdsim.app import run  # Qt is imported here and only here

    return run(None, lesson=path)


def run_app(argv: list[str]) -> int:
    args = _app_parser().parse_args(argv)
    if args.self_test:
        return _self_test(args)
    if args.screenshot is not None:
        raise UsageError("--screenshot needs --self-test")
    config_path = None
    if args.config is not None:
        config_path = Path(args.config)
        from gdsim.config import ConfigError, load_config

        try:  # validate before any window appears: a bad file gets one line, exit 2
            load_config(config_path)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
    from gdsim.app import run  # Qt is imported here and only here

    return run(config_path)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the app trains in a spawned child (also when frozen)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--gdsim-trainer"]:  # a bundled app's trainer process (see app.trainer_session)
        from gdsim.session.child import main as trainer_main

        return trainer_main(argv[1:])
    try:
        if argv and argv[0] == "train":
            return train(argv[1:])
        if argv and argv[0] == "lesson":
            return lesson(argv[1:])
        return run_app(argv)
    except UsageError as exc:
        text = one_line(exc)
        print(text if text.startswith("gdsim") else f"gdsim: {text}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gdsim: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"gdsim: terminated (signal {exc.signum})", file=sys.stderr)
        return int(exc.code)


if __name__ == "__main__":
    sys.exit(main())
