"""Signature verification: reference vectors, both variants over HTTP, and every way a request can be altered."""

from __future__ import annotations

import pytest
import sigv
from jdcloud_redis_emulator import Emulator, signing

AK, SK = 'TESTAK0000000000000000000000000A', 'TESTSK0000000000000000000000000B'
DATE, NONCE = '20240102T030405Z', '11111111-2222-4333-8444-555555555555'
PATH = '/v1/regions/cn-north-1/cacheInstance/redis-abc123xyz'
V4_BODY = b'{"regionId": "cn-north-1", "cacheInstanceId": "redis-abc123xyz", "cacheInstanceName": "renamed"}'
V8_BODY = (
    b'{"regionId": "cn-north-1", "cacheInstanceId": "redis-abc123xyz", "cacheInstanceClass": "redis.m.small.basic", '
    b'"shardNumber": null, "replicaNumber": null, "replicaAzs2Add": null, "parallel": null, "effectiveTime": null}'
)
V2_QUERY = (
    'pageNumber=1&pageSize=10&filters.1.name=cacheInstanceStatus&filters.1.values.1=running&filters.1.values.2=error'
    '&filters.2.name=cacheInstanceName&filters.2.values.1=my%20redis&sorts.1.name=createTime&sorts.1.direction=desc'
)
ACCESS_ERROR = {'code': 401, 'status': 'ACCESS_ERROR', 'message': 'sign result is not same [gw]'}


def _auth(version, signed, signature, service='redis', ak=AK):
    return '%s-HMAC-SHA256 Credential=%s/20240102/cn-north-1/%s/%s_request, SignedHeaders=%s, Signature=%s' % (
        version,
        ak,
        service,
        version.lower(),
        signed,
        signature,
    )


# vectors V1-V8 of docs/dev/api-notes.md#signing: (method, path, query, body, Authorization)
VECTORS = {
    'V1': (
        'GET',
        PATH,
        '',
        b'',
        _auth('JDCLOUD3', 'content-type;host', '0b83279e180c02bbec1a33e1323c8ccadd2698930cfa393dcc1f0f47b59fab3c'),
    ),
    'V2': (
        'GET',
        '/v1/regions/cn-north-1/cacheInstance',
        V2_QUERY,
        b'',
        _auth('JDCLOUD3', 'content-type;host', 'bb240d97ceb0ccf6a9a741941bcbed4e48fc71b8a8433d3c2aeecd228e31471c'),
    ),
    'V4': (
        'PATCH',
        PATH,
        '',
        V4_BODY,
        _auth('JDCLOUD3', 'content-type;host', '1e94d298720bf00e285d6282ad063832716d7ecc6f656015ff248863ab35e65f'),
    ),
    'V5': (
        'GET',
        PATH,
        '',
        b'',
        _auth(
            'JDCLOUD3',
            'content-type;host;x-jdcloud-date;x-jdcloud-nonce',
            '2e4843e2133424d7a20b79a3b2ce15e8f6461837654b03f5a49ef5fe95e2c1c1',
        ),
    ),
    'V6': (
        'GET',
        PATH,
        '',
        b'',
        _auth(
            'JDCLOUD2',
            'content-type;host;x-jdcloud-date;x-jdcloud-nonce',
            'd9cef553a9a161cc483e59e1210a3b929d06a44ba976c7eece18bf438d83eff9',
        ),
    ),
    'V7': (
        'PATCH',
        PATH,
        '',
        V4_BODY,
        _auth(
            'JDCLOUD2',
            'content-type;host;x-jdcloud-date;x-jdcloud-nonce',
            '860093fabb7b60813ee9b25bbcd7bc754072894bf68d4411f90845420bdb2563',
        ),
    ),
    'V8': (
        'POST',
        PATH + ':modifyCacheInstanceClass',
        '',
        V8_BODY,
        _auth('JDCLOUD3', 'content-type;host', 'ea8337c1fede560fb85c1cdd64380f8bd62318e0f81913efd32123dcd26f8b82'),
    ),
    'V8-go-encoding': (
        'POST',
        PATH + '%3AmodifyCacheInstanceClass',
        '',
        V8_BODY,
        _auth('JDCLOUD3', 'content-type;host', 'ea8337c1fede560fb85c1cdd64380f8bd62318e0f81913efd32123dcd26f8b82'),
    ),
}


def _headers(authorization, host='redis.jdcloud-api.com', date=DATE):
    return {
        'authorization': [authorization],
        'content-type': ['application/json'],
        'host': [host],
        'x-jdcloud-date': [date],
        'x-jdcloud-nonce': [NONCE],
        'user-agent': ['JdcloudSdkPython/1.2.9 redis/2.7.46'],
    }


@pytest.mark.parametrize('name', sorted(VECTORS))
def test_reference_vectors_verify(name):
    method, path, query, body, authorization = VECTORS[name]
    assert (
        signing.verify(method, path, query, _headers(authorization), body, {AK: SK}, 'cn-north-1', skew_seconds=None)
        == AK
    )


@pytest.mark.parametrize('name', sorted(VECTORS))
def test_reference_vectors_fail_with_one_byte_changed(name):
    method, path, query, body, authorization = VECTORS[name]
    with pytest.raises(signing.SignatureError, match='signature mismatch'):
        signing.verify(
            method, path, query, _headers(authorization), body + b' ', {AK: SK}, 'cn-north-1', skew_seconds=None
        )


# the SDK's own signer_test.py vectors (service apigatewaytestproductline), canonicalisation edge cases
SDK_VECTORS = [
    ('', '', '44c5ec30b6185516986ae171d8276552bc0f37f6a536a44e4f578958fc1c12be'),
    ('v1', '', '92cd3ed582c13af58b4c81ddad150c350e656c6cc9e78ec154d7385e499b91b6'),
    (
        '/v1/regions/cn-north-1/instances/%E4%B8%AD%E6%96%87:GET',
        '',
        '936ed2dcb6fb4271ad640e0f46f1fe61763a0bad8bb4f4eb1224261f969612fa',
    ),
    ('/v1/regions/cn-north-1/instances', '=a&a=a', '43efb5fb00e86faf35d8bf0bed3b72e84cfc98ee4754065e29c3caa7bcaa12cb'),
    (
        '/v1/regions/cn-north-1/instances',
        'aa=aa&aa%3Daa=&aa=aa%3D&aa=&aa=aaa&aaa=aaa&aaa=aa&aaa=a&ab=aa&ab=aa&cc=&cc=&bb=aa&bb=',
        '8ccc3c9af11e964b3c5d6020d2af49e97e27fbb23e2b8f57bdc84815e471d54b',
    ),
    (
        '/v1/regions/cn-north-1/instances',
        ' =blank&%20=blank&+= 2&%2b= 1&blank= &blank=+&blank=%20',
        '78c0a4db84050d773533c78c1a0f73bf974faf5df881e39b18c3e0de8110324e',
    ),
]


@pytest.mark.parametrize('path,query,signature', SDK_VECTORS)
def test_sdk_canonicalisation_vectors(path, query, signature):
    auth = (
        'JDCLOUD3-HMAC-SHA256 Credential=ak/20190917/cn-north-1/apigatewaytestproductline/jdcloud3_request, '
        'SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce, Signature=' + signature
    )
    headers = {
        'authorization': [auth],
        'content-type': ['application/json'],
        'host': ['apigw-internal-dev.cn-north-1.jcloudcs.com:8000'],
        'x-jdcloud-date': ['20190917T064708Z'],
        'x-jdcloud-nonce': ['X-Jdcloud-Nonce'],
    }
    assert (
        signing.verify(
            'GET', path, query, headers, b'', {'ak': 'sk'}, 'cn-north-1', 'apigatewaytestproductline', skew_seconds=None
        )
        == 'ak'
    )


# ------------------------------------------------------------------------ over HTTP
@pytest.mark.parametrize(
    'version,sign_date_nonce', [('JDCLOUD2', True), ('JDCLOUD3', False), ('JDCLOUD3', True), ('JDCLOUD2', False)]
)
def test_both_variants_accepted(api, make_instance, version, sign_date_nonce):
    instance_id = make_instance()
    resp = api.call(
        'GET', '/regions/cn-north-1/cacheInstance/' + instance_id, version=version, sign_date_nonce=sign_date_nonce
    )
    assert resp.status == 200, resp
    resp = api.call(
        'PATCH',
        '/regions/cn-north-1/cacheInstance/' + instance_id,
        body={'cacheInstanceName': 'x_' + version},
        version=version,
        sign_date_nonce=sign_date_nonce,
    )
    assert resp.status == 200, resp
    resp = api.call(
        'GET',
        '/regions/cn-north-1/cacheInstance',
        version=version,
        sign_date_nonce=sign_date_nonce,
        query={'pageSize': 10, 'filters': [{'name': 'cacheInstanceName', 'values': ['x ' + version, 'x_' + version]}]},
    )
    assert resp.status == 200 and resp.result['totalCount'] == 1, resp


def _assert_denied(resp, emulator=None, detail=None):
    assert resp.status == 401, resp
    assert set(resp.json) == {'requestId', 'error'} and resp.json['error'] == ACCESS_ERROR
    assert resp.headers['x-jdcloud-request-id'] == resp.json['requestId']
    if detail:
        assert emulator.admin.requests()[-1]['detail'] == detail


@pytest.fixture(params=['JDCLOUD2', 'JDCLOUD3'])
def signed_patch(request, api, make_instance):
    """A correctly signed PATCH (target, body, headers) with a query string, and the variant."""
    instance_id = make_instance()
    target, body, headers = api.prepare(
        'PATCH',
        '/regions/cn-north-1/cacheInstance/' + instance_id,
        query={'tag': 'a'},
        body={'cacheInstanceName': 'renamed'},
        version=request.param,
        extra={'x-jdcloud-extra': 'signed-value'},
    )
    assert 'x-jdcloud-extra' in headers['Authorization']
    return instance_id, target, body, headers


def _flip_last(text):
    return text[:-1] + ('0' if text[-1] != '0' else '1')


@pytest.mark.parametrize('alter', ['path', 'query', 'body', 'signed_header', 'signature', 'nothing'])
def test_altered_requests_rejected(api, emulator, signed_patch, get_instance, alter):
    instance_id, target, body, headers = signed_patch
    path, query = target.split('?')
    if alter == 'path':
        path = _flip_last(path)
    elif alter == 'query':
        query = 'tag=b'
    elif alter == 'body':
        body = body.replace(b'renamed', b'renamee')
    elif alter == 'signed_header':
        headers['x-jdcloud-extra'] = 'signed-valuE'
    elif alter == 'signature':
        headers['Authorization'] = _flip_last(headers['Authorization'])
    resp = api.send_raw('PATCH', path + '?' + query, body, headers)
    if alter == 'nothing':
        assert resp.status == 200, resp
        assert get_instance(instance_id)['cacheInstanceName'] == 'renamed'
    else:
        _assert_denied(resp, emulator, 'signature mismatch')
        assert get_instance(instance_id)['cacheInstanceName'] == 'my_redis'


def test_signed_date_altered_rejected(api):
    with Emulator(skew_seconds=0) as emu:  # no skew check, so only the signature can catch it
        client = sigv.Client(emu.url, api.ak, api.sk)
        target, body, headers = client.prepare(
            'GET', '/regions/cn-north-1/quota', version='JDCLOUD2', date='20240102T030405Z'
        )
        assert 'x-jdcloud-date' in headers['Authorization']
        headers['x-jdcloud-date'] = '20240102T030406Z'
        _assert_denied(client.send_raw('GET', target, body, headers))
        headers['x-jdcloud-date'] = '20240102T030405Z'
        assert client.send_raw('GET', target, body, headers).status == 200
        client.close()


def test_unsigned_headers_are_ignored(api):
    target, body, headers = api.prepare('GET', '/regions/cn-north-1/quota', version='JDCLOUD3')
    headers.update(
        {
            'User-Agent': 'other',
            'x-jdcloud-nonce': 'changed',
            'JDCLOUD3-HMAC-SHA256': 'JDCLOUD3-HMAC-SHA256',
            'x-jdcloud-content-sha256': 'not checked',
        }
    )
    assert api.send_raw('GET', target, body, headers).status == 200


@pytest.mark.parametrize(
    'case,detail',
    [
        ('unknown_ak', 'unknown access key'),
        ('wrong_sk', 'signature mismatch'),
        ('service', 'scope service is not redis'),
        ('scope_region', 'scope region differs from the region in the path'),
        ('no_host', 'SignedHeaders does not contain host'),
        ('no_date', 'missing x-jdcloud-date header'),
        ('scope_date', 'scope date differs from x-jdcloud-date'),
        ('old_date', 'x-jdcloud-date is outside the allowed clock skew'),
        ('future_date', 'x-jdcloud-date is outside the allowed clock skew'),
        ('bad_date', 'x-jdcloud-date is not YYYYMMDDTHHMMSSZ'),
        ('no_authorization', 'missing Authorization header'),
        ('garbage_authorization', 'malformed Authorization header'),
        ('mixed_variant', 'algorithm and scope terminator disagree'),
        ('missing_signed_header', 'signed header x-jdcloud-extra is missing'),
    ],
)
def test_refusals(api, emulator, case, detail):
    url_path = '/v1/regions/cn-north-1/quota'
    url = api.base + url_path
    ak, sk, service, region, date = api.ak, api.sk, 'redis', 'cn-north-1', None
    if case == 'unknown_ak':
        ak = 'SOMEONEELSE000000000000000000000'
    elif case == 'wrong_sk':
        sk = sk + 'x'
    elif case == 'service':
        service = 'vm'
    elif case == 'scope_region':
        region = 'cn-south-1'
    # A minute past the 900 s window: a one-second margin is crossed by a request that waits a second on a busy machine.
    elif case == 'old_date':
        date = sigv.now_date(-960)
    elif case == 'future_date':
        date = sigv.now_date(+960)
    headers = sigv.signed_headers(
        'GET', url, b'', ak, sk, region, 'JDCLOUD2', service=service, date=date, extra={'x-jdcloud-extra': 'v'}
    )
    auth = headers['Authorization']
    if case == 'no_host':
        # sign without host: build the Authorization by hand with host removed from SignedHeaders
        headers['Authorization'] = auth.replace('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;')
    elif case == 'no_date':
        del headers['x-jdcloud-date']
    elif case == 'scope_date':
        headers['Authorization'] = auth.replace(
            'Credential=%s/%s/' % (ak, headers['x-jdcloud-date'][:8]), 'Credential=%s/20200101/' % ak
        )
    elif case == 'bad_date':
        headers['x-jdcloud-date'] = headers['x-jdcloud-date'].replace('T', ' ')
    elif case == 'no_authorization':
        del headers['Authorization']
    elif case == 'garbage_authorization':
        headers['Authorization'] = 'Bearer abc'
    elif case == 'mixed_variant':
        headers['Authorization'] = auth.replace('jdcloud2_request', 'jdcloud3_request')
    elif case == 'missing_signed_header':
        del headers['x-jdcloud-extra']
    _assert_denied(api.send_raw('GET', url_path, b'', headers), emulator, detail)


def test_clock_skew_window_is_configurable(api, emulator):
    def status(offset):
        return api.call('GET', '/regions/cn-north-1/quota', date=sigv.now_date(offset)).status

    assert status(-850) == 200 and status(850) == 200  # default window: 900 s
    assert status(-1000) == 401
    emulator.admin.config(skew_seconds=3600)
    assert status(-1000) == 200 and status(-3700) == 401
    emulator.admin.config(skew_seconds=0)  # 0 disables the check
    assert status(-86400 * 3) == 200
    emulator.admin.config(skew_seconds=None)
    assert status(86400 * 3) == 200


def test_verification_can_be_switched_off(api, emulator):
    assert api.send_raw('GET', '/v1/regions/cn-north-1/quota', b'', {}).status == 401
    emulator.admin.config(verify_signatures=False)
    resp = api.send_raw('GET', '/v1/regions/cn-north-1/quota', b'', {})
    assert resp.status == 200 and resp.result['quota']['max'] == 20


def test_extra_credentials():
    with Emulator(access_key='AK1', secret_key='SK1', credentials={'AK2': 'SK2'}) as emu:
        for ak, sk, expected in [('AK1', 'SK1', 200), ('AK2', 'SK2', 200), ('AK2', 'SK1', 401), ('AK1', 'SK2', 401)]:
            client = sigv.Client(emu.url, ak, sk)
            assert client.call('GET', '/regions/cn-north-1/quota').status == expected, (ak, sk)
            client.close()
        assert emu.access_key == 'AK1'
        client = sigv.Client(emu.url, 'EMULATORACCESSKEY0000000000000001', 'EMULATORSECRETKEY000000000000000x9')
        assert client.call('GET', '/regions/cn-north-1/quota').status == 401  # the default pair was replaced
        client.close()
