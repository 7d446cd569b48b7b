# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jcs_redis_quota run for real against the emulator; creates that use up the
quota go through the official SDK (the ``sdk_client`` fixture)."""

from __future__ import annotations

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_quota'
REGION = 'cn-north-1'


def run_quota(emulator, check_mode=False, **options):
    return run_module(MODULE, emulator.connection(**options), check_mode=check_mode)


def quota(run):
    assert run.rc == 0 and not run.failed, run.result
    assert run.result['changed'] is False
    return run.result['quota']


def test_fresh_region_has_the_whole_quota(emulator):
    assert quota(run_quota(emulator)) == {'name': '缓存Redis', 'max': 20, 'used': 0, 'available': 20}
    stats = emulator.admin.stats()
    assert stats['calls']['describeUserQuota'] == stats['total_calls'] == 1


def test_quota_before_and_after_a_create(emulator, sdk_client):
    emulator.admin.seed(2)
    before = quota(run_quota(emulator))
    sdk_client.create('quota_probe')
    after = quota(run_quota(emulator))
    assert (before['used'], before['available']) == (2, 18)
    assert (after['used'], after['available']) == (3, 17)
    assert after['max'] == before['max'] == 20


def test_quota_is_per_region(emulator):
    emulator.admin.seed(4, region='cn-south-1')
    emulator.admin.set_quota('cn-south-1', 6)
    south = quota(run_quota(emulator, region='cn-south-1'))
    north = quota(run_quota(emulator))
    assert (south['max'], south['used'], south['available']) == (6, 4, 2)
    assert (north['max'], north['used'], north['available']) == (20, 0, 20)


def test_available_never_goes_below_zero(emulator):
    emulator.admin.seed(5)
    emulator.admin.set_quota(REGION, 3)
    assert quota(run_quota(emulator)) == {'name': '缓存Redis', 'max': 3, 'used': 5, 'available': 0}


@pytest.mark.parametrize('wanted', [0, 1, 2])
def test_min_available_met(emulator, wanted):
    emulator.admin.seed(1)
    emulator.admin.set_quota(REGION, 3)
    assert quota(run_quota(emulator, min_available=wanted))['available'] == 2


@pytest.mark.parametrize('wanted', [3, 5])
def test_min_available_not_met_fails_with_the_numbers_and_the_quota(emulator, wanted):
    emulator.admin.seed(1)
    emulator.admin.set_quota(REGION, 3)
    run = run_quota(emulator, min_available=wanted)
    assert run.failed and run.rc != 0
    msg = run.result['msg']
    assert f'min_available {wanted}' in msg and 'only 2 more' in msg and 'used 1 of 3' in msg and REGION in msg
    assert run.result['error']['status'] == 'QUOTA_INSUFFICIENT'
    assert run.result['error']['code'] is None
    assert run.result['quota'] == {'name': '缓存Redis', 'max': 3, 'used': 1, 'available': 2}


def test_min_available_fails_once_a_create_used_the_last_slot(emulator, sdk_client):
    emulator.admin.set_quota(REGION, 1)
    assert quota(run_quota(emulator, min_available=1))['available'] == 1
    sdk_client.create('quota_probe')
    run = run_quota(emulator, min_available=1)
    assert run.failed and run.result['quota']['available'] == 0


def test_check_mode_reads_the_same(emulator):
    emulator.admin.seed(3)
    normal = quota(run_quota(emulator))
    assert quota(run_quota(emulator, check_mode=True)) == normal
    failed = run_quota(emulator, check_mode=True, min_available=18)
    assert failed.failed and failed.result['error']['status'] == 'QUOTA_INSUFFICIENT'


@pytest.mark.parametrize(
    'options, option',
    [
        ({'min_available': -1}, 'min_available'),
        ({'min_available': 'many'}, 'min_available'),
        ({'api_timeout': 0}, 'api_timeout'),
        ({'endpoint': 'redis.jdcloud-api.com'}, 'endpoint'),
    ],
)
def test_bad_options_fail_before_any_call(emulator, options, option):
    run = run_quota(emulator, **options)
    assert run.failed
    assert option in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_credentials_from_the_environment_and_no_secret_in_output(emulator):
    env = dict(
        JDCLOUD_ACCESS_KEY=emulator.access_key,
        JDCLOUD_SECRET_KEY=emulator.secret_key,
        JDCLOUD_REGION=REGION,
        JDCLOUD_ENDPOINT=emulator.url,
    )
    run = run_module(MODULE, {'min_available': 1}, env=env)
    assert quota(run)['available'] == 20
    for stream in (run.stdout, run.stderr):
        assert emulator.secret_key not in stream


def test_server_errors_fail_after_the_retries(emulator):
    emulator.admin.config(error_rate=1.0, fault_operations=['describeUserQuota'])
    run = run_quota(emulator, api_retries=1)
    assert run.failed
    assert set(run.result['error']) == {'code', 'status', 'message', 'request_id'}
    assert 'quota' not in run.result
    stats = emulator.admin.stats()
    assert (stats['calls']['describeUserQuota'], stats['faults']) == (2, {'error': 2})
