"""Export through the driver: progress, cancel, and commands that arrive meanwhile."""

import pytest

from gdsim.io.run_csv import read_run_csv
from gdsim.session.protocol import (
    CancelExport,
    Export,
    Exported,
    ExportFailed,
    ExportProgress,
    Load,
    Pause,
    Reset,
    RunStarted,
    SetLearningRate,
    SnapshotReady,
    Step,
)
from tests.session.fakes import ONE, Script, finish, kinds, make_driver, snapshots, w_after

STEPS = 30_000  # enough rows for several progress reports


@pytest.fixture
def trained():
    """A driver that has trained STEPS steps, and a fresh outbox."""
    driver, outbox, _ = make_driver(poll=Script())
    driver.handle(Load(ONE, 1))
    driver.handle(Step(STEPS))
    finish(driver)
    assert driver.trainer.step_count == STEPS
    outbox.clear()
    return driver, outbox


def test_export_reports_progress_then_the_file(trained, tmp_path):
    driver, outbox = trained
    path = tmp_path / "run.csv"
    driver.handle(Export(str(path)))
    assert kinds(outbox)[-1] is Exported and outbox[-1].path == str(path)
    progress = [(m.rows_done, m.rows_total) for m in outbox[:-1]]
    assert kinds(outbox[:-1]) == [ExportProgress] * len(progress)
    assert len(progress) >= 2
    done = [d for d, _ in progress]
    assert done == sorted(set(done)) and done[-1] == STEPS + 1
    assert {total for _, total in progress} == {STEPS + 1}
    table = read_run_csv(path)
    assert table.data.shape[0] == STEPS + 1
    assert table.column("w")[-1] == pytest.approx(w_after(STEPS))
    assert path.with_suffix(".json").exists()


def test_export_every_nth_row(trained, tmp_path):
    driver, outbox = trained
    driver.handle(Export(str(tmp_path / "run.csv"), every=1000))
    assert outbox[-2] == ExportProgress(STEPS // 1000 + 1, STEPS // 1000 + 1)
    assert read_run_csv(tmp_path / "run.csv").column("step").tolist()[-2:] == [29_000, STEPS]


def test_cancel_during_an_export_writes_nothing(trained, tmp_path):
    driver, outbox = trained
    path = tmp_path / "run.csv"
    path.write_text("an older file\n")
    driver.poll = Script(None, CancelExport())  # arrives after the second report
    driver.handle(Export(str(path)))
    assert kinds(outbox) == [ExportProgress, ExportProgress, ExportFailed]
    assert outbox[1].rows_done < STEPS + 1
    assert outbox[-1].text == "export cancelled; no file was written"
    assert path.read_text() == "an older file\n"  # kept unchanged
    assert not path.with_suffix(".json").exists()


def test_cancel_with_no_export_running_does_nothing():
    driver, outbox, _ = make_driver()
    driver.handle(Load(ONE, 1))
    outbox.clear()
    assert driver.handle(CancelExport()) is True
    assert outbox == []


def test_commands_during_an_export_wait_in_order(trained, tmp_path):
    driver, outbox = trained
    queued = [SetLearningRate(0.05), Reset(None, 2), Step(3), Pause()]
    driver.poll = Script(queued[0], queued[1], None, queued[2], queued[3])
    driver.handle(Export(str(tmp_path / "run.csv")))
    # Nothing was carried out during the export: only its own messages were sent.
    assert set(kinds(outbox)) == {ExportProgress, Exported}
    assert driver.pending == queued
    assert driver.trainer.learning_rate == 0.1 and driver.run_id == 1
    # Handled afterwards, in order (as the child process does before its next chunk).
    outbox.clear()
    while driver.pending:
        driver.handle(driver.pending.pop(0))
    assert kinds(outbox) == [SnapshotReady, RunStarted, SnapshotReady, SnapshotReady]
    first, reset, paused = snapshots(outbox)
    assert (first.run_id, first.step, first.learning_rate) == (1, STEPS, 0.05)
    assert (reset.run_id, reset.step) == (2, 0)
    assert (paused.run_id, paused.step, paused.running) == (2, 0, False)  # paused before a tick


def test_export_failures(tmp_path):
    driver, outbox, _ = make_driver()
    driver.handle(Export(str(tmp_path / "run.csv")))
    assert outbox == [ExportFailed("nothing to export yet")]
    driver.handle(Load(ONE, 1))
    outbox.clear()
    missing = tmp_path / "no such folder" / "run.csv"
    driver.handle(Export(str(missing)))
    assert kinds(outbox) == [ExportFailed]
    assert outbox[0].text.startswith(f"could not write {missing}")
