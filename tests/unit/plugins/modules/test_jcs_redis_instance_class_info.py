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
from jdcloud_sdk.services.redis.apis.DescribeAvailableResourceRequest import DescribeAvailableResourceRequest
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


SOLD = ('custom_shards', 'shard_numbers', 'replica_numbers')


def run_classes(emulator, region='cn-north-1', check_mode=False, **options):
    return run_module(MODULE, emulator.connection(region=region, **options), check_mode=check_mode)


def classes(run):
    assert run.rc == 0 and not run.failed, run.result
    assert run.result['changed'] is False
    return run.result['instance_classes']


def listed_classes(run):
    """The describeInstanceClass part of the listing, without what describeAvailableResource adds."""
    return [{k: v for k, v in c.items() if k not in SOLD} for c in classes(run) if not c['custom_shards']]


def sdk_sold(sdk, region, version):
    """{class: (shard counts sold, replica counts sold, the detail of the first flavor, memory of a shard)}
    from describeAvailableResource through the SDK."""
    response = sdk.client.send(DescribeAvailableResourceRequest({'regionId': region}))
    assert response.error is None, vars(response.error)
    sold = {}
    for resource in response.result['availableResources']:
        replicas = list(range(resource['supportedMinReplicas'], resource['supportedMaxReplicas'] + 1))
        for engine in resource['availableEngineVersions']:
            if engine['version'] != version:
                continue
            for spec in engine['availableCPUArchs'][0]['availableMemorySpecs']:
                for flavor in spec['availableFlavors']:
                    for code in flavor['instanceClasses']:
                        entry = sold.setdefault(code, ([], replicas, flavor['detail'], {}))
                        entry[0].append(flavor['shardNumber'])
                        entry[3][flavor['shardNumber']] = spec['memoryMB'] // flavor['shardNumber']
    return sold


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
    run = run_classes(emulator, region=region, redis_version=version)
    listed = listed_classes(run)
    assert listed == sdk_classes(sdk_client, region, version)
    assert listed
    assert all(set(c) == set(SNAKE_CASE.values()) | set(SOLD) for c in classes(run))
    assert all(isinstance(c['memory_mb'], int) and c['memory_mb'] >= 1024 for c in classes(run))


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
    assert listed_classes(run) == sdk_classes(sdk_client, 'cn-north-1', normalised)


def test_without_a_version_the_api_default_is_listed(emulator, sdk_client):
    run = run_classes(emulator)
    assert run.result['redis_version'] is None
    assert listed_classes(run) == sdk_classes(sdk_client, 'cn-north-1')
    # the emulator follows the API documentation, whose default is 2.8 (redis.m1.* / redis.c1.* codes)
    assert all(c['instance_class'].startswith(('redis.m1.', 'redis.c1.')) for c in classes(run))


@pytest.mark.parametrize('instance_type', ['master-slave', 'cluster'])
def test_instance_type_filter(emulator, sdk_client, instance_type):
    everything = sdk_classes(sdk_client, 'cn-north-1', '4.0')
    run = run_classes(emulator, redis_version='4.0', instance_type=instance_type)
    expected = [c for c in everything if c['instance_type'] == instance_type]
    assert expected and len(expected) < len(everything)
    assert listed_classes(run) == expected
    assert {c['instance_type'] for c in classes(run)} == {instance_type}
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


@pytest.mark.parametrize('region', ['cn-north-1', 'cn-east-1'])
@pytest.mark.parametrize('version', ['4.0', '6.2'])
def test_custom_shard_classes_with_the_shard_and_replica_counts_sold(emulator, sdk_client, region, version):
    run = run_classes(emulator, region=region, redis_version=version)
    sold = sdk_sold(sdk_client, region, version)
    custom = {code: entry for code, entry in sold.items() if code.startswith('redis.s.')}
    listed = {c['instance_class']: c for c in classes(run)}
    assert {code for code, c in listed.items() if c['custom_shards']} == set(custom)
    assert (region == 'cn-north-1') == bool(custom)  # cn-east-1 sells none
    for code, (shards, replicas, detail, per_shard) in custom.items():
        entry = listed[code]
        assert entry['shard_numbers'] == sorted(shards) and len(shards) > 1
        assert entry['replica_numbers'] == replicas
        assert entry['instance_type'] == 'cluster'
        # the figures of one shard
        assert entry['memory_mb'] == per_shard[shards[0]]
        assert (entry['cpu'], entry['disk_gb'], entry['max_connection'], entry['bandwidth_mbps']) == (
            detail['cpu'],
            detail['diskGB'],
            detail['maxConnection'],
            detail['bandwidthMbps'],
        )
    if custom:
        # the two largest classes are sold with fewer shard counts
        assert listed['redis.s.micro.basic']['shard_numbers'][-1] == 128
        assert listed['redis.s.2xlarge.basic']['shard_numbers'][-1] == 64
    # the classes of describeInstanceClass have their fixed count and the replicas of their architecture
    for code, entry in listed.items():
        if not entry['custom_shards']:
            assert [entry['shard_numbers'], entry['replica_numbers']] == [sorted(sold[code][0]), sold[code][1]]
    assert listed['redis.m.micro.basic']['shard_numbers'] == [1]


def test_without_a_version_no_custom_shard_classes(emulator):
    listed = classes(run_classes(emulator))
    assert listed and not any(c['custom_shards'] for c in listed)
    assert all(c['shard_numbers'] and c['replica_numbers'] for c in listed)
