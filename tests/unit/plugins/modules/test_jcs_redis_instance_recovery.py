"""jcs_redis_instance getting data back at create, against the emulator over HTTP: an instance of the name in the
recycle bin recovered instead of a new one (recover), and a create that clones a backup (source_backup), each checked
before anything is written."""

from __future__ import annotations

import json

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_instance'


def create(emulator, **extra):
    run = run_module(MODULE, emulator.instance_args(**extra))
    assert not run.failed, run.result
    return run.result['instance']


def binned(emulator, **extra):
    """An instance created, then deleted into the recycle bin; its id."""
    instance = create(emulator, **extra)
    gone = run_module(MODULE, emulator.connection(instance_id=instance['id'], state='absent'))
    assert not gone.failed, gone.result
    assert instance['id'] in emulator.server.store.recycled
    return instance['id']


def warnings(run):
    return json.dumps(run.result.get('warnings', []))


def creates(emulator):
    return emulator.calls().get('createCacheInstance', 0)


# -- the recycle bin at create ---------------------------------------------------------------


def test_a_binned_name_creates_a_new_instance_and_says_how_to_recover(emulator):
    old = binned(emulator)
    checked = run_module(MODULE, emulator.instance_args(), check_mode=True)
    assert checked.changed and checked.result['changes'] == ['create']
    assert old in warnings(checked) and 'would be created' in warnings(checked)
    run = run_module(MODULE, emulator.instance_args())
    assert not run.failed and run.result['changes'] == ['create'], run.result
    assert run.result['instance']['id'] != old
    assert old in warnings(run) and 'recover: true' in warnings(run)
    assert old in emulator.server.store.recycled  # left where it was
    assert emulator.calls().get('recoverInstance', 0) == 0


def test_recover_brings_the_instance_back_and_converges_it(emulator):
    old = binned(emulator, description='before')
    emulator.admin.reset(state=False)
    args = emulator.instance_args(recover=True, description='after', tags={'team': 'orders'})
    checked = run_module(MODULE, args, check_mode=True, diff=True)
    assert not checked.failed, checked.result
    assert checked.changed and checked.result['changes'][0] == 'recover'
    assert set(checked.result['changes']) == {'recover', 'description', 'tags'}
    assert checked.result['instance']['id'] == old and checked.result['instance']['description'] == 'after'
    assert checked.result['diff']['before']['id'] == old
    # the before is the instance in the bin, marked so with when it went there; the after is out of it
    before, after = checked.result['diff']['before'], checked.result['diff']['after']
    assert before['recycle_bin'] is True and before['soft_deleted_time'] and before['retain_expire_time']
    assert before['description'] == 'before'
    assert not {'recycle_bin', 'soft_deleted_time', 'retain_expire_time'} & set(after)
    assert 'recycle_bin' not in checked.result['instance']
    assert emulator.writes() == 0 and old in emulator.server.store.recycled

    run = run_module(MODULE, args, diff=True)
    assert not run.failed, run.result
    assert run.result['diff']['before'] == before and 'recycle_bin' not in run.result['diff']['after']
    assert run.result['changes'][0] == 'recover' and set(run.result['changes']) == {'recover', 'description', 'tags'}
    instance = run.result['instance']
    assert instance['id'] == old and instance['status'] == 'running'
    assert instance['description'] == 'after' and instance['tags'] == {'team': 'orders'}
    assert emulator.calls()['recoverInstance'] == 1 and creates(emulator) == 0
    assert 'order_num' not in run.result
    again = run_module(MODULE, args)
    assert not again.failed and not again.changed, again.result
    assert emulator.calls()['recoverInstance'] == 1


def test_recover_with_nothing_in_the_bin_creates(emulator):
    run = run_module(MODULE, emulator.instance_args(recover=True))
    assert not run.failed and run.result['changes'] == ['create'], run.result
    assert emulator.calls().get('recoverInstance', 0) == 0


def test_recover_needs_no_create_options(emulator):
    old = binned(emulator)
    run = run_module(MODULE, emulator.connection(name='cache_one', recover=True))
    assert not run.failed and run.result['changes'] == ['recover'], run.result
    assert run.result['instance']['id'] == old


def test_a_lost_answer_on_the_recover_never_creates(emulator):
    old = binned(emulator)
    emulator.admin.reset(state=False)
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['recoverInstance'], fault_seed=1)
    run = run_module(MODULE, emulator.instance_args(recover=True))
    emulator.admin.config(drop_response_rate=0.0)
    assert not run.failed, run.result
    assert run.changed and run.result['changes'] == ['recover']
    assert run.result['instance']['id'] == old and run.result['instance']['status'] == 'running'
    assert emulator.admin.stats()['faults'] == {'drop_response': 1}
    assert emulator.calls()['recoverInstance'] == 1 and creates(emulator) == 0
    assert list(emulator.instances()) == [old]


@pytest.mark.parametrize('check_mode', [True, False])
def test_a_recover_the_quota_has_no_room_for_is_refused_before_any_write(emulator, check_mode):
    old = binned(emulator)
    create(emulator, name='cache_two')
    emulator.admin.set_quota('cn-north-1', 1)  # the recovered instance would count again
    emulator.admin.reset(state=False)
    run = run_module(MODULE, emulator.instance_args(recover=True, description='after'), check_mode=check_mode)
    assert run.failed and run.result['error']['status'] == 'QUOTA_EXCEEDED', run.result
    assert 'quota of region cn-north-1 is used up (1 of 1 instances)' in run.result['msg']
    assert old in run.result['msg'] and 'recover' in run.result['msg']
    assert emulator.writes() == 0 and old in emulator.server.store.recycled
    assert 'recoverInstance' not in emulator.calls()


def test_several_binned_instances_of_the_name_are_never_guessed(emulator):
    first = binned(emulator)
    second = binned(emulator)
    emulator.admin.reset(state=False)
    run = run_module(MODULE, emulator.instance_args(recover=True))
    assert run.failed and run.result['error']['status'] == 'AMBIGUOUS_NAME'
    assert {c['id'] for c in run.result['candidates']} == {first, second}
    assert first in run.result['msg'] and second in run.result['msg'] and 'instance_id' in run.result['msg']
    assert emulator.writes() == 0
    # the user chooses by id
    chosen = run_module(MODULE, emulator.connection(instance_id=second, recover=True))
    assert not chosen.failed and chosen.result['changes'] == ['recover'], chosen.result
    assert chosen.result['instance']['id'] == second and first in emulator.server.store.recycled


def test_an_id_in_the_bin_is_named_as_such_without_recover(emulator):
    old = binned(emulator)
    run = run_module(MODULE, emulator.connection(instance_id=old, description='x'))
    assert run.failed and run.result['error']['status'] == 'NOT_FOUND'
    assert 'recycle bin' in run.result['msg'] and 'recover: true' in run.result['msg']
    assert emulator.writes() == 2  # the create and the delete


def test_recover_refuses_options_the_binned_instance_cannot_take_before_recovering(emulator):
    binned(emulator)
    emulator.admin.reset(state=False)
    run = run_module(MODULE, emulator.instance_args(recover=True, vpc_id='vpc-other0001'))
    assert run.failed and 'vpc_id' in run.result['msg']
    assert emulator.writes() == 0


# -- clones from a backup --------------------------------------------------------------------


@pytest.fixture
def source(emulator):
    """A running instance cache_one with one successful backup: (instance id, backup id, backup name)."""
    instance = create(emulator)
    backup_id = emulator.admin.seed_backups(instance['id'], 1, name_prefix='nightly')[0]
    backup = emulator.server.store.instances[instance['id']].backups[-1]
    return instance['id'], backup_id, backup['name']


def test_a_clone_from_a_backup(emulator, source):
    source_id, backup_id, backup_name = source
    emulator.admin.reset(state=False)
    args = emulator.instance_args(
        name='cache_copy', source_backup=dict(instance_name='cache_one', backup_name=backup_name)
    )
    checked = run_module(MODULE, args, check_mode=True)
    assert not checked.failed and checked.result['changes'] == ['create'], checked.result
    assert checked.result['source_backup'] == dict(
        instance_id=source_id,
        instance_name='cache_one',
        in_recycle_bin=False,
        backup_id=backup_id,
        backup_name=backup_name,
    )
    assert emulator.writes() == 0
    run = run_module(MODULE, args)
    assert not run.failed and run.result['changes'] == ['create'], run.result
    clone = run.result['instance']
    assert clone['redis_version'] == '4.0' and clone['status'] == 'running'
    assert emulator.server.store.instances[clone['id']].cloned_from == dict(baseId=backup_id, srcInstanceId=source_id)
    assert run.result['source_backup']['backup_id'] == backup_id
    # on the existing clone, source_backup is not looked at
    emulator.admin.reset(state=False)
    again = run_module(MODULE, args)
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'describeCacheInstances': 1}


def test_a_clone_from_the_final_backup_of_an_instance_in_the_bin(emulator, source):
    source_id, backup_id, dummy = source
    run_module(MODULE, emulator.connection(instance_id=source_id, state='absent'))
    run = run_module(
        MODULE,
        emulator.instance_args(name='cache_copy', source_backup=dict(instance_name='cache_one', backup_id=backup_id)),
    )
    assert not run.failed, run.result
    assert run.result['source_backup']['in_recycle_bin'] is True
    assert 'cannot be read' in warnings(run)
    assert emulator.server.store.instances[run.result['instance']['id']].cloned_from['baseId'] == backup_id


def _failed_backup(emulator, source_id):
    emulator.admin.fail_next_backup(source_id)
    run = run_module('jcs_redis_backup', emulator.connection(instance_id=source_id, name='broken'))
    assert run.failed
    return 'broken'


@pytest.mark.parametrize(
    'case, status, words',
    [
        ('no_backup', 'NOT_FOUND', ['source_backup.backup_name', 'no backup named']),
        ('no_instance', 'NOT_FOUND', ['source_backup.instance_name']),
        ('failed', 'FAILED_PRECONDITION', ['failed', 'succeeded']),
        ('running', 'FAILED_PRECONDITION', ['running', 'wait']),
        ('version', 'INVALID_ARGUMENT', ['Redis 4.0', 'redis_version: "4.0"']),
        ('architecture', 'INVALID_ARGUMENT', ['master-slave', 'cluster']),
    ],
)
def test_a_clone_that_cannot_be_made_is_refused_before_the_create(emulator, source, case, status, words):
    source_id, dummy, backup_name = source
    wanted = dict(instance_name='cache_one', backup_name=backup_name)
    extra = {}
    if case == 'no_backup':
        wanted['backup_name'] = 'nope'
    elif case == 'no_instance':
        wanted['instance_name'] = 'nobody'
    elif case == 'failed':
        wanted['backup_name'] = _failed_backup(emulator, source_id)
    elif case == 'running':
        emulator.admin.hold('backup')
        started = run_module('jcs_redis_backup', emulator.connection(instance_id=source_id, name='busy', wait=False))
        assert not started.failed, started.result
        wanted['backup_name'] = 'busy'
    elif case == 'version':
        extra = dict(redis_version='5.0', instance_class='redis.m.small.basic')
    else:
        extra = dict(instance_class='redis.c.small.basic')
    emulator.admin.reset(state=False)
    for check_mode in (True, False):
        run = run_module(
            MODULE, emulator.instance_args(name='cache_copy', source_backup=wanted, **extra), check_mode=check_mode
        )
        assert run.failed and run.result['error']['status'] == status, run.result
        for word in words:
            assert word in run.result['msg'], run.result['msg']
        assert 'Traceback' not in run.stdout + run.stderr
    assert emulator.writes() == 0


@pytest.mark.parametrize(
    'wanted, words',
    [
        (dict(instance_id='redis-abc123', instance_name='cache_one', backup_id='b-1'), ['mutually exclusive']),
        (dict(instance_name='cache_one'), ['backup_id or backup_name']),
        (dict(backup_name='x', instance_name=None), ['instance_id or instance_name']),
        (dict(instance_id='redis-../../quota', backup_id='b-1'), ['source_backup.instance_id']),
        ('cache_one', ['source_backup must be a dictionary']),
    ],
)
def test_source_backup_is_checked_before_any_call(emulator, wanted, words):
    run = run_module(MODULE, emulator.instance_args(name='cache_copy', source_backup=wanted))
    assert run.failed and run.result['error']['status'] == 'INVALID_ARGUMENT', run.result
    for word in words:
        assert word in run.result['msg'], run.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_a_create_missing_its_options_names_the_instance_in_the_bin(emulator):
    old = binned(emulator)
    run = run_module(MODULE, emulator.connection(name='cache_one', description='x'))
    assert run.failed and run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert old in run.result['msg'] and 'recover: true' in run.result['msg'] and 'vpc_id' in run.result['msg']
