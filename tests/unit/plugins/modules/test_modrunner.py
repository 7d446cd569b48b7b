"""The module runs of the tests (tests/modrunner.py): a run in the test's process answers as the module's own process
does, and leaves nothing behind in the test's process."""

from __future__ import annotations

import os
import threading

import pytest
from emulator_fixtures import INSTANCE_PASSWORD
from modrunner import run_module


def both(name, args, **options):
    """The module run in this process and as a process of its own, with the same arguments."""
    inside = run_module(name, args, **options)
    outside = run_module(name, args, subprocess=True, **options)
    assert inside.in_process and not outside.in_process
    return inside, outside


def test_a_success_is_the_same_result_and_exit_status(emulator):
    inside, outside = both('jcs_redis_quota', emulator.connection())
    assert inside.rc == outside.rc == 0
    assert inside.result == outside.result and not inside.failed
    assert emulator.calls() == {'describeUserQuota': 2}


def test_a_failure_exits_1_with_the_same_result(emulator):
    inside, outside = both('jcs_redis_quota', emulator.connection(min_available=100))
    assert inside.rc == outside.rc == 1
    assert inside.failed and inside.result == outside.result
    assert inside.result['error']['status'] == 'QUOTA_INSUFFICIENT'


def test_bad_arguments_and_no_log_are_ansible_cores_in_both(emulator):
    args = emulator.instance_args('runner_bad', instance_class=['not', 'a', 'string'], unknown_option=1)
    inside, outside = both('jcs_redis_instance', args)
    assert inside.rc == outside.rc == 1
    assert inside.result == outside.result and 'unknown_option' in inside.result['msg']
    for run in (inside, outside):
        assert INSTANCE_PASSWORD not in run.stdout + run.stderr
        assert emulator.secret_key not in run.stdout + run.stderr
    assert emulator.calls() == {}


def test_check_and_diff_mode_reach_the_module(emulator):
    inside, outside = both('jcs_redis_instance', emulator.instance_args('runner_check'), check_mode=True, diff=True)
    assert inside.changed and outside.changed
    assert inside.result['diff'] == outside.result['diff']
    assert emulator.instances() == {}


def test_the_environment_is_the_modules_for_the_run_only(emulator, monkeypatch):
    # a JDCLOUD_* variable of the test's process is not the module's: it runs without credentials
    monkeypatch.setenv('JDCLOUD_ACCESS_KEY', emulator.access_key)
    monkeypatch.setenv('JDCLOUD_SECRET_KEY', emulator.secret_key)
    before = dict(os.environ)
    args = dict(region='cn-north-1', endpoint=emulator.url)
    refused = run_module('jcs_redis_quota', args)
    assert refused.failed and 'access_key' in refused.result['msg'], refused.result
    # one given in env is
    env = {'JDCLOUD_ACCESS_KEY': emulator.access_key, 'JDCLOUD_SECRET_KEY': emulator.secret_key}
    assert not run_module('jcs_redis_quota', args, env=env).failed
    assert dict(os.environ) == before


def test_warnings_of_one_run_are_not_reported_by_the_next(emulator):
    # the emulator doubles as the HTTP proxy for a host that is not loopback: a plain-HTTP warning, no call out
    proxy = dict(HTTP_PROXY=emulator.url, http_proxy=emulator.url, NO_PROXY='', no_proxy='')
    warned = run_module('jcs_redis_quota', emulator.connection(endpoint='http://redis.example.invalid'), env=proxy)
    assert not warned.failed and 'not encrypted' in str(warned.result['warnings']), warned.result
    quiet = run_module('jcs_redis_quota', emulator.connection())
    assert not quiet.failed and 'warnings' not in quiet.result and 'deprecations' not in quiet.result, quiet.result


def test_runs_from_other_threads_are_processes(emulator):
    runs = []
    thread = threading.Thread(target=lambda: runs.append(run_module('jcs_redis_quota', emulator.connection())))
    thread.start()
    thread.join()
    assert not runs[0].in_process and runs[0].rc == 0


@pytest.mark.parametrize('env', [{'PYTHONDONTWRITEBYTECODE': '1'}])
def test_an_interpreter_setting_makes_a_process(emulator, env):
    assert not run_module('jcs_redis_quota', emulator.connection(), env=env).in_process
