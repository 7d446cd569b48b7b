"""Fixtures and the figures summary of the reliability and security suites.

Every suite records its figures in ``reliability_support.FIGURES``; they are printed as a
table at the end of the pytest run (no ``-s`` needed) and, when
``JDCLOUD_RELIABILITY_REPORT`` names a file, written there as JSON.
"""

from __future__ import annotations

import json
import os

import pytest
from emulator_fixtures import RunningEmulator
from reliability_support import FIGURES


@pytest.fixture
def emu():
    """A fresh emulator of its own (faults are configured per test)."""
    server = RunningEmulator()
    try:
        yield server
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter):
    if not FIGURES.suites:
        return
    terminalreporter.write_sep('=', 'reliability figures')
    for line in FIGURES.lines():
        terminalreporter.write_line(line)
    report = os.environ.get('JDCLOUD_RELIABILITY_REPORT')
    if report:
        with open(report, 'w', encoding='utf-8') as handle:
            json.dump(FIGURES.to_dict(), handle, indent=2, sort_keys=False)
            handle.write('\n')
        terminalreporter.write_line('figures written to %s' % report)
