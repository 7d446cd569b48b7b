"""The emulator's launcher (jdcloud_redis_emulator.testing), which nox, the benchmark and the package test use."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from jdcloud_redis_emulator import testing

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(testing.__file__)))


def test_options_become_the_flags_of_the_same_meaning():
    flags = testing._flags(
        dict(create_delay=3, quota=7, verify_signatures=False, verbose=True, fault_operations=['a', 'b'], seed=None)
    )
    assert flags == ['--create-delay', '3', '--quota', '7', '--no-verify', '--verbose', '--fault-operations', 'a,b']


def test_a_process_emulator_serves_with_its_options_and_stops(tmp_path):
    with testing.emulator(process=True, workdir=str(tmp_path), quota=7, access_key='AK9', secret_key='SK9') as emu:
        assert emu.proc.poll() is None and emu.server is None
        assert emu.env == dict(
            JDCLOUD_ENDPOINT=emu.url, JDCLOUD_ACCESS_KEY='AK9', JDCLOUD_SECRET_KEY='SK9', JDCLOUD_REGION='cn-north-1'
        )
        assert emu.url.startswith('http://127.0.0.1:')
        assert emu.admin.set_quota('cn-north-1', 8)['max'] == 8
        assert 'listening on %s (access key AK9)' % emu.url in Path(emu.log_path).read_text()
    assert emu.proc.returncode is not None


def test_a_thread_emulator_shares_the_interface():
    with testing.emulator(quota=3) as emu:
        assert emu.proc is None and emu.server.url == emu.url
        assert emu.admin.stats()['calls']['createCacheInstance'] == 0
        assert emu.env['JDCLOUD_ENDPOINT'] == emu.url
    with pytest.raises(ValueError, match='need process=True'):
        testing.RunningEmulator('--quota', '3')


def test_an_emulator_that_cannot_start_is_reported_with_its_log_at_once(tmp_path):
    with pytest.raises(RuntimeError, match=r'exited with status 2 before it listened[\s\S]*--quota'):
        testing.RunningEmulator('--quota', 'many', process=True, workdir=str(tmp_path))


def test_the_wait_for_the_endpoint_is_bounded(tmp_path):
    # An interpreter that never prints the endpoint line: the launcher gives up after its timeout.
    fake = tmp_path / 'fake' / 'jdcloud_redis_emulator'
    fake.mkdir(parents=True)
    (fake / '__init__.py').write_text('')
    (fake / '__main__.py').write_text('import time\nwhile True:\n    time.sleep(1)\n')
    with pytest.raises(RuntimeError, match='hung before it listened'):
        testing.RunningEmulator(process=True, path=str(tmp_path / 'fake'), workdir=str(tmp_path), timeout=0.5)


def test_without_bytecode_a_copy_of_the_emulator_stays_as_it_was(tmp_path):
    copy = tmp_path / 'emulator'
    shutil.copytree(os.path.join(EMULATOR_DIR, 'jdcloud_redis_emulator'), copy / 'jdcloud_redis_emulator')
    for cache in copy.rglob('__pycache__'):
        shutil.rmtree(cache)
    with testing.emulator(process=True, bytecode=False, path=str(copy), python=sys.executable) as emu:
        emu.admin.health()
    assert not list(copy.rglob('__pycache__'))
