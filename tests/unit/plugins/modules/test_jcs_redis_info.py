# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""jcs_redis_info run for real against the emulator.

Instances with distinct attributes are created through the official JD Cloud
SDK (the ``sdk_client`` fixture, an implementation independent of ours); bulk
instances come from the emulator's admin seed.
"""

from __future__ import annotations

import ast
import math
import threading
from pathlib import Path

import pytest
import yaml
from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import CreateCacheInstanceRequest
from modrunner import run_module

MODULE = 'jcs_redis_info'
REGION = 'cn-north-1'
MODULE_FILE = Path(__file__).resolve().parents[4] / 'plugins' / 'modules' / (MODULE + '.py')


def run_info(emulator, check_mode=False, **options):
    return run_module(MODULE, emulator.connection(**options), check_mode=check_mode)


def calls(emulator, operation='describeCacheInstances'):
    return emulator.admin.stats()['calls'].get(operation, 0)


def sdk_create(
    sdk,
    name,
    region=REGION,
    vpc='vpc-orders0001',
    subnet='subnet-orders0001',
    version='4.0',
    instance_class='redis.m.micro.basic',
    charge=None,
):
    azs = {'cn-north-1': ('cn-north-1a', 'cn-north-1b'), 'cn-south-1': ('cn-south-1a', 'cn-south-1b')}[region]
    parameters = {
        'regionId': region,
        'cacheInstance': {
            'vpcId': vpc,
            'subnetId': subnet,
            'cacheInstanceName': name,
            'cacheInstanceClass': instance_class,
            'azId': {'master': azs[0], 'slave': azs[1]},
            'redisVersion': version,
        },
    }
    if charge:
        parameters['charge'] = charge
    response = sdk.client.send(CreateCacheInstanceRequest(parameters))
    assert response.error is None, vars(response.error)
    return response.result['cacheInstanceId']


def names(run):
    assert not run.failed, run.result
    return sorted(instance['name'] for instance in run.result['instances'])


def ids(run):
    assert not run.failed, run.result
    return [instance['id'] for instance in run.result['instances']]


# --- empty results and paging -------------------------------------------------------------------------------


def test_empty_region_returns_no_instances_in_one_call(emulator):
    run = run_info(emulator)
    assert run.rc == 0, run.result
    assert run.result['instances'] == []
    assert run.result['total'] == 0
    assert run.result['changed'] is False
    assert calls(emulator) == 1


def test_filter_matching_nothing_returns_empty(emulator):
    emulator.admin.seed(3)
    run = run_info(emulator, vpc_id='vpc-nothinghere')
    assert run.result['instances'] == [] and run.result['total'] == 0, run.result


@pytest.mark.parametrize('count', [99, 100, 101, 230])
def test_one_page_is_one_call_and_longer_listings_are_read_twice(emulator, count):
    seeded = emulator.admin.seed(count)
    run = run_info(emulator)
    assert sorted(ids(run)) == sorted(seeded)
    assert run.result['total'] == count
    # One page is one answer of the API; more pages are only consistent when a second read agrees.
    pages = math.ceil(count / 100)
    assert calls(emulator) == (1 if pages == 1 else 2 * pages)


def test_concurrent_paging_keeps_the_sequential_order(emulator):
    emulator.admin.seed(230)
    sequential = run_info(emulator, concurrency=1)
    parallel = run_info(emulator, concurrency=16)
    default = run_info(emulator)
    assert len(ids(sequential)) == 230
    assert ids(parallel) == ids(sequential)
    assert ids(default) == ids(sequential)
    # The emulator lists newest first by default; the module must not reorder.
    times = [i['create_time'] for i in sequential.result['instances']]
    assert times == sorted(times, reverse=True)


def _listings(emulator):
    return sum(1 for r in emulator.admin.requests() if r['operation'] == 'describeCacheInstances')


def _in_background(emulator, **options):
    runs = []
    thread = threading.Thread(target=lambda: runs.append(run_info(emulator, **options)))
    thread.start()

    def join():
        thread.join()
        return runs[0]

    return join


def test_pages_after_the_first_are_fetched_in_parallel(emulator):
    """Shown with the emulator's hold of requests, not with arrival times: pages 2-5 are all held at once, so they
    were sent together once page 1 had told the total; with one connection, page 2 held is the last one sent."""
    emulator.admin.seed(450)

    emulator.admin.reset(state=False)
    emulator.admin.hold_requests('describeCacheInstances', count=4, skip=1)
    run = _in_background(emulator, concurrency=4)
    emulator.admin.wait_held_requests('describeCacheInstances', waiting=4)
    assert _listings(emulator) == 5
    emulator.admin.release_requests('describeCacheInstances')
    run = run()
    assert run.result['total'] == 450, run.result
    assert _listings(emulator) == 10  # two reads that agree

    emulator.admin.reset(state=False)
    emulator.admin.hold_requests('describeCacheInstances', count=1, skip=1)
    run = _in_background(emulator, concurrency=1)
    emulator.admin.wait_held_requests('describeCacheInstances')
    assert _listings(emulator) == 2
    emulator.admin.release_requests('describeCacheInstances')
    run = run()
    assert run.result['total'] == 450, run.result
    assert _listings(emulator) == 10


def test_instance_appearing_between_pages_is_listed_once(emulator):
    seeded = emulator.admin.seed(150)
    # Right after the first page is computed, a new instance newer than every seeded one: first in the API's
    # newest-first order, it shifts the second page by one.
    emulator.admin.churn(seed_newest=1)
    run = run_info(emulator, concurrency=1)
    added = [i for i, v in emulator.instances().items() if v['name'].startswith('churn_new_')]
    assert len(added) == 1
    listed = ids(run)
    # The pages disagreed on the total, so the listing started over: complete and without duplicates.
    assert len(listed) == len(set(listed)) == 151
    assert set(listed) == set(seeded) | set(added)
    assert listed[0] == added[0]
    assert emulator.admin.stats()['calls']['describeCacheInstances'] > 2


def test_instance_disappearing_between_pages_is_tolerated(emulator):
    seeded = emulator.admin.seed(150)
    # deleted right after the first page is computed, before the second one
    victim = seeded[-1]  # the newest seed, so on the first page of the newest-first order
    emulator.admin.churn(deletes=[victim])
    run = run_info(emulator, concurrency=1)
    assert not run.failed, run.result
    listed = ids(run)
    # The deletion shifted the second page; the listing started over, so no
    # instance that still exists is missing and the deleted one is not listed.
    assert len(listed) == len(set(listed)) == 149
    assert set(listed) == set(seeded) - {victim}
    assert run.result['total'] == 149


# --- filters ---------------------------------------------------------------------------------------------------


@pytest.fixture
def varied(emulator, sdk_client):
    """Instances that differ in every filtered attribute."""
    made = dict(
        orders=sdk_create(sdk_client, 'orders_cache'),
        orders_upper=sdk_create(
            sdk_client, 'Orders_Cache', subnet='subnet-orders0002', instance_class='redis.m.medium.basic'
        ),
        orders_eu=sdk_create(sdk_client, 'orders_cache_eu', version='5.0', instance_class='redis.c.small.basic'),
        sessions=sdk_create(
            sdk_client,
            'sessions',
            vpc='vpc-sessions01',
            subnet='subnet-sessions1',
            version='2.8',
            instance_class='redis.m1.small.basic',
            charge={'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'month', 'chargeDuration': 1},
        ),
        south=sdk_create(sdk_client, 'orders_cache', region='cn-south-1'),
    )
    emulator.admin.force_status(made['orders_eu'], 'error')
    return made


@pytest.mark.parametrize(
    'options, expected',
    [
        ({}, ['Orders_Cache', 'orders_cache', 'orders_cache_eu', 'sessions']),
        ({'name': 'orders_cache'}, ['orders_cache']),
        ({'name': 'orders_cache', 'name_match': 'exact'}, ['orders_cache']),
        ({'name': 'orders_cache', 'name_match': 'contains'}, ['Orders_Cache', 'orders_cache', 'orders_cache_eu']),
        ({'name': 'Orders_Cache'}, ['Orders_Cache']),
        ({'name': 'cache_e', 'name_match': 'contains'}, ['orders_cache_eu']),
        ({'name': 'cache_e'}, []),
        ({'statuses': ['error']}, ['orders_cache_eu']),
        ({'statuses': ['running', 'error']}, ['Orders_Cache', 'orders_cache', 'orders_cache_eu', 'sessions']),
        ({'statuses': ['creating']}, []),
        ({'vpc_id': 'vpc-sessions01'}, ['sessions']),
        ({'subnet_id': 'subnet-orders0002'}, ['Orders_Cache']),
        ({'redis_version': '4.0'}, ['Orders_Cache', 'orders_cache']),
        ({'redis_version': '4'}, ['Orders_Cache', 'orders_cache']),
        ({'redis_version': '5.0.14'}, ['orders_cache_eu']),
        ({'redis_version': '2.8'}, ['sessions']),
        ({'instance_type': 'master-slave'}, ['Orders_Cache', 'orders_cache', 'sessions']),
        ({'instance_type': 'cluster'}, ['orders_cache_eu']),
        ({'instance_type': 'native-cluster'}, []),
        ({'charge_mode': 'prepaid_by_duration'}, ['sessions']),
        ({'charge_mode': 'postpaid_by_duration'}, ['Orders_Cache', 'orders_cache', 'orders_cache_eu']),
        (
            {'name': 'orders', 'name_match': 'contains', 'instance_type': 'master-slave', 'vpc_id': 'vpc-orders0001'},
            ['Orders_Cache', 'orders_cache'],
        ),
    ],
)
def test_filters(varied, emulator, options, expected):
    run = run_info(emulator, **options)
    assert names(run) == expected
    assert run.result['total'] == len(expected)
    assert all(i['region'] == REGION for i in run.result['instances'])


def test_instance_ids_filter(varied, emulator):
    run = run_info(emulator, instance_ids=[varied['sessions'], varied['orders'], 'redis-doesnotexist'])
    assert sorted(ids(run)) == sorted([varied['sessions'], varied['orders']])
    # an ID of another region is not found in this one
    assert ids(run_info(emulator, instance_ids=[varied['south']])) == []
    assert ids(run_info(emulator, instance_ids=[varied['south']], region='cn-south-1')) == [varied['south']]


@pytest.mark.parametrize('option', ['instance_ids', 'statuses'])
def test_empty_list_filter_matches_nothing_without_calling_the_api(varied, emulator, option):
    emulator.admin.reset(state=False)
    run = run_info(emulator, **{option: []})
    assert run.rc == 0, run.result
    assert run.result['instances'] == [] and run.result['total'] == 0
    assert emulator.admin.stats()['total_calls'] == 0


@pytest.mark.parametrize('order', ['asc', 'desc'])
def test_sort_by_total_memory(varied, emulator, order):
    run = run_info(emulator, sort_by='total_memory', sort_order=order)
    memory = [i['memory_mb'] for i in run.result['instances']]
    assert memory == sorted(memory, reverse=order == 'desc')
    assert len(set(memory)) > 2


def test_sort_by_create_time(emulator):
    first = emulator.admin.seed(1, name_prefix='older')
    emulator.admin.advance(2)  # a later createTime, without waiting for it
    second = emulator.admin.seed(1, name_prefix='newer')
    assert ids(run_info(emulator, sort_by='create_time')) == first + second
    assert ids(run_info(emulator, sort_by='create_time', sort_order='desc')) == second + first


def test_check_mode_lists_the_same(varied, emulator):
    normal = run_info(emulator)
    checked = run_info(emulator, check_mode=True)
    assert checked.rc == 0 and not checked.changed
    assert checked.result['instances'] == normal.result['instances']


# --- result shape ------------------------------------------------------------------------------------------------


def _documented_instance_keys():
    tree = ast.parse(MODULE_FILE.read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'RETURN' for t in node.targets):
            contains = yaml.safe_load(ast.literal_eval(node.value))['instances']['contains']
            # keys documented with their own 'returned' come only with an option (include)
            return {key for key, doc in contains.items() if 'returned' not in doc}
    raise AssertionError('no RETURN')


def test_instance_shape_matches_the_documentation(varied, emulator):
    run = run_info(emulator, instance_ids=[varied['sessions']])
    (instance,) = run.result['instances']
    assert set(instance) == _documented_instance_keys()
    assert instance['id'] == varied['sessions']
    assert instance['name'] == 'sessions'
    assert instance['status'] == 'running'
    assert instance['redis_version'] == '2.8'
    assert instance['instance_class'] == 'redis.m1.small.basic'
    assert instance['instance_type'] == 'master-slave'
    assert instance['memory_mb'] == 2048
    assert instance['vpc_id'] == 'vpc-sessions01' and instance['subnet_id'] == 'subnet-sessions1'
    assert (instance['master_az'], instance['slave_az']) == ('cn-north-1a', 'cn-north-1b')
    assert instance['charge_mode'] == 'prepaid_by_duration' and instance['charge_expired_time']
    assert instance['auth_enabled'] is False
    assert instance['tags'] == {}


# --- options, credentials and errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    'options, option',
    [
        ({'concurrency': 0}, 'concurrency'),
        ({'concurrency': 17}, 'concurrency'),
        ({'redis_version': 'latest'}, 'redis_version'),
        ({'name': ''}, 'name'),
        ({'vpc_id': ''}, 'vpc_id'),
        ({'subnet_id': ''}, 'subnet_id'),
        ({'statuses': ['sleeping']}, 'statuses'),
        ({'instance_type': 'sentinel'}, 'instance_type'),
        ({'name_match': 'regex'}, 'name_match'),
        ({'sort_by': 'name'}, 'sort_by'),
        ({'charge_mode': 'free'}, 'charge_mode'),
        ({'region': 'North China'}, 'region'),
    ],
)
def test_bad_options_fail_before_any_call(emulator, options, option):
    run = run_info(emulator, **options)
    assert run.failed and run.rc != 0
    assert option in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_credentials_and_endpoint_from_the_environment(emulator):
    emulator.admin.seed(2)
    env = dict(
        JDCLOUD_ACCESS_KEY=emulator.access_key,
        JDCLOUD_SECRET_KEY=emulator.secret_key,
        JDCLOUD_REGION=REGION,
        JDCLOUD_ENDPOINT=emulator.url,
    )
    run = run_module(MODULE, {}, env=env)
    assert run.result['total'] == 2, run.result


def test_missing_credentials_fail_with_a_message(emulator):
    run = run_module(MODULE, dict(region=REGION, endpoint=emulator.url))
    assert run.failed
    assert 'access_key' in run.result['msg'] and 'JDCLOUD_SECRET_KEY' in run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_wrong_secret_key_fails_with_a_structured_error_and_no_secret(emulator):
    wrong = 'WRONGSECRETKEY0000000000000000zz'
    run = run_module(MODULE, emulator.connection(secret_key=wrong))
    assert run.failed
    assert run.result['error']['code'] == 401
    assert run.result['error']['request_id']
    assert 'secret_key' in run.result['msg']
    for stream in (run.stdout, run.stderr):
        assert wrong not in stream


def test_secret_key_never_in_output(varied, emulator):
    run = run_info(emulator)
    assert run.result['total'] == 4
    for stream in (run.stdout, run.stderr):
        assert emulator.secret_key not in stream


def test_unreachable_endpoint_fails_cleanly(emulator):
    run = run_module(MODULE, emulator.connection(endpoint='http://127.0.0.1:9', api_retries=0))
    assert run.failed
    assert run.result['error']['status'] == 'CONNECTION_ERROR'
    assert 'Could not reach' in run.result['msg']
