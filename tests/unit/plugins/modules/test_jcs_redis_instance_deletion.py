"""Deleting safely with jcs_redis_instance (issue 30): the final backup, checkDeletable, the recycle bin and
force_delete, run for real against the emulator over HTTP; the bin and the backups are read back with the official
SDK, a client we did not write."""

from __future__ import annotations

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

MODULE = 'jcs_redis_instance'
REGION = 'cn-north-1'


def sdk_send(sdk_client, request):
    response = sdk_client.client.send(request)
    assert response.error is None, vars(response.error)
    return response.result


def sdk_backups(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeBackupsRequest import DescribeBackupsRequest

    found = sdk_send(sdk_client, DescribeBackupsRequest({'regionId': REGION, 'cacheInstanceId': instance_id}))
    return found['backups']


def sdk_bin(sdk_client):
    """{id: status} of the instances in the recycle bin."""
    from jdcloud_sdk.services.redis.apis.RecycledCacheInstanceRequest import (
        RecycledCacheInstanceParameters,
        RecycledCacheInstanceRequest,
    )

    found = sdk_send(sdk_client, RecycledCacheInstanceRequest(RecycledCacheInstanceParameters(REGION)))
    return {i['cacheInstanceId']: i['cacheInstanceStatus'] for i in found['cacheInstances']}


def sdk_delete(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DeleteCacheInstanceRequest import DeleteCacheInstanceRequest

    sdk_send(sdk_client, DeleteCacheInstanceRequest({'regionId': REGION, 'cacheInstanceId': instance_id}))


def absent(emulator, *, check_mode=False, diff=False, **args):
    args.setdefault('name', 'doomed')
    return run_module(MODULE, emulator.connection(state='absent', **args), check_mode=check_mode, diff=diff)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('doomed')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


# -- validation: before any call ----------------------------------------------------------------


@pytest.mark.parametrize(
    'args, option',
    [
        (dict(state='present', final_backup='last'), 'final_backup'),
        (dict(state='present', force_delete=True), 'force_delete'),
        (dict(state='absent', final_backup='last-one'), 'final_backup'),
        (dict(state='absent', final_backup='x' * 33), 'final_backup'),
        (dict(state='absent', final_backup='last\n'), 'final_backup'),
        (dict(state='absent', final_backup=''), 'final_backup'),
    ],
)
def test_bad_deletion_options_are_refused_before_any_call(emulator, args, option):
    run = run_module(MODULE, emulator.connection(name='doomed', **args))
    assert run.failed and run.result['error']['status'] == 'INVALID_ARGUMENT', run.result
    assert run.result['msg'].startswith(option), run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


# -- check mode ------------------------------------------------------------------------------------


def test_check_mode_says_what_would_happen_and_writes_nothing(emulator, sdk_client, instance):
    planned = absent(emulator, final_backup='last_words', check_mode=True, diff=True)
    assert not planned.failed and planned.changed, planned.result
    assert planned.result['changes'] == ['final_backup', 'delete']
    assert planned.result['deletion'] == 'recycle_bin'
    assert planned.result['final_backup']['name'] == 'last_words' and planned.result['final_backup']['id'] is None
    assert planned.result['diff']['after'] == dict(deletion='recycle_bin', final_backup='last_words')
    assert planned.result['instance']['id'] == instance
    forced = absent(emulator, final_backup='last_words', force_delete=True, check_mode=True, diff=True)
    assert forced.result['changes'] == ['final_backup', 'delete', 'destroy']
    assert forced.result['deletion'] == 'destroyed' and forced.result['diff']['after']['deletion'] == 'destroyed'
    assert emulator.writes() == 0 and emulator.calls()['checkDeletable'] == 2
    assert sdk_backups(sdk_client, instance) == [] and emulator.instances()[instance]['status'] == 'running'


def test_check_mode_shows_the_refusal_of_check_deletable(emulator, instance):
    emulator.admin.hold('backup')
    started = run_module('jcs_redis_backup', emulator.connection(instance_id=instance, name='nightly', wait=False))
    assert not started.failed, started.result
    emulator.admin.reset(state=False)
    refused = absent(emulator, check_mode=True)
    assert refused.failed and refused.result['error']['status'] == 'FAILED_PRECONDITION', refused.result
    assert 'checkDeletable' in refused.result['msg'] and 'backup running' in refused.result['msg']
    assert not refused.result.get('changed') and emulator.writes() == 0


# -- the final backup ------------------------------------------------------------------------------


def test_final_backup_is_taken_and_waited_for_before_the_delete(emulator, sdk_client, instance):
    emulator.admin.hold('backup')
    emulator.admin.release(after=after('describeBackupInfo', since='createBackup'))
    run = absent(emulator, final_backup='last_words')
    assert not run.failed and run.changed, run.result
    assert run.result['changes'] == ['final_backup', 'delete'] and run.result['deletion'] == 'recycle_bin'
    taken = run.result['final_backup']
    assert taken['name'] == 'last_words' and taken['status'] == 'success' and taken['id']
    ops = [e['operation'] for e in emulator.admin.requests()]
    assert ops.index('createBackup') < ops.index('describeBackupInfo') < ops.index('deleteCacheInstance')
    assert ops.count('checkDeletable') == 2 and ops[ops.index('deleteCacheInstance') - 1] == 'checkDeletable'
    assert sdk_bin(sdk_client) == {instance: 'running'}

    # the re-run finds the instance in the bin: nothing to do, no write
    emulator.admin.reset(state=False)
    again = absent(emulator, final_backup='last_words')
    assert not again.failed and not again.changed and again.result['instance'] is None, again.result
    by_id = absent(emulator, instance_id=instance, final_backup='last_words')
    assert not by_id.failed and not by_id.changed
    assert emulator.writes() == 0


def test_a_failing_final_backup_deletes_nothing_and_a_rerun_takes_another(emulator, sdk_client, instance):
    emulator.admin.fail_next_backup(instance)
    failed = absent(emulator, final_backup='last_words')
    assert failed.failed and failed.result['error']['status'] == 'BACKUP_FAILED', failed.result
    assert failed.result['changed'] and failed.result['changes'] == ['final_backup']
    failed_id = sdk_backups(sdk_client, instance)[0]['baseId']
    assert failed_id in failed.result['msg'] and 'nothing was deleted' in failed.result['msg']
    assert failed.result['final_backup']['id'] == failed_id and failed.result['final_backup']['status'] == 'failed'
    assert 'deleteCacheInstance' not in emulator.calls() and emulator.instances()[instance]['status'] == 'running'

    retried = absent(emulator, final_backup='last_words')
    assert not retried.failed and retried.result['changes'] == ['final_backup', 'delete'], retried.result
    assert retried.result['final_backup']['id'] != failed_id
    assert instance not in emulator.instances()


def test_a_rerun_after_a_refused_delete_reuses_the_final_backup(emulator, sdk_client, instance):
    # the backup succeeds; the instance is then busy, so checkDeletable refuses the delete
    emulator.admin.hold('backup')
    emulator.admin.release(after=after('describeBackupInfo', since='createBackup'))
    emulator.admin.force_status_after(instance, 'changing', after('describeBackupInfo', since='createBackup'))
    refused = absent(emulator, final_backup='last_words', wait=False)
    assert refused.failed and refused.result['error']['status'] == 'FAILED_PRECONDITION', refused.result
    assert 'checkDeletable' in refused.result['msg'] and 'is kept' in refused.result['msg']
    assert refused.result['changed'] and refused.result['changes'] == ['final_backup']
    kept = refused.result['final_backup']
    assert kept['status'] == 'success' and 'deleteCacheInstance' not in emulator.calls()

    emulator.admin.force_status(instance, 'running')
    emulator.admin.reset(state=False)
    rerun = absent(emulator, final_backup='last_words')
    assert not rerun.failed and rerun.result['changes'] == ['delete'], rerun.result
    assert rerun.result['final_backup'] == kept and 'createBackup' not in emulator.calls()
    assert sdk_bin(sdk_client) == {instance: 'running'}


def test_a_lost_answer_on_the_backup_takes_one_backup(emulator, sdk_client, instance):
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['createBackup'], fault_seed=1)
    run = absent(emulator, final_backup='last_words')
    emulator.admin.config(drop_response_rate=0.0)
    assert not run.failed and run.result['changes'] == ['final_backup', 'delete'], run.result
    assert emulator.calls()['createBackup'] == 1 and emulator.admin.stats()['faults'] == {'drop_response': 1}
    assert run.result['final_backup']['status'] == 'success'
    assert sdk_bin(sdk_client) == {instance: 'running'}


# -- checkDeletable and the recycle bin ------------------------------------------------------------


def test_check_deletable_refusal_is_shown_and_nothing_is_written(emulator, instance):
    emulator.admin.hold('backup')
    started = run_module('jcs_redis_backup', emulator.connection(instance_id=instance, name='nightly', wait=False))
    assert not started.failed, started.result
    emulator.admin.reset(state=False)
    refused = absent(emulator, final_backup='last_words')
    assert refused.failed and refused.result['error']['status'] == 'FAILED_PRECONDITION', refused.result
    assert refused.result['error']['code'] == 400 and 'backup running' in refused.result['error']['message']
    assert 'checkDeletable' in refused.result['msg'] and refused.result['instance']['id'] == instance
    # refused before the final backup too: nothing was written
    assert not refused.result.get('changed') and emulator.writes() == 0


def test_a_binned_instance_is_absent_and_force_delete_destroys_it(emulator, sdk_client, instance):
    sdk_delete(sdk_client, instance)
    assert sdk_bin(sdk_client) == {instance: 'running'}
    emulator.admin.reset(state=False)
    for args in (dict(), dict(instance_id=instance), dict(final_backup='last_words')):
        run = absent(emulator, **args)
        assert not run.failed and not run.changed and run.result['instance'] is None, run.result
    assert emulator.writes() == 0 and 'recycledCacheInstance' not in emulator.calls()

    planned = absent(emulator, force_delete=True, check_mode=True, diff=True)
    assert planned.changed and planned.result['changes'] == ['destroy'] and planned.result['deletion'] == 'destroyed'
    assert planned.result['instance']['id'] == instance and planned.result['instance']['soft_deleted_time']
    assert emulator.writes() == 0 and sdk_bin(sdk_client) == {instance: 'running'}
    destroyed = absent(emulator, force_delete=True, final_backup='last_words')
    assert not destroyed.failed and destroyed.changed and destroyed.result['changes'] == ['destroy'], destroyed.result
    assert sdk_bin(sdk_client) == {} and emulator.calls()['deleteRecycledCacheInstance'] == 1
    again = absent(emulator, instance_id=instance, force_delete=True)
    assert not again.failed and not again.changed


def test_force_delete_of_a_live_instance_without_wait(emulator, sdk_client, instance):
    emulator.admin.hold('delete')
    emulator.admin.release(after=after('describeCacheInstance', since='deleteCacheInstance'))
    run = absent(emulator, force_delete=True, wait=False)
    assert not run.failed and run.result['changes'] == ['delete', 'destroy'], run.result
    assert run.result['deletion'] == 'destroyed' and sdk_bin(sdk_client) == {}
    assert instance not in emulator.instances()


def test_force_delete_by_name_refuses_to_choose_among_binned_instances(emulator, sdk_client, instance):
    other = sdk_client.create('doomed')
    sdk_delete(sdk_client, instance)
    sdk_delete(sdk_client, other)
    emulator.admin.reset(state=False)
    refused = absent(emulator, force_delete=True)
    assert refused.failed and refused.result['error']['status'] == 'AMBIGUOUS_NAME', refused.result
    assert {c['id'] for c in refused.result['candidates']} == {instance, other}
    assert emulator.writes() == 0
    chosen = absent(emulator, instance_id=instance, force_delete=True)
    assert chosen.changed and sdk_bin(sdk_client) == {other: 'running'}


def test_lost_answers_on_the_delete_and_the_destruction_converge(emulator, sdk_client, instance):
    emulator.admin.config(
        drop_response_rate=1.0, fault_operations=['deleteCacheInstance', 'deleteRecycledCacheInstance'], fault_seed=1
    )
    run = absent(emulator, force_delete=True)
    emulator.admin.config(drop_response_rate=0.0)
    assert not run.failed and run.result['changes'] == ['delete', 'destroy'], run.result
    assert emulator.calls()['deleteCacheInstance'] == 1 and emulator.calls()['deleteRecycledCacheInstance'] == 1
    assert emulator.admin.stats()['faults'] == {'drop_response': 2}
    assert sdk_bin(sdk_client) == {} and instance not in emulator.instances()


def test_a_lost_delete_answer_with_the_bin(emulator, sdk_client, instance):
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['deleteCacheInstance'], fault_seed=1)
    run = absent(emulator, final_backup='last_words')
    emulator.admin.config(drop_response_rate=0.0)
    assert not run.failed and run.result['changes'] == ['final_backup', 'delete'], run.result
    assert emulator.calls()['deleteCacheInstance'] == 1
    assert sdk_bin(sdk_client) == {instance: 'running'}


# -- the fleet's absent entries ----------------------------------------------------------------------


def fleet(emulator, instances, *, check_mode=False, diff=False):
    args = emulator.connection(instances=instances, poll_interval=0.2)
    return run_module('jcs_redis_fleet', args, check_mode=check_mode, diff=diff)


def test_fleet_absent_entries_take_the_final_backup_and_destroy(emulator, sdk_client, instance):
    other = sdk_client.create('doomed_too')
    emulator.admin.reset(state=False)
    entries = [
        dict(name='doomed', state='absent', final_backup='fleet_last'),
        dict(name='doomed_too', state='absent', force_delete=True),
    ]
    planned = fleet(emulator, entries, check_mode=True, diff=True)
    assert not planned.failed and planned.result['deleted'] == ['doomed', 'doomed_too'], planned.result
    first, second = planned.result['instances']
    assert first['changes'] == ['final_backup', 'delete'] and first['deletion'] == 'recycle_bin'
    assert first['final_backup']['name'] == 'fleet_last'
    assert first['diff']['after'] == dict(deletion='recycle_bin', final_backup='fleet_last')
    assert second['changes'] == ['delete', 'destroy'] and second['deletion'] == 'destroyed'
    assert emulator.writes() == 0

    done = fleet(emulator, entries)
    assert not done.failed and done.result['deleted'] == ['doomed', 'doomed_too'], done.result
    assert done.result['instances'][0]['final_backup']['status'] == 'success'
    assert sdk_bin(sdk_client) == {instance: 'running'} and other not in emulator.instances()

    emulator.admin.reset(state=False)
    again = fleet(emulator, entries)
    assert not again.failed and again.result['unchanged'] == ['doomed', 'doomed_too'], again.result
    assert emulator.writes() == 0
    # an instance already in the bin is destroyed by a forced entry
    forced = fleet(emulator, [dict(name='doomed', state='absent', force_delete=True)])
    assert forced.result['deleted'] == ['doomed'] and forced.result['instances'][0]['changes'] == ['destroy']
    assert sdk_bin(sdk_client) == {}


def test_fleet_refuses_deletion_options_on_present_entries_before_any_call(emulator):
    refused = fleet(emulator, [dict(name='kept', final_backup='x'), dict(name='kept_too', force_delete=True)])
    assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
    assert 'kept: final_backup only applies with state: absent' in refused.result['msg']
    assert 'kept_too: force_delete only applies with state: absent' in refused.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


# -- edges -------------------------------------------------------------------------------------------


def test_check_mode_of_a_busy_instance_predicts_the_delete_the_real_run_makes_after_its_wait(emulator, instance):
    # checkDeletable refuses a busy instance; the real run waits for it first, so check mode does not ask
    emulator.admin.force_status(instance, 'changing')
    planned = absent(emulator, final_backup='last_words', check_mode=True)
    assert not planned.failed and planned.result['changes'] == ['final_backup', 'delete'], planned.result
    assert emulator.writes() == 0 and 'checkDeletable' not in emulator.calls()
    emulator.admin.release(after=after('describeCacheInstance'))
    emulator.admin.force_status_after(instance, 'running', after('describeCacheInstance'))
    done = absent(emulator, final_backup='last_words')
    assert not done.failed and done.result['changes'] == ['final_backup', 'delete'], done.result


def test_force_delete_without_a_bin_reports_the_delete_only(emulator, sdk_client, instance):
    # an account whose deletes skip the bin (a retention of 0): the destruction finds nothing left to destroy
    emulator.admin.config(recycle_retention=0)
    try:
        run = absent(emulator, force_delete=True)
    finally:
        emulator.admin.config(recycle_retention=7 * 86400)
    assert not run.failed and run.result['changes'] == ['delete'], run.result
    assert run.result['deletion'] == 'destroyed' and sdk_bin(sdk_client) == {}
    assert emulator.calls()['deleteRecycledCacheInstance'] == 1


def test_fleet_entry_whose_final_backup_fails_deletes_nothing_and_leaves_the_others_going(
    emulator, sdk_client, instance
):
    other = sdk_client.create('doomed_too')
    emulator.admin.fail_next_backup(instance)
    emulator.admin.reset(state=False)
    entries = [
        dict(name='doomed', state='absent', final_backup='fleet_last'),
        dict(name='doomed_too', state='absent'),
    ]
    run = fleet(emulator, entries)
    assert run.failed and run.result['error']['status'] == 'INSTANCES_FAILED', run.result
    failed, deleted = run.result['instances']
    assert failed['state'] == 'failed' and failed['error']['status'] == 'BACKUP_FAILED'
    assert failed['changed'] and failed['changes'] == ['final_backup'] and failed['final_backup']['status'] == 'failed'
    assert deleted['state'] == 'deleted' and run.result['deleted'] == ['doomed_too']
    assert emulator.instances()[instance]['status'] == 'running' and sdk_bin(sdk_client) == {other: 'running'}
