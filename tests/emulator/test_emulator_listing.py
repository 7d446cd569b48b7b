"""describeCacheInstances: paging, filters and sorts (docs/dev/api-notes.md#listing)."""

from __future__ import annotations

import pytest
import sigv
from emu_helpers import create_body

BASE = '/regions/cn-north-1/cacheInstance'


def _list(api, region='cn-north-1', **query):
    return api.call('GET', '/regions/%s/cacheInstance' % region, region, query=query or None)


def _ids(resp):
    assert resp.status == 200, resp
    return [i['cacheInstanceId'] for i in resp.result['cacheInstances']]


@pytest.fixture
def fleet(api, emulator):
    """Six instances with distinct createTime (one per second, oldest first), varied in every filterable way."""
    specs = [
        dict(cacheInstanceName='web_cache', cacheInstanceClass='redis.m.large.basic'),
        dict(cacheInstanceName='Web_Sessions', cacheInstanceClass='redis.m.micro.basic', vpcId='vpc-other0001'),
        dict(cacheInstanceName='batch_jobs', cacheInstanceClass='redis.c.small.basic', subnetId='subnet-other0001'),
        dict(cacheInstanceName='web_legacy', cacheInstanceClass='redis.m1.small.basic', redisVersion='2.8'),
        dict(
            cacheInstanceName='analytics',
            cacheInstanceClass='redis.m.medium.basic',
            userTags=[{'key': 'team', 'value': 'data'}],
            resourceGroupId='rg-data',
        ),
        dict(cacheInstanceName='prepaid_one', cacheInstanceClass='redis.m.small.basic'),
    ]
    ids = {}
    for spec in specs:
        charge = (
            {'chargeMode': 'prepaid_by_duration', 'chargeDuration': 1}
            if spec['cacheInstanceName'] == 'prepaid_one'
            else None
        )
        resp = api.call('POST', BASE, body=create_body(charge=charge, **spec))
        assert resp.status == 200, resp
        ids[spec['cacheInstanceName']] = resp.result['cacheInstanceId']
    # spread createTime one second apart without sleeping
    store = emulator.server.store
    with store.lock:
        for offset, instance_id in enumerate(ids.values()):
            store.instances[instance_id].create_time = 1700000000 + offset
            store.instances[instance_id].charge_start = 1700000000 + offset
        store.changed('cn-north-1')  # edited in place: memoised listings must not outlive it
    return ids


def test_default_order_is_newest_first(api, fleet):
    assert _ids(_list(api)) == list(reversed(list(fleet.values())))


def test_equal_create_times_order_by_id(api, emulator, fleet):
    store = emulator.server.store
    with store.lock:
        for instance_id in fleet.values():
            store.instances[instance_id].create_time = 1700000000
        store.changed('cn-north-1')
    assert _ids(_list(api)) == sorted(fleet.values())


@pytest.mark.parametrize(
    'sorts,expected',
    [
        (
            [{'name': 'createTime', 'direction': 'asc'}],
            ['web_cache', 'Web_Sessions', 'batch_jobs', 'web_legacy', 'analytics', 'prepaid_one'],
        ),
        (
            [{'name': 'createTime', 'direction': 'desc'}],
            ['prepaid_one', 'analytics', 'web_legacy', 'batch_jobs', 'Web_Sessions', 'web_cache'],
        ),
        # totalMemory outranks createTime whatever the order given; ties (2 GB twice) fall back to createTime
        (
            [{'name': 'totalMemory', 'direction': 'asc'}],
            ['Web_Sessions', 'prepaid_one', 'web_legacy', 'analytics', 'web_cache', 'batch_jobs'],
        ),
        (
            [{'name': 'createTime', 'direction': 'asc'}, {'name': 'totalMemory', 'direction': 'desc'}],
            ['batch_jobs', 'web_cache', 'analytics', 'web_legacy', 'prepaid_one', 'Web_Sessions'],
        ),
        (
            [{'name': 'totalMemory', 'direction': ''}],
            ['prepaid_one', 'analytics', 'web_legacy', 'batch_jobs', 'Web_Sessions', 'web_cache'],
        ),
    ],
)
def test_sorts(api, fleet, sorts, expected):
    assert _ids(_list(api, sorts=sorts)) == [fleet[name] for name in expected]


@pytest.mark.parametrize(
    'sorts,field',
    [
        ([{'name': 'cacheInstanceName', 'direction': 'asc'}], 'sorts.1.name'),
        ([{'name': 'createTime', 'direction': 'up'}], 'sorts.1.direction'),
    ],
)
def test_bad_sorts(api, sorts, field):
    resp = _list(api, sorts=sorts)
    assert resp.status == 400 and resp.error['status'] == 'INVALID_ARGUMENT' and resp.error['message'].startswith(field)


@pytest.mark.parametrize(
    'filters,expected',
    [
        (
            [{'name': 'cacheInstanceName', 'values': ['web']}],
            ['web_cache', 'Web_Sessions', 'web_legacy'],
        ),  # fuzzy, any case
        ([{'name': 'cacheInstanceName', 'values': ['WEB_C']}], ['web_cache']),
        ([{'name': 'cacheInstanceName', 'values': ['jobs', 'lytic']}], ['batch_jobs', 'analytics']),
        ([{'name': 'cacheInstanceName', 'values': ['nomatch']}], []),
        ([{'name': 'vpcId', 'values': ['vpc-other0001']}], ['Web_Sessions']),
        ([{'name': 'subnetId', 'values': ['subnet-other0001']}], ['batch_jobs']),
        ([{'name': 'redisVersion', 'values': ['2.8']}], ['web_legacy']),
        ([{'name': 'instanceType', 'values': ['redis_cluster']}], ['batch_jobs']),
        (
            [{'name': 'instanceType', 'values': ['redis']}],
            ['web_cache', 'Web_Sessions', 'web_legacy', 'analytics', 'prepaid_one'],
        ),
        ([{'name': 'instanceType', 'values': ['master-slave']}], []),
        ([{'name': 'chargeMode', 'values': ['prepaid_by_duration']}], ['prepaid_one']),
        ([{'name': 'cacheInstanceStatus', 'values': ['error', 'changing']}], ['web_cache', 'batch_jobs']),
        (
            [
                {'name': 'cacheInstanceName', 'values': ['web']},
                {'name': 'instanceType', 'values': ['redis']},
                {'name': 'redisVersion', 'values': ['4.0']},
            ],
            ['web_cache', 'Web_Sessions'],
        ),
        (
            [{'name': 'cacheInstanceName', 'values': ['web']}, {'name': 'cacheInstanceStatus', 'values': ['running']}],
            ['Web_Sessions', 'web_legacy'],
        ),
        (
            [{'name': 'cacheInstanceStatus', 'values': ['running'], 'operator': 'eq'}],
            ['Web_Sessions', 'web_legacy', 'analytics', 'prepaid_one'],
        ),
    ],
)
def test_filters(api, emulator, fleet, filters, expected):
    emulator.admin.force_status(fleet['web_cache'], 'error')
    emulator.admin.force_status(fleet['batch_jobs'], 'changing')
    resp = _list(api, filters=filters, sorts=[{'name': 'createTime', 'direction': 'asc'}])
    assert _ids(resp) == [fleet[name] for name in expected]
    assert resp.result['totalCount'] == len(expected)


def test_id_filter_takes_several_values(api, fleet):
    wanted = [fleet['analytics'], fleet['web_cache'], 'redis-000000000000']
    assert sorted(_ids(_list(api, filters=[{'name': 'cacheInstanceId', 'values': wanted}]))) == sorted(wanted[:2])


def test_tag_and_resource_group_filters(api, fleet):
    assert _ids(_list(api, tagFilters=[{'key': 'team', 'values': ['data', 'ops']}])) == [fleet['analytics']]
    assert _ids(_list(api, tagFilters=[{'key': 'team', 'values': ['ops']}])) == []
    assert _ids(_list(api, resourceGroupIds=['rg-data'])) == [fleet['analytics']]


@pytest.mark.parametrize(
    'filters,fragment',
    [
        ([{'name': 'color', 'values': ['red']}], "unknown filter name 'color'"),
        ([{'name': 'cacheInstanceName', 'values': ['a'], 'operator': 'like'}], 'operator'),
        ([{'name': 'cacheInstanceName'}], 'filters.1.values'),
        ([{'values': ['x']}], 'filters.1.name'),
    ],
)
def test_bad_filters(api, filters, fragment):
    resp = _list(api, filters=filters)
    assert resp.status == 400 and resp.error['status'] == 'INVALID_ARGUMENT' and fragment in resp.error['message']


def test_fuzzy_name_match_needs_exact_compare_client_side(api, make_instance):
    exact = make_instance(cacheInstanceName='cache')
    make_instance(cacheInstanceName='cache_2')
    make_instance(cacheInstanceName='old_CACHE')
    resp = _list(api, filters=[{'name': 'cacheInstanceName', 'values': ['cache']}])
    assert resp.result['totalCount'] == 3
    assert [i['cacheInstanceId'] for i in resp.result['cacheInstances'] if i['cacheInstanceName'] == 'cache'] == [exact]


def test_paging(api, emulator):
    ids = emulator.admin.seed(25)
    pages = [_list(api, pageNumber=n, pageSize=10) for n in (1, 2, 3, 4)]
    assert [len(p.result['cacheInstances']) for p in pages] == [10, 10, 5, 0]
    assert all(p.result['totalCount'] == 25 for p in pages)
    seen = [i for p in pages for i in _ids(p)]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 25
    assert seen == list(reversed(ids))  # seeded oldest first, listed newest first
    assert _ids(_list(api)) == seen[:10]  # defaults: page 1, size 10
    assert _ids(_list(api, pageSize=100)) == seen
    assert _ids(_list(api, pageNumber=2, pageSize=20)) == seen[20:]


@pytest.mark.parametrize(
    'query,field',
    [
        ({'pageSize': 9}, 'pageSize'),
        ({'pageSize': 101}, 'pageSize'),
        ({'pageSize': 'ten'}, 'pageSize'),
        ({'pageNumber': 0}, 'pageNumber'),
        ({'pageNumber': -1}, 'pageNumber'),
        ({'pageNumber': '1.5'}, 'pageNumber'),
    ],
)
def test_paging_bounds(api, query, field):
    resp = _list(api, **query)
    assert resp.status == 400 and resp.error['status'] == 'INVALID_ARGUMENT' and resp.error['message'].startswith(field)


def test_regions_are_separate(api, make_instance):
    north = make_instance()
    south = make_instance(region='cn-south-1')
    assert _ids(_list(api)) == [north]
    assert _ids(_list(api, 'cn-south-1')) == [south]


def test_deleting_instances_are_listed_until_gone(api, emulator, make_instance):
    emulator.admin.hold('delete')
    instance_id = make_instance()
    assert api.call('DELETE', BASE + '/' + instance_id).status == 200
    listed = _list(api).result['cacheInstances']
    assert [(i['cacheInstanceId'], i['cacheInstanceStatus']) for i in listed] == [(instance_id, 'deleting')]


def test_malformed_list_query(api):
    for bad in ('filters.0.name=x', 'filters=x&filters.1.name=y', 'pageSize=10&pageSize=20'):
        headers = sigv.signed_headers('GET', api.base + '/v1' + BASE + '?' + bad, b'', api.ak, api.sk, 'cn-north-1')
        resp = api.send_raw('GET', '/v1' + BASE + '?' + bad, b'', headers)
        assert resp.status == 400 and resp.error['status'] == 'INVALID_ARGUMENT', (bad, resp)
