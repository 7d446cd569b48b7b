"""Signatures: the emulator refuses a request when any signed part is altered, or when its
date is outside the clock-skew window; the modules turn the 401 into a clear message.

Requests are signed with the SDK's signer (tests/sdk_signer.py) and sent with ``http.client`` so that the
bytes on the wire are exactly the ones chosen here, then altered one part at a time.
"""

from __future__ import annotations

import http.client
import json
import time
import uuid

import pytest
import sdk_signer
from emulator_fixtures import REGION, RunningEmulator
from modrunner import run_module
from reliability_support import FIGURES, assert_clean_run

SUITE = '5. signatures'
SKEW = 900
OTHER_ACCESS_KEY, OTHER_SECRET_KEY = 'SECONDACCESSKEY00000000000000002', 'SecondSecretKey0000000000000000002'
CREATE_BODY = json.dumps(
    {
        'cacheInstance': {
            'cacheInstanceName': 'signed_one',
            'cacheInstanceClass': 'redis.m.micro.basic',
            'redisVersion': '4.0',
            'vpcId': 'vpc-sign0001',
            'subnetId': 'subnet-sign0001',
            'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1b'},
            'password': 'Sign1Passw0rd',
        }
    }
)


@pytest.fixture(scope='module')
def signing_emulator():
    server = RunningEmulator(skew_seconds=SKEW, credentials={OTHER_ACCESS_KEY: OTHER_SECRET_KEY})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sig(signing_emulator):
    signing_emulator.admin.reset(state=True)
    return signing_emulator


def signed(emu, method, path, query='', body='', offset=0.0, region=REGION):
    """A request signed now (+offset seconds) as a dict that the alterations below edit."""
    port = int(emu.url.rsplit(':', 1)[1])
    host = '127.0.0.1:%d' % port
    date = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() + offset))
    headers = {'Content-Type': 'application/json', 'x-jdcloud-date': date, 'x-jdcloud-nonce': str(uuid.uuid4())}
    url = 'http://%s%s%s' % (host, path, '?' + query if query else '')
    headers['Authorization'] = sdk_signer.authorization(
        method, url, headers, body, emu.access_key, emu.secret_key, region
    )
    headers['Host'] = host
    return dict(port=port, method=method, path=path, query=query, headers=headers, body=body, access_key=emu.access_key)


def send(request):
    connection = http.client.HTTPConnection('127.0.0.1', request['port'], timeout=10)
    try:
        target = request['path'] + ('?' + request['query'] if request['query'] else '')
        connection.putrequest(request['method'], target, skip_host=True, skip_accept_encoding=True)
        body = request['body'].encode('utf-8')
        for name, value in request['headers'].items():
            connection.putheader(name, value)
        connection.putheader('Content-Length', str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, json.loads(response.read().decode('utf-8'))
    finally:
        connection.close()


def edit_auth(request, old, new):
    auth = request['headers']['Authorization']
    assert old in auth, (old, auth)
    request['headers']['Authorization'] = auth.replace(old, new, 1)


def flip_signature(request):
    auth = request['headers']['Authorization']
    last = auth[-1]
    request['headers']['Authorization'] = auth[:-1] + ('0' if last != '0' else '1')


def shift_date(request, seconds):
    moment = time.mktime(time.strptime(request['headers']['x-jdcloud-date'], '%Y%m%dT%H%M%SZ')) + seconds
    request['headers']['x-jdcloud-date'] = time.strftime('%Y%m%dT%H%M%SZ', time.localtime(moment))


LIST = '/v1/regions/cn-north-1/cacheInstance'
LIST_QUERY = 'pageNumber=1&pageSize=10'
ALTERATIONS = {
    # a signed read replayed as a write: GET list becomes POST create
    'method': ('list', lambda r: r.update(method='POST')),
    'path: other region': ('list', lambda r: r.update(path=LIST.replace('cn-north-1', 'cn-south-1'))),
    'path and scope: other region': (
        'list',
        lambda r: (
            r.update(path=LIST.replace('cn-north-1', 'cn-south-1'))
            or edit_auth(r, '/cn-north-1/redis/', '/cn-south-1/redis/')
        ),
    ),
    'path: other resource': ('list', lambda r: r.update(path='/v1/regions/cn-north-1/quota')),
    'query: value changed': ('list', lambda r: r.update(query=LIST_QUERY.replace('pageSize=10', 'pageSize=11'))),
    'query: parameter added': ('list', lambda r: r.update(query=LIST_QUERY + '&filters.1.name=cacheInstanceName')),
    'query: parameter removed': ('list', lambda r: r.update(query='pageNumber=1')),
    'body: one character changed': ('create', lambda r: r.update(body=r['body'].replace('signed_one', 'signed_two'))),
    'body: whitespace appended': ('create', lambda r: r.update(body=r['body'] + ' ')),
    'header: content-type': ('create', lambda r: r['headers'].update({'Content-Type': 'text/plain'})),
    'header: x-jdcloud-nonce': ('create', lambda r: r['headers'].update({'x-jdcloud-nonce': str(uuid.uuid4())})),
    'header: x-jdcloud-date +1 s': ('create', lambda r: shift_date(r, 1)),
    'header: host': ('list', lambda r: r['headers'].update({'Host': 'localhost:%d' % r['port']})),
    'authorization: signature': ('create', flip_signature),
    # the Credential names another key the emulator knows; the signature was made with the first key's secret
    'authorization: another valid access key': (
        'create',
        lambda r: edit_auth(r, 'Credential=%s/' % r['access_key'], 'Credential=%s/' % OTHER_ACCESS_KEY),
    ),
    'authorization: unknown access key': ('create', lambda r: edit_auth(r, 'Credential=', 'Credential=X')),
    'authorization: signed headers list': ('create', lambda r: edit_auth(r, ';x-jdcloud-nonce', '')),
    'authorization: scope date': (
        'create',
        lambda r: edit_auth(r, '/%s/' % r['headers']['x-jdcloud-date'][:8], '/20000101/'),
    ),
    'authorization: scope region': ('create', lambda r: edit_auth(r, '/cn-north-1/redis/', '/cn-south-1/redis/')),
    'authorization: scope service': ('create', lambda r: edit_auth(r, '/redis/', '/vm/')),
    'authorization: algorithm': (
        'create',
        lambda r: (
            edit_auth(r, 'JDCLOUD2-HMAC-SHA256', 'JDCLOUD3-HMAC-SHA256')
            or edit_auth(r, 'jdcloud2_request', 'jdcloud3_request')
        ),
    ),
    'authorization: removed': ('create', lambda r: r['headers'].pop('Authorization')),
}


def base_request(emu, kind, offset=0.0):
    if kind == 'list':
        return signed(emu, 'GET', LIST, LIST_QUERY, offset=offset)
    return signed(emu, 'POST', LIST, '', CREATE_BODY, offset=offset)


@pytest.mark.parametrize('kind', ['list', 'create'])
def test_unaltered_request_is_accepted(sig, kind):
    status, payload = send(base_request(sig, kind))
    assert status == 200, payload
    assert len(sig.instances()) == (1 if kind == 'create' else 0)


@pytest.mark.parametrize('alteration', sorted(ALTERATIONS))
def test_altered_request_is_refused(sig, alteration):
    kind, alter = ALTERATIONS[alteration]
    request = base_request(sig, kind)
    alter(request)
    status, payload = send(request)
    FIGURES.add(SUITE, 'alterations tried', 1)
    assert status == 401, (alteration, payload)
    assert payload['error']['status'] == 'ACCESS_ERROR', payload
    assert sig.instances() == {}, 'an altered request was applied'
    entry = sig.admin.requests()[-1]
    assert entry['status'] == 401 and entry.get('detail'), entry
    FIGURES.add(SUITE, 'refused with 401 ACCESS_ERROR', 1)


@pytest.mark.parametrize(
    'offset, accepted',
    [
        (-(SKEW + 60), False),
        (SKEW + 60, False),
        (-(SKEW - 60), True),
        (SKEW - 60, True),
    ],
)
def test_clock_skew_window(sig, offset, accepted):
    status, payload = send(base_request(sig, 'create', offset=offset))
    FIGURES.add(SUITE, 'clock-skew cases (+-%d s window)' % SKEW, 1)
    if accepted:
        assert status == 200, payload
    else:
        assert status == 401 and payload['error']['status'] == 'ACCESS_ERROR', payload
        assert 'skew' in sig.admin.requests()[-1]['detail'], sig.admin.requests()[-1]
        assert sig.instances() == {}


@pytest.mark.parametrize('credentials', ['wrong secret key', 'unknown access key'])
@pytest.mark.parametrize('module', ['jcs_redis_quota', 'jcs_redis_instance'])
def test_modules_explain_a_401(sig, module, credentials):
    args = sig.connection()
    if credentials == 'wrong secret key':
        args['secret_key'] = 'NotTheSecretKey0000000000000000x9'
    else:
        args['access_key'] = 'UNKNOWNACCESSKEY0000000000000009'
    if module == 'jcs_redis_instance':
        args.update(
            name='signed_one',
            instance_class='redis.m.micro.basic',
            redis_version='4.0',
            vpc_id='vpc-sign0001',
            subnet_id='subnet-sign0001',
            master_az='cn-north-1a',
            slave_az='cn-north-1b',
            password='Sign1Passw0rd',
        )
    run = run_module(module, args)
    assert_clean_run(run, '%s with a %s' % (module, credentials))
    assert run.failed, run.result
    msg = run.result['msg']
    for word in ('access_key', 'secret_key', 'clock'):
        assert word in msg, msg
    assert run.result['error']['code'] == 401 and run.result['error']['status'] == 'ACCESS_ERROR', run.result
    # a refused signature is not retried, and nothing was written
    assert [e['status'] for e in sig.admin.requests()] == [401], sig.admin.requests()
    assert sig.instances() == {}
    FIGURES.add(SUITE, 'module 401s explained (key / secret / clock)', 1)
