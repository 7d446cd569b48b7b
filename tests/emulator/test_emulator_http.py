"""HTTP behaviour: routes, envelopes, headers, keep-alive, concurrency, request decoding."""

from __future__ import annotations

import http.client
import json
import socket
import threading

import pytest
import sigv
from emu_helpers import REQUEST_ID_RE, create_body

REGIONS = ('cn-north-1', 'cn-south-1', 'cn-east-2', 'cn-east-1')


def test_success_envelope_and_request_id_header(api):
    resp = api.call('GET', '/regions/cn-north-1/quota')
    assert resp.status == 200
    assert set(resp.json) == {'requestId', 'result'}
    assert REQUEST_ID_RE.match(resp.json['requestId'])
    assert resp.headers['x-jdcloud-request-id'] == resp.json['requestId']
    assert resp.headers['content-type'].startswith('application/json')
    assert int(resp.headers['content-length']) == len(resp.raw)


def test_error_envelope_code_equals_http_status(api):
    resp = api.call('GET', '/regions/cn-north-1/cacheInstance/redis-000000000000')
    assert resp.status == 404
    assert set(resp.json) == {'requestId', 'error'}
    assert resp.json['error'] == {
        'code': 404,
        'status': 'NOT_FOUND',
        'message': "cacheInstance 'redis-000000000000' not found",
    }
    assert resp.headers['x-jdcloud-request-id'] == resp.json['requestId']


def test_operations_without_result_return_only_request_id(api, make_instance):
    instance_id = make_instance()
    resp = api.call('PATCH', '/regions/cn-north-1/cacheInstance/' + instance_id, body={'cacheInstanceName': 'other'})
    assert resp.status == 200 and set(resp.json) == {'requestId'}
    resp = api.call('DELETE', '/regions/cn-north-1/cacheInstance/' + instance_id)
    assert resp.status == 200 and set(resp.json) == {'requestId'}


@pytest.mark.parametrize(
    'path',
    [
        '/regions/cn-north-1/cacheInstances',
        '/regions/cn-north-1/cacheInstance/redis-x:restartInstance',
        '/regions/cn-north-1/specConfig',
        '/regions/cn-north-1',
    ],
)
def test_unknown_route_is_404(api, path):
    resp = api.call('GET', path)
    assert resp.status == 404 and resp.error['status'] == 'NOT_FOUND' and resp.error['code'] == 404


def test_route_outside_v1_is_404(api):
    target, body, headers = api.prepare('GET', '/regions/cn-north-1/quota')
    resp = api.send_raw('GET', target.replace('/v1/', '/v2/'), body, headers)
    assert resp.status == 404 and resp.error['status'] == 'NOT_FOUND'


@pytest.mark.parametrize(
    'method,path,allowed',
    [
        ('PUT', '/regions/cn-north-1/cacheInstance', 'GET, POST'),
        ('POST', '/regions/cn-north-1/quota', 'GET'),
        ('GET', '/regions/cn-north-1/cacheInstance/redis-abcdefabcdef:modifyCacheInstanceClass', 'POST'),
    ],
)
def test_wrong_method_on_known_path_is_405(api, method, path, allowed):
    resp = api.call(method, path, body={} if method in ('PUT', 'POST') else None)
    assert resp.status == 405 and resp.error['status'] == 'METHOD_NOT_ALLOWED'
    assert resp.headers['allow'] == allowed


@pytest.mark.parametrize('region', REGIONS)
def test_every_catalogue_region_is_served(api, make_instance, region):
    instance_id = make_instance(region=region)
    resp = api.call('GET', '/regions/%s/cacheInstance' % region, region)
    assert [i['cacheInstanceId'] for i in resp.result['cacheInstances']] == [instance_id]
    assert api.call('GET', '/regions/%s/quota' % region, region).result['quota']['used'] == 1
    assert api.call('GET', '/regions/%s/instanceClass' % region, region).result['totalCount'] > 0


def test_unknown_region_is_invalid_argument(api):
    resp = api.call('GET', '/regions/cn-west-9/quota', 'cn-west-9')
    assert resp.status == 400 and resp.error['status'] == 'INVALID_ARGUMENT' and 'regionId' in resp.error['message']


def test_action_suffix_raw_and_percent_encoded(api, make_instance, get_instance):
    instance_id = make_instance()
    resp = api.call(
        'POST',
        '/regions/cn-north-1/cacheInstance/%s%%3AmodifyCacheInstanceClass' % instance_id,
        body={'cacheInstanceClass': 'redis.m.small.basic'},
    )
    assert resp.status == 200, resp
    resp = api.call(
        'POST', '/regions/cn-north-1/cacheInstance/%s:resetCacheInstancePassword' % instance_id, body={'password': ''}
    )
    assert resp.status == 200, resp
    inst = get_instance(instance_id)
    assert inst['cacheInstanceClass'] == 'redis.m.small.basic' and inst['auth'] is False


@pytest.mark.parametrize(
    'body,detail',
    [('{"cacheInstance": ', 'not valid JSON'), ('[1, 2]', 'JSON object'), (b'\xff\xfe', 'not valid JSON')],
)
def test_malformed_body_is_invalid_argument(api, body, detail):
    target = '/v1/regions/cn-north-1/cacheInstance'
    headers = sigv.signed_headers(
        'POST', api.base + target, body if isinstance(body, bytes) else body.encode(), api.ak, api.sk, 'cn-north-1'
    )
    resp = api.send_raw('POST', target, body, headers)
    assert resp.status == 400 and resp.error['status'] == 'INVALID_ARGUMENT' and detail in resp.error['message']


def test_null_fields_and_path_params_in_body_are_ignored(api, get_instance):
    body = create_body(cacheInstanceDescription=None)
    body['cacheInstance'].update({'cacheInstanceDescription': None, 'ipv6On': None, 'shardNumber': None})
    body['charge'].update({'chargeUnit': None, 'chargeDuration': None})
    body['cacheInstance']['aFutureField'] = None  # null = not provided, so not an unknown parameter either
    body['regionId'] = 'cn-south-1'  # a path parameter: the path decides
    resp = api.call('POST', '/regions/cn-north-1/cacheInstance', body=body)
    assert resp.status == 200, resp
    inst = get_instance(resp.result['cacheInstanceId'])
    assert inst['cacheInstanceDescription'] == '' and inst['ipv6On'] == 0


def test_keep_alive_serves_many_requests_on_one_connection(api):
    api.call('GET', '/regions/cn-north-1/quota')
    sock = api.conn.sock
    for _dummy in range(5):
        assert api.call('GET', '/regions/cn-north-1/quota').status == 200
        assert api.call('GET', '/regions/cn-north-1/cacheInstance/redis-000000000000').status == 404
    assert api.conn.sock is sock


def test_concurrent_connections(emulator):
    errors, statuses = [], []

    def worker():
        client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
        try:
            for _dummy in range(10):
                statuses.append(client.call('GET', '/regions/cn-north-1/cacheInstance').status)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for dummy in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and statuses == [200] * 80
    assert emulator.admin.stats()['calls']['describeCacheInstances'] == 80


def test_chunked_body_is_refused(emulator):
    with socket.create_connection((emulator.host, emulator.port), timeout=5) as sock:
        sock.sendall(
            b'POST /v1/regions/cn-north-1/cacheInstance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'
            b'2\r\n{}\r\n0\r\n\r\n'
        )
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 411
        assert json.loads(response.read())['error']['code'] == 411


def test_oversized_body_is_refused(api):
    body = b'{"x": "' + b'a' * (1024 * 1024) + b'"}'
    target = '/v1/regions/cn-north-1/cacheInstance'
    resp = api.send_raw(
        'POST', target, body, sigv.signed_headers('POST', api.base + target, body, api.ak, api.sk, 'cn-north-1')
    )
    assert resp.status == 413
