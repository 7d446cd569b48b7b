"""jcs_redis_backup_policy run for real against the emulator over HTTP; the policy is read back with
the official SDK, a client we did not write."""

from __future__ import annotations

import json

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

MODULE = 'jcs_redis_backup_policy'
EVERY_DAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']


def sdk_policy(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeBackupPolicyRequest import DescribeBackupPolicyRequest

    response = sdk_client.client.send(
        DescribeBackupPolicyRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return response.result


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, emulator.connection(**args), check_mode=check_mode, diff=diff)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('bp_cache')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


def test_set_policy_then_unchanged_in_one_call(emulator, sdk_client, instance):
    first = run(
        emulator, instance_id=instance, auto_backup=True, backup_days=['mon', 'THURSDAY'], backup_window='03:00-04:00'
    )
    assert not first.failed, first.result
    assert first.changed and first.result['changes'] == ['backup_days', 'backup_window']
    policy = first.result['backup_policy']
    assert policy['auto_backup'] is True and policy['backup_days'] == ['Monday', 'Thursday']
    assert policy['backup_window'] == '03:00-04:00 +0800'
    # the next window as the API reports it: Sunday or Wednesday, 19:00 UTC
    assert policy['next_backup_window'].split('~')[0].endswith('T19:00:00Z')
    # read, describe before writing (the instance runs), write, read the next window back
    assert emulator.calls() == {'describeBackupPolicy': 2, 'describeCacheInstance': 1, 'modifyBackupPolicy': 1}
    held = sdk_policy(sdk_client, instance)
    assert (held['autoBackup'], held['backupPeriod'], held['backupTime']) == (
        True,
        'Monday,Thursday',
        '03:00-04:00 +0800',
    )

    emulator.admin.reset(state=False)
    again = run(
        emulator,
        instance_id=instance,
        auto_backup=True,
        backup_days=['Thu', 'mon', 'monday'],
        backup_window='03:00-04:00',
    )
    assert not again.failed and not again.changed and again.result['changes'] == []
    assert again.result['backup_policy'] == dict(policy, next_backup_window=held['nextBackupTime'])
    assert emulator.calls() == {'describeBackupPolicy': 1}


def test_same_schedule_in_another_zone_is_unchanged(emulator, sdk_client, instance):
    # the default policy: every day 01:00-02:00 +0800, which is every day 17:00-18:00 UTC
    same = run(emulator, instance_id=instance, backup_days=EVERY_DAY, backup_window='17:00-18:00 +0000')
    assert not same.failed and not same.changed, same.result
    assert same.result['backup_policy']['backup_window'] == '01:00-02:00 +0800'  # the API's form is kept
    run(emulator, instance_id=instance, backup_days=['Monday'], backup_window='01:00-02:00')
    emulator.admin.reset(state=False)
    # Monday 01:00 in +0800 is Sunday 17:00 UTC: the same moments, written otherwise
    shifted = run(emulator, instance_id=instance, backup_days=['Sunday'], backup_window='17:00-18:00Z')
    assert not shifted.changed and emulator.calls() == {'describeBackupPolicy': 1}
    # but Monday 17:00 UTC is another moment
    assert run(emulator, instance_id=instance, backup_days=['Monday'], backup_window='17:00-18:00 UTC').changed
    assert sdk_policy(sdk_client, instance)['backupTime'] == '17:00-18:00 +0000'


def test_window_in_another_zone_without_days_says_the_days_move(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, backup_days=['Monday'], backup_window='01:00-02:00 +0800')
    # the same hour written in UTC, the days left as they are: Monday is now Monday of UTC
    moved = run(emulator, instance_id=instance, backup_window='17:00-18:00 +0000', diff=True)
    assert moved.changed, moved.result
    warnings = json.dumps(moved.result.get('warnings', []))
    assert warnings.count('backup_days') >= 1 and 'move from Monday to Tuesday in +0800' in warnings, warnings
    assert 'set backup_days: [Sunday]' in warnings, warnings
    diff = moved.result['diff']
    assert diff['before']['backup_policy']['backup_starts_utc'] == ['Sunday 17:00']
    assert diff['after']['backup_policy']['backup_starts_utc'] == ['Monday 17:00']
    assert 'backup_starts_utc' not in moved.result['backup_policy']
    assert sdk_policy(sdk_client, instance)['backupPeriod'] == 'Monday'
    # the suggested days with that window keep the backups where they were: no change, no warning
    assert run(emulator, instance_id=instance, backup_days=['Monday'], backup_window='01:00-02:00 +0800').changed
    same = run(emulator, instance_id=instance, backup_days=['Sunday'], backup_window='17:00-18:00 +0000')
    assert not same.changed and not same.result.get('warnings'), same.result
    # another hour in the same zone moves no day: nothing to say
    later = run(emulator, instance_id=instance, backup_window='20:00-21:00 +0800')
    assert later.changed and 'backup_days' not in json.dumps(later.result.get('warnings', []))
    # another zone that keeps the days (09:00 +0800 is 01:00 UTC, the same day): nothing to say
    run(emulator, instance_id=instance, backup_days=['Monday'], backup_window='09:00-10:00 +0800')
    utc = run(emulator, instance_id=instance, backup_window='03:00-04:00 +0000')
    assert utc.changed and not utc.result.get('warnings'), utc.result


def test_change_days_only_sends_the_current_window(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, backup_days=['Monday'], backup_window='05:00-06:00 +0800')
    emulator.admin.reset(state=False)
    changed = run(emulator, instance_id=instance, backup_days=['saturday', 'sunday'], diff=True)
    assert changed.changed and changed.result['changes'] == ['backup_days']
    assert changed.result['diff']['before']['backup_policy']['backup_days'] == ['Monday']
    assert changed.result['diff']['after']['backup_policy']['backup_days'] == ['Saturday', 'Sunday']
    held = sdk_policy(sdk_client, instance)
    assert (held['backupPeriod'], held['backupTime'], held['autoBackup']) == (
        'Saturday,Sunday',
        '05:00-06:00 +0800',
        True,
    )
    assert emulator.calls()['modifyBackupPolicy'] == 1


def test_disable_keeps_days_and_window(emulator, sdk_client, instance):
    off = run(emulator, instance_id=instance, auto_backup=False)
    assert off.changed and off.result['changes'] == ['auto_backup']
    assert off.result['backup_policy']['auto_backup'] is False
    assert off.result['backup_policy']['next_backup_window'] is None
    held = sdk_policy(sdk_client, instance)
    assert held['autoBackup'] is False and held['backupPeriod'] == ','.join(EVERY_DAY)
    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, auto_backup=False)
    assert not again.changed and emulator.calls() == {'describeBackupPolicy': 1}
    on = run(emulator, instance_id=instance, auto_backup=True)
    assert on.changed and on.result['backup_policy']['backup_window'] == '01:00-02:00 +0800'
    assert on.result['backup_policy']['next_backup_window']


def test_check_mode_predicts_and_writes_nothing(emulator, sdk_client, instance):
    predicted = run(emulator, instance_id=instance, backup_days=['Friday'], check_mode=True, diff=True)
    assert not predicted.failed and predicted.changed
    assert predicted.result['backup_policy'] == dict(
        auto_backup=True, backup_days=['Friday'], backup_window='01:00-02:00 +0800', next_backup_window=None
    )
    assert predicted.result['diff']['before']['backup_policy']['backup_days'] == EVERY_DAY
    assert emulator.calls() == {'describeBackupPolicy': 1}
    assert sdk_policy(sdk_client, instance)['backupPeriod'] == ','.join(EVERY_DAY)


@pytest.mark.parametrize(
    'args, option',
    [
        (dict(backup_days=[]), 'backup_days'),
        (dict(backup_days=['Monday', 'Funday']), 'backup_days'),
        (dict(backup_days=['Mo']), 'backup_days'),
        (dict(backup_window='1:30-2:30'), 'backup_window'),
        (dict(backup_window='01:00-01:00'), 'backup_window'),
        (dict(backup_window='24:00-01:00'), 'backup_window'),
        (dict(backup_window='01:00-02:00 +1500'), 'backup_window'),
        (dict(backup_window='01:00 to 02:00'), 'backup_window'),
        (dict(backup_window='01:00-02:00\n03:00-04:00'), 'backup_window'),
        (dict(backup_window='x' * 10000), 'backup_window'),
        (dict(instance_id='redis-../../quota'), 'instance_id'),
        (dict(instance_id='redis-abcdefgh1234', instance_name='bp_cache'), 'instance_id'),
        (dict(instance_name='bp_cache', wait_timeout=0), 'wait_timeout'),
    ],
)
def test_bad_input_is_refused_before_any_call(emulator, instance, args, option):
    args.setdefault('instance_id', instance) if 'instance_name' not in args else None
    refused = run(emulator, **args)
    assert refused.failed and option in refused.result['msg'], refused.result
    assert refused.result['error']['status'] == 'INVALID_ARGUMENT'
    assert 'Traceback' not in refused.stdout + refused.stderr
    assert emulator.admin.stats()['total_calls'] == 0


def test_turning_on_a_policy_without_days_names_the_options(emulator, sdk_client, instance):
    from jdcloud_sdk.services.redis.apis.ModifyBackupPolicyRequest import ModifyBackupPolicyRequest

    # a policy with no period, as an old instance may have one
    emulator.server.store.instances[instance].backup_policy = {
        'autoBackup': False,
        'backupPeriod': '',
        'backupTime': '',
    }
    assert ModifyBackupPolicyRequest  # the SDK can set no empty policy: the state is set in the emulator
    refused = run(emulator, instance_id=instance, auto_backup=True, backup_window='02:00-03:00')
    assert refused.failed and 'backup_days' in refused.result['msg'] and 'backup_window' not in refused.result['msg']
    assert emulator.writes() == 0
    still_off = run(emulator, instance_id=instance, auto_backup=False)
    assert not still_off.failed and not still_off.changed


def test_by_name_and_not_found(emulator, instance):
    by_name = run(emulator, instance_name='bp_cache', backup_days=EVERY_DAY)
    assert not by_name.failed and not by_name.changed and by_name.result['instance_id'] == instance
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeBackupPolicy': 1}
    missing = run(emulator, instance_id='redis-000000000000', auto_backup=False)
    assert missing.failed and missing.result['error']['status'] == 'NOT_FOUND'
    assert 'redis-000000000000' in missing.result['msg']
    assert emulator.writes() == 0


def test_busy_instance_is_waited_for_then_changed(emulator, sdk_client, instance):
    emulator.admin.force_status(instance, 'changing')
    # running again once the module has seen it changing
    emulator.admin.force_status_after(instance, 'running', after('describeCacheInstance'))
    changed = run(emulator, instance_id=instance, auto_backup=False, wait_timeout=60)
    assert not changed.failed and changed.changed, changed.result
    assert sdk_policy(sdk_client, instance)['autoBackup'] is False
    log = [e for e in emulator.admin.requests() if e['operation'] == 'modifyBackupPolicy']
    assert [e['status'] for e in log] == [200]


def test_busy_instance_without_wait_fails_with_its_status(emulator, instance):
    emulator.admin.force_status(instance, 'changing')
    refused = run(emulator, instance_id=instance, auto_backup=False, wait=False)
    assert refused.failed and 'changing' in refused.result['msg'] and 'wait' in refused.result['msg']
    assert emulator.writes() == 0


def test_unchanged_run_by_id_imports_no_instance_code(emulator, instance):
    again = run_module(
        MODULE, emulator.connection(instance_id=instance, auto_backup=True), env={'PYTHONPROFILEIMPORTTIME': '1'}
    )
    assert not again.failed and not again.changed, again.result
    assert 'module_utils._backup' in again.stderr and 'module_utils._instance' not in again.stderr


def test_info_includes_the_policy_in_the_module_shape(emulator, sdk_client, instance):
    other = sdk_client.create('bp_other')
    set_by_module = run(
        emulator, instance_id=instance, auto_backup=True, backup_days=['sat'], backup_window='22:00-23:00 +0000'
    ).result['backup_policy']
    # the policy a new instance gets, read with the SDK
    held = sdk_policy(sdk_client, other)
    emulator.admin.reset(state=False)
    info = run_module(
        'jcs_redis_info', emulator.connection(name='bp_', name_match='contains', include=['backup_policy'])
    )
    assert not info.failed, info.result
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeBackupPolicy': 2}
    by_id = {i['id']: i for i in info.result['instances']}
    assert by_id[instance]['backup_policy'] == set_by_module
    assert by_id[other]['backup_policy'] == dict(
        auto_backup=held['autoBackup'],
        backup_days=held['backupPeriod'].split(','),
        backup_window=held['backupTime'],
        next_backup_window=held['nextBackupTime'],
    )
    assert all('whitelist' not in i and 'config' not in i for i in by_id.values())
