"""Fidelity: the official jdcloud-sdk RedisClient (a client we did not write) against the emulator."""

from __future__ import annotations

import time

import pytest
import sdk_signer
from emulator_fixtures import RunningEmulator
from jdcloud_sdk.core.config import Config
from jdcloud_sdk.core.credential import Credential
from jdcloud_sdk.core.logger import Logger
from jdcloud_sdk.services.charge.models.ChargeSpec import ChargeSpec
from jdcloud_sdk.services.common.models.Filter import Filter
from jdcloud_sdk.services.common.models.Sort import Sort
from jdcloud_sdk.services.redis.apis.AddWhiteListGroupRequest import (
    AddWhiteListGroupParameters,
    AddWhiteListGroupRequest,
)
from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import (
    CreateCacheInstanceParameters,
    CreateCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DeleteCacheInstanceRequest import (
    DeleteCacheInstanceParameters,
    DeleteCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DeleteWhiteListGroupRequest import (
    DeleteWhiteListGroupParameters,
    DeleteWhiteListGroupRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeCacheInstanceRequest import (
    DescribeCacheInstanceParameters,
    DescribeCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeCacheInstancesRequest import (
    DescribeCacheInstancesParameters,
    DescribeCacheInstancesRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeInstanceClassRequest import (
    DescribeInstanceClassParameters,
    DescribeInstanceClassRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeInstanceConfigRequest import (
    DescribeInstanceConfigParameters,
    DescribeInstanceConfigRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeUserQuotaRequest import (
    DescribeUserQuotaParameters,
    DescribeUserQuotaRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeWhiteListGroupRequest import (
    DescribeWhiteListGroupParameters,
    DescribeWhiteListGroupRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyCacheInstanceAttributeRequest import (
    ModifyCacheInstanceAttributeParameters,
    ModifyCacheInstanceAttributeRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyCacheInstanceClassRequest import (
    ModifyCacheInstanceClassParameters,
    ModifyCacheInstanceClassRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyInstanceConfigRequest import (
    ModifyInstanceConfigParameters,
    ModifyInstanceConfigRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyWhiteListGroupRequest import (
    ModifyWhiteListGroupParameters,
    ModifyWhiteListGroupRequest,
)
from jdcloud_sdk.services.redis.apis.ResetCacheInstancePasswordRequest import (
    ResetCacheInstancePasswordParameters,
    ResetCacheInstancePasswordRequest,
)
from jdcloud_sdk.services.redis.client.RedisClient import RedisClient
from jdcloud_sdk.services.redis.models.AzIdSpec import AzIdSpec
from jdcloud_sdk.services.redis.models.CacheInstanceSpec import CacheInstanceSpec
from jdcloud_sdk.services.redis.models.ConfigItem import ConfigItem

REGION = 'cn-north-1'
PASSWORD = 'Passw0rd1234'


@pytest.fixture(params=['JDCLOUD3', 'JDCLOUD2'])
def variant(request):
    """JDCLOUD3 is what the SDK signs; JDCLOUD2 is the SDK signer with the variant strings swapped."""
    with sdk_signer.variant(request.param):
        yield request.param


def make_client(emulator, secret_key=None):
    return RedisClient(
        Credential(emulator.access_key, secret_key or emulator.secret_key),
        Config(endpoint='%s:%d' % (emulator.host, emulator.port), scheme='http', timeout=10),
        Logger(0),
    )


@pytest.fixture
def sdk(emulator):
    return make_client(emulator)


def spec(name='sdk_redis', cls='redis.m.micro.basic', version='4.0', password=PASSWORD):
    return CacheInstanceSpec(
        'vpc-aaaa1111',
        'subnet-bbbb2222',
        name,
        cls,
        AzIdSpec(master='cn-north-1a', slave='cn-north-1b'),
        password=password,
        redisVersion=version,
        cacheInstanceDescription='made by the SDK',
    )


def create(sdk, **kw):
    params = CreateCacheInstanceParameters(REGION, spec(**kw))
    params.setCharge(ChargeSpec(chargeMode='postpaid_by_duration'))
    resp = sdk.send(CreateCacheInstanceRequest(params))
    assert resp.error is None, vars(resp.error)
    return resp.result['cacheInstanceId']


def describe(sdk, instance_id):
    return sdk.send(DescribeCacheInstanceRequest(DescribeCacheInstanceParameters(REGION, instance_id)))


def test_all_nine_operations(variant, sdk, emulator, wire):
    quota = sdk.send(DescribeUserQuotaRequest(DescribeUserQuotaParameters(REGION)))
    assert quota.error is None and len(quota.request_id) == 32
    assert quota.result == {'quota': {'name': '缓存Redis', 'max': 20, 'used': 0}}

    params = DescribeInstanceClassParameters(REGION)
    params.setRedisVersion('4.0')
    classes = sdk.send(DescribeInstanceClassRequest(params)).result
    codes = [c['instanceClass'] for c in classes['instanceClasses']]
    assert classes['totalCount'] == len(codes) and 'redis.m.micro.basic' in codes and 'redis.c.small.basic' in codes

    create_params = CreateCacheInstanceParameters(REGION, spec())
    create_params.setCharge(ChargeSpec(chargeMode='postpaid_by_duration'))
    created = sdk.send(CreateCacheInstanceRequest(create_params))
    assert created.error is None
    instance_id = created.result['cacheInstanceId']
    assert created.result['orderNum'].isdigit() and len(created.result['orderNum']) == 17
    assert created.result['buyId'].startswith('B') and len(created.result['buyId']) == 19
    # the SDK's model classes send every unset optional as null; the emulator must take that
    assert '"ipv6On": null' in wire['sent'][-1]['body']

    inst = describe(sdk, instance_id).result['cacheInstance']
    assert inst['cacheInstanceId'] == instance_id and inst['cacheInstanceName'] == 'sdk_redis'
    assert inst['cacheInstanceStatus'] == 'running' and inst['cacheInstanceClass'] == 'redis.m.micro.basic'
    assert inst['cacheInstanceMemoryMB'] == 1024 and inst['auth'] is True and inst['redisVersion'] == '4.0'
    assert inst['azId'] == {'master': 'cn-north-1a', 'slave': 'cn-north-1b'} and inst['port'] == 6379
    assert inst['connectionDomain'] == instance_id + '-proxy-nlb.jvessel-open-hb.jdcloud.com'
    assert 'password' not in inst and PASSWORD not in str(inst)

    list_params = DescribeCacheInstancesParameters(REGION)
    list_params.setPageNumber(1)
    list_params.setPageSize(10)
    list_params.setFilters(
        [Filter('cacheInstanceName', ['sdk_red']), Filter('cacheInstanceStatus', ['running', 'error'])]
    )
    list_params.setSorts([Sort('createTime', 'desc')])
    listed = sdk.send(DescribeCacheInstancesRequest(list_params)).result
    assert listed['totalCount'] == 1 and listed['cacheInstances'][0]['cacheInstanceId'] == instance_id

    attr = ModifyCacheInstanceAttributeParameters(REGION, instance_id)
    attr.setCacheInstanceName('sdk_renamed')
    attr.setCacheInstanceDescription('changed')
    resp = sdk.send(ModifyCacheInstanceAttributeRequest(attr))
    assert resp.error is None and resp.result is None and resp.request_id
    inst = describe(sdk, instance_id).result['cacheInstance']
    assert (inst['cacheInstanceName'], inst['cacheInstanceDescription']) == ('sdk_renamed', 'changed')

    pw = ResetCacheInstancePasswordParameters(REGION, instance_id)
    pw.setPassword('NewPassw0rd')
    assert sdk.send(ResetCacheInstancePasswordRequest(pw)).error is None
    assert emulator.admin.check_password(instance_id, 'NewPassw0rd')
    pw.setPassword('')
    assert sdk.send(ResetCacheInstancePasswordRequest(pw)).error is None
    assert describe(sdk, instance_id).result['cacheInstance']['auth'] is False

    resize = sdk.send(
        ModifyCacheInstanceClassRequest(ModifyCacheInstanceClassParameters(REGION, instance_id, 'redis.m.small.basic'))
    )
    assert resize.error is None and len(resize.result['orderNum']) == 17 and resize.result['buyId'].startswith('B')
    inst = describe(sdk, instance_id).result['cacheInstance']
    assert inst['cacheInstanceClass'] == 'redis.m.small.basic' and inst['cacheInstanceMemoryMB'] == 2048
    # the SDK sends ':action' raw on the wire; the canonical URI encodes it as %3A
    assert wire['sent'][-2]['url'].endswith(instance_id + ':modifyCacheInstanceClass')

    deleted = sdk.send(DeleteCacheInstanceRequest(DeleteCacheInstanceParameters(REGION, instance_id)))
    assert deleted.error is None and deleted.result is None
    gone = describe(sdk, instance_id)
    assert (gone.error.code, gone.error.status) == (404, 'NOT_FOUND')
    assert gone.error.message == "cacheInstance '%s' not found" % instance_id

    algorithms = {s['headers']['Authorization'].split(' ', 1)[0] for s in wire['sent']}
    assert algorithms == {variant + '-HMAC-SHA256'}
    calls = emulator.admin.stats()['calls']
    # every other operation has its own test
    nine = [
        op
        for op in calls
        if op
        in (
            'createCacheInstance',
            'describeCacheInstances',
            'describeCacheInstance',
            'modifyCacheInstanceAttribute',
            'deleteCacheInstance',
            'modifyCacheInstanceClass',
            'resetCacheInstancePassword',
            'describeInstanceClass',
            'describeUserQuota',
        )
    ]
    assert len(nine) == 9 and all(calls[op] >= 1 for op in nine) and calls['describeCacheInstance'] == 5


def white_lists(sdk, instance_id):
    resp = sdk.send(DescribeWhiteListGroupRequest(DescribeWhiteListGroupParameters(REGION, instance_id)))
    assert resp.error is None, vars(resp.error)
    return resp.result['whiteLists']


def test_white_list_groups(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    # a new instance is open to everything through its default group
    assert white_lists(sdk, instance_id) == [{'name': 'default', 'ips': '0.0.0.0/0'}]

    add = AddWhiteListGroupParameters(REGION, instance_id, 'app_servers')
    add.setIps('10.0.0.1/16,192.168.0.10')
    resp = sdk.send(AddWhiteListGroupRequest(add))
    assert resp.error is None and resp.result is None and len(resp.request_id) == 32
    assert wire['sent'][-1]['method'] == 'POST' and wire['sent'][-1]['url'].endswith(instance_id + '/whiteListGroup')
    # ips optional: a group without addresses
    assert sdk.send(AddWhiteListGroupRequest(AddWhiteListGroupParameters(REGION, instance_id, 'empty'))).error is None
    assert white_lists(sdk, instance_id) == [
        {'name': 'default', 'ips': '0.0.0.0/0'},
        {'name': 'app_servers', 'ips': '10.0.0.1/16,192.168.0.10'},
        {'name': 'empty', 'ips': ''},
    ]

    modify = ModifyWhiteListGroupParameters(REGION, instance_id, '172.16.0.0/12', 'app_servers')
    assert sdk.send(ModifyWhiteListGroupRequest(modify)).error is None
    assert wire['sent'][-1]['method'] == 'PUT'
    modify = ModifyWhiteListGroupParameters(REGION, instance_id, '10.1.1.1', 'default')
    assert sdk.send(ModifyWhiteListGroupRequest(modify)).error is None

    delete = DeleteWhiteListGroupParameters(REGION, instance_id, 'empty')
    assert sdk.send(DeleteWhiteListGroupRequest(delete)).error is None
    assert wire['sent'][-1]['method'] == 'DELETE' and wire['sent'][-1]['url'].endswith('whiteListGroup?name=empty')
    assert white_lists(sdk, instance_id) == [
        {'name': 'default', 'ips': '10.1.1.1'},
        {'name': 'app_servers', 'ips': '172.16.0.0/12'},
    ]
    calls = emulator.admin.stats()['calls']
    assert (
        calls['addWhiteListGroup'],
        calls['modifyWhiteListGroup'],
        calls['deleteWhiteListGroup'],
        calls['describeWhiteListGroup'],
    ) == (2, 2, 1, 3)


def test_white_list_group_errors(sdk, emulator):
    instance_id = create(sdk)

    def add(name, ips=None, target=instance_id):
        params = AddWhiteListGroupParameters(REGION, target, name)
        if ips is not None:
            params.setIps(ips)
        return sdk.send(AddWhiteListGroupRequest(params)).error

    for ips in ('10.0.0.0/33', '10.0.0.256', 'localhost', '10.0.0.1,,10.0.0.2', '10.0.0.1, 10.0.0.2', '::1'):
        error = add('grp', ips)
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT'), ips
        assert error.message.startswith('ips'), error.message
    for name in ('', '1abc', 'has space', 'x' * 33, 'dot.ted'):
        error = add(name, '10.0.0.1')
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT'), name
        assert error.message.startswith('name'), error.message
    assert add('grp', '10.0.0.1') is None
    error = add('grp', '10.0.0.2')
    assert (error.code, error.status) == (409, 'ALREADY_EXISTS')
    error = add('grp', '10.0.0.2', target='redis-000000000000')
    assert (error.code, error.status) == (404, 'NOT_FOUND')

    missing = sdk.send(
        ModifyWhiteListGroupRequest(ModifyWhiteListGroupParameters(REGION, instance_id, '10.0.0.1', 'nosuch'))
    ).error
    assert (missing.code, missing.status) == (404, 'NOT_FOUND') and 'nosuch' in missing.message
    empty = sdk.send(ModifyWhiteListGroupRequest(ModifyWhiteListGroupParameters(REGION, instance_id, '', 'grp'))).error
    assert (empty.code, empty.status, empty.message) == (400, 'INVALID_ARGUMENT', 'ips is required')

    def delete(name):
        return sdk.send(DeleteWhiteListGroupRequest(DeleteWhiteListGroupParameters(REGION, instance_id, name))).error

    assert (delete('nosuch').code, delete('nosuch').status) == (404, 'NOT_FOUND')
    undeletable = delete('default')
    assert (undeletable.code, undeletable.status) == (400, 'FAILED_PRECONDITION')

    # writes only while running; reads in any status
    emulator.admin.force_status(instance_id, 'changing')
    busy = add('other', '10.0.0.3')
    assert (busy.code, busy.status) == (400, 'FAILED_PRECONDITION') and 'changing' in busy.message
    assert (delete('grp').code, delete('grp').status) == (400, 'FAILED_PRECONDITION')
    assert [g['name'] for g in white_lists(sdk, instance_id)] == ['default', 'grp']
    emulator.admin.force_status(instance_id, 'running')
    assert delete('grp') is None
    assert [g['name'] for g in white_lists(sdk, instance_id)] == ['default']


def test_sdk_sees_api_errors(sdk, emulator):
    bad = sdk.send(CreateCacheInstanceRequest(CreateCacheInstanceParameters(REGION, spec(password='short1'))))
    assert (bad.error.code, bad.error.status) == (400, 'INVALID_ARGUMENT')
    assert 'cacheInstance.password' in bad.error.message and 'short1' not in bad.error.message

    instance_id = create(sdk)
    same = sdk.send(
        ModifyCacheInstanceClassRequest(ModifyCacheInstanceClassParameters(REGION, instance_id, 'redis.m.micro.basic'))
    )
    assert (same.error.code, same.error.status) == (400, 'FAILED_PRECONDITION')

    emulator.admin.set_quota(REGION, 1)
    full = sdk.send(CreateCacheInstanceRequest(CreateCacheInstanceParameters(REGION, spec(name='second'))))
    assert (full.error.code, full.error.status, full.error.message) == (
        429,
        'QUOTA_EXCEEDED',
        'Instance quota limit exceeded',
    )

    wrong_key = make_client(emulator, secret_key='not-the-secret')
    denied = wrong_key.send(DescribeUserQuotaRequest(DescribeUserQuotaParameters(REGION)))
    assert (denied.error.code, denied.error.status, denied.error.message) == (
        401,
        'ACCESS_ERROR',
        'sign result is not same [gw]',
    )


def test_sdk_with_date_and_nonce_headers_signed(variant, sdk, wire):
    """Pre-set x-jdcloud-date/x-jdcloud-nonce become signed headers (vector V5 of docs/dev/api-notes.md#signing)."""
    instance_id = create(sdk)
    header = {'x-jdcloud-date': time.strftime('%Y%m%dT%H%M%SZ', time.gmtime()), 'x-jdcloud-nonce': 'a-nonce-of-ours'}
    resp = sdk.send(DescribeCacheInstanceRequest(DescribeCacheInstanceParameters(REGION, instance_id), header=header))
    assert resp.error is None and resp.result['cacheInstance']['cacheInstanceId'] == instance_id
    assert (
        'SignedHeaders=content-type;host;x-jdcloud-date;x-jdcloud-nonce,'
        in wire['sent'][-1]['headers']['Authorization']
    )

    stale = dict(header, **{'x-jdcloud-date': time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(time.time() - 3600))})
    resp = sdk.send(DescribeCacheInstanceRequest(DescribeCacheInstanceParameters(REGION, instance_id), header=stale))
    assert (resp.error.code, resp.error.status) == (401, 'ACCESS_ERROR')


def _alter_path(method, url, data, headers):
    # still a routable path (another instance id), so only the signature can catch it
    return method, url[:-1] + ('0' if url[-1] != '0' else '1'), data, headers


def _alter_query(method, url, data, headers):
    return method, url.replace('pageSize=10', 'pageSize=11'), data, headers


def _alter_body(method, url, data, headers):
    return method, url, data.replace('sdk_renamed', 'sdk_renamee'), headers


def _alter_signed_header(method, url, data, headers):
    headers['Content-Type'] = 'application/jsoN'
    return method, url, data, headers


def _alter_unsigned_header(method, url, data, headers):
    headers['User-Agent'] = 'something else'
    return method, url, data, headers


@pytest.mark.parametrize(
    'tamper,op',
    [
        (_alter_path, 'describe'),
        (_alter_query, 'list'),
        (_alter_body, 'modify'),
        (_alter_signed_header, 'describe'),
    ],
)
def test_one_altered_byte_is_rejected(variant, sdk, emulator, wire, tamper, op):
    instance_id = create(sdk)
    wire['tamper'] = tamper
    resp = _run(sdk, op, instance_id)
    assert (resp.error.code, resp.error.status, resp.error.message) == (
        401,
        'ACCESS_ERROR',
        'sign result is not same [gw]',
    )
    wire['tamper'] = wire['untouched']
    assert _run(sdk, op, instance_id).error is None
    assert describe(sdk, instance_id).result['cacheInstance']['cacheInstanceName'] == (
        'sdk_renamed' if op == 'modify' else 'sdk_redis'
    )


def test_unsigned_header_change_is_accepted(sdk, wire):
    instance_id = create(sdk)
    wire['tamper'] = _alter_unsigned_header
    assert _run(sdk, 'describe', instance_id).error is None


def _run(sdk, op, instance_id):
    if op == 'describe':
        return describe(sdk, instance_id)
    if op == 'list':
        params = DescribeCacheInstancesParameters(REGION)
        params.setPageSize(10)
        return sdk.send(DescribeCacheInstancesRequest(params))
    params = ModifyCacheInstanceAttributeParameters(REGION, instance_id)
    params.setCacheInstanceName('sdk_renamed')
    return sdk.send(ModifyCacheInstanceAttributeRequest(params))


# -- engine parameters (describeInstanceConfig / modifyInstanceConfig) -------------------------------------


def instance_config(sdk, instance_id):
    resp = sdk.send(DescribeInstanceConfigRequest(DescribeInstanceConfigParameters(REGION, instance_id)))
    assert resp.error is None, vars(resp.error)
    return resp.result


def modify_config(sdk, instance_id, **values):
    items = [ConfigItem(name, value) for name, value in values.items()]
    return sdk.send(ModifyInstanceConfigRequest(ModifyInstanceConfigParameters(REGION, instance_id, items))).error


def config_values(sdk, instance_id):
    return {i['configName']: i['configValue'] for i in instance_config(sdk, instance_id)['instanceConfig']}


def test_instance_config_read_and_change(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    result = instance_config(sdk, instance_id)
    assert wire['sent'][-1]['method'] == 'GET' and wire['sent'][-1]['url'].endswith(instance_id + '/instanceConfig')
    assert 'list-max-ziplist-entries' in result['unSupportConfigs']
    items = {i['configName']: i for i in result['instanceConfig']}
    # the ConfigItem model of the SDK can be built from every item as read
    assert all(ConfigItem(**item).configName == name for name, item in items.items())
    assert items['maxmemory-policy'] == {
        'configName': 'maxmemory-policy',
        'configValue': 'volatile-lru',
        'configDefaultValue': 'volatile-lru',
        'configValueType': 'string',
        'configValueOptional': [
            'volatile-lru',
            'allkeys-lru',
            'volatile-lfu',
            'allkeys-lfu',
            'volatile-random',
            'allkeys-random',
            'volatile-ttl',
            'noeviction',
        ],
        'configDescription': items['maxmemory-policy']['configDescription'],
        'configUnSupport': False,
    }
    entries = items['hash-max-ziplist-entries']
    assert (
        entries['configValueType'],
        entries['configValue'],
        entries['configValueMin'],
        entries['configValueMax'],
    ) == (
        'int',
        '512',
        0,
        10000,
    )
    assert items['list-max-ziplist-size']['configValueMin'] == -5
    assert items['notify-keyspace-events']['configValueType'] == 'byteArray'
    assert items['notify-keyspace-events']['configValue'] == ''

    # the SDK's ConfigItem sends every unset member as null: only name and value count
    assert (
        modify_config(sdk, instance_id, **{'maxmemory-policy': 'allkeys-lru', 'hash-max-ziplist-entries': '1024'})
        is None
    )
    sent = wire['sent'][-1]
    assert sent['method'] == 'POST' and sent['url'].endswith(instance_id + '/instanceConfig')
    assert '"configDefaultValue": null' in sent['body']
    values = config_values(sdk, instance_id)
    assert (values['maxmemory-policy'], values['hash-max-ziplist-entries']) == ('allkeys-lru', '1024')
    # maxmemory-policy is the instance's maxmemoryPolicy
    assert describe(sdk, instance_id).result['cacheInstance']['maxmemoryPolicy'] == 'allkeys-lru'
    # reported in Redis's own form: integers without sign or zeros, keyspace flags with A for every class
    assert (
        modify_config(sdk, instance_id, **{'notify-keyspace-events': 'KEA', 'slowlog-log-slower-than': '+0050'}) is None
    )
    values = config_values(sdk, instance_id)
    assert (values['notify-keyspace-events'], values['slowlog-log-slower-than']) == ('AKE', '50')
    assert modify_config(sdk, instance_id, **{'notify-keyspace-events': 'xEg'}) is None
    assert config_values(sdk, instance_id)['notify-keyspace-events'] == 'gxE'
    calls = emulator.admin.stats()['calls']
    assert (calls['describeInstanceConfig'], calls['modifyInstanceConfig']) == (4, 3)


@pytest.mark.parametrize(
    'version, sent, reported',
    [
        ('4.0', 'KEA', 'AKE'),
        ('4.0', 'EKg$lshzxe', 'AKE'),
        ('5.0', 'KEg$lshzxe', 'g$lshzxeKE'),  # 5.0's A also stands for t
        ('6.2', 'mAK', 'AKm'),
        ('6.2', 'mEtd', 'tdEm'),
        # 7.0 added n after d in the class letters, but 'A' replaces that branch: beside A, n is not reported
        ('7.2', 'EnKg', 'gnKE'),
        ('7.2', 'mnEA', 'AEm'),
    ],
)
def test_instance_config_keyspace_events_in_redis_order(sdk, version, sent, reported):
    # Redis's keyspaceEventsFlagsToString (notify.c): A or the classes g$lshzxetdn, then K, E, m
    instance_id = create(sdk, version=version)
    assert modify_config(sdk, instance_id, **{'notify-keyspace-events': sent}) is None
    assert config_values(sdk, instance_id)['notify-keyspace-events'] == reported


def test_instance_config_catalogue_per_version(sdk):
    old = instance_config(sdk, create(sdk, name='sdk_old', cls='redis.m1.micro.basic', version='2.8'))
    names = [i['configName'] for i in old['instanceConfig']]
    assert 'list-max-ziplist-entries' in names and 'list-max-ziplist-size' not in names
    assert 'notify-keyspace-events' in old['unSupportConfigs']
    policy = next(i for i in old['instanceConfig'] if i['configName'] == 'maxmemory-policy')
    assert 'allkeys-lfu' not in policy['configValueOptional']

    new = instance_config(sdk, create(sdk, name='sdk_new', version='6.2'))
    items = {i['configName']: i for i in new['instanceConfig']}
    assert 'm' in items['notify-keyspace-events']['configValueOptional']
    buffer = items['client-output-buffer-limit']
    assert buffer['configValueType'] == 'outputBuffer' and buffer['configValueOutputBuffer']
    assert 'configValueMin' not in buffer

    newest = instance_config(sdk, create(sdk, name='sdk_newest', version='7.2'))
    items = {i['configName']: i for i in newest['instanceConfig']}
    assert items['hash-max-listpack-entries']['configUnSupport'] is False
    assert items['hash-max-ziplist-entries']['configUnSupport'] is True


def test_instance_config_output_buffer_merges_classes(sdk):
    instance_id = create(sdk, version='5.0')
    assert modify_config(sdk, instance_id, **{'client-output-buffer-limit': 'pubsub 64mb 16MB 120'}) is None
    assert config_values(sdk, instance_id)['client-output-buffer-limit'] == (
        'normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 120'
    )
    assert modify_config(sdk, instance_id, **{'client-output-buffer-limit': 'replica 1gb 1k 0'}) is None
    assert config_values(sdk, instance_id)['client-output-buffer-limit'] == (
        'normal 0 0 0 slave 1073741824 1000 0 pubsub 67108864 16777216 120'
    )


@pytest.mark.parametrize(
    'values, words',
    [
        ({'no-such-parameter': '1'}, ['instanceConfig[0].configName', 'supported: maxmemory-policy']),
        ({'maxmemory': '1gb'}, ['instanceConfig[0].configName', 'not supported']),
        ({'maxmemory-policy': 'lru'}, ['instanceConfig[0].configValue (maxmemory-policy)', 'one of']),
        ({'maxmemory-policy': 'ALLKEYS-LRU'}, ['one of']),
        ({'hash-max-ziplist-entries': '10001'}, ['between 0 and 10000']),
        ({'list-max-ziplist-size': '-6'}, ['between -5 and 10000']),
        ({'slowlog-log-slower-than': '1.5'}, ['must be an integer']),
        ({'slowlog-log-slower-than': ''}, ['must be an integer']),
        ({'notify-keyspace-events': 'KEt'}, ["'t' not allowed"]),
        ({'notify-keyspace-events': 'ke'}, ["'k' not allowed"]),
        ({'set-max-intset-entries': '1', 'zset-max-ziplist-value': 'x'}, ['instanceConfig[1].configValue']),
    ],
)
def test_instance_config_errors(sdk, emulator, values, words):
    instance_id = create(sdk)
    before = config_values(sdk, instance_id)
    error = modify_config(sdk, instance_id, **values)
    assert (error.code, error.status) == (400, 'INVALID_ARGUMENT')
    assert all(word in error.message for word in words), error.message
    assert config_values(sdk, instance_id) == before  # nothing of a refused change is applied
    assert describe(sdk, instance_id).result['cacheInstance']['cacheInstanceStatus'] == 'running'


def test_instance_config_request_errors(sdk, emulator):
    instance_id = create(sdk)
    empty = sdk.send(ModifyInstanceConfigRequest(ModifyInstanceConfigParameters(REGION, instance_id, []))).error
    assert (empty.code, empty.status, empty.message) == (400, 'INVALID_ARGUMENT', 'instanceConfig is required')
    twice = [ConfigItem('list-compress-depth', '1'), ConfigItem('list-compress-depth', '2')]
    error = sdk.send(ModifyInstanceConfigRequest(ModifyInstanceConfigParameters(REGION, instance_id, twice))).error
    assert error.code == 400 and 'more than once' in error.message
    missing = modify_config(sdk, 'redis-000000000000', **{'list-compress-depth': '1'})
    assert (missing.code, missing.status) == (404, 'NOT_FOUND')
    gone = sdk.send(DescribeInstanceConfigRequest(DescribeInstanceConfigParameters(REGION, 'redis-000000000000')))
    assert gone.error.code == 404

    # a change only while running; reads in any status
    emulator.admin.force_status(instance_id, 'changing')
    busy = modify_config(sdk, instance_id, **{'list-compress-depth': '1'})
    assert (busy.code, busy.status) == (400, 'FAILED_PRECONDITION') and 'changing' in busy.message
    assert config_values(sdk, instance_id)['list-compress-depth'] == '0'


def test_instance_config_configuring_for_the_delay():
    slow = RunningEmulator(config_delay=60)  # the start-up option, on the emulator's clock, frozen here
    try:
        slow.admin.freeze()
        sdk = make_client(slow)
        instance_id = create(sdk)
        assert modify_config(sdk, instance_id, **{'list-compress-depth': '3'}) is None
        inst = describe(sdk, instance_id).result['cacheInstance']
        assert inst['cacheInstanceStatus'] == 'configuring'
        assert config_values(sdk, instance_id)['list-compress-depth'] == '3'
        again = modify_config(sdk, instance_id, **{'list-compress-depth': '4'})
        assert (again.code, again.status) == (400, 'FAILED_PRECONDITION') and 'configuring' in again.message
        slow.admin.advance(59.5)
        assert describe(sdk, instance_id).result['cacheInstance']['cacheInstanceStatus'] == 'configuring'
        slow.admin.advance(0.5)
        assert describe(sdk, instance_id).result['cacheInstance']['cacheInstanceStatus'] == 'running'
    finally:
        slow.stop()
