# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The API client over real HTTP against a scripted server on 127.0.0.1."""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid

import pytest
import sdk_signer

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import error_dict
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    COLLECTION_VERSION,
    HAS_REQUESTS,
    JDCloudAPIError,
    JDCloudClient,
    JDCloudError,
    JDCloudOutcomeUnknownError,
    JDCloudTimeoutError,
    JDCloudTransportError,
)
from ansible_collections.jdcloud.cloud.tests.unit.plugins.module_utils.canned_http import (
    CannedServer,
    Reply,
    api_error,
    free_port_refusing,
    ok,
)

AK = 'HTTPTESTACCESSKEY000000000000001'
SK = 'HTTPTESTSECRETKEY00000000000000Z'
PASSWORD = 'Pw0rdInBody9876'
INSTANCE_PATH = '/regions/cn-north-1/cacheInstance/redis-abc123xyz'


@pytest.fixture
def server():
    with CannedServer() as canned:
        yield canned


class Recorder:
    """Stands in for time.sleep: records each delay; optional hook runs on every call."""

    def __init__(self, hook=None, real=False):
        self.delays = []
        self.hook = hook
        self.real = real

    def __call__(self, delay):
        self.delays.append(delay)
        if self.hook:
            self.hook()
        if self.real:
            time.sleep(delay)


def verify_signature(received):
    """The SDK's verdict on a request the scripted server received."""
    return sdk_signer.verify(received['method'], received['path'], received['headers'], received['body'], {AK: SK})


def make_client(url, **options):
    options.setdefault('timeout', 5)
    client = JDCloudClient(AK, SK, endpoint=url, **options)
    client.sleep = Recorder()
    return client


def test_requests_is_available_and_version_matches_galaxy_yml():
    assert HAS_REQUESTS
    galaxy = os.path.join(
        os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'], 'ansible_collections', 'jdcloud', 'cloud', 'galaxy.yml'
    )
    with open(galaxy, encoding='utf-8') as handle:
        version = re.search(r'^version:\s*[\'"]?([^\s\'"]+)', handle.read(), re.MULTILINE).group(1)
    assert version == COLLECTION_VERSION


def test_missing_requests_is_reported_not_raised_at_import():
    """Modules must be able to import the client and fail cleanly with missing_required_lib."""
    script = (
        'import sys\n'
        'sys.modules["requests"] = None\n'  # makes "import requests" raise ImportError
        'from ansible_collections.jdcloud.cloud.plugins.module_utils import _client\n'
        'assert _client.HAS_REQUESTS is False\n'
        'assert "requests" in _client.REQUESTS_IMPORT_ERROR\n'
        'try:\n'
        '    _client.JDCloudClient("a", "b")\n'
        'except _client.JDCloudError as exc:\n'
        '    print("refused:", exc.message)\n'
    )
    env = dict(os.environ, PYTHONPATH=os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'])
    done = subprocess.run(
        [sys.executable, '-c', script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert 'refused: the Python library "requests" is required' in done.stdout


def test_get_success_returns_result_and_sends_signed_headers(server):
    server.add(ok({'cacheInstance': {'cacheInstanceId': 'redis-abc123xyz'}}, request_id='req-get-1'))
    client = make_client(server.url)
    assert client.request('GET', INSTANCE_PATH, 'cn-north-1') == {
        'cacheInstance': {'cacheInstanceId': 'redis-abc123xyz'}
    }
    assert (len(server.requests), client.sleep.delays) == (1, [])
    received = server.requests[0]
    assert received['method'] == 'GET'
    assert received['path'] == '/v1' + INSTANCE_PATH
    headers = received['headers']
    assert headers['user-agent'] == f'jdcloud.cloud/{COLLECTION_VERSION} (+ansible)'
    assert headers['content-type'] == 'application/json'
    assert headers['x-jdcloud-content-sha256'] == hashlib.sha256(b'').hexdigest()
    nonce = uuid.UUID(headers['x-jdcloud-nonce'])
    assert (str(nonce), nonce.version, nonce.variant) == (headers['x-jdcloud-nonce'], 4, uuid.RFC_4122)
    assert abs(calendar.timegm(time.strptime(headers['x-jdcloud-date'], '%Y%m%dT%H%M%SZ')) - time.time()) < 120
    parsed = verify_signature(received)
    assert parsed['version'] == 'JDCLOUD2'
    assert parsed['signed_headers'] == ['content-type', 'host', 'x-jdcloud-date', 'x-jdcloud-nonce']
    assert (parsed['region'], parsed['service']) == ('cn-north-1', 'redis')


def test_signature_check_notices_tampering(server):
    server.add(ok())
    make_client(server.url).request('GET', INSTANCE_PATH, 'cn-north-1')
    received = server.requests[0]
    with pytest.raises(AssertionError):
        verify_signature(dict(received, path='/v1/regions/cn-north-1/cacheInstance/redis-other'))
    with pytest.raises(AssertionError):
        sdk_signer.verify('GET', received['path'], received['headers'], b'', {AK: 'wrong-secret'})


def test_success_without_result_is_empty_dict(server):
    server.add(ok(request_id='req-del'))
    client = make_client(server.url)
    assert client.request('DELETE', INSTANCE_PATH, 'cn-north-1') == {}
    assert verify_signature(server.requests[0])['region'] == 'cn-north-1'


def test_post_body_is_json_and_signed(server):
    server.add(ok({'cacheInstanceId': 'redis-new', 'orderNum': '1'}))
    client = make_client(server.url)
    body = {
        'cacheInstance': {'cacheInstanceName': 'n1', 'password': PASSWORD, 'azId': {'master': 'cn-north-1a'}},
        'charge': None,
    }
    assert (
        client.request('POST', '/regions/cn-north-1/cacheInstance', 'cn-north-1', body=body)['cacheInstanceId']
        == 'redis-new'
    )
    received = server.requests[0]
    assert json.loads(received['body'].decode('utf-8')) == body
    assert received['headers']['x-jdcloud-content-sha256'] == hashlib.sha256(received['body']).hexdigest()
    verify_signature(received)


def test_action_path_keeps_colon_on_the_wire(server):
    server.add(ok({'orderNum': '1'}))
    client = make_client(server.url)
    client.request(
        'POST',
        INSTANCE_PATH + ':modifyCacheInstanceClass',
        'cn-north-1',
        body={'cacheInstanceClass': 'redis.m.small.basic'},
    )
    assert server.requests[0]['path'] == '/v1' + INSTANCE_PATH + ':modifyCacheInstanceClass'
    verify_signature(server.requests[0])


def test_query_flattening_bytes_on_the_wire(server):
    server.add(ok({'cacheInstances': [], 'totalCount': 0}))
    client = make_client(server.url)
    query = {
        'pageNumber': 1,
        'pageSize': 10,
        'filters': [
            {'name': 'cacheInstanceStatus', 'values': ['running', 'error']},
            {'name': 'cacheInstanceName', 'values': ['my redis']},
        ],
        'tagFilters': [{'key': 'env', 'values': ['a+b~c/d:é']}],
        'ipv6On': True,
        'skipped': None,
    }
    client.request('GET', '/regions/cn-north-1/cacheInstance', 'cn-north-1', query=query)
    assert server.requests[0]['path'] == (
        '/v1/regions/cn-north-1/cacheInstance?'
        'filters.1.name=cacheInstanceStatus&filters.1.values.1=running&filters.1.values.2=error'
        '&filters.2.name=cacheInstanceName&filters.2.values.1=my%20redis&ipv6On=true&pageNumber=1&pageSize=10'
        '&tagFilters.1.key=env&tagFilters.1.values.1=a%2Bb~c%2Fd%3A%C3%A9'
    )
    verify_signature(server.requests[0])


@pytest.mark.parametrize(
    'status, api_status, message, details',
    [
        (400, 'INVALID_ARGUMENT', 'Invalid password', None),
        (400, 'FAILED_PRECONDITION', 'cacheInstance is not running', [{'key': 'status', 'value': 'creating'}]),
        (401, 'ACCESS_ERROR', 'sign result is not same [gw]', None),
        (403, 'FORBIDDEN', 'no permission', None),
        (404, 'NOT_FOUND', "cacheInstance 'redis-abc123xyz' not found", None),
        (429, 'QUOTA_EXCEEDED', 'Instance quota limit exceeded', None),
    ],
)
@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_error_envelopes_are_raised_without_retry(server, status, api_status, message, details, method):
    server.add(api_error(status, api_status, message, request_id='req-%d' % status, details=details), ok())
    client = make_client(server.url)
    with pytest.raises(JDCloudAPIError) as caught:
        client.request(method, INSTANCE_PATH, 'cn-north-1', body={'password': PASSWORD} if method == 'POST' else None)
    error = caught.value
    assert (error.code, error.status, error.message, error.request_id, error.details) == (
        status,
        api_status,
        message,
        'req-%d' % status,
        details,
    )
    assert error_dict(error) == {
        'code': status,
        'status': api_status,
        'message': message,
        'request_id': 'req-%d' % status,
    }
    assert '%d %s' % (status, api_status) in str(error)
    assert (len(server.requests), client.sleep.delays) == (1, [])


def test_request_id_from_header_when_body_has_none(server):
    server.add(
        Reply(
            404,
            json.dumps({'error': {'code': 404, 'status': 'NOT_FOUND', 'message': 'gone'}}),
            {'x-jdcloud-request-id': 'hdr-req-1'},
        )
    )
    client = make_client(server.url)
    with pytest.raises(JDCloudAPIError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert (caught.value.request_id, caught.value.status) == ('hdr-req-1', 'NOT_FOUND')


def test_200_without_request_id_is_a_clear_error(server):
    server.add(Reply(200, json.dumps({'result': {'cacheInstance': {}}})), ok())
    client = make_client(server.url)
    with pytest.raises(JDCloudTransportError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert 'requestId' in caught.value.message
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    'reply, fragment',
    [
        (Reply(200, ''), 'empty'),
        (Reply(200, 'OK', {'Content-Type': 'text/plain'}), 'not JSON'),
        (Reply(200, '[1, 2]', {'Content-Type': 'application/json'}), 'not a JSON object'),
        (Reply(200, b'\xff\xfe{', {'Content-Type': 'application/json'}), 'not JSON'),
    ],
)
def test_unusable_success_bodies(server, reply, fragment):
    server.add(reply)
    client = make_client(server.url)
    with pytest.raises(JDCloudTransportError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert fragment in caught.value.message


def test_html_502_is_an_api_error_with_the_status(server):
    server.add(Reply(502, '<html><body>502 Bad Gateway</body></html>', {'Content-Type': 'text/html'}))
    client = make_client(server.url, retries=0)
    with pytest.raises(JDCloudAPIError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    # A gateway page has no status word: one is named after the HTTP code, so users always get one.
    assert (caught.value.code, caught.value.status) == (502, 'BAD_GATEWAY')
    assert 'not JSON' in caught.value.message and 'text/html' in caught.value.message


def test_truncated_body_is_a_transport_error_and_retried_for_get(server):
    server.add(Reply(200, '{"requestId": "req-t", "res', {'Content-Type': 'application/json'}, content_length=500))
    client = make_client(server.url, retries=0)
    with pytest.raises(JDCloudTransportError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert 'could not be read completely' in caught.value.message

    server.add(Reply(200, '{"requestId": "req-t", "res', content_length=500), ok({'n': 1}))
    client = make_client(server.url, retries=2)
    assert client.request('GET', INSTANCE_PATH, 'cn-north-1') == {'n': 1}
    assert (len(server.requests), len(client.sleep.delays)) == (1 + 2, 1)


def test_truncated_error_body_keeps_the_status(server):
    server.add(Reply(404, '{"requestId": "x", "err', content_length=300))
    with pytest.raises(JDCloudAPIError) as caught:
        make_client(server.url).request('GET', INSTANCE_PATH, 'cn-north-1')
    assert caught.value.code == 404


def test_redirects_are_not_followed(server):
    server.add(Reply(302, '', {'Location': 'http://elsewhere.invalid/'}))
    client = make_client(server.url)
    with pytest.raises(JDCloudAPIError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert caught.value.code == 302 and 'elsewhere.invalid' in caught.value.message
    assert len(server.requests) == 1


def test_get_retries_5xx_with_full_jitter_bounds(server):
    server.add(
        api_error(503, 'UNAVAILABLE', 'busy'),
        Reply(500, 'oops'),
        api_error(502, 'BAD_GATEWAY', 'bg'),
        api_error(504, 'TIMEOUT', 'slow'),
        ok({'done': True}),
    )
    client = make_client(server.url)
    nonces = set()
    assert client.request('GET', INSTANCE_PATH, 'cn-north-1') == {'done': True}
    assert (len(server.requests), len(client.sleep.delays)) == (5, 4)
    delays = client.sleep.delays
    assert len(delays) == 4
    for index, delay in enumerate(delays):
        assert 0 <= delay <= min(BACKOFF_CAP, BACKOFF_BASE * 2**index)
    for received in server.requests:
        verify_signature(received)
        nonces.add(received['headers']['x-jdcloud-nonce'])
    assert len(nonces) == 5, 'every attempt is signed afresh'


def test_backoff_is_exponential_and_capped(server):
    server.add(*[api_error(503, 'UNAVAILABLE', 'busy')] * 9)
    client = make_client(server.url, retries=8)
    client.random = lambda: 0.75
    with pytest.raises(JDCloudAPIError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert caught.value.code == 503
    assert client.sleep.delays == [0.75 * bound for bound in (0.5, 1, 2, 4, 8, 16, 20, 20)]
    assert len(server.requests) == 9


def test_retries_are_bounded(server):
    server.add(*[api_error(500, 'INTERNAL', 'Internal server error')] * 4)
    client = make_client(server.url, retries=3)
    with pytest.raises(JDCloudAPIError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert (caught.value.code, caught.value.status) == (500, 'INTERNAL')
    assert (len(server.requests), len(client.sleep.delays), server.unscripted) == (4, 3, 0)


def test_throttle_retry_after_is_honoured(server):
    server.add(api_error(429, 'TOO_MANY_REQUESTS', 'slow down', headers={'Retry-After': '3'}), ok({'x': 1}))
    client = make_client(server.url)
    client.random = lambda: 0.0
    assert client.request('GET', INSTANCE_PATH, 'cn-north-1') == {'x': 1}
    assert client.sleep.delays == [3.0]


def test_retry_after_longer_than_jitter_wins_and_date_form_is_ignored(server):
    server.add(
        api_error(503, 'UNAVAILABLE', 'x', headers={'Retry-After': '0.2'}),
        api_error(503, 'UNAVAILABLE', 'x', headers={'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT'}),
        ok(),
    )
    client = make_client(server.url)
    client.random = lambda: 0.1
    client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert client.sleep.delays == [0.2, 0.1 * 1.0]


@pytest.mark.parametrize(
    'reply, cause_type',
    [
        (Reply(502, '<html>bad gateway</html>', {'Content-Type': 'text/html'}), JDCloudAPIError),
        (api_error(500, 'INTERNAL', 'Internal server error'), JDCloudAPIError),
        (api_error(503, 'UNAVAILABLE', 'busy'), JDCloudAPIError),
        (Reply(action='close'), JDCloudTransportError),
        (Reply(action='reset'), JDCloudTransportError),
        (Reply(200, '{"requestId": "r", "resu', content_length=400), JDCloudTransportError),
        (Reply(200, 'not json'), JDCloudTransportError),
    ],
)
def test_post_outcome_unknown_is_not_retried(server, reply, cause_type):
    server.add(reply, ok())
    client = make_client(server.url)
    with pytest.raises(JDCloudOutcomeUnknownError) as caught:
        client.request('POST', '/regions/cn-north-1/cacheInstance', 'cn-north-1', body={'password': PASSWORD})
    assert isinstance(caught.value.cause, cause_type)
    assert (len(server.requests), client.sleep.delays) == (1, [])


def test_post_read_timeout_is_outcome_unknown(server):
    server.add(Reply(action='hang'), ok())
    client = make_client(server.url, timeout=1)
    with pytest.raises(JDCloudOutcomeUnknownError) as caught:
        client.request('POST', INSTANCE_PATH + ':resetCacheInstancePassword', 'cn-north-1', body={'password': PASSWORD})
    assert isinstance(caught.value.cause, JDCloudTimeoutError)
    assert (len(server.requests), client.sleep.delays) == (1, [])


def test_outcome_unknown_carries_the_api_details(server):
    server.add(api_error(500, 'INTERNAL', 'Internal server error', request_id='req-500'))
    client = make_client(server.url)
    with pytest.raises(JDCloudOutcomeUnknownError) as caught:
        client.request('PATCH', INSTANCE_PATH, 'cn-north-1', body={'cacheInstanceName': 'x'})
    assert (caught.value.cause.code, caught.value.cause.status) == (500, 'INTERNAL')
    assert error_dict(caught.value) == {
        'code': None,
        'status': 'OUTCOME_UNKNOWN',
        'message': caught.value.message,
        'request_id': 'req-500',
    }
    assert caught.value.cause.message == 'Internal server error'


def test_idempotent_post_is_retried_on_5xx_and_reset(server):
    server.add(api_error(503, 'UNAVAILABLE', 'busy'), Reply(action='reset'), ok({'ok': 1}))
    client = make_client(server.url)
    assert client.request('POST', '/regions/cn-north-1/describeSomething', 'cn-north-1', body={}, idempotent=True) == {
        'ok': 1
    }
    assert (len(server.requests), len(client.sleep.delays)) == (3, 2)


def test_get_is_retried_after_a_read_timeout_and_a_dropped_connection(server):
    server.add(Reply(action='hang'), Reply(action='close'), ok({'x': 2}))
    client = make_client(server.url, timeout=1)
    assert client.request('GET', INSTANCE_PATH, 'cn-north-1') == {'x': 2}
    assert (len(server.requests), len(client.sleep.delays)) == (3, 2)


def test_post_is_retried_on_throttle(server):
    server.add(
        api_error(429, 'TOO_MANY_REQUESTS', 'throttled', headers={'Retry-After': '1'}),
        ok({'cacheInstanceId': 'redis-1'}),
    )
    client = make_client(server.url)
    assert client.request('POST', '/regions/cn-north-1/cacheInstance', 'cn-north-1', body={'a': 1}) == {
        'cacheInstanceId': 'redis-1'
    }
    assert [r['method'] for r in server.requests] == ['POST', 'POST']
    assert len(client.sleep.delays) == 1 and client.sleep.delays[0] >= 1


def test_quota_exceeded_is_definitive_even_for_get(server):
    server.add(api_error(429, 'QUOTA_EXCEEDED', 'Instance quota limit exceeded', headers={'Retry-After': '1'}), ok())
    client = make_client(server.url)
    with pytest.raises(JDCloudAPIError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert caught.value.status == 'QUOTA_EXCEEDED'
    assert client.sleep.delays == []


def test_post_is_retried_when_the_connection_is_refused():
    with CannedServer(ok({'cacheInstanceId': 'redis-2'}), listen=False) as canned:
        client = make_client(canned.url)
        client.sleep = Recorder(hook=canned.listen)
        assert client.request('POST', '/regions/cn-north-1/cacheInstance', 'cn-north-1', body={'a': 1}) == {
            'cacheInstanceId': 'redis-2'
        }
        # The refused attempt sent nothing, so only the answered one counts as a call.
        assert (len(canned.requests), len(client.sleep.delays)) == (1, 1)


def test_post_is_retried_after_a_connect_timeout():
    """A full accept queue drops the SYN, so the connect times out: nothing was sent, resending is safe."""
    with CannedServer(ok({'cacheInstanceId': 'redis-3'}), listen=False) as canned:
        canned.listen(backlog=0, serve=False)
        stuffing = []
        for _dummy in range(4):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(('127.0.0.1', canned.port))
            stuffing.append(sock)
        time.sleep(0.1)

        def unblock():
            for sock in stuffing:
                sock.close()
            canned.listen()
            time.sleep(0.3)

        client = make_client(canned.url, timeout=0.5)
        client.sleep = Recorder(hook=unblock)
        assert client.request('POST', '/regions/cn-north-1/cacheInstance', 'cn-north-1', body={'a': 1}) == {
            'cacheInstanceId': 'redis-3'
        }
        assert len(client.sleep.delays) >= 1
        assert [r['method'] for r in canned.requests] == ['POST']


def test_refused_connections_give_a_transport_error_after_the_retries():
    client = make_client('http://127.0.0.1:%d' % free_port_refusing(), retries=2)
    with pytest.raises(JDCloudTransportError) as caught:
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    assert 'refused' in caught.value.message.lower()
    assert not isinstance(caught.value, JDCloudOutcomeUnknownError)
    assert len(client.sleep.delays) == 2


def test_tls_failure_is_not_retried(server):
    client = make_client(server.url.replace('http://', 'https://'), retries=3)
    with pytest.raises(JDCloudTransportError) as caught:
        client.request('POST', INSTANCE_PATH, 'cn-north-1', body={'password': PASSWORD})
    assert 'TLS' in caught.value.message
    assert client.sleep.delays == [] and server.requests == []


def test_keep_alive_reuses_one_connection(server):
    server.add(
        ok({'n': 1}),
        api_error(404, 'NOT_FOUND', 'nope'),
        ok({'n': 2}),
        ok({'n': 3}),
        api_error(503, 'UNAVAILABLE', 'busy'),
        ok({'n': 4}),
    )
    client = make_client(server.url)
    client.request('GET', INSTANCE_PATH, 'cn-north-1')
    with pytest.raises(JDCloudAPIError):
        client.request('GET', INSTANCE_PATH, 'cn-north-1')
    client.request('POST', INSTANCE_PATH + ':x', 'cn-north-1', body={'a': 1})
    client.request('GET', '/regions/cn-north-1/cacheInstance', 'cn-north-1', query={'pageSize': 10})
    assert client.request('GET', INSTANCE_PATH, 'cn-north-1') == {'n': 4}
    assert len(server.requests) == 6
    assert server.connections == 1
    assert {r['connection'] for r in server.requests} == {1}
    client.close()


def test_secrets_and_bodies_never_appear_in_errors_or_repr(server):
    server.add(api_error(400, 'INVALID_ARGUMENT', 'Invalid password'), Reply(action='reset'), Reply(502, 'x'))
    client = make_client(server.url)
    texts = [repr(client), str(client.__dict__.get('endpoint'))]
    for _dummy in range(3):
        with pytest.raises(JDCloudError) as caught:
            client.request(
                'POST',
                '/regions/cn-north-1/cacheInstance',
                'cn-north-1',
                body={'cacheInstance': {'password': PASSWORD}},
            )
        error = caught.value
        texts += [
            str(error),
            repr(error),
            repr(error_dict(error)),
            str(getattr(error, 'cause', '')),
            repr(getattr(error, 'cause', '')),
        ]
        # No chained requests exception (which would hold the prepared request and its body).
        assert error.__context__ is None and error.__cause__ is None
    refused = make_client('http://127.0.0.1:%d' % free_port_refusing(), retries=0)
    with pytest.raises(JDCloudError) as caught:
        refused.request('POST', '/regions/cn-north-1/cacheInstance', 'cn-north-1', body={'password': PASSWORD})
    texts += [str(caught.value), repr(caught.value)]
    joined = '\n'.join(texts)
    assert SK not in joined and PASSWORD not in joined
    assert AK not in repr(client)


def test_endpoint_validation_and_defaults():
    assert JDCloudClient(AK, SK).endpoint == 'https://redis.jdcloud-api.com'
    assert (
        JDCloudClient(AK, SK, endpoint='https://Redis.Example.com:8443/').endpoint == 'https://redis.example.com:8443'
    )
    assert JDCloudClient(AK, SK, endpoint='http://[::1]:8080').endpoint == 'http://[::1]:8080'
    bad = ['redis.example.com', 'ftp://host', 'http://', 'http://host/v1', 'http://host?x=1', 'http://host#x']
    for endpoint in bad + ['http://host:0', 'http://host:99999', 'http://host:x', 'https://[::1']:
        with pytest.raises(JDCloudError, match='endpoint must be a URL') as caught:
            JDCloudClient(AK, SK, endpoint=endpoint)
        assert repr(endpoint) in caught.value.message
    with pytest.raises(JDCloudError) as caught:
        JDCloudClient(AK, SK, endpoint='http://user:Secret99@host')
    assert 'Secret99' not in caught.value.message
    with pytest.raises(JDCloudError):
        JDCloudClient(AK, '')


def test_verify_setting_follows_ca_path_then_validate_certs():
    assert JDCloudClient(AK, SK).verify is True
    assert JDCloudClient(AK, SK, validate_certs=False).verify is False
    assert JDCloudClient(AK, SK, validate_certs=False, ca_path='/etc/ca.pem').verify == '/etc/ca.pem'
