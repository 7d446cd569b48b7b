"""pytest plugin: an in-process JD Cloud Redis emulator for the whole session.

Register with ``pytest_plugins = ['emulator_fixtures']`` in ``tests/conftest.py``.

* ``emulator_server`` (session): the running ``jdcloud_redis_emulator.Emulator``.
* ``emulator`` (function): resets state, counters and faults first, then gives an object with
  ``url``, ``host``, ``port``, ``access_key``, ``secret_key``, ``region`` and ``admin`` (an
  ``AdminClient``: stats(), requests(), reset(state=True), config(**kw), seed(count, region,
  name_prefix), set_quota(region, max), force_status(id, status), expire(id), check_password(id, pw));
  the admin methods are also reachable directly on the object (``emulator.stats()``).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

import pytest

try:
    # installed, or on the pythonpath that pytest.ini sets
    import jdcloud_redis_emulator  # noqa: F401  pylint: disable=unused-import
except ImportError:  # run without pytest.ini (e.g. ansible-test units): use the package next to tests/
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'emulator'))

from jdcloud_redis_emulator import AdminClient, Emulator


class EmulatorHandle:
    region = 'cn-north-1'

    def __init__(self, server: Emulator):
        self.server = server
        self.url = server.url
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port
        self.access_key = server.access_key
        self.secret_key = server.secret_key
        self.admin = AdminClient(self.url, self.access_key, self.secret_key)

    def __getattr__(self, name):
        # stats(), requests(), reset(), config(), seed(), set_quota(), force_status(), ...
        return getattr(self.admin, name)


@pytest.fixture(scope='session')
def emulator_server():
    server = Emulator(port=0).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emulator(emulator_server):
    handle = EmulatorHandle(emulator_server)
    handle.admin.reset(state=True)
    return handle
