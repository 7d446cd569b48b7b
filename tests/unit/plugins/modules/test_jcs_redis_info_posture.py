"""jcs_redis_info include: [posture] run for real against the emulator over HTTP: instances with and without each
finding, staged with the official SDK (a client we did not write), and what the posture costs."""

from __future__ import annotations

import importlib
import threading
import time

import pytest
from modrunner import run_module

DAY = 86400
ALL_DANGEROUS = ['CONFIG', 'FLUSHALL', 'FLUSHDB', 'KEYS']


def sdk(sdk_client, request_class, **params):
    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk_client.client.send(getattr(module, request_class)(dict(regionId='cn-north-1', **params)))
    assert response.error is None, vars(response.error)
    return response.result


def create(sdk_client, name, redis_version='6.2', password='Sdk1Password'):
    result = sdk(
        sdk_client,
        'CreateCacheInstanceRequest',
        cacheInstance={
            'vpcId': 'vpc-test0001',
            'subnetId': 'subnet-test0001',
            'cacheInstanceName': name,
            'cacheInstanceClass': 'redis.m.micro.basic',
            'redisVersion': redis_version,
            'password': password,
            'azId': {'master': 'cn-north-1a', 'slave': 'cn-north-1b'},
        },
    )
    return result['cacheInstanceId']


def harden(sdk_client, instance_id):
    """Everything a reviewer asks for, made with the SDK."""
    sdk(sdk_client, 'ModifyWhiteListGroupRequest', cacheInstanceId=instance_id, name='default', ips='10.0.1.0/24')
    sdk(sdk_client, 'ModifyInstanceTLSRequest', cacheInstanceId=instance_id, tlsStatus='enable')
    sdk(
        sdk_client,
        'SetDisableCommandsRequest',
        cacheInstanceId=instance_id,
        disableCommands=[dict(commandName=c, isDisable=True) for c in ALL_DANGEROUS],
    )
    sdk(sdk_client, 'MaintenanceTimeRequest', cacheInstanceId=instance_id, startTime='18:00Z', endTime='20:00Z')


def posture(emulator, **args):
    args.setdefault("include", ["posture"])
    run = run_module("jcs_redis_info", emulator.connection(**args))
    assert not run.failed, run.result
    return {i['id']: i for i in run.result['instances']}


def ids(instance):
    return [f['id'] for f in instance['posture']]


def test_a_new_instance_has_every_default_finding_and_a_hardened_one_none(emulator, sdk_client):
    fresh = create(sdk_client, 'posture_fresh')
    hardened = create(sdk_client, 'posture_hard')
    harden(sdk_client, hardened)
    emulator.admin.reset(state=False)
    found = posture(emulator)
    # one listing, then four reads per instance
    assert emulator.calls() == {
        'describeCacheInstances': 1,
        'describeWhiteListGroup': 2,
        'describeBackupPolicy': 2,
        'describeInstanceTLS': 2,
        'getDisableCommands': 2,
    }
    assert ids(found[fresh]) == ['whitelist_open', 'tls_off', 'dangerous_commands_enabled', 'no_maintenance_window']
    first = found[fresh]['posture'][0]
    assert first['severity'] == 'high' and first['groups'] == ['default']
    assert first['fix'].startswith('jdcloud.cloud.jcs_redis_whitelist: groups')
    assert found[fresh]['posture'][2]['commands'] == ALL_DANGEROUS
    assert found[hardened]['posture'] == []
    assert found[hardened]['maintenance_window'] == '18:00-20:00 +0000'
    # the settings read for the posture are only returned when asked for
    assert 'whitelist' not in found[fresh] and 'tls' not in found[fresh]


def test_each_finding_present_and_absent(emulator, sdk_client):
    instance = create(sdk_client, 'posture_each')
    harden(sdk_client, instance)
    assert ids(posture(emulator)[instance]) == []

    sdk(sdk_client, 'AddWhiteListGroupRequest', cacheInstanceId=instance, name='office', ips='8.8.8.0/24,10.0.0.1')
    assert ids(posture(emulator)[instance]) == ['whitelist_public']
    sdk(sdk_client, 'ModifyWhiteListGroupRequest', cacheInstanceId=instance, name='office', ips='0.0.0.0/0')
    found = posture(emulator)[instance]
    assert ids(found) == ['whitelist_open'] and found['posture'][0]['groups'] == ['office']
    sdk(sdk_client, 'DeleteWhiteListGroupRequest', cacheInstanceId=instance, name='office')

    sdk(sdk_client, 'ResetCacheInstancePasswordRequest', cacheInstanceId=instance, password='')
    assert ids(posture(emulator)[instance]) == ['no_password']
    sdk(sdk_client, 'ResetCacheInstancePasswordRequest', cacheInstanceId=instance, password='Sdk2Password')

    sdk(sdk_client, 'ModifyInstanceTLSRequest', cacheInstanceId=instance, tlsStatus='disable')
    assert ids(posture(emulator)[instance]) == ['tls_off']
    sdk(sdk_client, 'ModifyInstanceTLSRequest', cacheInstanceId=instance, tlsStatus='enable')
    store = emulator.server.store
    with store.lock:
        store.get('cn-north-1', instance).tls['expires'] = time.time() + 10 * DAY
    found = posture(emulator)[instance]
    assert ids(found) == ['tls_certificate_expiring'] and found['posture'][0]['severity'] == 'medium'
    sdk(sdk_client, 'ModifyInstanceTLSRequest', cacheInstanceId=instance, tlsStatus='updateCertificate')

    sdk(
        sdk_client,
        'SetDisableCommandsRequest',
        cacheInstanceId=instance,
        disableCommands=[dict(commandName='KEYS', isDisable=False), dict(commandName='CONFIG', isDisable=False)],
    )
    found = posture(emulator)[instance]
    assert ids(found) == ['dangerous_commands_enabled'] and found['posture'][0]['commands'] == ['CONFIG', 'KEYS']
    sdk(
        sdk_client,
        'SetDisableCommandsRequest',
        cacheInstanceId=instance,
        disableCommands=[dict(commandName='KEYS', isDisable=True), dict(commandName='CONFIG', isDisable=True)],
    )

    sdk(
        sdk_client,
        'ModifyBackupPolicyRequest',
        cacheInstanceId=instance,
        autoBackup=False,
        backupTime='01:00-02:00 +0800',
        backupPeriod='Monday',
    )
    assert ids(posture(emulator)[instance]) == ['automatic_backups_off']


def test_tls_unsupported_and_with_other_includes(emulator, sdk_client):
    old = create(sdk_client, 'posture_old', redis_version='4.0', password='')
    emulator.admin.reset(state=False)
    found = posture(emulator, include=['posture', 'whitelist', 'tls', 'disabled_commands'])[old]
    assert ids(found) == [
        'whitelist_open',
        'no_password',
        'dangerous_commands_enabled',
        'tls_unsupported',
        'no_maintenance_window',
    ]
    assert found['tls']['supported'] is False and found['disabled_commands'] == []
    assert found['whitelist'] == [{'name': 'default', 'ips': ['0.0.0.0/0']}]
    # asked for and needed by the posture: read once
    assert emulator.calls()['describeWhiteListGroup'] == 1 and emulator.calls()['describeInstanceTLS'] == 1


def test_posture_of_an_instance_deleted_while_listed_is_null(emulator, sdk_client):
    gone = create(sdk_client, 'posture_gone')
    emulator.admin.hold_requests('describeBackupPolicy')
    done = []
    thread = threading.Thread(target=lambda: done.append(posture(emulator)))
    thread.start()
    emulator.admin.wait_held_requests('describeBackupPolicy')
    emulator.admin.force_status(gone, 'running')
    sdk(sdk_client, 'DeleteCacheInstanceRequest', cacheInstanceId=gone)
    emulator.admin.release_requests('describeBackupPolicy')
    thread.join()
    assert done[0][gone]['posture'] is None


@pytest.mark.parametrize('include', [['tls'], ['disabled_commands']])
def test_include_one_setting(emulator, sdk_client, include):
    instance = create(sdk_client, 'posture_one')
    found = posture(emulator, include=include)[instance]
    assert include[0] in found and 'posture' not in found
