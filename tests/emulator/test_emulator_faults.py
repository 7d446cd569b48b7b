"""Fault injection, observed with plain http.client / requests and the test-side signer."""

from __future__ import annotations

import time

import pytest
import requests
import sigv
from emu_helpers import create_body
from jdcloud_redis_emulator import AdminClient

BASE = '/regions/cn-north-1/cacheInstance'


def _statuses(api, count, path='/regions/cn-north-1/quota'):
    return [api.call('GET', path).status for dummy in range(count)]


def test_error_rate_answers_500_502_503(api, emulator):
    emulator.admin.config(error_rate=1.0, fault_seed=7)
    seen = {}
    for _dummy in range(30):
        resp = api.call('GET', '/regions/cn-north-1/quota')
        seen.setdefault(resp.status, resp)
    assert set(seen) == {500, 502, 503}
    assert seen[500].error == {'code': 500, 'status': 'INTERNAL', 'message': 'Internal server error'}
    assert seen[503].error['code'] == 503 and seen[503].json['requestId']
    assert (
        seen[502].headers['content-type'] == 'text/html' and b'502 Bad Gateway' in seen[502].raw
    )  # like a load balancer
    stats = emulator.admin.stats()
    assert stats['faults'] == {'error': 30} and stats['calls']['describeUserQuota'] == 30
    assert {r['fault'] for r in emulator.admin.requests()} == {'error'}


def test_partial_error_rate_is_repeatable_with_a_seed(api, emulator):
    emulator.admin.config(error_rate=0.5, fault_seed=42)
    first = _statuses(api, 40)
    emulator.admin.config(fault_seed=42)
    assert _statuses(api, 40) == first
    assert 5 < sum(s == 200 for s in first) < 35
    emulator.admin.config(error_rate=0.0)
    assert _statuses(api, 5) == [200] * 5


def test_throttling_with_retry_after(api, emulator):
    emulator.admin.config(throttle_rate=1.0, retry_after=7)
    resp = api.call('GET', '/regions/cn-north-1/quota')
    assert resp.status == 429 and resp.headers['retry-after'] == '7'
    assert resp.error['code'] == 429 and resp.error['status'] == 'TOO_MANY_REQUESTS'  # not QUOTA_EXCEEDED
    assert emulator.admin.stats()['faults'] == {'throttle': 1}


def test_latency_applies_to_every_api_request(api, emulator):
    emulator.admin.config(latency_ms=150)
    start = time.time()
    assert api.call('GET', '/regions/cn-north-1/quota').status == 200
    assert api.call('GET', '/regions/cn-north-1/nothing-here').status == 404
    assert time.time() - start >= 0.3  # a lower bound: a loaded machine only adds to it
    # the admin endpoint is not delayed: with ten minutes of latency, a client that waits 10 s still gets answers
    emulator.admin.config(latency_ms=600000)
    assert AdminClient(emulator.url, timeout=10).stats()['total_calls'] == 2


def test_connection_reset(api, emulator):
    emulator.admin.config(reset_rate=1.0)
    with pytest.raises(ConnectionResetError):
        api.call('GET', '/regions/cn-north-1/quota')
    target, dummy, headers = api.prepare('GET', '/regions/cn-north-1/quota')
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        requests.get(emulator.url + target, headers=headers, timeout=5)
    assert 'reset' in str(info.value).lower()
    assert emulator.admin.stats()['faults'] == {'reset': 2}
    assert [(r['status'], r['fault']) for r in emulator.admin.requests()] == [(None, 'reset')] * 2


@pytest.mark.parametrize('operation', ['create', 'modify', 'delete', 'resize', 'password'])
def test_drop_response_applies_the_write(api, emulator, make_instance, get_instance, operation):
    instance_id = make_instance()
    emulator.admin.config(drop_response_rate=1.0)
    with pytest.raises(ConnectionResetError):
        if operation == 'create':
            api.call('POST', BASE, body=create_body(cacheInstanceName='dropped'))
        elif operation == 'modify':
            api.call('PATCH', BASE + '/' + instance_id, body={'cacheInstanceName': 'dropped'})
        elif operation == 'delete':
            api.call('DELETE', BASE + '/' + instance_id)
        elif operation == 'resize':
            api.call(
                'POST',
                BASE + '/%s:modifyCacheInstanceClass' % instance_id,
                body={'cacheInstanceClass': 'redis.m.small.basic'},
            )
        else:
            api.call('POST', BASE + '/%s:resetCacheInstancePassword' % instance_id, body={'password': 'Dropped123'})
    assert emulator.admin.requests()[-1]['status'] == 200 and emulator.admin.requests()[-1]['fault'] == 'drop_response'
    # reads are never dropped, so the client can see what happened
    listed = api.call('GET', BASE).result['cacheInstances']
    if operation == 'create':
        assert sorted(i['cacheInstanceName'] for i in listed) == ['dropped', 'my_redis']
    elif operation == 'modify':
        assert get_instance(instance_id)['cacheInstanceName'] == 'dropped'
    elif operation == 'delete':
        assert listed == []
    elif operation == 'resize':
        assert get_instance(instance_id)['cacheInstanceClass'] == 'redis.m.small.basic'
    else:
        assert emulator.admin.check_password(instance_id, 'Dropped123')
    assert emulator.admin.stats()['faults'] == {'drop_response': 1}


def test_fault_operations_limit_the_faults(api, emulator, make_instance):
    instance_id = make_instance()
    emulator.admin.config(error_rate=1.0, fault_operations=['createCacheInstance'])
    assert api.call('GET', BASE + '/' + instance_id).status == 200
    assert api.call('POST', BASE, body=create_body()).status in (500, 502, 503)
    assert api.call('GET', BASE).result['totalCount'] == 1


def test_faults_come_before_signature_checks_and_are_counted(api, emulator):
    emulator.admin.config(error_rate=1.0)
    assert api.send_raw('GET', '/v1/regions/cn-north-1/quota', b'', {}).status in (500, 502, 503)
    emulator.admin.config(error_rate=0.0)
    assert api.send_raw('GET', '/v1/regions/cn-north-1/quota', b'', {}).status == 401
    stats = emulator.admin.stats()
    assert stats['calls']['describeUserQuota'] == 2 and stats['total_calls'] == 2 and stats['faults'] == {'error': 1}


def test_admin_endpoint_is_never_faulted_delayed_or_counted(emulator):
    # ten minutes of latency: an admin client that waits 10 s would time out if it applied
    emulator.admin.config(reset_rate=1.0, error_rate=1.0, throttle_rate=1.0, latency_ms=600000)
    admin = AdminClient(emulator.url, timeout=10)
    for _dummy in range(5):
        assert admin.stats()['total_calls'] == 0
    assert admin.requests() == []


def test_faults_off_by_default(api, emulator):
    assert _statuses(api, 20) == [200] * 20
    assert emulator.admin.stats()['faults'] == {}
    assert emulator.admin.config()['error_rate'] == 0.0


def test_unsigned_client_sees_faults_too(emulator):
    """A plain requests session (keep-alive) gets a clean answer after a reset: the server state is not damaged."""
    client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
    session = requests.Session()
    emulator.admin.config(reset_rate=1.0, fault_operations=['describeUserQuota'])
    target, dummy, headers = client.prepare('GET', '/regions/cn-north-1/quota')
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(emulator.url + target, headers=headers, timeout=5)
    target, dummy, headers = client.prepare('GET', '/regions/cn-north-1/instanceClass')
    assert session.get(emulator.url + target, headers=headers, timeout=5).status_code == 200
    session.close()
