"""Runs that change one instance's settings at the same time (issue 24): a write refused because another run
already made the state this run wants converges, and two runs changing different parts of one backup policy
both keep their part (one machine) or the loser fails ABORTED instead of reporting success (several machines).

Every race is staged with the emulator's hold of a request: the test lets the other run act between this run's
read and its write (or its write and its read-back), so the outcome never depends on timing."""

from __future__ import annotations

import threading
import time

from modrunner import run_module


def in_background(module, args, env=None):
    runs = []
    thread = threading.Thread(target=lambda: runs.append(run_module(module, args, env=env)))
    thread.start()

    def join():
        thread.join()
        return runs[0]

    return join


def wait_for_call(emulator, operation, timeout=60):
    deadline = time.monotonic() + timeout
    while not emulator.calls().get(operation):
        assert time.monotonic() < deadline, f'no {operation} call within {timeout} seconds'
        time.sleep(0.02)


def groups_of(emulator, instance_id):
    run = run_module('jcs_redis_whitelist', emulator.connection(instance_id=instance_id), check_mode=True)
    assert not run.failed, run.result
    return run.result['whitelist']


def stored_policy(emulator, instance_id):
    run = run_module('jcs_redis_backup_policy', emulator.connection(instance_id=instance_id), check_mode=True)
    assert not run.failed, run.result
    return run.result['backup_policy']


def whitelist(emulator, instance_id, env=None, **args):
    return run_module('jcs_redis_whitelist', emulator.connection(instance_id=instance_id, **args), env=env)


APPS = [{'name': 'apps', 'ips': ['10.0.2.0/24']}]
OPEN_DEFAULT = {'name': 'default', 'ips': ['0.0.0.0/0']}


# -- a refused write whose state is already there converges ------------------------------------------------------


def test_two_runs_adding_the_same_group_at_once_both_succeed_and_one_changed(emulator, sdk_client):
    instance_id = sdk_client.create('race_add')
    emulator.admin.hold_requests('addWhiteListGroup')  # the first run's add waits after its read
    first = in_background('jcs_redis_whitelist', emulator.connection(instance_id=instance_id, groups=APPS))
    emulator.admin.wait_held_requests('addWhiteListGroup')
    second = whitelist(emulator, instance_id, groups=APPS)
    assert not second.failed and second.changed and second.result['changes'] == ['apps'], second.result
    emulator.admin.release_requests('addWhiteListGroup')
    run = first()
    # its add was refused 409 ALREADY_EXISTS: the group it wanted is there, made by the other run
    assert not run.failed, run.result
    assert run.result['changed'] is False and run.result['changes'] == [], run.result
    assert run.result['whitelist'] == [OPEN_DEFAULT, APPS[0]]
    assert emulator.calls()['addWhiteListGroup'] == 2


def test_an_add_refused_for_a_group_made_with_other_addresses_changes_it(emulator, sdk_client):
    instance_id = sdk_client.create('race_add_other')
    emulator.admin.hold_requests('addWhiteListGroup')
    first = in_background('jcs_redis_whitelist', emulator.connection(instance_id=instance_id, groups=APPS))
    emulator.admin.wait_held_requests('addWhiteListGroup')
    assert not whitelist(emulator, instance_id, groups=[{'name': 'apps', 'ips': ['10.9.0.0/16']}]).failed
    emulator.admin.release_requests('addWhiteListGroup')
    run = first()
    assert not run.failed and run.result['changed'] is True and run.result['changes'] == ['apps'], run.result
    assert groups_of(emulator, instance_id) == [OPEN_DEFAULT, APPS[0]]


def test_a_modify_of_a_group_another_run_deleted_adds_it_again(emulator, sdk_client):
    instance_id = sdk_client.create('race_modify')
    assert whitelist(emulator, instance_id, groups=APPS).changed
    emulator.admin.hold_requests('modifyWhiteListGroup')
    wanted = [{'name': 'apps', 'ips': ['10.0.9.0/24']}]
    first = in_background('jcs_redis_whitelist', emulator.connection(instance_id=instance_id, groups=wanted))
    emulator.admin.wait_held_requests('modifyWhiteListGroup')
    assert whitelist(emulator, instance_id, groups=[{'name': 'apps'}], state='absent').changed
    emulator.admin.release_requests('modifyWhiteListGroup')
    run = first()
    # the modify was refused 404 NOT_FOUND: read again, the group is gone, so it is added with this run's addresses
    assert not run.failed and run.result['changed'] is True and run.result['changes'] == ['apps'], run.result
    assert groups_of(emulator, instance_id) == [OPEN_DEFAULT, wanted[0]]


def test_a_delete_of_a_group_already_gone_succeeds_unchanged(emulator, sdk_client):
    instance_id = sdk_client.create('race_delete')
    assert whitelist(emulator, instance_id, groups=APPS).changed
    emulator.admin.hold_requests('deleteWhiteListGroup')
    first = in_background(
        'jcs_redis_whitelist', emulator.connection(instance_id=instance_id, groups=[{'name': 'apps'}], state='absent')
    )
    emulator.admin.wait_held_requests('deleteWhiteListGroup')
    second = whitelist(emulator, instance_id, groups=[{'name': 'apps'}], state='absent')
    assert not second.failed and second.changed, second.result
    emulator.admin.release_requests('deleteWhiteListGroup')
    run = first()
    assert not run.failed, run.result
    assert run.result['changed'] is False and run.result['changes'] == [], run.result
    assert groups_of(emulator, instance_id) == [OPEN_DEFAULT]


def test_two_runs_setting_the_same_tags_at_once_both_succeed(emulator):
    made = run_module('jcs_redis_instance', emulator.instance_args('race_tags', tags=dict(env='prod', team='a')))
    assert not made.failed, made.result
    instance_id = made.result['instance']['id']
    wanted = dict(instance_id=instance_id, tags=dict(env='staging'), purge_tags=True)
    emulator.admin.hold_requests('unTagResources')
    first = in_background('jcs_redis_instance', emulator.connection(**wanted))
    emulator.admin.wait_held_requests('unTagResources')
    second = run_module('jcs_redis_instance', emulator.connection(**wanted))
    assert not second.failed and second.changed, second.result
    emulator.admin.release_requests('unTagResources')
    run = first()
    # the tag service accepts binding a tag that is there and unbinding one that is not: no refusal to converge
    # from, and no way to tell whether this run's calls changed anything, so it reports the change it made
    assert not run.failed, run.result
    assert run.result['instance']['tags'] == {'env': 'staging'}


# -- one backup policy, two runs changing different parts -----------------------------------------------------


def test_one_machine_two_runs_changing_days_and_window_both_keep_their_part(emulator, sdk_client, tmp_path):
    instance_id = sdk_client.create('race_policy')
    machine = {'XDG_CACHE_HOME': str(tmp_path)}
    emulator.admin.hold_requests('modifyBackupPolicy')
    days = in_background(
        'jcs_redis_backup_policy', emulator.connection(instance_id=instance_id, backup_days=['Mon']), env=machine
    )
    emulator.admin.wait_held_requests('modifyBackupPolicy')
    window = in_background(
        'jcs_redis_backup_policy',
        emulator.connection(instance_name='race_policy', backup_window='03:00-04:00 +0800'),
        env=machine,
    )
    # the second run has found the instance by name; without the lock it would now read the policy and write it
    # whole while the first run's write is held, and the first run's write would then put back the old window
    wait_for_call(emulator, 'describeCacheInstances')
    emulator.admin.release_requests('modifyBackupPolicy')
    days_run, window_run = days(), window()
    assert not days_run.failed and days_run.result['changes'] == ['backup_days'], days_run.result
    assert not window_run.failed and window_run.result['changes'] == ['backup_window'], window_run.result
    policy = stored_policy(emulator, instance_id)
    assert policy['backup_days'] == ['Monday'] and policy['backup_window'] == '03:00-04:00 +0800', policy


def test_another_machine_overwriting_the_same_part_before_the_read_back_aborts(emulator, sdk_client, tmp_path):
    instance_id = sdk_client.create('race_policy_far')
    here, there = {'XDG_CACHE_HOME': str(tmp_path / 'here')}, {'XDG_CACHE_HOME': str(tmp_path / 'there')}
    emulator.admin.hold_requests('modifyBackupPolicy')
    first = in_background(
        'jcs_redis_backup_policy', emulator.connection(instance_id=instance_id, backup_days=['Mon']), env=here
    )
    emulator.admin.wait_held_requests('modifyBackupPolicy')
    emulator.admin.hold_requests('describeBackupPolicy')  # the first run's read-back, once its write went through
    emulator.admin.release_requests('modifyBackupPolicy')
    emulator.admin.wait_held_requests('describeBackupPolicy')
    # another machine (its own lock directory) sets the days too, between the first run's write and read-back
    other = run_module(
        'jcs_redis_backup_policy', emulator.connection(instance_id=instance_id, backup_days=['Wed']), env=there
    )
    assert not other.failed and other.result['changes'] == ['backup_days'], other.result
    emulator.admin.release_requests('describeBackupPolicy')
    run = first()
    assert run.failed and run.result['error']['status'] == 'ABORTED', run.result
    assert 'backup_days' in run.result['msg'] and 'Another writer' in run.result['msg']
    assert run.result['changed'] is True and run.result['changes'] == ['backup_days'], run.result
    assert run.result['backup_policy']['backup_days'] == ['Wednesday']


def test_a_read_back_that_differs_only_in_parts_not_asked_for_succeeds_with_only_its_own_changes(
    emulator, sdk_client, tmp_path
):
    instance_id = sdk_client.create('race_policy_mine')
    emulator.admin.hold_requests('modifyBackupPolicy')
    first = in_background(
        'jcs_redis_backup_policy',
        emulator.connection(instance_id=instance_id, backup_days=['Mon']),
        env={'XDG_CACHE_HOME': str(tmp_path / 'here')},
    )
    emulator.admin.wait_held_requests('modifyBackupPolicy')
    emulator.admin.hold_requests('describeBackupPolicy')
    emulator.admin.release_requests('modifyBackupPolicy')
    emulator.admin.wait_held_requests('describeBackupPolicy')
    other = run_module(
        'jcs_redis_backup_policy',
        emulator.connection(instance_id=instance_id, backup_window='05:00-06:00 +0800'),
        env={'XDG_CACHE_HOME': str(tmp_path / 'there')},
    )
    assert not other.failed and other.result['changes'] == ['backup_window'], other.result
    emulator.admin.release_requests('describeBackupPolicy')
    run = first()
    # the read-back holds the days this run wrote; the window another run changed is not this run's change
    assert not run.failed and run.result['changes'] == ['backup_days'], run.result
    assert run.result['backup_policy']['backup_window'] == '05:00-06:00 +0800'
