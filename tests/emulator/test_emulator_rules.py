"""The API's rules (docs/dev/api-notes.md#operations, #lifecycle, #validation): validation, lifecycle preconditions, quota, catalogue, model."""

from __future__ import annotations

import re
import time

import pytest
from emu_helpers import ID_RE, PASSWORD, create_body

R = 'cn-north-1'
BASE = '/regions/cn-north-1/cacheInstance'


def _create(api, region=R, charge=None, **fields):
    return api.call('POST', '/regions/%s/cacheInstance' % region, region, body=create_body(region, charge, **fields))


def _invalid(resp, field):
    assert resp.status == 400, resp
    assert resp.error['status'] == 'INVALID_ARGUMENT', resp
    assert (
        resp.error['message'].startswith(field + ' ')
        or resp.error['message'].startswith(field + ':')
        or (field + ' ') in resp.error['message']
    ), resp.error['message']


def _precondition(resp, fragment=''):
    assert resp.status == 400 and resp.error['status'] == 'FAILED_PRECONDITION', resp
    assert fragment in resp.error['message'], resp.error['message']


# --------------------------------------------------------------------------- createCacheInstance validation
@pytest.mark.parametrize(
    'fields,field',
    [
        ({'cacheInstanceName': None}, 'cacheInstance.cacheInstanceName'),
        ({'cacheInstanceName': 'a'}, 'cacheInstance.cacheInstanceName'),
        ({'cacheInstanceName': 'a' * 33}, 'cacheInstance.cacheInstanceName'),
        ({'cacheInstanceName': 'my-redis'}, 'cacheInstance.cacheInstanceName'),
        ({'cacheInstanceName': 'my redis'}, 'cacheInstance.cacheInstanceName'),
        ({'cacheInstanceName': 12345}, 'cacheInstance.cacheInstanceName'),
        ({'cacheInstanceDescription': 'd' * 257}, 'cacheInstance.cacheInstanceDescription'),
        ({'password': 'Passw0r'}, 'cacheInstance.password'),
        ({'password': 'Passw0rd12345678x'}, 'cacheInstance.password'),
        ({'password': 'PasswordOnly'}, 'cacheInstance.password'),
        ({'password': '1234567890'}, 'cacheInstance.password'),
        ({'password': 'Passw0rd!!'}, 'cacheInstance.password'),
        ({'azId': None}, 'cacheInstance.azId'),
        ({'azId': {'master': 'cn-south-1a', 'slave': 'cn-north-1b'}}, 'cacheInstance.azId.master'),
        ({'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1z'}}, 'cacheInstance.azId.slave'),
        ({'azId': {'master': 'cn-north-1a'}}, 'cacheInstance.azId.slave'),
        ({'redisVersion': '3.0'}, 'cacheInstance.redisVersion'),
        ({'redisVersion': 4.0}, 'cacheInstance.redisVersion'),
        ({'cacheInstanceClass': None}, 'cacheInstance.cacheInstanceClass'),
        ({'cacheInstanceClass': 'redis.x.huge.basic'}, 'cacheInstance.cacheInstanceClass'),
        ({'cacheInstanceClass': 'redis.m1.micro.basic'}, 'cacheInstance.cacheInstanceClass'),  # a 2.8 class for 4.0
        ({'vpcId': None}, 'cacheInstance.vpcId'),
        ({'vpcId': ''}, 'cacheInstance.vpcId'),
        ({'vpcId': 'net-aaaa1111'}, 'cacheInstance.vpcId'),
        ({'subnetId': None}, 'cacheInstance.subnetId'),
        ({'subnetId': 'subnet_bbbb'}, 'cacheInstance.subnetId'),
        ({'ipv6On': 2}, 'cacheInstance.ipv6On'),
        ({'ipv6On': True}, 'cacheInstance.ipv6On'),
        ({'shardNumber': 4}, 'cacheInstance.shardNumber'),
        ({'cacheInstanceType': 'cluster'}, 'cacheInstance.cacheInstanceType'),
        ({'dbNum': 8}, 'cacheInstance.dbNum'),
        ({'maxmemoryPolicy': 'lru'}, 'cacheInstance.maxmemoryPolicy'),
        ({'cpuArchType': 'x86'}, 'cacheInstance.cpuArchType'),
        ({'cacheInstanceNmae': 'typo'}, 'cacheInstance.cacheInstanceNmae'),
    ],
)
def test_create_validation(api, fields, field):
    resp = _create(api, **fields)
    _invalid(resp, field)
    if 'password' in fields and fields['password']:
        assert fields['password'] not in resp.raw.decode()
    assert api.call('GET', '/regions/cn-north-1/quota').result['quota']['used'] == 0


@pytest.mark.parametrize(
    'charge,field',
    [
        ({'chargeMode': 'postpaid_by_usage'}, 'charge.chargeMode'),
        ({'chargeMode': 'prepaid_by_duration'}, 'charge.chargeDuration'),
        ({'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'month', 'chargeDuration': 10}, 'charge.chargeDuration'),
        ({'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'month', 'chargeDuration': 0}, 'charge.chargeDuration'),
        ({'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'year', 'chargeDuration': 4}, 'charge.chargeDuration'),
        ({'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'week', 'chargeDuration': 1}, 'charge.chargeUnit'),
        ({'chargeMode': 'prepaid_by_duration', 'chargeDuration': '1'}, 'charge.chargeDuration'),
        ({'chargeMode': 'postpaid_by_duration', 'autoRenew': True}, 'charge.autoRenew'),
        ({'chargeMode': 'postpaid_by_duration', 'autoChangeChargeMode': True}, 'charge.autoChangeChargeModeDate'),
        ({'chargeMode': 'postpaid_by_duration', 'billing': 'x'}, 'charge.billing'),
        (
            {
                'chargeMode': 'prepaid_by_duration',
                'chargeDuration': 1,
                'autoChangeChargeMode': True,
                'autoChangeChargeModeDate': '2030-01-01',
            },
            'charge.autoChangeChargeMode',
        ),
        (
            {
                'chargeMode': 'postpaid_by_duration',
                'autoChangeChargeMode': True,
                'autoChangeChargeModeDate': '2030/01/01',
            },
            'charge.autoChangeChargeModeDate',
        ),
    ],
)
def test_charge_validation(api, charge, field):
    _invalid(_create(api, charge=charge), field)


def test_missing_or_malformed_spec(api):
    _invalid(api.call('POST', BASE, body={'charge': {'chargeMode': 'postpaid_by_duration'}}), 'cacheInstance')
    _invalid(api.call('POST', BASE, body={'cacheInstance': 'x'}), 'cacheInstance')
    _invalid(api.call('POST', BASE, body=dict(create_body(), extra=1)), 'extra')


@pytest.mark.parametrize(
    'fields',
    [
        {'cacheInstanceName': 'ab'},
        {'cacheInstanceName': 'A' * 32},
        {'cacheInstanceName': '缓存_测试01'},
        {'cacheInstanceDescription': 'd' * 256},
        {'password': 'abcdefg1'},
        {'password': 'A1234567890bcdef'},
        {'ipv6On': 1},
        {'shardNumber': 1},
        {'cacheInstanceType': 'master-slave'},
        {'dbNum': 256, 'maxmemoryPolicy': 'allkeys-lru', 'cpuArchType': 'arm64', 'port': 6380},
        {'cacheInstanceClass': 'redis.c.small.basic', 'shardNumber': 8, 'cacheInstanceType': 'cluster'},
        {'redisVersion': '7.2', 'cacheInstanceClass': 'redis.m.2xlarge.basic'},
    ],
)
def test_create_accepts_valid_values(api, get_instance, fields):
    resp = _create(api, **fields)
    assert resp.status == 200, resp
    inst = get_instance(resp.result['cacheInstanceId'])
    for key, value in fields.items():
        if key in (
            'cacheInstanceName',
            'cacheInstanceDescription',
            'ipv6On',
            'redisVersion',
            'cacheInstanceClass',
            'port',
            'maxmemoryPolicy',
            'cpuArchType',
            'cacheInstanceType',
            'shardNumber',
        ):
            assert inst[key] == value
    if 'dbNum' in fields:
        assert inst['databaseNum'] == '256'


def test_redis_version_defaults_to_2_8(api, get_instance):
    resp = _create(api, redisVersion=None, cacheInstanceClass='redis.m1.micro.basic')
    assert resp.status == 200, resp
    inst = get_instance(resp.result['cacheInstanceId'])
    assert inst['redisVersion'] == '2.8' and inst['instanceVersion'].startswith('2.8-')
    _invalid(_create(api, redisVersion=None), 'cacheInstance.cacheInstanceClass')  # redis.m.* is not a 2.8 class


@pytest.mark.parametrize(
    'region,fields,field',
    [
        ('cn-east-1', {'redisVersion': '7.2'}, 'cacheInstance.redisVersion'),
        ('cn-east-1', {'cacheInstanceClass': 'redis.m.2xlarge.basic'}, 'cacheInstance.cacheInstanceClass'),
        ('cn-east-1', {'cacheInstanceClass': 'redis.c.4xlarge.basic'}, 'cacheInstance.cacheInstanceClass'),
    ],
)
def test_catalogue_differs_per_region(api, region, fields, field):
    _invalid(_create(api, region=region, **fields), field)
    assert _create(api, region='cn-north-1', **fields).status == 200


@pytest.mark.parametrize('password,auth', [(None, False), ('', False), (PASSWORD, True)])
def test_password_optional(api, get_instance, emulator, password, auth):
    resp = _create(api, password=password)
    assert resp.status == 200, resp
    instance_id = resp.result['cacheInstanceId']
    assert get_instance(instance_id)['auth'] is auth
    assert emulator.admin.check_password(instance_id, password or '')


def test_create_result_and_model(api, emulator, get_instance):
    clock = emulator.admin.freeze()  # createTime is the emulator's time of the create, to the second
    resp = _create(
        api,
        cacheInstanceClass='redis.c.small.basic',
        userTags=[{'key': 'env', 'value': 'test'}],
        resourceGroupId='rg-1',
    )
    result = resp.result
    assert set(result) == {'cacheInstanceId', 'orderNum', 'buyId'}
    assert ID_RE.match(result['cacheInstanceId'])
    assert re.match(r'^\d{17}$', result['orderNum']) and re.match(r'^B\d{18}$', result['buyId'])
    inst = get_instance(result['cacheInstanceId'])
    assert inst['cacheInstanceStatus'] == 'running'
    assert inst['cacheInstanceType'] == 'cluster' and inst['shardNumber'] == 8
    assert inst['cacheInstanceMemoryMB'] == 16384 and inst['memoryMBPerShard'] == 2048
    assert inst['connectionDomain'] == '%s-proxy-nlb.jvessel-open-hb.jdcloud.com' % inst['cacheInstanceId']
    assert inst['instanceVersion'] == '4.0-1.3' and inst['port'] == 6379 and inst['ipv6On'] == 0
    assert inst['vpcId'] == 'vpc-aaaa1111' and inst['subnetId'] == 'subnet-bbbb2222'
    assert inst['cacheInstanceDescription'] == ''
    assert inst['tags'] == [{'key': 'env', 'value': 'test'}] and inst['resourceGroupId'] == 'rg-1'
    assert inst['createTime'] == clock['time']
    assert inst['charge'] == {
        'chargeMode': 'postpaid_by_duration',
        'chargeStatus': 'normal',
        'chargeStartTime': inst['createTime'],
    }
    assert not any('password' in key.lower() for key in inst)
    inst = get_instance(_create(api).result['cacheInstanceId'])
    assert inst['tags'] is None and inst['cacheInstanceType'] == 'master-slave' and inst['shardNumber'] == 1


def test_other_regions_have_their_own_domain_code(api, get_instance):
    instance_id = _create(api, region='cn-south-1').result['cacheInstanceId']
    assert get_instance(instance_id, 'cn-south-1')['connectionDomain'].endswith(
        '-proxy-nlb.jvessel-open-hn.jdcloud.com'
    )


@pytest.mark.parametrize('unit,duration,months', [('month', 1, 1), ('month', 9, 9), ('year', 3, 36), (None, 2, 2)])
def test_prepaid_expiry(api, get_instance, unit, duration, months):
    charge = {'chargeMode': 'prepaid_by_duration', 'chargeDuration': duration}
    if unit:
        charge['chargeUnit'] = unit
    resp = _create(api, charge=charge)
    assert resp.status == 200, resp
    charge = get_instance(resp.result['cacheInstanceId'])['charge']
    start = time.strptime(charge['chargeStartTime'], '%Y-%m-%dT%H:%M:%SZ')
    expiry = time.strptime(charge['chargeExpiredTime'], '%Y-%m-%dT%H:%M:%SZ')
    assert (expiry.tm_year * 12 + expiry.tm_mon) - (start.tm_year * 12 + start.tm_mon) == months
    assert charge['chargeMode'] == 'prepaid_by_duration' and charge['chargeStatus'] == 'normal'


# --------------------------------------------------------------------------- describeCacheInstance
def test_describe_unknown_instance(api, make_instance):
    resp = api.call('GET', BASE + '/redis-doesnotexist')
    assert resp.status == 404 and resp.error['message'] == "cacheInstance 'redis-doesnotexist' not found"
    instance_id = make_instance()
    # an instance is only found in its own region
    resp = api.call('GET', '/regions/cn-south-1/cacheInstance/' + instance_id, 'cn-south-1')
    assert resp.status == 404


# --------------------------------------------------------------------------- modifyCacheInstanceAttribute
def test_modify_attribute(api, make_instance, get_instance):
    instance_id = make_instance(cacheInstanceDescription='first')
    url = BASE + '/' + instance_id
    assert api.call('PATCH', url, body={'cacheInstanceName': 'renamed_1'}).status == 200
    assert (get_instance(instance_id)['cacheInstanceName'], get_instance(instance_id)['cacheInstanceDescription']) == (
        'renamed_1',
        'first',
    )
    assert api.call('PATCH', url, body={'cacheInstanceDescription': ''}).status == 200
    assert (get_instance(instance_id)['cacheInstanceName'], get_instance(instance_id)['cacheInstanceDescription']) == (
        'renamed_1',
        '',
    )


@pytest.mark.parametrize(
    'body,field',
    [
        ({}, 'at least one of cacheInstanceName and cacheInstanceDescription'),
        ({'cacheInstanceName': None, 'cacheInstanceDescription': None}, 'at least one of'),
        ({'cacheInstanceName': 'x'}, 'cacheInstanceName'),
        ({'cacheInstanceName': 'bad-name'}, 'cacheInstanceName'),
        ({'cacheInstanceDescription': 'd' * 257}, 'cacheInstanceDescription'),
        ({'cacheInstanceName': 'ok_name', 'password': 'x'}, 'password'),
    ],
)
def test_modify_attribute_validation(api, make_instance, get_instance, body, field):
    instance_id = make_instance()
    _invalid(api.call('PATCH', BASE + '/' + instance_id, body=body), field)
    assert get_instance(instance_id)['cacheInstanceName'] == 'my_redis'


@pytest.mark.parametrize(
    'status,allowed',
    [('creating', False), ('deleting', False), ('changing', True), ('error', True), ('configuring', True)],
)
def test_modify_attribute_status_rule(api, emulator, make_instance, status, allowed):
    instance_id = make_instance()
    emulator.admin.force_status(instance_id, status)
    resp = api.call('PATCH', BASE + '/' + instance_id, body={'cacheInstanceName': 'renamed'})
    if allowed:
        assert resp.status == 200, resp
    else:
        _precondition(resp, status)


def test_modify_attribute_unknown_instance(api):
    assert api.call('PATCH', BASE + '/redis-000000000000', body={'cacheInstanceName': 'renamed'}).status == 404


# --------------------------------------------------------------------------- resetCacheInstancePassword
def _reset(api, instance_id, body):
    return api.call('POST', BASE + '/%s:resetCacheInstancePassword' % instance_id, body=body)


def test_reset_password(api, emulator, make_instance, get_instance):
    instance_id = make_instance(password=None)
    assert get_instance(instance_id)['auth'] is False
    assert _reset(api, instance_id, {'password': 'Another1pw'}).status == 200
    assert get_instance(instance_id)['auth'] is True and emulator.admin.check_password(instance_id, 'Another1pw')
    assert not emulator.admin.check_password(instance_id, PASSWORD)
    assert _reset(api, instance_id, {}).status == 200  # absent = password-free
    assert get_instance(instance_id)['auth'] is False
    assert _reset(api, instance_id, {'password': 'Another1pw'}).status == 200
    assert _reset(api, instance_id, {'password': ''}).status == 200  # empty = password-free
    assert get_instance(instance_id)['auth'] is False


@pytest.mark.parametrize('password', ['short1', 'onlyletters', '1234567890', 'Has space1', 'Passw0rd12345678x'])
def test_reset_password_validation(api, emulator, make_instance, password):
    instance_id = make_instance()
    resp = _reset(api, instance_id, {'password': password})
    _invalid(resp, 'password')
    assert password not in resp.raw.decode()
    assert emulator.admin.check_password(instance_id, PASSWORD)


@pytest.mark.parametrize(
    'status,allowed', [('creating', False), ('deleting', False), ('running', True), ('error', True)]
)
def test_reset_password_status_rule(api, emulator, make_instance, status, allowed):
    instance_id = make_instance()
    emulator.admin.force_status(instance_id, status)
    resp = _reset(api, instance_id, {'password': 'Another1pw'})
    if allowed:
        assert resp.status == 200
    else:
        _precondition(resp, status)
    assert emulator.admin.check_password(instance_id, 'Another1pw') is allowed


def test_reset_password_unknown_instance(api):
    assert _reset(api, 'redis-000000000000', {'password': 'Another1pw'}).status == 404


# --------------------------------------------------------------------------- deleteCacheInstance
@pytest.mark.parametrize(
    'status,allowed',
    [
        ('running', True),
        ('error', True),
        ('creating', False),
        ('changing', False),
        ('deleting', False),
        ('configuring', False),
        ('restoring', False),
        ('upgrading', False),
    ],
)
def test_delete_status_rule(api, emulator, make_instance, status, allowed):
    instance_id = make_instance()
    emulator.admin.force_status(instance_id, status)
    resp = api.call('DELETE', BASE + '/' + instance_id)
    if allowed:
        assert resp.status == 200
        assert api.call('GET', BASE + '/' + instance_id).status == 404
        assert api.call('DELETE', BASE + '/' + instance_id).status == 404
    else:
        _precondition(resp, 'only running or error instances can be deleted')
        assert api.call('GET', BASE + '/' + instance_id).result['cacheInstance']['cacheInstanceStatus'] == status


def test_prepaid_not_deletable_before_expiry(api, emulator, make_instance, get_instance):
    instance_id = make_instance(
        charge={'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'month', 'chargeDuration': 1}
    )
    resp = api.call('DELETE', BASE + '/' + instance_id)
    _precondition(resp, 'prepaid')
    assert 'cannot be deleted before it expires' in resp.error['message']
    emulator.admin.expire(instance_id)
    assert get_instance(instance_id)['charge']['chargeStatus'] == 'overdue'
    assert api.call('DELETE', BASE + '/' + instance_id).status == 200


def test_delete_unknown_instance(api):
    assert api.call('DELETE', BASE + '/redis-000000000000').status == 404


# --------------------------------------------------------------------------- modifyCacheInstanceClass
def _resize(api, instance_id, cls, region=R, **extra):
    body = dict({'cacheInstanceClass': cls}, **extra)
    return api.call(
        'POST', '/regions/%s/cacheInstance/%s:modifyCacheInstanceClass' % (region, instance_id), region, body=body
    )


def test_resize(api, make_instance, get_instance):
    instance_id = make_instance()
    resp = _resize(api, instance_id, 'redis.m.large.basic')
    assert resp.status == 200 and set(resp.result) == {'orderNum', 'buyId'}
    inst = get_instance(instance_id)
    assert inst['cacheInstanceClass'] == 'redis.m.large.basic' and inst['cacheInstanceMemoryMB'] == 8192
    assert _resize(api, instance_id, 'redis.c.small.basic').status == 200  # master-slave -> cluster is allowed
    assert get_instance(instance_id)['cacheInstanceType'] == 'cluster'


@pytest.mark.parametrize('status', ['creating', 'changing', 'error', 'deleting', 'configuring'])
def test_resize_only_when_running(api, emulator, make_instance, get_instance, status):
    instance_id = make_instance()
    emulator.admin.force_status(instance_id, status)
    _precondition(_resize(api, instance_id, 'redis.m.small.basic'), 'only be changed while running')
    assert get_instance(instance_id)['cacheInstanceClass'] == 'redis.m.micro.basic'


def test_resize_one_task_at_a_time(api, emulator, make_instance, get_instance):
    emulator.admin.hold('resize')
    instance_id = make_instance()
    assert _resize(api, instance_id, 'redis.m.small.basic').status == 200
    assert get_instance(instance_id)['cacheInstanceStatus'] == 'changing'
    _precondition(_resize(api, instance_id, 'redis.m.medium.basic'), 'changing')


def test_resize_to_same_class(api, make_instance):
    _precondition(_resize(api, make_instance(), 'redis.m.micro.basic'), 'already has class')


@pytest.mark.parametrize(
    'region,cls', [('cn-east-1', 'redis.m.2xlarge.basic'), (R, 'redis.m1.small.basic'), (R, 'redis.nope'), (R, '')]
)
def test_resize_class_must_exist_for_region_and_version(api, make_instance, region, cls):
    instance_id = make_instance(region=region)
    _invalid(_resize(api, instance_id, cls, region), 'cacheInstanceClass')


def test_resize_cluster_to_master_slave_refused(api, make_instance, get_instance):
    instance_id = make_instance(cacheInstanceClass='redis.c.small.basic')
    _precondition(_resize(api, instance_id, 'redis.m.2xlarge.basic'), 'cluster')
    assert _resize(api, instance_id, 'redis.c.medium.basic').status == 200
    assert get_instance(instance_id)['cacheInstanceClass'] == 'redis.c.medium.basic'


def test_resize_prepaid_only_grows(api, make_instance):
    instance_id = make_instance(
        cacheInstanceClass='redis.m.medium.basic',
        charge={'chargeMode': 'prepaid_by_duration', 'chargeUnit': 'year', 'chargeDuration': 1},
    )
    _precondition(_resize(api, instance_id, 'redis.m.small.basic'), 'prepaid')
    assert _resize(api, instance_id, 'redis.m.large.basic').status == 200


@pytest.mark.parametrize(
    'extra,field',
    [
        ({'shardNumber': 4}, 'shardNumber'),
        ({'effectiveTime': 'Later'}, 'effectiveTime'),
        ({'parallel': 'yes'}, 'parallel'),
        ({'size': 1}, 'size'),
    ],
)
def test_resize_validation(api, make_instance, extra, field):
    _invalid(_resize(api, make_instance(), 'redis.m.small.basic', **extra), field)


def test_resize_unknown_instance(api):
    assert _resize(api, 'redis-000000000000', 'redis.m.small.basic').status == 404


# --------------------------------------------------------------------------- quota
def _quota(api, region=R):
    return api.call('GET', '/regions/%s/quota' % region, region).result['quota']


def test_quota_reflects_usage(api, emulator, make_instance):
    assert _quota(api) == {'name': '缓存Redis', 'max': 20, 'used': 0}
    ids = [make_instance(cacheInstanceName='q%d_x' % i) for i in range(3)]
    assert _quota(api)['used'] == 3 and _quota(api, 'cn-south-1')['used'] == 0
    emulator.admin.force_status(ids[0], 'error')
    assert _quota(api)['used'] == 3  # error instances still hold quota
    assert api.call('DELETE', BASE + '/' + ids[0]).status == 200
    assert _quota(api)['used'] == 2


def test_quota_exceeded(api, emulator, make_instance):
    emulator.admin.set_quota(R, 2)
    make_instance()
    make_instance()
    assert _quota(api) == {'name': '缓存Redis', 'max': 2, 'used': 2}
    resp = _create(api)
    assert resp.status == 429
    assert resp.error == {'code': 429, 'status': 'QUOTA_EXCEEDED', 'message': 'Instance quota limit exceeded'}
    assert _quota(api)['used'] == 2
    assert _create(api, region='cn-south-1').status == 200  # quotas are per region


def test_deleting_instances_hold_quota(api, emulator, make_instance):
    emulator.admin.hold('delete')
    emulator.admin.set_quota(R, 1)
    instance_id = make_instance()
    assert api.call('DELETE', BASE + '/' + instance_id).status == 200
    assert _quota(api)['used'] == 1
    assert _create(api).status == 429


# --------------------------------------------------------------------------- describeInstanceClass
def _classes(api, region=R, version=None):
    query = {'redisVersion': version} if version else None
    return api.call('GET', '/regions/%s/instanceClass' % region, region, query=query)


def test_instance_classes_per_version(api):
    default = _classes(api).result
    assert default['totalCount'] == len(default['instanceClasses']) == 12
    assert all(re.match(r'^redis\.(m1|c1)\.', c['instanceClass']) for c in default['instanceClasses'])
    v4 = _classes(api, version='4.0').result['instanceClasses']
    assert all(re.match(r'^redis\.(m|c)\.', c['instanceClass']) for c in v4)
    micro = next(c for c in v4 if c['instanceClass'] == 'redis.m.micro.basic')
    assert micro == {
        'instanceClass': 'redis.m.micro.basic',
        'instanceType': 'master-slave',
        'cpu': 1,
        'memoryMB': 1024,
        'diskGB': 20,
        'maxConnection': 10000,
        'bandwidthMbps': 48,
    }
    small = next(c for c in v4 if c['instanceClass'] == 'redis.c.small.basic')
    assert (small['instanceType'], small['memoryMB'], small['cpu'], small['maxConnection']) == (
        'cluster',
        16384,
        8,
        80000,
    )


def test_instance_classes_per_region(api):
    north = {c['instanceClass'] for c in _classes(api, version='4.0').result['instanceClasses']}
    east1 = {c['instanceClass'] for c in _classes(api, 'cn-east-1', '4.0').result['instanceClasses']}
    assert east1 < north and 'redis.m.2xlarge.basic' in north - east1
    _invalid(_classes(api, 'cn-east-1', '7.2'), 'redisVersion')
    _invalid(_classes(api, R, '9.9'), 'redisVersion')


def test_instance_class_listing_matches_create(api):
    """Classes that describeInstanceClass lists can be created in that region and version."""
    for region in ('cn-north-1', 'cn-east-1'):
        listed = [c['instanceClass'] for c in _classes(api, region, '6.2').result['instanceClasses']]
        for cls in listed[:2] + listed[-2:]:
            assert _create(api, region=region, redisVersion='6.2', cacheInstanceClass=cls).status == 200
