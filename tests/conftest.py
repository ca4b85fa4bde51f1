"""Shared test set-up. Qt must be told to render offscreen before anything imports it."""

import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# Python 3.13 with PySide6 6.12 (CI, 2026-12-06): once in three runs the interpreter aborted
# in its own teardown ("malloc_consolidate(): unaligned fastbin chunk detected") after every
# test had passed and the summary was printed. Until that is found, the test process on 3.13+
# leaves without interpreter teardown, keeping pytest's exit status (a failure still fails).
if sys.version_info >= (3, 13):

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(session, exitstatus):
        session.config._gdsim_exit_status = int(exitstatus)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(config):
        status = getattr(config, "_gdsim_exit_status", None)
        if status is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
