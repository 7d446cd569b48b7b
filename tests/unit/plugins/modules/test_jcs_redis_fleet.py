"""jcs_redis_fleet run for real against the emulator over HTTP: many instances and their settings in one process."""

from __future__ import annotations

import json
import threading
import time

from emulator_fixtures import INSTANCE_PASSWORD, INSTANCE_REQUEST
from modrunner import run_module

MODULE = 'jcs_redis_fleet'
SETTINGS = dict(
    whitelist=[dict(name='default', ips=['10.0.1.0/24'])],
    backup_policy=dict(auto_backup=True, backup_days=['Monday'], backup_window='01:00-02:00'),
    config={'maxmemory-policy': 'allkeys-lru'},
)


def entries(count, prefix='fleet', **extra):
    return [dict(INSTANCE_REQUEST, name=f'{prefix}_{n:02d}', **SETTINGS, **extra) for n in range(count)]


def run(emulator, instances, *, check_mode=False, diff=False, **args):
    return run_module(
        MODULE,
        emulator.connection(instances=instances, poll_interval=0.2, **args),
        check_mode=check_mode,
        diff=diff,
    )


def states(result):
    return {r['name']: r['state'] for r in result['instances']}


def test_converge_check_unchanged_change_delete(emulator):
    fleet = entries(5)
    planned = run(emulator, fleet, check_mode=True)
    assert not planned.failed, planned.result
    assert planned.changed and set(states(planned.result).values()) == {'created'}
    assert emulator.writes() == 0
    assert planned.result['instances'][0]['changes'] == [
        'create',
        'whitelist',
        'backup_policy',
        'config.maxmemory-policy',
    ]

    created = run(emulator, fleet, max_concurrency=4)
    assert not created.failed, created.result
    assert sorted(created.result['created']) == [e['name'] for e in fleet]
    assert emulator.calls()['createCacheInstance'] == 5
    assert all(r['instance']['status'] == 'running' for r in created.result['instances'])
    assert all(r['config']['maxmemory-policy'] == 'allkeys-lru' for r in created.result['instances'])
    assert INSTANCE_PASSWORD not in json.dumps(created.result) + created.stdout + created.stderr

    emulator.admin.reset(state=False)
    again = run(emulator, fleet)
    assert not again.failed and not again.changed, again.result
    assert again.result['unchanged'] == [e['name'] for e in fleet]
    # one listing and three reads per instance, nothing else
    assert emulator.calls() == {
        'describeCacheInstances': 1,
        'describeWhiteListGroup': 5,
        'describeBackupPolicy': 5,
        'describeInstanceConfig': 5,
    }

    emulator.admin.reset(state=False)
    fleet[2] = dict(fleet[2], config={'maxmemory-policy': 'noeviction'})
    one = run(emulator, fleet, diff=True)
    assert not one.failed, one.result
    assert one.result['updated'] == ['fleet_02']
    assert one.result['instances'][2]['changes'] == ['config.maxmemory-policy']
    assert one.result['instances'][2]['diff']['after']['config'] == {'maxmemory-policy': 'noeviction'}
    assert emulator.writes() == 1

    emulator.admin.reset(state=False)
    gone = run(emulator, [dict(name=e['name'], state='absent') for e in fleet[:2]])
    assert not gone.failed, gone.result
    assert gone.result['deleted'] == ['fleet_00', 'fleet_01']
    assert {i['name'] for i in emulator.instances().values()} == {'fleet_02', 'fleet_03', 'fleet_04'}


def test_an_entry_that_fails_leaves_the_others_going(emulator):
    fleet = entries(3, prefix='part')
    fleet[1] = dict(fleet[1], instance_class='redis.m.nosuch.basic')
    result = run(emulator, fleet)
    assert result.failed
    assert states(result.result) == {'part_00': 'created', 'part_01': 'failed', 'part_02': 'created'}
    failed = result.result['instances'][1]
    assert 'instance_class' in failed['msg'] and 'part_01' in result.result['msg']
    assert failed['error']['status']
    assert {i['name'] for i in emulator.instances().values()} == {'part_00', 'part_02'}


def test_bad_entries_are_refused_before_any_call(emulator):
    fleet = entries(2, prefix='bad')
    fleet[0] = dict(fleet[0], whitelist=[dict(name='9x', ips=['10.0.0.1'])])
    fleet[1] = dict(fleet[1], vpc_id='not-a-vpc')
    refused = run(emulator, fleet)
    assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT'
    assert 'bad_00: whitelist[0].name' in refused.result['msg']
    assert 'bad_01: vpc_id' in refused.result['msg']
    # a string where an entry's white list takes dictionaries: ansible-core alone would name no option
    nested = run(emulator, [dict(name='nested', password='Planted_Pw_82', whitelist=['default'])])
    assert nested.failed and nested.result['error']['status'] == 'INVALID_ARGUMENT'
    assert nested.result['msg'] == 'instances[0].whitelist must be a list of dictionaries with the keys name and ips'
    assert 'Planted_Pw_82' not in nested.stdout + nested.stderr
    twice = run(emulator, [dict(name='same'), dict(name='same', state='absent')])
    assert twice.failed and 'same' in twice.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_quota_is_checked_once_before_any_create(emulator):
    emulator.admin.set_quota('cn-north-1', 2)
    refused = run(emulator, entries(3, prefix='quota'))
    assert refused.failed and refused.result['error']['status'] == 'QUOTA_EXCEEDED', refused.result
    assert emulator.writes() == 0


def test_unchanged_reads_go_out_side_by_side_within_the_connection_pool(emulator):
    # one entry at a time (max_concurrency 1) on a pool of 1 + 4 connections: the nine reads of three unchanged
    # instances go out five at a time, every connection of the pool busy and never one more
    ids = emulator.admin.seed(3, name_prefix='side')
    fleet = [dict(name=emulator.instances()[i]['name'], **SETTINGS) for i in ids]
    assert not run(emulator, fleet).failed
    emulator.admin.reset(state=False)
    reads = ('describeWhiteListGroup', 'describeBackupPolicy', 'describeInstanceConfig')
    for operation in reads:
        emulator.admin.hold_requests(operation, count=3)
    done = {}
    worker = threading.Thread(target=lambda: done.update(run=run(emulator, fleet, max_concurrency=1)))
    worker.start()
    try:
        deadline = time.monotonic() + 60  # a bound for a hung run, not a speed requirement
        while sum(h['waiting'] for h in emulator.admin.held_requests().values()) < 5:
            assert time.monotonic() < deadline, emulator.admin.held_requests()
            time.sleep(0.02)
    finally:
        emulator.admin.release_requests()
        worker.join()
    again = done['run']
    assert not again.failed and not again.changed, again.result
    assert again.result['unchanged'] == [e['name'] for e in fleet]
    assert emulator.calls() == dict(dict.fromkeys(reads, 3), describeCacheInstances=1)
    assert emulator.admin.stats()['peak_in_flight'] == 5


def test_entries_recover_from_the_bin_and_clone_a_backup(emulator):
    fleet = entries(2, prefix='kept')
    created = run(emulator, fleet)
    assert not created.failed, created.result
    first, second = (r['id'] for r in created.result['instances'])
    backup_id = emulator.admin.seed_backups(second, 1)[0]
    gone = run(emulator, [dict(name='kept_00', state='absent')])
    assert not gone.failed and gone.result['deleted'] == ['kept_00'], gone.result
    declared = [
        dict(fleet[0], recover=True, description='back'),
        dict(INSTANCE_REQUEST, name='copy_00', source_backup=dict(instance_id=second, backup_id=backup_id)),
    ]
    emulator.admin.reset(state=False)
    planned = run(emulator, declared, check_mode=True)
    assert not planned.failed, planned.result
    assert planned.result['recovered'] == ['kept_00'] and planned.result['created'] == ['copy_00']
    assert planned.result['instances'][0]['changes'][:2] == ['recover', 'description']
    assert planned.result['instances'][0]['setting_changes'] == dict.fromkeys(SETTINGS)
    assert planned.result['instances'][0]['before']['recycle_bin'] is True  # not a live instance
    assert planned.result['instances'][1]['source_backup']['backup_id'] == backup_id
    assert emulator.writes() == 0
    done = run(emulator, declared)
    assert not done.failed, done.result
    assert done.result['recovered'] == ['kept_00'] and done.result['instances'][0]['id'] == first
    assert done.result['instances'][0]['instance']['description'] == 'back'
    clone = done.result['instances'][1]['id']
    assert emulator.server.store.instances[clone].cloned_from == dict(baseId=backup_id, srcInstanceId=second)
    assert emulator.calls()['recoverInstance'] == 1 and emulator.calls()['createCacheInstance'] == 1


def test_the_quota_message_tells_the_recoveries_from_the_creates(emulator):
    # a recovery needs room in the quota as a create does (recoverInstance is refused with 429 without it), so the
    # count stays; the message says which entries would be created and which recovered
    kept = run(emulator, entries(1, prefix='binned'))
    assert not kept.failed, kept.result
    gone = run(emulator, [dict(name='binned_00', state='absent')])
    assert not gone.failed and gone.result['deleted'] == ['binned_00'], gone.result
    emulator.admin.set_quota('cn-north-1', 1)
    emulator.admin.reset(state=False)
    declared = [dict(entries(1, prefix='binned')[0], recover=True)] + entries(2, prefix='fresh')
    for check_mode in (True, False):
        refused = run(emulator, declared, check_mode=check_mode)
        assert refused.failed and refused.result['error']['status'] == 'QUOTA_EXCEEDED', refused.result
        assert refused.result['msg'] == (
            'The Redis quota of region cn-north-1 leaves room for 1 more instance (0 of 1 used), and 3 need it: '
            '2 would be created (fresh_00, fresh_01) and 1 recovered from the recycle bin (binned_00); '
            'nothing was changed'
        ), refused.result['msg']
    emulator.admin.set_quota('cn-north-1', 0)
    refused = run(emulator, declared[:1])
    assert refused.result['msg'] == (
        'The Redis quota of region cn-north-1 leaves room for 0 more instances (0 of 0 used), and 1 needs it: '
        '1 would be recovered from the recycle bin (binned_00); nothing was changed'
    ), refused.result['msg']
    assert emulator.writes() == 0
    emulator.admin.set_quota('cn-north-1', 1)
    # an entry with recover whose name is not in the bin is a create
    refused = run(emulator, entries(2, prefix='fresh', recover=True))
    assert refused.result['msg'] == (
        'The Redis quota of region cn-north-1 leaves room for 1 more instance (0 of 1 used), and 2 would be created: '
        'fresh_00, fresh_01; nothing was changed'
    ), refused.result['msg']
    assert emulator.writes() == 0
