"""Fidelity: custom shard and replica counts (describeAvailableResource, createCacheInstance and
modifyCacheInstanceClass with shardNumber/replicaNumber) through the official jdcloud-sdk RedisClient."""

from __future__ import annotations

import pytest
from jdcloud_sdk.core.config import Config
from jdcloud_sdk.core.credential import Credential
from jdcloud_sdk.core.logger import Logger
from jdcloud_sdk.services.redis.apis.CreateBackupRequest import CreateBackupParameters, CreateBackupRequest
from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import (
    CreateCacheInstanceParameters,
    CreateCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeAvailableResourceRequest import (
    DescribeAvailableResourceParameters,
    DescribeAvailableResourceRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeBackupInfoRequest import (
    DescribeBackupInfoParameters,
    DescribeBackupInfoRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeCacheInstanceRequest import (
    DescribeCacheInstanceParameters,
    DescribeCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeInstanceClassRequest import (
    DescribeInstanceClassParameters,
    DescribeInstanceClassRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyCacheInstanceClassRequest import (
    ModifyCacheInstanceClassParameters,
    ModifyCacheInstanceClassRequest,
)
from jdcloud_sdk.services.redis.client.RedisClient import RedisClient
from jdcloud_sdk.services.redis.models.AzIdSpec import AzIdSpec
from jdcloud_sdk.services.redis.models.CacheInstanceSpec import CacheInstanceSpec

REGION = 'cn-north-1'


@pytest.fixture
def sdk(emulator):
    return RedisClient(
        Credential(emulator.access_key, emulator.secret_key),
        Config(endpoint='%s:%d' % (emulator.host, emulator.port), scheme='http', timeout=10),
        Logger(0),
    )


def create(sdk, cls, region=REGION, **optional):
    spec = CacheInstanceSpec(
        'vpc-aaaa1111',
        'subnet-bbbb2222',
        'sdk_cluster',
        cls,
        AzIdSpec(master=region + 'a', slave=region + 'b'),
        password='Passw0rd1234',
        redisVersion='5.0',
        **optional,
    )
    return sdk.send(CreateCacheInstanceRequest(CreateCacheInstanceParameters(region, spec)))


def describe(sdk, instance_id, region=REGION):
    resp = sdk.send(DescribeCacheInstanceRequest(DescribeCacheInstanceParameters(region, instance_id)))
    assert resp.error is None, vars(resp.error)
    return resp.result['cacheInstance']


def resize(sdk, instance_id, cls, shards=None, replicas=None):
    params = ModifyCacheInstanceClassParameters(REGION, instance_id, cls)
    if shards is not None:
        params.setShardNumber(shards)
    if replicas is not None:
        params.setReplicaNumber(replicas)
    return sdk.send(ModifyCacheInstanceClassRequest(params))


def test_available_resources_list_the_shard_counts_and_replicas(sdk):
    resp = sdk.send(DescribeAvailableResourceRequest(DescribeAvailableResourceParameters(REGION)))
    assert resp.error is None
    by_type = {r['architectureType']: r for r in resp.result['availableResources']}
    assert set(by_type) == {'master-slave', 'cluster'}
    assert (by_type['cluster']['supportedMinReplicas'], by_type['cluster']['supportedMaxReplicas']) == (2, 3)
    five = next(v for v in by_type['cluster']['availableEngineVersions'] if v['version'] == '5.0')
    arch = five['availableCPUArchs'][0]
    flavors = [
        (spec['memoryMB'], f['shardNumber'], c)
        for spec in arch['availableMemorySpecs']
        for f in spec['availableFlavors']
        for c in f['instanceClasses']
    ]
    # a custom-shard class appears once per shard count, under the total memory
    assert (8192, 4, 'redis.s.small.basic') in flavors
    assert sorted(n for dummy, n, c in flavors if c == 'redis.s.2xlarge.basic') == [2, 4, 8, 16, 32, 64]
    assert (16384, 8, 'redis.c.small.basic') in flavors
    assert (arch['shardNumberMin'], arch['shardNumberMax']) == (2, 128)
    # and the classes of describeInstanceClass do not include them, as the API documents
    classes = sdk.send(DescribeInstanceClassRequest(DescribeInstanceClassParameters(REGION))).result
    assert not any(c['instanceClass'].startswith('redis.s.') for c in classes['instanceClasses'])


def test_custom_shard_cluster_create_and_resize(sdk, emulator):
    created = create(sdk, 'redis.s.small.basic', shardNumber=4, replicaNumber=3)
    assert created.error is None, vars(created.error)
    instance_id = created.result['cacheInstanceId']
    inst = describe(sdk, instance_id)
    assert (inst['cacheInstanceClass'], inst['shardNumber'], inst['memoryMBPerShard']) == (
        'redis.s.small.basic',
        4,
        2048,
    )
    assert (inst['cacheInstanceMemoryMB'], inst['replicaNumber'], inst['cacheInstanceType']) == (8192, 3, 'cluster')

    # cacheInstanceClass is required even when only the shard count changes
    assert resize(sdk, instance_id, 'redis.s.small.basic', shards=8).error is None
    inst = describe(sdk, instance_id)
    assert (inst['shardNumber'], inst['cacheInstanceMemoryMB'], inst['replicaNumber']) == (8, 16384, 3)
    assert resize(sdk, instance_id, 'redis.s.medium.basic', replicas=2).error is None
    inst = describe(sdk, instance_id)
    assert (inst['cacheInstanceClass'], inst['shardNumber'], inst['memoryMBPerShard']) == (
        'redis.s.medium.basic',
        8,
        4096,
    )
    assert (inst['cacheInstanceMemoryMB'], inst['replicaNumber']) == (32768, 2)

    same = resize(sdk, instance_id, 'redis.s.medium.basic', shards=8)
    assert (same.error.code, same.error.status) == (400, 'FAILED_PRECONDITION')
    bad = resize(sdk, instance_id, 'redis.s.medium.basic', shards=6)
    assert bad.error.status == 'INVALID_ARGUMENT' and 'allowed: 2, 4, 8' in bad.error.message
    to_standard = resize(sdk, instance_id, 'redis.m.large.basic')
    assert to_standard.error.status == 'FAILED_PRECONDITION'


@pytest.mark.parametrize(
    'cls, optional, message',
    [
        ('redis.s.small.basic', {}, 'shardNumber is required'),
        ('redis.s.small.basic', {'shardNumber': 3}, 'shardNumber 3 is not allowed'),
        ('redis.s.xlarge.basic', {'shardNumber': 128}, 'allowed: 2, 4, 8, 16, 32, 64'),
        ('redis.m.small.basic', {'shardNumber': 2}, 'only custom-shard classes'),
        ('redis.m.small.basic', {'replicaNumber': 6}, 'allowed: 2 to 5'),
    ],
)
def test_refused_shard_and_replica_counts(sdk, emulator, cls, optional, message):
    resp = create(sdk, cls, **optional)
    assert resp.error is not None and resp.error.status == 'INVALID_ARGUMENT'
    assert message in resp.error.message
    assert emulator.instances() == {}


def test_a_region_without_custom_shards(sdk):
    resp = create(sdk, 'redis.s.small.basic', region='cn-east-1', shardNumber=4)
    assert resp.error.status == 'INVALID_ARGUMENT' and 'not available in cn-east-1' in resp.error.message
    resp = create(sdk, 'redis.m.small.basic', region='cn-east-1', replicaNumber=3)
    assert resp.error.status == 'INVALID_ARGUMENT' and 'allowed: 2 to 2' in resp.error.message


def test_backup_of_a_custom_shard_cluster_reports_the_instance_shards(sdk, emulator):
    """Issue 32.8: the backup of an 8-shard custom cluster reported the class's count (1), not the instance's."""
    created = create(sdk, 'redis.s.small.basic', shardNumber=8)
    assert created.error is None, vars(created.error)
    instance_id = created.result['cacheInstanceId']
    made = sdk.send(CreateBackupRequest(CreateBackupParameters(REGION, instance_id, 'eight_shards', 1)))
    assert made.error is None, vars(made.error)
    seeded = emulator.admin.seed_backups(instance_id, 1)[0]
    for base_id in (made.result['baseId'], seeded):
        got = sdk.send(DescribeBackupInfoRequest(DescribeBackupInfoParameters(REGION, instance_id, base_id)))
        assert got.error is None, vars(got.error)
        assert (got.result['backupShardNum'], got.result['backupShardMemoryMB']) == (8, 2048)
        # a backup of 16 GB of memory is bigger than 16 GB x 7 % (the smallest share the emulator invents)
        assert got.result['backupSize'] >= 16384 * 1024 * 7
