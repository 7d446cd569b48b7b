"""describeCacheInstances stays exact while the emulator memoises listings (sorted and filtered lists per region).

Every test lists first, so that the emulator holds a memoised result, then changes something (over the
API, the admin endpoint or the clock) and lists the same query again: totals, membership, order and
statuses must follow.  Expected results come from a model the test keeps itself or from single-instance
reads (describeCacheInstance), never from the listing under test.
"""

from __future__ import annotations

import calendar
import threading
import time

import sigv
from emu_helpers import PASSWORD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REGION = 'cn-north-1'
BASE = '/regions/%s/cacheInstance' % REGION
DELAY = 30
MEMORY_MB = {
    'redis.m.micro.basic': 1024,
    'redis.m.small.basic': 2048,
    'redis.m.medium.basic': 4096,
    'redis.m.large.basic': 8192,
    'redis.c.small.basic': 16384,
}
SORTS = {
    'default': None,
    'created-asc': [{'name': 'createTime', 'direction': 'asc'}],
    'memory-asc': [{'name': 'totalMemory', 'direction': 'asc'}],
    'memory-desc': [{'name': 'totalMemory', 'direction': 'desc'}],
    'memory-desc-created-asc': [
        {'name': 'createTime', 'direction': 'asc'},
        {'name': 'totalMemory', 'direction': 'desc'},
    ],
}


# ------------------------------------------------------------------------------------------ helpers
def _list(api, region=REGION, **query):
    resp = api.call('GET', '/regions/%s/cacheInstance' % region, region, query=query or None)
    assert resp.status == 200, resp
    return resp.result


def _all(api, page_size=10, region=REGION, **query):
    """Every page of one query: (instances in order, totalCount); every page must agree on the total."""
    first = _list(api, region, pageNumber=1, pageSize=page_size, **query)
    total, items = first['totalCount'], list(first['cacheInstances'])
    for number in range(2, -(-total // page_size) + 1):
        page = _list(api, region, pageNumber=number, pageSize=page_size, **query)
        assert page['totalCount'] == total
        items.extend(page['cacheInstances'])
    assert len(items) == total
    return items, total


def _ids(items):
    return [i['cacheInstanceId'] for i in items]


def _get(api, instance_id):
    resp = api.call('GET', '%s/%s' % (BASE, instance_id))
    assert resp.status == 200, resp
    return resp.result['cacheInstance']


def _second(instance):
    return calendar.timegm(time.strptime(instance['createTime'], '%Y-%m-%dT%H:%M:%SZ'))


def _expected(instances, sorts=None, status=None, name=None):
    """The documented order, computed here: totalMemory (when given) outranks createTime (newest first by
    default, to the second), and the id breaks ties; filters are exact status and case-insensitive substring."""
    directions = {s['name']: s['direction'] for s in sorts or () if s['direction']}
    created_sign = -1 if directions.get('createTime', 'desc') == 'desc' else 1
    memory_sign = {'asc': 1, 'desc': -1, None: 0}[directions.get('totalMemory')]
    chosen = [
        i
        for i in instances
        if (status is None or i['cacheInstanceStatus'] in status)
        and (name is None or name.lower() in i['cacheInstanceName'].lower())
    ]
    chosen.sort(
        key=lambda i: (memory_sign * i['cacheInstanceMemoryMB'], created_sign * _second(i), i['cacheInstanceId'])
    )
    return _ids(chosen)


def _create(api, name, instance_class='redis.m.micro.basic', region=REGION):
    body = {
        'cacheInstance': {
            'vpcId': 'vpc-aaaa1111',
            'subnetId': 'subnet-bbbb2222',
            'cacheInstanceName': name,
            'cacheInstanceClass': instance_class,
            'password': PASSWORD,
            'redisVersion': '4.0',
            'azId': {'master': region + 'a', 'slave': region + 'b'},
        },
        'charge': {'chargeMode': 'postpaid_by_duration'},
    }
    resp = api.call('POST', '/regions/%s/cacheInstance' % region, region, body=body)
    assert resp.status == 200, resp
    return resp.result['cacheInstanceId']


def _rename(api, instance_id, name):
    return api.call('PATCH', '%s/%s' % (BASE, instance_id), body={'cacheInstanceName': name}).status


def _resize(api, instance_id, instance_class):
    return api.call(
        'POST', '%s/%s:modifyCacheInstanceClass' % (BASE, instance_id), body={'cacheInstanceClass': instance_class}
    ).status


def _delete(api, instance_id):
    return api.call('DELETE', '%s/%s' % (BASE, instance_id)).status


def _freeze(emulator, **delays):
    """Transitions that take ``delays`` on the emulator's clock, stopped until _wait_past moves it."""
    emulator.admin.freeze()
    emulator.admin.config(**delays)


def _wait_past(emulator):
    emulator.admin.advance(DELAY)


# ------------------------------------------------------------------------------------------ each change, once
def test_create_shows_in_totals_pages_and_first_place(api, emulator):
    emulator.admin.set_quota(REGION, 40)
    seeded = emulator.admin.seed(25)
    before = _list(api, pageNumber=3, pageSize=10)
    assert (before['totalCount'], len(before['cacheInstances'])) == (25, 5)
    new = _create(api, 'fresh_one')
    assert _ids(_list(api, pageNumber=1, pageSize=10)['cacheInstances'])[0] == new  # newest first
    after = _list(api, pageNumber=3, pageSize=10)
    assert (after['totalCount'], len(after['cacheInstances'])) == (26, 6)
    assert _ids(_all(api)[0]) == [new] + list(reversed(seeded))


def test_delete_leaves_totals_pages_and_quota(api, emulator):
    seeded = emulator.admin.seed(25)
    assert _list(api, pageNumber=3, pageSize=10)['totalCount'] == 25
    assert _delete(api, seeded[7]) == 200
    assert _list(api, pageNumber=3, pageSize=10)['totalCount'] == 24
    assert _ids(_all(api)[0]) == [i for i in reversed(seeded) if i != seeded[7]]
    assert api.call('GET', '/regions/%s/quota' % REGION).result['quota']['used'] == 24


def test_rename_moves_instances_in_and_out_of_a_name_filter(api, emulator):
    seeded = emulator.admin.seed(15)
    name_filter = [{'name': 'cacheInstanceName', 'values': ['ALPHA']}]
    assert _list(api, filters=name_filter)['totalCount'] == 0
    assert len(_list(api, pageSize=100)['cacheInstances']) == 15
    assert _rename(api, seeded[3], 'alpha_one') == 200
    listed = _list(api, filters=name_filter)
    assert (listed['totalCount'], _ids(listed['cacheInstances'])) == (1, [seeded[3]])
    names = {i['cacheInstanceId']: i['cacheInstanceName'] for i in _list(api, pageSize=100)['cacheInstances']}
    assert names[seeded[3]] == 'alpha_one' and len(names) == 15
    assert _rename(api, seeded[3], 'beta_one') == 200
    assert _list(api, filters=name_filter)['totalCount'] == 0


def test_forced_status_moves_instances_between_status_filters(api, emulator):
    seeded = emulator.admin.seed(15)
    errors = [{'name': 'cacheInstanceStatus', 'values': ['error']}]
    running = [{'name': 'cacheInstanceStatus', 'values': ['running']}]
    assert (_list(api, filters=errors)['totalCount'], _list(api, filters=running)['totalCount']) == (0, 15)
    emulator.admin.force_status(seeded[0], 'error')
    assert _ids(_list(api, filters=errors)['cacheInstances']) == [seeded[0]]
    assert _list(api, filters=running)['totalCount'] == 14
    statuses = {i['cacheInstanceId']: i['cacheInstanceStatus'] for i in _all(api)[0]}
    assert statuses[seeded[0]] == 'error' and set(statuses.values()) == {'running', 'error'}
    emulator.admin.force_status(seeded[0], 'running')
    assert (_list(api, filters=errors)['totalCount'], _list(api, filters=running)['totalCount']) == (0, 15)


def test_resize_moves_an_instance_in_memory_sorts(api, emulator):
    emulator.admin.set_quota(REGION, 40)
    small = _create(api, 'small_one', 'redis.m.small.basic')
    medium = _create(api, 'medium_one', 'redis.m.medium.basic')
    micro = _create(api, 'micro_one', 'redis.m.micro.basic')
    desc, asc = SORTS['memory-desc'], SORTS['memory-asc']
    assert _ids(_all(api, sorts=desc)[0]) == [medium, small, micro]
    assert _ids(_all(api, sorts=asc)[0]) == [micro, small, medium]
    assert _resize(api, micro, 'redis.m.large.basic') == 200
    assert _ids(_all(api, sorts=desc)[0]) == [micro, medium, small]
    assert _ids(_all(api, sorts=asc)[0]) == [small, medium, micro]
    assert _all(api, sorts=desc)[0][0]['cacheInstanceMemoryMB'] == 8192


def test_password_reset_shows_in_listed_auth(api, make_instance):
    instance_id = make_instance()
    assert _list(api)['cacheInstances'][0]['auth'] is True
    resp = api.call('POST', '%s/%s:resetCacheInstancePassword' % (BASE, instance_id), body={'password': ''})
    assert resp.status == 200
    assert _list(api)['cacheInstances'][0]['auth'] is False


def test_expire_shows_in_listed_charge(api, emulator, make_instance):
    instance_id = make_instance()
    assert _list(api)['cacheInstances'][0]['charge']['chargeStatus'] == 'normal'
    emulator.admin.expire(instance_id)
    charge = _list(api)['cacheInstances'][0]['charge']
    assert charge['chargeStatus'] == 'overdue' and 'chargeExpiredTime' in charge


def test_seed_and_reset_after_listing(api, emulator):
    assert _list(api)['totalCount'] == 0
    ids = emulator.admin.seed(12)
    assert _ids(_all(api)[0]) == list(reversed(ids))
    emulator.admin.reset(state=True)
    assert _list(api) == {'cacheInstances': [], 'totalCount': 0}
    assert _list(api, filters=[{'name': 'cacheInstanceStatus', 'values': ['running']}])['totalCount'] == 0


def test_regions_are_memoised_apart(api, emulator):
    north = emulator.admin.seed(3)
    south = emulator.admin.seed(3, region='cn-south-1')
    assert _ids(_all(api)[0]) == list(reversed(north))
    assert _ids(_all(api, region='cn-south-1')[0]) == list(reversed(south))
    added = _create(api, 'south_new', region='cn-south-1')
    assert _ids(_all(api)[0]) == list(reversed(north))
    assert _ids(_all(api, region='cn-south-1')[0]) == [added] + list(reversed(south))


def test_different_queries_never_share_a_result(api, emulator):
    web = _create(api, 'web_cache', 'redis.m.large.basic')
    db = _create(api, 'db_cache', 'redis.c.small.basic')
    emulator.admin.force_status(db, 'error')
    cases = [
        (dict(filters=[{'name': 'cacheInstanceName', 'values': ['web']}]), [web]),
        (dict(filters=[{'name': 'cacheInstanceName', 'values': ['db']}]), [db]),
        (dict(filters=[{'name': 'cacheInstanceStatus', 'values': ['error']}]), [db]),
        (dict(filters=[{'name': 'cacheInstanceStatus', 'values': ['running']}]), [web]),
        (dict(filters=[{'name': 'cacheInstanceId', 'values': [web]}]), [web]),
        (dict(filters=[{'name': 'cacheInstanceId', 'values': [db]}]), [db]),
        (dict(filters=[{'name': 'instanceType', 'values': ['redis']}]), [web]),
        (dict(filters=[{'name': 'instanceType', 'values': ['redis_cluster']}]), [db]),
        (dict(sorts=SORTS['memory-desc']), [db, web]),
        (dict(sorts=SORTS['memory-asc']), [web, db]),
        (dict(pageNumber=2), []),
    ]
    for _dummy in range(2):  # the second time, every query has a memoised result
        for query, expected in cases:
            assert _ids(_list(api, **query)['cacheInstances']) == expected, query


# ------------------------------------------------------------------------------------------ the clock
def test_create_delay_elapsing_updates_status_filters_and_statuses(api, emulator):
    _freeze(emulator, create_delay=DELAY)
    emulator.admin.set_quota(REGION, 40)
    seeded = emulator.admin.seed(5)
    created = [_create(api, 'slow_%d' % n) for n in range(2)]
    creating = [{'name': 'cacheInstanceStatus', 'values': ['creating']}]
    running = [{'name': 'cacheInstanceStatus', 'values': ['running']}]
    assert sorted(_ids(_all(api, filters=creating)[0])) == sorted(created)
    assert sorted(_ids(_all(api, filters=running)[0])) == sorted(seeded)
    assert {i['cacheInstanceStatus'] for i in _all(api)[0] if i['cacheInstanceId'] in created} == {'creating'}
    _wait_past(emulator)
    assert _all(api, filters=creating) == ([], 0)
    assert sorted(_ids(_all(api, filters=running)[0])) == sorted(seeded + created)
    assert {i['cacheInstanceStatus'] for i in _all(api)[0]} == {'running'}


def test_delete_delay_elapsing_removes_instances_from_listings(api, emulator):
    _freeze(emulator, delete_delay=DELAY)
    seeded = emulator.admin.seed(8)
    deleting = [{'name': 'cacheInstanceStatus', 'values': ['deleting']}]
    assert _all(api, filters=deleting) == ([], 0)
    assert _delete(api, seeded[1]) == 200 and _delete(api, seeded[2]) == 200
    assert sorted(_ids(_all(api, filters=deleting)[0])) == sorted(seeded[1:3])
    assert _all(api)[1] == 8
    _wait_past(emulator)
    assert _all(api, filters=deleting) == ([], 0)
    assert _ids(_all(api)[0]) == [i for i in reversed(seeded) if i not in seeded[1:3]]
    assert emulator.admin.stats()['instances'] == 6


def test_resize_delay_elapsing_reorders_memory_sorts(api, emulator):
    _freeze(emulator, resize_delay=DELAY)
    small = _create(api, 'small_one', 'redis.m.small.basic')
    micro = _create(api, 'micro_one', 'redis.m.micro.basic')
    desc = SORTS['memory-desc']
    changing = [{'name': 'cacheInstanceStatus', 'values': ['changing']}]
    assert _ids(_all(api, sorts=desc)[0]) == [small, micro]
    assert _all(api, filters=changing) == ([], 0)
    assert _resize(api, micro, 'redis.m.large.basic') == 200
    assert _ids(_all(api, filters=changing)[0]) == [micro]
    listed = _all(api, sorts=desc)[0]
    # the new class (and so the new place) only when the change completes
    assert [(i['cacheInstanceId'], i['cacheInstanceStatus'], i['cacheInstanceMemoryMB']) for i in listed] == [
        (small, 'running', 2048),
        (micro, 'changing', 1024),
    ]
    _wait_past(emulator)
    listed = _all(api, sorts=desc)[0]
    assert [(i['cacheInstanceId'], i['cacheInstanceStatus'], i['cacheInstanceMemoryMB']) for i in listed] == [
        (micro, 'running', 8192),
        (small, 'running', 2048),
    ]
    assert _all(api, filters=changing) == ([], 0)


# ------------------------------------------------------------------------------------------ against a model
class _Fleet:
    """What the test knows about each instance, kept from the answers to its own calls."""

    def __init__(self, api, ids):
        self.api = api
        self.instances = {i: _get(api, i) for i in ids}

    def refresh(self, instance_id):
        self.instances[instance_id] = _get(self.api, instance_id)

    def pick(self, index):
        ids = sorted(self.instances)
        return ids[index % len(ids)] if ids else None


CHANGES = st.one_of(
    st.tuples(st.just('create'), st.integers(0, 99), st.sampled_from(sorted(MEMORY_MB))),
    st.tuples(st.just('rename'), st.integers(0, 99), st.sampled_from(['alpha', 'Beta', 'gamma_x', 'seed_x'])),
    st.tuples(st.just('resize'), st.integers(0, 99), st.sampled_from(sorted(MEMORY_MB))),
    st.tuples(st.just('delete'), st.integers(0, 99), st.none()),
    st.tuples(st.just('force'), st.integers(0, 99), st.sampled_from(['error', 'running', 'creating', 'upgrading'])),
)
QUERIES = st.tuples(
    st.sampled_from(sorted(SORTS)),
    st.sampled_from([None, ['running'], ['error', 'creating']]),
    st.sampled_from([None, 'a', 'seed', 'BETA']),
    st.sampled_from([10, 20]),
)
# listed before and after every change, so that each change meets memoised results of these
STANDING_QUERIES = [
    ('default', None, None, 10),
    ('memory-desc', ['running'], None, 10),
    ('created-asc', None, 'a', 10),
    ('memory-asc', ['error', 'creating'], 'seed', 10),
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(CHANGES, QUERIES), min_size=1, max_size=8), first=QUERIES)
def test_listings_follow_every_change(api, emulator, steps, first):
    """Random changes, each followed by a listing that must equal what the test's own model predicts."""
    emulator.admin.reset(state=True)
    emulator.admin.set_quota(REGION, 100)
    fleet = _Fleet(api, emulator.admin.seed(7))
    made = 0

    def check(query):
        sort_name, status, name, page_size = query
        filters = []
        if status:
            filters.append({'name': 'cacheInstanceStatus', 'values': status})
        if name:
            filters.append({'name': 'cacheInstanceName', 'values': [name]})
        items, total = _all(api, page_size=page_size, sorts=SORTS[sort_name], filters=filters or None)
        expected = _expected(fleet.instances.values(), SORTS[sort_name], status, name)
        assert (_ids(items), total) == (expected, len(expected)), query
        for item in items:  # and each listed instance as a single read shows it
            known = fleet.instances[item['cacheInstanceId']]
            assert (item['cacheInstanceStatus'], item['cacheInstanceName'], item['cacheInstanceClass']) == (
                known['cacheInstanceStatus'],
                known['cacheInstanceName'],
                known['cacheInstanceClass'],
            )

    for query in STANDING_QUERIES + [first]:
        check(query)
    for (operation, index, value), query in steps:
        target = fleet.pick(index)
        if operation == 'create' or target is None:
            made += 1
            fleet.refresh(_create(api, 'made_%d' % made, value if operation == 'create' else 'redis.m.micro.basic'))
        elif operation == 'rename':
            if _rename(api, target, value) == 200:
                fleet.refresh(target)
        elif operation == 'resize':
            if _resize(api, target, value) == 200:
                fleet.refresh(target)
        elif operation == 'delete':
            if _delete(api, target) == 200:
                del fleet.instances[target]
        else:
            emulator.admin.force_status(target, value)
            fleet.refresh(target)
        for standing in STANDING_QUERIES + [query]:
            check(standing)


# ------------------------------------------------------------------------------------------ concurrency
def test_pages_stay_consistent_while_others_change_the_region(emulator):
    """Readers page through 250 instances while a writer creates, renames, resizes, forces and deletes.

    Each answer is one snapshot: no instance twice in a page, as many as the total allows, in order,
    every one matching the filter.  Once the writer stops, a full listing equals the single reads."""
    emulator.admin.set_quota(REGION, 400)
    seeded = emulator.admin.seed(250)
    stop, errors, kept = threading.Event(), [], []

    def new_client():
        return sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)

    def writer():
        client = new_client()
        try:
            for n in range(40):
                victim = seeded[(n * 7) % len(seeded)]
                _rename(client, victim, 'renamed_%d' % n)
                made = _create(client, 'made_%d' % n, 'redis.m.small.basic')
                _resize(client, seeded[(n * 11) % len(seeded)], 'redis.m.large.basic')
                if n % 3 == 0:
                    emulator.admin.force_status(victim, 'error')
                if n % 2 == 0:
                    assert _delete(client, made) == 200
                else:
                    kept.append(made)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)
        finally:
            client.close()
            stop.set()

    def reader(query, check_item):
        client = new_client()
        try:
            while not stop.is_set():
                for number in range(1, 5):
                    page = _list(client, pageNumber=number, pageSize=100, **query)
                    ids = _ids(page['cacheInstances'])
                    assert len(ids) == len(set(ids)), 'an instance twice in one page'
                    assert len(ids) == max(0, min(100, page['totalCount'] - (number - 1) * 100))
                    keys = [check_item(i) for i in page['cacheInstances']]
                    assert keys == sorted(keys), 'a page out of order'
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)
        finally:
            client.close()

    def newest_first(item):
        return (-_second(item), item['cacheInstanceId'])

    def running_by_memory(item):
        assert item['cacheInstanceStatus'] == 'running'
        return (-item['cacheInstanceMemoryMB'], -_second(item), item['cacheInstanceId'])

    def named_seed(item):
        assert 'seed' in item['cacheInstanceName'].lower()
        return (_second(item), item['cacheInstanceId'])

    threads = [
        threading.Thread(target=writer),
        threading.Thread(target=reader, args=({}, newest_first)),
        threading.Thread(
            target=reader,
            args=(
                dict(sorts=SORTS['memory-desc'], filters=[{'name': 'cacheInstanceStatus', 'values': ['running']}]),
                running_by_memory,
            ),
        ),
        threading.Thread(
            target=reader,
            args=(
                dict(sorts=SORTS['created-asc'], filters=[{'name': 'cacheInstanceName', 'values': ['SEED']}]),
                named_seed,
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    client = new_client()
    try:
        listed, total = _all(client, page_size=100)
        singles = [_get(client, i) for i in _ids(listed)]
        assert total == 250 + 20 and sorted(_ids(listed)) == sorted(seeded + kept)
        assert _ids(listed) == _expected(singles)
        assert [(i['cacheInstanceStatus'], i['cacheInstanceName'], i['cacheInstanceClass']) for i in listed] == [
            (i['cacheInstanceStatus'], i['cacheInstanceName'], i['cacheInstanceClass']) for i in singles
        ]
    finally:
        client.close()


def test_in_place_edits_declared_with_changed_are_listed(api, emulator):
    """Tests edit instances in place (back-dated createTime); ``Store.changed`` is how they say so."""
    seeded = emulator.admin.seed(3)
    assert _ids(_all(api)[0]) == list(reversed(seeded))
    store = emulator.server.store
    with store.lock:
        store.instances[seeded[0]].create_time += 3600
        store.changed(REGION)
    assert _ids(_all(api)[0]) == [seeded[0], seeded[2], seeded[1]]
