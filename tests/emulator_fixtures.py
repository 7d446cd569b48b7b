"""The in-process JD Cloud Redis emulator of every Python test suite.

* ``emulator_server`` (session fixture): one RunningEmulator for the whole session.
* ``emulator`` (fixture): that emulator with its state, counters and faults reset first.
* ``RunningEmulator(**options)``: an emulator of its own for tests that need other settings
  (faults, clock skew, TLS, credentials); ``stop()`` it.

All of them are started by the emulator's own launcher (jdcloud_redis_emulator.testing), in this
process: each pytest-xdist worker has its own, on a port of its own.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from jdcloud_redis_emulator import registry, testing

REGION = 'cn-north-1'
INSTANCE_PASSWORD = 'Secr3tPassw0rd'
# A valid jcs_redis_instance request, without the connection arguments and the name.
INSTANCE_REQUEST = dict(
    instance_class='redis.m.micro.basic',
    redis_version='4.0',
    vpc_id='vpc-test0001',
    subnet_id='subnet-test0001',
    master_az='cn-north-1a',
    slave_az='cn-north-1b',
    password=INSTANCE_PASSWORD,
)


class RunningEmulator(testing.RunningEmulator):
    """A started emulator, its admin client (``admin``: stats(), requests(), reset(), config(),
    seed(), set_quota(), force_status(), expire(), check_password()) and a view of its state.

    The state is read from the emulator object itself (not over HTTP) so that checks stay
    correct while faults are switched on.
    """

    region = REGION

    def __init__(self, **options):
        super().__init__(**options)
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port

    def connection(self, **extra):
        """The arguments that point a module at this emulator, plus ``extra``."""
        args = dict(access_key=self.access_key, secret_key=self.secret_key, region=REGION, endpoint=self.url)
        args.update(extra)
        return args

    def instance_args(self, name='cache_one', **extra):
        """connection() plus a valid jcs_redis_instance request for an instance ``name``, plus ``extra``."""
        request = dict(INSTANCE_REQUEST)
        request.update(extra)
        return self.connection(name=name, **request)

    def calls(self):
        """{operation: count} of the API operations called since the last reset, zeros left out."""
        return {op: n for op, n in self.admin.stats()['calls'].items() if n}

    def instances(self, region=REGION):
        """{id: {name, status, instance_class, description}} of the instances that exist now."""
        return {
            i.id: dict(name=i.name, status=i.status, instance_class=i.instance_class, description=i.description)
            for i in self.server.store.list(region)
        }

    def last_seq(self):
        log = self.admin.requests()
        return log[-1]['seq'] if log else 0

    def writes(self):
        calls = self.calls()
        return sum(calls.get(op, 0) for op in registry.writes())


@pytest.fixture(scope='session')
def emulator_server():
    server = RunningEmulator()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emulator(emulator_server):
    emulator_server.admin.reset(state=True)
    return emulator_server
