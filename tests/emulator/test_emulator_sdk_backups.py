"""Fidelity of the backup operations: the official jdcloud-sdk RedisClient (a client we did not write)
against the emulator, signed both ways, and the refusals with the API's error codes."""

from __future__ import annotations

import re
import time

import pytest
import requests
import sdk_signer
from jdcloud_sdk.services.redis.apis.CreateBackupRequest import CreateBackupParameters, CreateBackupRequest
from jdcloud_sdk.services.redis.apis.DescribeBackupInfoRequest import (
    DescribeBackupInfoParameters,
    DescribeBackupInfoRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeBackupPolicyRequest import (
    DescribeBackupPolicyParameters,
    DescribeBackupPolicyRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeBackupsRequest import DescribeBackupsParameters, DescribeBackupsRequest
from jdcloud_sdk.services.redis.apis.ModifyBackupPolicyRequest import (
    ModifyBackupPolicyParameters,
    ModifyBackupPolicyRequest,
)
from jdcloud_sdk.services.redis.apis.RestoreInstanceRequest import RestoreInstanceParameters, RestoreInstanceRequest
from test_emulator_sdk import REGION, create, describe, make_client


@pytest.fixture(params=['JDCLOUD3', 'JDCLOUD2'])
def variant(request):
    """JDCLOUD3 is what the SDK signs; JDCLOUD2 is the SDK signer with the variant strings swapped."""
    with sdk_signer.variant(request.param):
        yield request.param


@pytest.fixture
def wire(monkeypatch):
    """Records what the SDK puts on the wire."""
    real = requests.request
    sent = []

    def spy(method, url, data=None, headers=None, timeout=None):
        sent.append({'method': method, 'url': url, 'body': data, 'headers': dict(headers)})
        return real(method, url, data=data, headers=headers, timeout=timeout)

    monkeypatch.setattr(requests, 'request', spy)
    return {'sent': sent}


@pytest.fixture
def sdk(emulator):
    return make_client(emulator)


BACKUP_FIELDS = {
    'baseId',
    'backupFileName',
    'cacheInstanceId',
    'backupStartTime',
    'backupEndTime',
    'backupType',
    'backupSize',
    'backupStatus',
    'backupShardMemoryMB',
    'backupShardNum',
    'backupDownloadURL',
}
ISO = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')


def policy(client, instance_id):
    resp = client.send(DescribeBackupPolicyRequest(DescribeBackupPolicyParameters(REGION, instance_id)))
    assert resp.error is None, vars(resp.error)
    return resp.result


def modify_policy(client, instance_id, window, period, auto=None):
    params = ModifyBackupPolicyParameters(REGION, instance_id, window, period)
    if auto is not None:
        params.setAutoBackup(auto)
    return client.send(ModifyBackupPolicyRequest(params))


def backup(client, instance_id, name, backup_type=1):
    return client.send(CreateBackupRequest(CreateBackupParameters(REGION, instance_id, name, backup_type)))


def backups(client, instance_id, **options):
    params = DescribeBackupsParameters(REGION, instance_id)
    for key, value in options.items():
        getattr(params, 'set' + key[0].upper() + key[1:])(value)
    return client.send(DescribeBackupsRequest(params))


def info(client, instance_id, base_id):
    return client.send(DescribeBackupInfoRequest(DescribeBackupInfoParameters(REGION, instance_id, base_id)))


def restore(client, instance_id, base_id):
    return client.send(RestoreInstanceRequest(RestoreInstanceParameters(REGION, instance_id, base_id)))


def test_backup_policy(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    current = policy(sdk, instance_id)
    # a new instance backs up every day (the emulator's documented assumption)
    assert current['autoBackup'] is True and current['backupTime'] == '01:00-02:00 +0800'
    assert current['backupPeriod'] == 'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday'
    start, end = current['nextBackupTime'].split('~')
    assert ISO.match(start) and ISO.match(end) and start.endswith('17:00:00Z') and end.endswith('18:00:00Z')

    resp = modify_policy(sdk, instance_id, '20:00-21:00 +0000', 'Sunday', auto=True)
    assert resp.error is None and resp.result is None and len(resp.request_id) == 32
    assert wire['sent'][-1]['method'] == 'PATCH' and wire['sent'][-1]['url'].endswith(instance_id + '/backupPolicy')
    changed = policy(sdk, instance_id)
    assert (changed['autoBackup'], changed['backupPeriod'], changed['backupTime']) == (
        True,
        'Sunday',
        '20:00-21:00 +0000',
    )
    # the next window is a Sunday, 20:00 to 21:00 UTC, within a week
    start, end = changed['nextBackupTime'].split('~')
    moment = time.strptime(start, '%Y-%m-%dT%H:%M:%SZ')
    assert moment.tm_wday == 6 and moment.tm_hour == 20 and end[11:] == '21:00:00Z'

    assert modify_policy(sdk, instance_id, '20:00-21:00 +0000', 'Sunday', auto=False).error is None
    off = policy(sdk, instance_id)
    assert off['autoBackup'] is False and off['nextBackupTime'] == '' and off['backupPeriod'] == 'Sunday'
    # without autoBackup, modifyBackupPolicy turns automatic backups on
    assert modify_policy(sdk, instance_id, '03:00-04:00 +0800', 'Monday,Friday').error is None
    assert policy(sdk, instance_id)['autoBackup'] is True
    calls = emulator.admin.stats()['calls']
    assert (calls['describeBackupPolicy'], calls['modifyBackupPolicy']) == (4, 3)


def test_backup_policy_refusals(sdk, emulator):
    instance_id = create(sdk)
    for window in ('01:00-02:00', '1:00-2:00 +0800', '01:30-02:30 +0800', '01:00-01:00 +0800', '24:00-01:00 +0800'):
        error = modify_policy(sdk, instance_id, window, 'Monday').error
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT'), window
        assert error.message.startswith('backupTime'), error.message
    for period in ('', 'monday', 'Monday,Monday', 'Monday, Friday', 'Someday'):
        error = modify_policy(sdk, instance_id, '01:00-02:00 +0800', period).error
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT'), period
        assert error.message.startswith('backupPeriod'), error.message
    missing = modify_policy(sdk, 'redis-000000000000', '01:00-02:00 +0800', 'Monday').error
    assert (missing.code, missing.status) == (404, 'NOT_FOUND')
    emulator.admin.force_status(instance_id, 'changing')
    busy = modify_policy(sdk, instance_id, '01:00-02:00 +0800', 'Monday').error
    assert (busy.code, busy.status) == (400, 'FAILED_PRECONDITION') and 'changing' in busy.message
    assert policy(sdk, instance_id)['backupTime'] == '01:00-02:00 +0800'  # reads work in any status


def test_backup_and_restore(variant, sdk, emulator, wire):
    emulator.admin.hold('backup', 'restore')
    instance_id = create(sdk)
    created = backup(sdk, instance_id, 'before_resize')
    assert created.error is None, vars(created.error)
    base_id = created.result['baseId']
    assert set(created.result) == {'baseId'} and re.match(r'^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-', base_id)
    assert wire['sent'][-1]['method'] == 'POST' and wire['sent'][-1]['url'].endswith(instance_id + '/backup')

    running = info(sdk, instance_id, base_id).result
    assert set(running) == BACKUP_FIELDS | {'extension'}
    assert (running['backupStatus'], running['backupType'], running['backupFileName']) == (0, 1, 'before_resize')
    assert running['cacheInstanceId'] == instance_id and ISO.match(running['backupStartTime'])
    assert set(running['extension']) == {
        'regionId',
        'redisVersion',
        'platform',
        'cacheInstanceType',
        'cpuArchType',
        'databaseNum',
        'replicaNumber',
    }
    # one backup at a time
    second = backup(sdk, instance_id, 'second').error
    assert (second.code, second.status) == (400, 'FAILED_PRECONDITION')
    # a backup still running cannot be restored
    early = restore(sdk, instance_id, base_id).error
    assert (early.code, early.status) == (400, 'FAILED_PRECONDITION') and 'running' in early.message

    emulator.admin.release('backup')
    done = info(sdk, instance_id, base_id).result
    assert done['backupStatus'] == 2 and ISO.match(done['backupEndTime']) and done['backupSize'] > 0
    listed = backups(sdk, instance_id)
    assert listed.error is None and listed.result['totalCount'] == 1
    assert listed.result['backups'][0] == {k: v for k, v in done.items() if k != 'extension'}

    resp = restore(sdk, instance_id, base_id)
    assert resp.error is None and resp.result is None
    assert wire['sent'][-1]['url'].endswith(instance_id + '/restore')
    assert describe(sdk, instance_id).result['cacheInstance']['cacheInstanceStatus'] == 'restoring'
    busy = restore(sdk, instance_id, base_id).error
    assert (busy.code, busy.status) == (400, 'FAILED_PRECONDITION') and 'restoring' in busy.message
    refused = backup(sdk, instance_id, 'while_restoring').error
    assert (refused.code, refused.status) == (400, 'FAILED_PRECONDITION')
    emulator.admin.release('restore')
    assert describe(sdk, instance_id).result['cacheInstance']['cacheInstanceStatus'] == 'running'
    calls = emulator.admin.stats()['calls']
    assert (calls['createBackup'], calls['restoreInstance'], calls['describeBackupInfo']) == (3, 3, 2)


def test_failed_backup_cannot_be_restored(sdk, emulator):
    instance_id = create(sdk)
    emulator.admin.fail_next_backup(instance_id)
    failed = backup(sdk, instance_id, 'doomed').result['baseId']
    assert info(sdk, instance_id, failed).result['backupStatus'] == 1
    error = restore(sdk, instance_id, failed).error
    assert (error.code, error.status) == (400, 'FAILED_PRECONDITION') and 'failed' in error.message
    # only the next one fails
    fine = backup(sdk, instance_id, 'fine').result['baseId']
    assert info(sdk, instance_id, fine).result['backupStatus'] == 2


def test_backup_refusals(sdk, emulator):
    instance_id = create(sdk)
    other = create(sdk, name='sdk_other')
    for name in ('has-hyphen', 'x' * 33, 'with space', ''):
        error = backup(sdk, instance_id, name).error
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT') and 'fileName' in error.message, name
    automatic = backup(sdk, instance_id, 'auto', backup_type=0).error
    assert (automatic.code, automatic.status) == (400, 'INVALID_ARGUMENT') and 'backupType' in automatic.message
    assert backup(sdk, 'redis-000000000000', 'x').error.code == 404

    theirs = backup(sdk, other, 'theirs').result['baseId']
    # a backup of another instance is unknown to this one, for reading and for restoring
    assert (info(sdk, instance_id, theirs).error.code, info(sdk, instance_id, theirs).error.status) == (
        404,
        'NOT_FOUND',
    )
    error = restore(sdk, instance_id, theirs).error
    assert (error.code, error.status) == (404, 'NOT_FOUND') and theirs in error.message
    missing = restore(sdk, instance_id, 'no-such-backup').error
    assert (missing.code, missing.status) == (404, 'NOT_FOUND')
    empty = restore(sdk, instance_id, '').error
    assert (empty.code, empty.status, empty.message) == (400, 'INVALID_ARGUMENT', 'baseId is required')

    mine = backup(sdk, instance_id, 'mine').result['baseId']
    emulator.admin.force_status(instance_id, 'changing')
    busy = restore(sdk, instance_id, mine).error
    assert (busy.code, busy.status) == (400, 'FAILED_PRECONDITION') and 'changing' in busy.message
    busy = backup(sdk, instance_id, 'busy').error
    assert (busy.code, busy.status) == (400, 'FAILED_PRECONDITION')


def test_describe_backups_pages_and_filters(sdk, emulator):
    instance_id = create(sdk)
    ids = emulator.admin.seed_backups(instance_id, 25, interval=3600)  # one an hour, the newest an hour ago
    newest_first = list(reversed(ids))
    default = backups(sdk, instance_id).result
    assert default['totalCount'] == 25 and [b['baseId'] for b in default['backups']] == newest_first[:10]
    page = backups(sdk, instance_id, pageNumber=3, pageSize=10).result
    assert [b['baseId'] for b in page['backups']] == newest_first[20:]
    assert backups(sdk, instance_id, pageNumber=4, pageSize=10).result == {'backups': [], 'totalCount': 25}
    for size in (9, 101, 0):
        error = backups(sdk, instance_id, pageSize=size).error
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT') and 'pageSize' in error.message, size
    error = backups(sdk, instance_id, pageNumber=0).error
    assert (error.code, error.status) == (400, 'INVALID_ARGUMENT') and 'pageNumber' in error.message

    everything = backups(sdk, instance_id, pageSize=100).result['backups']
    starts = [b['backupStartTime'] for b in everything]
    ranged = backups(sdk, instance_id, pageSize=100, startTime=starts[9], endTime=starts[5]).result
    assert ranged['totalCount'] == 5 and [b['baseId'] for b in ranged['backups']] == newest_first[5:10]
    since = backups(sdk, instance_id, startTime=starts[2]).result
    assert since['totalCount'] == 3
    by_id = backups(sdk, instance_id, baseId=ids[0]).result
    assert by_id['totalCount'] == 1 and by_id['backups'][0]['baseId'] == ids[0]
    for bad in ('yesterday', '2024-01-01 00:00:00', '2024-13-01T00:00:00Z'):
        error = backups(sdk, instance_id, startTime=bad).error
        assert (error.code, error.status) == (400, 'INVALID_ARGUMENT') and 'startTime' in error.message, bad
    error = backups(sdk, instance_id, startTime=starts[0], endTime=starts[5]).error
    assert (error.code, error.status) == (400, 'INVALID_ARGUMENT')
    assert backups(sdk, 'redis-000000000000').error.code == 404
