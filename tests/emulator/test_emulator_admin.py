"""The admin endpoint (/_emulator/): observation, reset, configuration, seeding, quotas, forced statuses."""

from __future__ import annotations

import json
import threading

import pytest
import sigv
from emu_helpers import PASSWORD, create_body
from jdcloud_redis_emulator import OPERATIONS
from jdcloud_redis_emulator.admin import AdminError

BASE = '/regions/cn-north-1/cacheInstance'


def test_stats_count_every_operation(api, emulator, make_instance):
    instance_id = make_instance()
    api.call('GET', BASE + '/' + instance_id)
    api.call('GET', BASE + '/redis-000000000000')  # failures count too
    api.send_raw('GET', '/v1/regions/cn-north-1/quota', b'', {})  # so do 401s
    api.call('GET', '/regions/cn-north-1/nowhere')  # unknown routes: total only
    stats = emulator.admin.stats()
    assert set(stats) == {'calls', 'total_calls', 'peak_in_flight', 'faults', 'instances'}
    assert set(stats['calls']) == set(OPERATIONS)
    assert stats['calls']['createCacheInstance'] == 1 and stats['calls']['describeCacheInstance'] == 2
    assert stats['calls']['describeUserQuota'] == 1 and stats['calls']['deleteCacheInstance'] == 0
    assert stats['total_calls'] == 5 and stats['instances'] == 1 and stats['faults'] == {}


def test_request_log(api, emulator, make_instance):
    instance_id = make_instance()
    api.call('POST', BASE + '/%s:resetCacheInstancePassword' % instance_id, body={'password': 'Secret123pw'})
    resp = api.call('GET', BASE + '/redis-000000000000')
    log = emulator.admin.requests()
    assert [r['seq'] for r in log] == [1, 2, 3]
    assert [r['operation'] for r in log] == [
        'createCacheInstance',
        'resetCacheInstancePassword',
        'describeCacheInstance',
    ]
    assert [r['status'] for r in log] == [200, 200, 404]
    assert log[2] == dict(
        log[2], method='GET', path='/v1' + BASE + '/redis-000000000000', fault=None, request_id=resp.json['requestId']
    )
    assert log[0]['time'] <= log[1]['time'] <= log[2]['time']
    dumped = json.dumps(log)
    assert 'Secret123pw' not in dumped and PASSWORD not in dumped and emulator.secret_key not in dumped


def test_reset_counters_keeps_state(api, emulator, make_instance):
    make_instance()
    emulator.admin.config(error_rate=0.5)
    emulator.admin.reset(state=False)
    assert emulator.admin.stats()['total_calls'] == 0 and emulator.admin.requests() == []
    assert emulator.admin.config()['error_rate'] == 0.0
    assert api.call('GET', BASE).result['totalCount'] == 1


def test_reset_state_deletes_instances_and_restores_quotas(api, emulator, make_instance):
    make_instance()
    emulator.admin.set_quota('cn-north-1', 3)
    emulator.admin.reset(state=True)
    assert api.call('GET', BASE).result['totalCount'] == 0
    assert api.call('GET', '/regions/cn-north-1/quota').result['quota'] == {'name': '缓存Redis', 'max': 20, 'used': 0}
    assert emulator.admin.stats()['instances'] == 0


def test_config_round_trip_and_validation(emulator):
    settings = emulator.admin.config(
        error_rate=0.25, latency_ms=5, fault_operations=['describeUserQuota'], create_delay=1.5
    )
    assert (
        settings['error_rate'] == 0.25
        and settings['fault_operations'] == ['describeUserQuota']
        and settings['create_delay'] == 1.5
    )
    assert emulator.admin.config() == settings
    for bad in (
        {'error_rate': 1.5},
        {'error_rate': 'x'},
        {'latency_ms': -1},
        {'colour': 'red'},
        {'verify_signatures': 'no'},
        {'fault_operations': ['rebootEverything']},
        {'retry_after': 1.5},
        {'fault_seed': 'x'},
    ):
        with pytest.raises(AdminError) as info:
            emulator.admin.config(**bad)
        assert info.value.code == 400
    assert emulator.admin.config() == settings  # a refused change changes nothing


def test_seed(api, emulator):
    emulator.admin.set_quota('cn-south-1', 5)
    ids = emulator.admin.seed(30, region='cn-south-1', name_prefix='bulk')
    assert len(ids) == len(set(ids)) == 30
    listed = api.call('GET', '/regions/cn-south-1/cacheInstance', 'cn-south-1', query={'pageSize': 100}).result
    assert listed['totalCount'] == 30  # seeding bypasses the quota
    assert {i['cacheInstanceStatus'] for i in listed['cacheInstances']} == {'running'}
    assert all(i['cacheInstanceName'].startswith('bulk_') for i in listed['cacheInstances'])
    assert {i['cacheInstanceType'] for i in listed['cacheInstances']} == {'master-slave', 'cluster'}
    assert api.call('GET', '/regions/cn-south-1/quota', 'cn-south-1').result['quota'] == {
        'name': '缓存Redis',
        'max': 5,
        'used': 30,
    }
    assert (
        api.call('POST', '/regions/cn-south-1/cacheInstance', 'cn-south-1', body=create_body('cn-south-1')).status
        == 429
    )


@pytest.mark.parametrize(
    'body', [{'count': -1}, {'count': 'x'}, {'count': 1, 'region': 'mars-1'}, {'count': 1, 'name_prefix': 'bad-prefix'}]
)
def test_seed_validation(emulator, body):
    with pytest.raises(AdminError) as info:
        emulator.admin.call('POST', 'seed', body)
    assert info.value.code == 400


def test_force_status_validation(emulator, make_instance):
    instance_id = make_instance()
    with pytest.raises(AdminError) as info:
        emulator.admin.force_status(instance_id, 'exploded')
    assert info.value.code == 400
    with pytest.raises(AdminError) as info:
        emulator.admin.force_status('redis-000000000000', 'error')
    assert info.value.code == 404


def test_quota_validation_and_unknown_paths(emulator):
    for body in (
        {'region': 'cn-north-1', 'max': -1},
        {'region': 'nowhere', 'max': 3},
        {'region': 'cn-north-1', 'max': '3'},
    ):
        with pytest.raises(AdminError) as info:
            emulator.admin.call('POST', 'quota', body)
        assert info.value.code == 400
    with pytest.raises(AdminError) as info:
        emulator.admin.call('GET', 'does-not-exist')
    assert info.value.code == 404
    assert emulator.admin.health()['ok'] is True


def test_churn_applies_its_steps_between_list_answers(api, emulator):
    seeded = emulator.admin.seed(3, name_prefix='churned')
    names = {}
    for item in api.call('GET', BASE, query={'pageSize': '10'}).result['cacheInstances']:
        names[item['cacheInstanceId']] = item['cacheInstanceName']
    emulator.admin.churn(
        renames=[[seeded[0], names[seeded[0]], 'renamed_one']], deletes=[seeded[1]], seed_oldest=1, start=2, times=2
    )

    def listing():
        items = api.call('GET', BASE, query={'pageSize': '10'}).result['cacheInstances']
        return [(i['cacheInstanceId'], i['cacheInstanceName']) for i in items]

    first = listing()  # answer 1: no step yet
    assert dict(first)[seeded[0]] == names[seeded[0]] and len(first) == 3
    second = listing()  # answer 2 is computed, then step 1 applies
    assert second == first
    third = listing()  # sees step 1; step 2 toggles the name back and seeds one more
    assert dict(third)[seeded[0]] == 'renamed_one' and seeded[1] not in dict(third) and len(third) == 3
    assert third[-1][0] not in seeded  # the seeded one is the oldest
    fourth = listing()  # sees step 2; no step 3
    assert dict(fourth)[seeded[0]] == names[seeded[0]] and len(fourth) == 4
    assert emulator.admin.call('GET', 'churn') == {'active': True, 'answered': 4, 'steps': 2}
    emulator.admin.call('DELETE', 'churn')
    assert emulator.admin.call('GET', 'churn')['active'] is False


def test_churn_seeds_instances_newer_than_every_other(api, emulator):
    seeded = emulator.admin.seed(3)
    emulator.admin.churn(seed_newest=2)

    def listing():
        items = api.call('GET', BASE, query={'pageSize': '10'}).result['cacheInstances']
        return [(i['cacheInstanceId'], i['cacheInstanceName']) for i in items]

    assert [i for i, dummy in listing()] == list(reversed(seeded))
    after = listing()
    assert [i for i, dummy in after[2:]] == list(reversed(seeded))
    assert [n[: len('churn_new_')] for dummy, n in after[:2]] == ['churn_new_'] * 2


@pytest.mark.parametrize(
    'body',
    [
        {'renames': [['redis-x', 'a']]},
        {'deletes': 'redis-x'},
        {'times': -1},
        {'seed_oldest': True},
        {'seed_newest': -1},
    ],
)
def test_churn_validation(emulator, body):
    with pytest.raises(AdminError) as info:
        emulator.admin.churn(**body)
    assert info.value.code == 400


def test_request_hold_lets_skip_through_holds_count_and_releases_with_the_chosen_answer(api, emulator, make_instance):
    import threading

    instance_id = make_instance()
    path = BASE + '/' + instance_id
    emulator.admin.hold_requests('describeCacheInstance', count=2, skip=1)
    assert api.call('GET', path).status == 200  # skipped
    answers = []

    def get():
        # a connection of its own: the api fixture's one connection is busy while a request is held
        client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
        try:
            answers.append(client.call('GET', path).status)
        finally:
            client.close()

    threads = [threading.Thread(target=get) for _thread in range(2)]
    for thread in threads:
        thread.start()
    emulator.admin.wait_held_requests('describeCacheInstance', waiting=2)
    assert answers == [] and emulator.admin.held_requests() == {
        'describeCacheInstance': {'waiting': 2, 'count': 0, 'skip': 0}
    }
    assert api.call('GET', BASE).status == 200  # other operations go on
    emulator.admin.release_requests('describeCacheInstance', answer='error')
    for thread in threads:
        thread.join()
    assert answers == [503, 503] and emulator.admin.held_requests() == {}
    assert api.call('GET', path).status == 200  # the plan ended with the release
    assert [r['fault'] for r in emulator.admin.requests() if r['status'] == 503] == ['error', 'error']


def test_reset_releases_held_requests(api, emulator, make_instance):
    import threading

    make_instance()
    emulator.admin.hold_requests('describeUserQuota')
    answers = []
    client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
    thread = threading.Thread(target=lambda: answers.append(client.call('GET', '/regions/cn-north-1/quota').status))
    thread.start()
    emulator.admin.wait_held_requests('describeUserQuota')
    emulator.admin.reset(state=False)
    thread.join()
    client.close()
    assert answers == [200] and emulator.admin.held_requests() == {}


def test_request_hold_refuses_unknown_operations_and_bad_counts(emulator):
    with pytest.raises(AdminError):
        emulator.admin.hold_requests('noSuchOperation')
    with pytest.raises(AdminError):
        emulator.admin.hold_requests('describeUserQuota', count=-1)
    with pytest.raises(AdminError):
        emulator.admin.release_requests(answer='maybe')


def test_waiting_for_held_requests_blocks_in_the_emulator_until_they_arrive(api, emulator, make_instance):
    """POST hold-requests/wait answers once the request is held (a test whose client runs in the background
    learns it without polling), and 408 when it is not held in time."""
    make_instance()
    emulator.admin.hold_requests('describeUserQuota')
    with pytest.raises(AssertionError, match='no describeUserQuota request was held within 0 seconds'):
        emulator.admin.wait_held_requests('describeUserQuota', timeout=0)
    answers = []
    client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
    thread = threading.Thread(target=lambda: answers.append(client.call('GET', '/regions/cn-north-1/quota').status))
    thread.start()
    try:
        plans = emulator.admin.wait_held_requests('describeUserQuota', timeout=30)
        assert plans == {'describeUserQuota': {'waiting': 1, 'count': 0, 'skip': 0}} and answers == []
        # already held: answers at once; two are never held
        assert emulator.admin.wait_held_requests('describeUserQuota', timeout=30) == plans
        with pytest.raises(AdminError) as info:
            emulator.admin.call(
                'POST', 'hold-requests/wait', {'operation': 'describeUserQuota', 'waiting': 2, 'timeout': 0}
            )
        assert info.value.code == 408
    finally:
        emulator.admin.release_requests()
        thread.join()
        client.close()
    assert answers == [200]


@pytest.mark.parametrize(
    'body',
    [
        {'operation': 'noSuchOperation'},
        {'operation': 'describeUserQuota', 'waiting': 0},
        {'operation': 'describeUserQuota', 'waiting': True},
        {'operation': 'describeUserQuota', 'timeout': -1},
        {'operation': 'describeUserQuota', 'timeout': 301},
        {'operation': 'describeUserQuota', 'count': 1},
    ],
)
def test_waiting_for_held_requests_refuses_bad_bodies(emulator, body):
    with pytest.raises(AdminError) as info:
        emulator.admin.call('POST', 'hold-requests/wait', body)
    assert info.value.code == 400


def test_peak_in_flight_counts_the_requests_handled_at_once(emulator):
    clients = [sigv.Client(emulator.url, emulator.access_key, emulator.secret_key) for dummy in range(3)]
    try:
        emulator.admin.hold_requests('describeUserQuota', count=3)
        threads = [threading.Thread(target=c.call, args=('GET', '/regions/cn-north-1/quota')) for c in clients]
        for thread in threads:
            thread.start()
        emulator.admin.wait_held_requests('describeUserQuota', waiting=3)
        emulator.admin.release_requests('describeUserQuota')
        for thread in threads:
            thread.join()
        assert emulator.admin.stats()['peak_in_flight'] == 3
        emulator.admin.reset(state=False)
        for client in clients:
            client.call('GET', '/regions/cn-north-1/quota')
        assert emulator.admin.stats()['peak_in_flight'] == 1
    finally:
        for client in clients:
            client.close()
