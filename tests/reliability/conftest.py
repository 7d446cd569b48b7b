"""Fixtures and the figures summary of the reliability and security suites.

Every suite records its figures in ``reliability_support.FIGURES``; tests/conftest.py prints them as a
table at the end of the pytest run (no ``-s`` needed; gathered from every pytest-xdist worker) and, when
``JDCLOUD_RELIABILITY_REPORT`` names a file, writes them there as JSON.
"""

from __future__ import annotations

import pytest
from emulator_fixtures import RunningEmulator


@pytest.fixture
def emu():
    """A fresh emulator of its own (faults are configured per test)."""
    server = RunningEmulator()
    try:
        yield server
    finally:
        server.stop()
