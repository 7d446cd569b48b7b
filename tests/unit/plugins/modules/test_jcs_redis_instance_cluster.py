"""jcs_redis_instance with shard and replica counts, run for real against the emulator over HTTP."""

from __future__ import annotations

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_instance'
CLUSTER = dict(instance_class='redis.s.small.basic', redis_version='5.0', shard_number=4, replica_number=3)
SHAPE = ('instance_class', 'instance_type', 'shard_number', 'memory_mb', 'memory_mb_per_shard', 'replica_number')


def shape(instance):
    return {key: instance[key] for key in SHAPE}


def create(emulator, **extra):
    run = run_module(MODULE, emulator.instance_args(**extra))
    assert not run.failed, run.result
    return run.result['instance']


def test_custom_shard_cluster_check_mode_predicts_the_created_instance(emulator):
    checked = run_module(MODULE, emulator.instance_args(name='sessions', **CLUSTER), check_mode=True)
    assert not checked.failed, checked.result
    assert checked.changed and checked.result['changes'] == ['create']
    assert emulator.writes() == 0
    # and the recycle bin, for an instance of the name that recover would bring back
    assert emulator.calls() == {
        'describeCacheInstances': 1,
        'describeAvailableResource': 1,
        'describeUserQuota': 1,
        'recycledCacheInstance': 1,
    }

    emulator.admin.reset(state=False)
    made = run_module(MODULE, emulator.instance_args(name='sessions', **CLUSTER))
    assert not made.failed and made.changed, made.result
    instance = made.result['instance']
    assert shape(instance) == dict(
        instance_class='redis.s.small.basic',
        instance_type='cluster',
        shard_number=4,
        memory_mb=8192,
        memory_mb_per_shard=2048,
        replica_number=3,
    )
    assert shape(checked.result['instance']) == shape(instance)
    assert emulator.calls()['createCacheInstance'] == 1

    # unchanged re-runs: one read, by id or by name
    emulator.admin.reset(state=False)
    again = run_module(MODULE, emulator.instance_args(name='sessions', instance_id=instance['id'], **CLUSTER))
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'describeCacheInstance': 1}
    emulator.admin.reset(state=False)
    again = run_module(MODULE, emulator.instance_args(name='sessions', **CLUSTER))
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'describeCacheInstances': 1}

    listed = run_module('jcs_redis_info', emulator.connection(instance_ids=[instance['id']]))
    assert listed.result['instances'] == [instance]


def test_shard_count_changes_in_place_with_one_call(emulator):
    instance = create(emulator, **CLUSTER)
    args = emulator.connection(instance_id=instance['id'], shard_number=8)

    emulator.admin.reset(state=False)
    checked = run_module(MODULE, args, check_mode=True, diff=True)
    assert checked.changed and checked.result['changes'] == ['shard_number'], checked.result
    assert emulator.writes() == 0
    assert checked.result['diff']['before']['shard_number'] == 4
    assert checked.result['diff']['after']['shard_number'] == 8

    emulator.admin.reset(state=False)
    run = run_module(MODULE, args)
    assert run.changed and run.result['changes'] == ['shard_number'], run.result
    assert emulator.calls()['modifyCacheInstanceClass'] == 1 and emulator.writes() == 1
    assert shape(run.result['instance']) == shape(checked.result['instance'])
    assert shape(run.result['instance'])['memory_mb'] == 16384
    assert run.result['order_num'] and run.result['buy_id']

    emulator.admin.reset(state=False)
    again = run_module(MODULE, args)
    assert not again.changed and emulator.calls() == {'describeCacheInstance': 1}


def test_class_shards_and_replicas_change_in_one_call(emulator):
    instance = create(emulator, **CLUSTER)
    args = emulator.connection(
        instance_id=instance['id'], instance_class='redis.s.medium.basic', shard_number=2, replica_number=2
    )
    checked = run_module(MODULE, args, check_mode=True)
    assert sorted(checked.result['changes']) == ['instance_class', 'replica_number', 'shard_number']
    emulator.admin.reset(state=False)
    run = run_module(MODULE, args)
    assert not run.failed, run.result
    assert emulator.calls()['modifyCacheInstanceClass'] == 1 and emulator.writes() == 1
    assert shape(run.result['instance']) == shape(checked.result['instance'])
    assert shape(run.result['instance']) == dict(
        instance_class='redis.s.medium.basic',
        instance_type='cluster',
        shard_number=2,
        memory_mb=8192,
        memory_mb_per_shard=4096,
        replica_number=2,
    )

    # a new class without shard_number keeps the shard count when the class allows it
    emulator.admin.reset(state=False)
    kept = run_module(MODULE, emulator.connection(instance_id=instance['id'], instance_class='redis.s.large.basic'))
    assert kept.result['changes'] == ['instance_class'], kept.result
    assert (kept.result['instance']['shard_number'], kept.result['instance']['memory_mb']) == (2, 16384)


def test_replica_count_of_a_standard_instance(emulator):
    instance = create(emulator)
    assert instance['replica_number'] == 2
    args = emulator.connection(instance_id=instance['id'], replica_number=4)
    emulator.admin.reset(state=False)
    checked = run_module(MODULE, args, check_mode=True)
    assert checked.result['changes'] == ['replica_number'] and emulator.writes() == 0
    run = run_module(MODULE, args)
    assert run.result['instance']['replica_number'] == 4
    assert run.result['instance']['instance_class'] == instance['instance_class']
    assert emulator.calls()['modifyCacheInstanceClass'] == 1
    # the fixed shard count of the class is not a change
    emulator.admin.reset(state=False)
    same = run_module(MODULE, emulator.connection(instance_id=instance['id'], shard_number=1, replica_number=4))
    assert not same.changed, same.result
    assert emulator.calls() == {'describeCacheInstance': 1}


CREATE_REFUSALS = [
    (dict(instance_class='redis.s.small.basic', redis_version='5.0'), 'shard_number is required', 'allowed in region'),
    (
        dict(instance_class='redis.s.small.basic', redis_version='5.0', shard_number=3),
        'shard_number must be',
        '2, 4, 8',
    ),
    (dict(instance_class='redis.s.xlarge.basic', redis_version='5.0', shard_number=128), 'shard_number must be', '64'),
    (dict(instance_class='redis.m.small.basic', shard_number=2), 'shard_number 2 does not apply', 'always has 1'),
    (dict(instance_class='redis.c.small.basic', shard_number=16), 'shard_number 16 does not apply', 'always has 8'),
    (dict(replica_number=6), 'replica_number must be between 2 and 5', 'master-slave'),
    (dict(replica_number=0), 'replica_number must be a positive number', ''),
    (dict(shard_number=-1), 'shard_number must be a positive number', ''),
    (dict(region='cn-east-1', master_az='cn-east-1a', slave_az='cn-east-1b', replica_number=3), 'replicas only', '2'),
    (
        dict(region='cn-east-1', master_az='cn-east-1a', slave_az='cn-east-1b', instance_class='redis.s.small.basic'),
        'is not sold in region cn-east-1',
        'redis.s.small.basic',
    ),
]


@pytest.mark.parametrize('check_mode', [True, False])
@pytest.mark.parametrize('extra, rule, detail', CREATE_REFUSALS)
def test_refused_shard_and_replica_counts_before_any_write(emulator, extra, rule, detail, check_mode):
    run = run_module(MODULE, emulator.instance_args(**extra), check_mode=check_mode)
    assert run.failed, run.result
    assert rule in run.result['msg'] and detail in run.result['msg']
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert emulator.writes() == 0
    assert 'Traceback' not in run.stdout + run.stderr


@pytest.mark.parametrize('check_mode', [True, False])
def test_illegal_resizes_are_refused_in_check_mode_too(emulator, check_mode):
    cluster = create(emulator, **CLUSTER)
    emulator.admin.reset(state=False)
    for args, rule in (
        (dict(instance_class='redis.m.large.basic'), 'only master-slave instances can become clusters'),
        (dict(shard_number=6), 'shard_number must be one of 2, 4, 8'),
        (dict(instance_class='redis.s.xlarge.basic', shard_number=128), 'shard_number must be one of'),
        (dict(replica_number=4), 'replica_number must be between 2 and 3'),
    ):
        run = run_module(MODULE, emulator.connection(instance_id=cluster['id'], **args), check_mode=check_mode)
        assert run.failed, run.result
        assert rule in run.result['msg'], run.result['msg']
        assert run.result['instance']['id'] == cluster['id']
    assert emulator.writes() == 0


def test_prepaid_cluster_cannot_shrink(emulator):
    eight = {**CLUSTER, 'shard_number': 8}
    cluster = create(emulator, charge_mode='prepaid_by_duration', charge_duration=1, **eight)
    run = run_module(MODULE, emulator.connection(instance_id=cluster['id'], shard_number=4), check_mode=True)
    assert run.failed and 'prepaid' in run.result['msg'] and '8192 MB < 16384 MB' in run.result['msg']
    assert emulator.writes() == 1  # the create
