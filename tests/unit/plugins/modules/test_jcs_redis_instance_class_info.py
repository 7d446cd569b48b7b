# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jcs_redis_instance_class_info run for real against the emulator.

The expected listings come from the same API read through the official SDK
(the ``sdk_client`` fixture), so the module is checked against the API's
answer rather than a copy of the emulator's catalogue.
"""

from __future__ import annotations

import pytest
from jdcloud_sdk.services.redis.apis.DescribeInstanceClassRequest import DescribeInstanceClassRequest
from modrunner import run_module

MODULE = 'jcs_redis_instance_class_info'
SNAKE_CASE = {
    'instanceClass': 'instance_class',
    'instanceType': 'instance_type',
    'cpu': 'cpu',
    'memoryMB': 'memory_mb',
    'diskGB': 'disk_gb',
    'maxConnection': 'max_connection',
    'bandwidthMbps': 'bandwidth_mbps',
}


def run_classes(emulator, region='cn-north-1', check_mode=False, **options):
    return run_module(MODULE, emulator.connection(region=region, **options), check_mode=check_mode)


def classes(run):
    assert run.rc == 0 and not run.failed, run.result
    assert run.result['changed'] is False
    return run.result['instance_classes']


def sdk_classes(sdk, region, version=None):
    parameters = {'regionId': region}
    if version:
        parameters['redisVersion'] = version
    response = sdk.client.send(DescribeInstanceClassRequest(parameters))
    assert response.error is None, vars(response.error)
    return [{SNAKE_CASE[k]: v for k, v in item.items()} for item in response.result['instanceClasses']]


@pytest.mark.parametrize('region', ['cn-north-1', 'cn-south-1', 'cn-east-2', 'cn-east-1'])
@pytest.mark.parametrize('version', ['2.8', '4.0', '6.2'])
def test_lists_what_the_api_lists_in_snake_case(emulator, sdk_client, region, version):
    listed = classes(run_classes(emulator, region=region, redis_version=version))
    assert listed == sdk_classes(sdk_client, region, version)
    assert listed
    assert all(set(c) == set(SNAKE_CASE.values()) for c in listed)
    assert all(isinstance(c['memory_mb'], int) and c['memory_mb'] >= 1024 for c in listed)


def test_regions_differ(emulator):
    north = {c['instance_class'] for c in classes(run_classes(emulator, region='cn-north-1', redis_version='4.0'))}
    east1 = {c['instance_class'] for c in classes(run_classes(emulator, region='cn-east-1', redis_version='4.0'))}
    assert east1 < north
    assert 'redis.m.2xlarge.basic' in north - east1


def test_version_missing_in_a_region_is_an_api_error(emulator):
    assert classes(run_classes(emulator, region='cn-north-1', redis_version='7.2'))
    run = run_classes(emulator, region='cn-east-1', redis_version='7.2')
    assert run.failed
    assert run.result['error']['code'] == 400
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert '7.2' in run.result['msg']


@pytest.mark.parametrize(
    'given, normalised', [('4', '4.0'), ('4.0', '4.0'), ('4.0.14', '4.0'), ('5.0-1.2', '5.0'), (' 2.8 ', '2.8')]
)
def test_version_is_normalised_before_it_is_sent(emulator, sdk_client, given, normalised):
    run = run_classes(emulator, redis_version=given)
    assert run.result['redis_version'] == normalised
    assert classes(run) == sdk_classes(sdk_client, 'cn-north-1', normalised)


def test_without_a_version_the_api_default_is_listed(emulator, sdk_client):
    run = run_classes(emulator)
    assert run.result['redis_version'] is None
    assert classes(run) == sdk_classes(sdk_client, 'cn-north-1')
    # the emulator follows the API documentation, whose default is 2.8 (redis.m1.* / redis.c1.* codes)
    assert all(c['instance_class'].startswith(('redis.m1.', 'redis.c1.')) for c in classes(run))


@pytest.mark.parametrize('instance_type', ['master-slave', 'cluster'])
def test_instance_type_filter(emulator, sdk_client, instance_type):
    everything = sdk_classes(sdk_client, 'cn-north-1', '4.0')
    run = run_classes(emulator, redis_version='4.0', instance_type=instance_type)
    expected = [c for c in everything if c['instance_type'] == instance_type]
    assert expected and len(expected) < len(everything)
    assert classes(run) == expected
    assert emulator.admin.stats()['calls']['describeInstanceClass'] == 2  # the SDK's and the module's


def test_check_mode_lists_the_same(emulator):
    assert classes(run_classes(emulator, check_mode=True, redis_version='4.0')) == classes(
        run_classes(emulator, redis_version='4.0')
    )


@pytest.mark.parametrize(
    'options, option',
    [
        ({'redis_version': 'newest'}, 'redis_version'),
        ({'redis_version': ''}, 'redis_version'),
        ({'instance_type': 'native-cluster'}, 'instance_type'),
        ({'region': 'cn_north_1'}, 'region'),
    ],
)
def test_bad_options_fail_before_any_call(emulator, options, option):
    run = run_classes(emulator, **options)
    assert run.failed
    assert option in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_no_secret_in_output(emulator):
    run = run_classes(emulator, redis_version='4.0')
    assert classes(run)
    for stream in (run.stdout, run.stderr):
        assert emulator.secret_key not in stream
    wrong = 'ANOTHERWRONGSECRET00000000000000'
    failed = run_classes(emulator, secret_key=wrong)
    assert failed.failed and failed.result['error']['code'] == 401
    for stream in (failed.stdout, failed.stderr):
        assert wrong not in stream
