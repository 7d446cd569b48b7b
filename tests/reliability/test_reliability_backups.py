"""Backups under lost answers: a write whose answer never arrives must take effect exactly once.

The emulator applies the write and then resets the connection (``drop_response_rate`` 1 for that one
operation), so the module sees an outcome it cannot know, re-reads, and must not write again when the
first write took effect."""

from __future__ import annotations

from jdcloud_redis_emulator.admin import after
from modrunner import run_module
from reliability_support import FIGURES

SUITE = 'backups under lost answers'


def held_backups(emu, instance_id):
    return emu.server.store.instances[instance_id].backups


def make_instance(emu):
    run = run_module('jcs_redis_instance', emu.instance_args(name='rel_backup', password='Rel1ability2'))
    assert not run.failed, run.result
    return run.result['instance']['id']


def drop(emu, operation):
    emu.admin.reset(state=False)
    emu.admin.config(drop_response_rate=1.0, fault_operations=[operation])


def test_lost_create_backup_answer_makes_exactly_one_backup(emu):
    instance_id = make_instance(emu)
    drop(emu, 'createBackup')
    run = run_module('jcs_redis_backup', emu.connection(instance_id=instance_id, name='before_resize'))
    assert not run.failed and run.changed, run.result
    held = held_backups(emu, instance_id)
    assert [b['name'] for b in held] == ['before_resize'] and run.result['backup']['id'] == held[0]['id']
    assert emu.admin.stats()['faults'] == {'drop_response': 1}
    # the re-run finds it by name, with the answers still lost
    again = run_module('jcs_redis_backup', emu.connection(instance_id=instance_id, name='before_resize'))
    assert not again.failed and not again.changed and len(held_backups(emu, instance_id)) == 1
    FIGURES.add(SUITE, 'createBackup answers lost', 1)
    FIGURES.add(SUITE, 'backups made', len(held_backups(emu, instance_id)))


def test_lost_restore_answer_restores_once(emu):
    instance_id = make_instance(emu)
    taken = run_module('jcs_redis_backup', emu.connection(instance_id=instance_id, name='golden')).result['backup']
    drop(emu, 'restoreInstance')
    # restoring until the module has read the instance once after the restore (whose answer is lost)
    emu.admin.hold('restore')
    emu.admin.release(after=after('describeCacheInstance', since='restoreInstance'))
    run = run_module('jcs_redis_backup', emu.connection(instance_id=instance_id, state='restored', name='golden'))
    assert not run.failed and run.changed and run.result['backup']['id'] == taken['id'], run.result
    applied = [e for e in emu.admin.requests() if e['operation'] == 'restoreInstance']
    assert len(applied) == 1 and applied[0]['fault'] == 'drop_response'
    assert emu.instances()[instance_id]['status'] == 'running'
    FIGURES.add(SUITE, 'restoreInstance calls after a lost answer', len(applied))


def test_lost_policy_answer_converges(emu):
    instance_id = make_instance(emu)
    drop(emu, 'modifyBackupPolicy')
    args = emu.connection(instance_id=instance_id, backup_days=['Sunday'], backup_window='02:00-03:00', api_retries=2)
    run = run_module('jcs_redis_backup_policy', args)
    # the write is idempotent, so the client repeats it; every answer is lost, and then a re-read shows the policy
    # as written: the write went through, the task converged and says what it changed (issue 25)
    assert not run.failed and run.changed and run.result['changes'] == ['backup_days', 'backup_window'], run.result
    writes = [e for e in emu.admin.requests() if e['operation'] == 'modifyBackupPolicy']
    assert len(writes) == 3 and all(e['fault'] == 'drop_response' for e in writes)  # 1 + api_retries
    held = emu.server.store.instances[instance_id].backup_policy
    assert held['backupPeriod'] == 'Sunday' and held['backupTime'] == '02:00-03:00 +0800'
    emu.admin.config(drop_response_rate=0.0)
    again = run_module('jcs_redis_backup_policy', args)
    assert not again.failed and not again.changed, again.result
