"""jcs_redis_backup and jcs_redis_backup_info run for real against the emulator over HTTP; backups are
read back with the official SDK, a client we did not write."""

from __future__ import annotations

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

WRITES = ('createBackup', 'restoreInstance')


def writes(emulator):
    return sum(emulator.calls().get(op, 0) for op in WRITES)


def sdk_backups(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeBackupsRequest import DescribeBackupsRequest

    response = sdk_client.client.send(
        DescribeBackupsRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id, 'pageSize': 100})
    )
    assert response.error is None, vars(response.error)
    return response.result['backups']


def backup(emulator, *, check_mode=False, **args):
    return run_module('jcs_redis_backup', emulator.connection(**args), check_mode=check_mode)


def info(emulator, **args):
    return run_module('jcs_redis_backup_info', emulator.connection(**args))


def status(emulator, instance_id):
    return emulator.instances()[instance_id]['status']


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('bk_cache')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


# -- state: present ---------------------------------------------------------------------------------


def test_backup_by_name_is_taken_once(emulator, sdk_client, instance):
    emulator.admin.hold('backup')
    emulator.admin.release(after=after('describeBackupInfo', since='createBackup'))
    first = backup(emulator, instance_id=instance, name='before_resize')
    assert not first.failed and first.changed, first.result
    taken = first.result['backup']
    assert taken['name'] == 'before_resize' and taken['status'] == 'success' and taken['type'] == 'manual'
    assert taken['instance_id'] == instance and taken['size_bytes'] > 0 and taken['end_time']
    assert [b['baseId'] for b in sdk_backups(sdk_client, instance)] == [taken['id']]
    assert emulator.calls()['createBackup'] == 1 and emulator.calls()['describeBackupInfo'] >= 2  # it waited

    emulator.admin.reset(state=False)
    again = backup(emulator, instance_id=instance, name='before_resize')
    assert not again.failed and not again.changed and again.result['backup'] == taken
    assert emulator.calls() == {'describeBackups': 1}
    by_name = backup(emulator, instance_name='bk_cache', name='before_resize')
    assert not by_name.changed and by_name.result['backup']['id'] == taken['id']


def test_a_running_backup_counts_and_is_waited_for(emulator, instance):
    emulator.admin.hold('backup')
    started = backup(emulator, instance_id=instance, name='nightly', wait=False)
    assert started.changed and started.result['backup']['status'] == 'running'
    emulator.admin.reset(state=False)  # counters only: the backup stays held
    emulator.admin.release(after=after('describeBackupInfo'))
    joined = backup(emulator, instance_id=instance, name='nightly')
    assert not joined.changed and joined.result['backup']['status'] == 'success'
    assert 'createBackup' not in emulator.calls()


def test_failed_backup_is_reported_with_its_id(emulator, sdk_client, instance):
    emulator.admin.fail_next_backup(instance)
    failed = backup(emulator, instance_id=instance, name='doomed')
    assert failed.failed and failed.result['error']['status'] == 'BACKUP_FAILED'
    failed_id = sdk_backups(sdk_client, instance)[0]['baseId']
    assert failed_id in failed.result['msg'] and failed.result['backup']['id'] == failed_id
    # a failed backup does not count: the next run takes another one
    retried = backup(emulator, instance_id=instance, name='doomed')
    assert not retried.failed and retried.changed and retried.result['backup']['id'] != failed_id
    assert [b['backupStatus'] for b in sdk_backups(sdk_client, instance)] == [2, 1]


def test_backup_wait_timeout(emulator, instance):
    emulator.admin.hold('backup')
    slow = backup(emulator, instance_id=instance, name='slow', wait_timeout=1)
    assert slow.failed and slow.result['error']['status'] == 'WAIT_TIMEOUT'
    assert 'running' in slow.result['msg'] and slow.result['backup']['name'] == 'slow'


def test_check_mode_takes_no_backup(emulator, sdk_client, instance):
    predicted = backup(emulator, instance_id=instance, name='planned', check_mode=True)
    assert not predicted.failed and predicted.changed
    assert predicted.result['backup']['name'] == 'planned' and predicted.result['backup']['id'] is None
    assert writes(emulator) == 0 and sdk_backups(sdk_client, instance) == []


def test_busy_instance_without_wait_takes_no_backup(emulator, instance):
    emulator.admin.force_status(instance, 'changing')
    refused = backup(emulator, instance_id=instance, name='busy', wait=False)
    assert refused.failed and 'changing' in refused.result['msg'] and 'wait' in refused.result['msg']
    assert writes(emulator) == 0


# -- state: restored ----------------------------------------------------------------------------------


@pytest.mark.parametrize('by', ['backup_id', 'name'])
def test_restore_waits_for_the_instance(emulator, instance, by):
    taken = backup(emulator, instance_id=instance, name='golden').result['backup']
    emulator.admin.reset(state=False)
    emulator.admin.hold('restore')
    emulator.admin.release(after=after('describeCacheInstance', since='restoreInstance'))
    choice = dict(backup_id=taken['id']) if by == 'backup_id' else dict(name='golden')
    restored = backup(emulator, instance_id=instance, state='restored', **choice)
    assert not restored.failed and restored.changed, restored.result
    assert restored.result['backup']['id'] == taken['id']
    assert emulator.calls()['restoreInstance'] == 1 and emulator.calls()['describeCacheInstance'] >= 2
    log = [e['operation'] for e in emulator.admin.requests()]
    # it read the instance until it ran again
    assert log[-1] == 'describeCacheInstance' and status(emulator, instance) == 'running'


def test_restore_check_mode_reports_the_backup_and_writes_nothing(emulator, instance):
    taken = backup(emulator, instance_id=instance, name='golden').result['backup']
    emulator.admin.reset(state=False)
    predicted = backup(emulator, instance_id=instance, state='restored', name='golden', check_mode=True)
    assert not predicted.failed and predicted.changed
    chosen = predicted.result['backup']
    assert (chosen['id'], chosen['start_time'], chosen['size_bytes']) == (
        taken['id'],
        taken['start_time'],
        taken['size_bytes'],
    )
    assert writes(emulator) == 0 and status(emulator, instance) == 'running'


def test_restore_refusals(emulator, sdk_client, instance):
    other = sdk_client.create('bk_other')
    theirs = backup(emulator, instance_id=other, name='theirs').result['backup']
    emulator.admin.fail_next_backup(instance)
    backup(emulator, instance_id=instance, name='broken')
    emulator.admin.reset(state=False)

    foreign = backup(emulator, instance_id=instance, state='restored', backup_id=theirs['id'])
    assert foreign.failed and 'not a backup of instance' in foreign.result['msg']
    by_foreign_name = backup(emulator, instance_id=instance, state='restored', name='theirs')
    assert by_foreign_name.failed and by_foreign_name.result['error']['status'] == 'NOT_FOUND'
    broken = backup(emulator, instance_id=instance, state='restored', name='broken')
    assert broken.failed and 'failed' in broken.result['msg'] and 'succeeded' in broken.result['msg']
    assert writes(emulator) == 0

    # names need not be unique on JD Cloud (a console user may reuse one)
    backup(emulator, instance_id=instance, name='twin_a')
    backup(emulator, instance_id=instance, name='twin_b')
    for held in emulator.server.store.instances[instance].backups[-2:]:
        held['name'] = 'twin'
    emulator.admin.reset(state=False)
    ambiguous = backup(emulator, instance_id=instance, state='restored', name='twin')
    assert ambiguous.failed and ambiguous.result['error']['status'] == 'AMBIGUOUS_NAME'
    assert len(ambiguous.result['candidates']) == 2 and writes(emulator) == 0

    gone = backup(emulator, instance_id='redis-000000000000', state='restored', backup_id=theirs['id'])
    assert gone.failed and gone.result['error']['status'] == 'NOT_FOUND' and 'no such instance' in gone.result['msg']


@pytest.mark.parametrize(
    'args, option',
    [
        (dict(name='has-hyphen'), 'name'),
        (dict(name='x' * 33), 'name'),
        (dict(name=''), 'name'),
        (dict(name='ok', state='restored', backup_id='../x'), 'name'),
        (dict(state='restored', backup_id='../../quota'), 'backup_id'),
        (dict(state='restored', backup_id='x' * 100), 'backup_id'),
        (dict(state='restored'), 'backup_id'),
        (dict(), 'name'),
        (dict(name='ok', wait_timeout=0), 'wait_timeout'),
        (dict(name='ok', state='absent'), 'state'),
    ],
)
def test_bad_input_is_refused_before_any_call(emulator, instance, args, option):
    refused = backup(emulator, instance_id=instance, **args)
    assert refused.failed and option in refused.result['msg'], refused.result
    assert 'Traceback' not in refused.stdout + refused.stderr
    assert emulator.admin.stats()['total_calls'] == 0


# -- jcs_redis_backup_info ------------------------------------------------------------------------------


def test_info_reads_every_page(emulator, instance):
    ids = emulator.admin.seed_backups(instance, 250, interval=60)
    emulator.admin.reset(state=False)
    listed = info(emulator, instance_id=instance)
    assert not listed.failed, listed.result
    assert [b['id'] for b in listed.result['backups']] == list(reversed(ids))  # newest first
    assert emulator.calls() == {'describeBackups': 3}  # ceil(250 / 100)
    assert all(b['status'] == 'success' and b['type'] == 'manual' for b in listed.result['backups'])


def test_info_has_the_shape_of_the_backup_module(emulator, instance):
    taken = backup(emulator, instance_id=instance, name='shape').result['backup']
    listed = info(emulator, instance_name='bk_cache')
    assert listed.result['backups'] == [taken]


def test_info_filters(emulator, instance):
    ids = emulator.admin.seed_backups(instance, 30, interval=3600)
    everything = info(emulator, instance_id=instance).result['backups']
    starts = [b['start_time'] for b in everything]
    emulator.admin.reset(state=False)
    ranged = info(emulator, instance_id=instance, start_time=starts[9], end_time=starts[5])
    assert [b['id'] for b in ranged.result['backups']] == [b['id'] for b in everything[5:10]]
    assert emulator.calls() == {'describeBackups': 1}
    # the same moment written in +08:00
    shifted = starts[5].replace('Z', '+00:00')
    assert len(info(emulator, instance_id=instance, end_time=shifted, start_time=starts[9]).result['backups']) == 5
    one = info(emulator, instance_id=instance, backup_id=ids[3]).result['backups']
    assert [b['id'] for b in one] == [ids[3]]
    named = info(emulator, instance_id=instance, name=everything[0]['name']).result['backups']
    assert named == [everything[0]]
    assert info(emulator, instance_id=instance, name='nothing_like_it').result['backups'] == []


@pytest.mark.parametrize(
    'args, option',
    [
        (dict(start_time='yesterday'), 'start_time'),
        (dict(end_time='2024-13-01'), 'end_time'),
        (dict(start_time='2024-05-02', end_time='2024-05-01'), 'start_time'),
        (dict(backup_id='a/b'), 'backup_id'),
        (dict(name='bad name'), 'name'),
    ],
)
def test_info_bad_input_is_refused_before_any_call(emulator, instance, args, option):
    refused = info(emulator, instance_id=instance, **args)
    assert refused.failed and option in refused.result['msg'], refused.result
    assert emulator.admin.stats()['total_calls'] == 0


@pytest.mark.parametrize(
    'args, option',
    [
        # one hour before 0001-01-01T00:00:00Z and one hour after 9999-12-31T23:59:59Z: no four-digit UTC year
        (dict(start_time='0001-01-01T00:00:00+01:00'), 'start_time'),
        (dict(end_time='9999-12-31T23:00:00-02:00'), 'end_time'),
        (dict(start_time='2024-05-01', end_time='9999-12-31T22:00:00-14:00'), 'end_time'),
        (dict(end_time='0001-01-01 00:59:59+01:00'), 'end_time'),
    ],
)
def test_info_out_of_range_times_are_refused_before_any_call(emulator, instance, args, option):
    refused = info(emulator, instance_id=instance, **args)
    assert refused.failed, refused.result
    assert refused.result['msg'].startswith(option + ' '), refused.result
    assert 'out of range' in refused.result['msg'] and '9999-12-31T23:59:59Z' in refused.result['msg']
    assert refused.result['error']['status'] == 'INVALID_ARGUMENT'
    assert 'Traceback' not in refused.stdout + refused.stderr
    assert emulator.admin.stats()['total_calls'] == 0


def test_info_times_at_the_edges_of_the_range_are_sent_with_four_digit_years(emulator, instance):
    emulator.admin.seed_backups(instance, 3, interval=60)
    emulator.admin.reset(state=False)
    everything = info(emulator, instance_id=instance, start_time='0001-01-01T01:00:00+01:00', end_time='9999-12-31')
    assert not everything.failed, everything.result
    assert len(everything.result['backups']) == 3
    assert emulator.calls() == {'describeBackups': 1}


def test_info_instance_not_found(emulator):
    missing = info(emulator, instance_id='redis-000000000000')
    assert missing.failed and missing.result['error']['status'] == 'NOT_FOUND'
