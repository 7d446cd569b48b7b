"""jcs_redis_info recycle_bin: the deleted instances of the recycle bin, run for real against the emulator over HTTP;
instances are made and deleted with the official SDK (docs/dev/api-notes.md#recycle-bin)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import CreateCacheInstanceRequest
from jdcloud_sdk.services.redis.apis.DeleteCacheInstanceRequest import DeleteCacheInstanceRequest
from modrunner import run_module

REGION = 'cn-north-1'
ISO = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
WEEK = 7 * 86400


def create(sdk_client, name, tags=None):
    spec = {
        'vpcId': 'vpc-test0001',
        'subnetId': 'subnet-test0001',
        'cacheInstanceName': name,
        'cacheInstanceClass': 'redis.m.micro.basic',
        'redisVersion': '4.0',
        'password': 'Sdk1Password',
        'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1b'},
    }
    if tags:
        spec['userTags'] = [dict(key=k, value=v) for k, v in tags.items()]
    response = sdk_client.client.send(CreateCacheInstanceRequest({'regionId': REGION, 'cacheInstance': spec}))
    assert response.error is None, vars(response.error)
    return response.result['cacheInstanceId']


def delete(sdk_client, instance_id):
    response = sdk_client.client.send(DeleteCacheInstanceRequest({'regionId': REGION, 'cacheInstanceId': instance_id}))
    assert response.error is None, vars(response.error)


def binned(emulator, check_mode=False, **options):
    run = run_module('jcs_redis_info', emulator.connection(recycle_bin=True, **options), check_mode=check_mode)
    assert not run.failed, run.result
    return run


def seconds(value):
    return datetime.strptime(value, '%Y-%m-%dT%H:%M:%SZ').timestamp()


@pytest.fixture
def bin_(emulator, sdk_client):
    """In the bin: orders (tagged), orders_eu, broken (deleted in error); live: alive."""
    emulator.admin.freeze()
    ids = {}
    for name, tags in (('orders', {'team': 'orders'}), ('orders_eu', None), ('broken', None), ('alive', None)):
        ids[name] = create(sdk_client, name, tags)
        emulator.admin.advance(60)  # one creation time each, for the sort
    emulator.admin.force_status(ids['broken'], 'error')
    for name in ('orders', 'orders_eu', 'broken'):
        delete(sdk_client, ids[name])
    emulator.admin.reset(state=False)
    return ids


def test_the_bin_is_listed_with_when_each_was_deleted_and_is_destroyed(emulator, bin_):
    run = binned(emulator)
    assert not run.changed
    found = {i['name']: i for i in run.result['instances']}
    assert sorted(found) == ['broken', 'orders', 'orders_eu'] and run.result['total'] == 3
    orders = found['orders']
    assert orders['id'] == bin_['orders'] and orders['status'] == 'running'
    assert orders['tags'] == {'team': 'orders'} and orders['instance_class'] == 'redis.m.micro.basic'
    assert ISO.match(orders['soft_deleted_time']) and ISO.match(orders['retain_expire_time'])
    assert seconds(orders['retain_expire_time']) - seconds(orders['soft_deleted_time']) == WEEK
    # the status it had when it was deleted
    assert found['broken']['status'] == 'error'
    # a bin of at most 100 instances is one call, and nothing else is read
    assert emulator.calls() == {'recycledCacheInstance': 1}

    # the live listing is unchanged: no bin entry, no bin fields
    emulator.admin.reset(state=False)
    live = run_module('jcs_redis_info', emulator.connection())
    assert [i['name'] for i in live.result['instances']] == ['alive']
    assert 'soft_deleted_time' not in live.result['instances'][0]
    assert emulator.calls() == {'describeCacheInstances': 1}


@pytest.mark.parametrize(
    ('options', 'expected'),
    [
        # exact by default, although the API's name filter matches parts of names
        (dict(name='orders'), ['orders']),
        (dict(name='orders', name_match='contains'), ['orders', 'orders_eu']),
        (dict(statuses=['error']), ['broken']),
        (dict(tags={'team': 'orders'}), ['orders']),
        (dict(name='alive'), []),
    ],
)
def test_the_filters_apply_to_the_bin(emulator, bin_, options, expected):
    run = binned(emulator, **options)
    assert sorted(i['name'] for i in run.result['instances']) == expected
    assert emulator.calls() == {'recycledCacheInstance': 1}


def test_by_id_sorted_and_in_check_mode(emulator, bin_):
    ids = [bin_['orders'], bin_['broken'], bin_['alive']]
    run = binned(emulator, check_mode=True, instance_ids=ids, sort_by='create_time', sort_order='asc')
    # the live one is not in the bin; oldest first (the API's own order is newest first)
    assert [i['id'] for i in run.result['instances']] == [bin_['orders'], bin_['broken']]
    assert not run.changed
    assert emulator.calls() == {'recycledCacheInstance': 1}


def test_a_bin_of_several_pages_is_read_whole(emulator, sdk_client):
    emulator.admin.freeze()
    seeded = emulator.admin.seed(130)
    for instance_id in seeded:
        delete(sdk_client, instance_id)
    emulator.admin.reset(state=False)
    run = binned(emulator, concurrency=2)
    assert sorted(i['id'] for i in run.result['instances']) == sorted(seeded)
    # two pages, read twice (the second read backwards) as the live listing is
    assert emulator.calls() == {'recycledCacheInstance': 4}


@pytest.mark.parametrize(
    ('options', 'message'),
    [
        (dict(include=['whitelist']), 'include cannot be used with recycle_bin'),
        (dict(wait_for='absent'), 'wait_for cannot be used with recycle_bin'),
        (dict(name=''), 'name must not be empty'),
        (dict(concurrency=0), 'concurrency must be between 1 and 16'),
    ],
)
def test_bad_options_with_the_bin_are_refused_before_any_call(emulator, bin_, options, message):
    run = run_module('jcs_redis_info', emulator.connection(recycle_bin=True, **options))
    assert run.failed and message in run.result['msg'], run.result
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert 'Traceback' not in run.stdout + run.stderr
    assert emulator.calls() == {}


def test_an_empty_id_list_lists_nothing_and_calls_nothing(emulator, bin_):
    run = binned(emulator, instance_ids=[])
    assert run.result['instances'] == [] and emulator.calls() == {}


def test_a_recycle_bin_that_is_no_boolean_is_refused(emulator, bin_):
    run = run_module('jcs_redis_info', emulator.connection(recycle_bin='maybe'))
    assert run.failed and 'recycle_bin' in run.result['msg'], run.result
    assert emulator.calls() == {}
