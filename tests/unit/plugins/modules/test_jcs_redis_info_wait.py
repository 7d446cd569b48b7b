"""jcs_redis_info's wait_for (many instances waited for with one listing per poll) and jcs_redis_instance's
preflight, run for real against the emulator over HTTP. Transitions are held by the emulator and released at a
known answer, so that no test depends on the machine's speed."""

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module


def start_create(emulator, name, **extra):
    extra.setdefault('wait', False)
    run = run_module('jcs_redis_instance', emulator.instance_args(name, **extra))
    assert not run.failed, run.result
    return run.result['instance']


def operations_after(emulator, seq):
    return [e['operation'] for e in emulator.admin.requests() if e['seq'] > seq]


def last_seq(emulator):
    return max((e['seq'] for e in emulator.admin.requests()), default=0)


def test_many_creates_are_waited_for_with_one_listing_per_poll(emulator):
    emulator.admin.hold('create')
    ids = [start_create(emulator, f'wait_many_{n}')['id'] for n in range(3)]
    seq = last_seq(emulator)
    # the first listing shows them creating, the second running
    emulator.admin.release('create', after=after('describeCacheInstances'))
    run = run_module('jcs_redis_info', emulator.connection(instance_ids=ids, wait_for='running', poll_interval=0.5))
    assert not run.failed, run.result
    assert [i['status'] for i in run.result['instances']] == ['running'] * 3
    assert run.result['polls'] == 2
    assert operations_after(emulator, seq) == ['describeCacheInstances'] * run.result['polls']


def test_an_instance_that_will_not_run_is_named_after_the_others_run(emulator):
    emulator.admin.hold('create')
    broken = start_create(emulator, 'wait_broken')
    fine = start_create(emulator, 'wait_fine')
    emulator.admin.force_status(broken['id'], 'error')
    emulator.admin.release('create', ids=[fine['id']], after=after('describeCacheInstances'))
    run = run_module('jcs_redis_info', emulator.connection(instance_ids=[broken['id'], fine['id']], wait_for='running'))
    assert run.failed
    assert run.result['msg'] == 'These instances will not run: wait_broken ({}) is error.'.format(broken['id'])
    assert run.result['error']['status'] == 'INSTANCE_ERROR'
    assert {i['name']: i['status'] for i in run.result['instances']} == {'wait_broken': 'error', 'wait_fine': 'running'}


def test_a_missing_instance_is_named(emulator):
    instance = start_create(emulator, 'wait_present')
    run = run_module(
        'jcs_redis_info', emulator.connection(instance_ids=[instance['id'], 'redis-gone00000000'], wait_for='running')
    )
    assert run.failed
    assert (
        run.result['msg'] == 'These instances will not run: redis-gone00000000 (redis-gone00000000) no longer exists.'
    )


def test_timeout_names_the_instances_still_busy(emulator):
    emulator.admin.hold('create')
    instance = start_create(emulator, 'wait_slow')
    seq = last_seq(emulator)
    # a poll interval longer than the timeout: one listing at the start, one at the deadline, then the failure,
    # whatever the machine's speed (a count of polls within a shorter interval would measure the machine)
    run = run_module(
        'jcs_redis_info',
        emulator.connection(instance_ids=[instance['id']], wait_for='running', wait_timeout=2, poll_interval=3600),
    )
    assert run.failed
    assert run.result['msg'] == (
        'Timed out after 2 seconds waiting for these instances to run: wait_slow ({}) is creating.'.format(
            instance['id']
        )
    )
    assert run.result['error']['status'] == 'WAIT_TIMEOUT'
    # polled until the deadline, listings alone
    assert run.result['polls'] == 2
    assert operations_after(emulator, seq) == ['describeCacheInstances'] * 2


def test_deletes_are_waited_for_until_gone(emulator):
    emulator.admin.hold('delete')
    ids = [start_create(emulator, f'wait_gone_{n}', wait=True)['id'] for n in range(2)]
    for instance_id in ids:
        deleted = run_module(
            'jcs_redis_instance', emulator.connection(instance_id=instance_id, state='absent', wait=False)
        )
        assert deleted.changed, deleted.result
    emulator.admin.release('delete', after=after('describeCacheInstances'))
    run = run_module('jcs_redis_info', emulator.connection(instance_ids=ids, wait_for='absent', poll_interval=0.3))
    assert not run.failed, run.result
    assert run.result['instances'] == [] and run.result['polls'] == 2


def test_an_instance_that_is_not_being_deleted_is_named(emulator):
    instance = start_create(emulator, 'wait_kept', wait=True)
    run = run_module('jcs_redis_info', emulator.connection(instance_ids=[instance['id']], wait_for='absent'))
    assert run.failed
    assert run.result['msg'] == 'These instances were not deleted: wait_kept ({}) is running.'.format(instance['id'])
    assert run.result['polls'] == 1


def test_check_mode_lists_once_and_does_not_fail(emulator):
    emulator.admin.hold('create')
    instance = start_create(emulator, 'wait_check')
    for wait_for in ('running', 'absent'):
        run = run_module(
            'jcs_redis_info', emulator.connection(instance_ids=[instance['id']], wait_for=wait_for), check_mode=True
        )
        assert not run.failed, run.result
        assert run.result['polls'] == 1
        assert run.result['instances'][0]['status'] == 'creating'


@pytest.mark.parametrize(
    'extra, option',
    [
        (dict(wait_timeout=-1), 'wait_timeout'),
        (dict(poll_interval=0), 'poll_interval'),
        (dict(poll_interval='nan'), 'poll_interval'),
        (dict(poll_interval=3601), 'poll_interval'),
        (dict(wait_for='deleted'), 'wait_for'),
    ],
)
def test_bad_wait_options_fail_before_any_call(emulator, extra, option):
    args = emulator.connection(instance_ids=['redis-abc'], wait_for='running')
    args.update(extra)
    run = run_module('jcs_redis_info', args)
    assert run.failed and option in run.result['msg'], run.result
    assert emulator.admin.stats()['total_calls'] == 0


@pytest.mark.parametrize('preflight, reads', [(True, 1), (False, 0)])
def test_preflight_reads_the_classes_and_the_quota_once_or_not_at_all(emulator, preflight, reads):
    start_create(emulator, 'preflight_new', preflight=preflight)
    made = emulator.calls()
    assert made.get('describeInstanceClass', 0) == reads
    assert made.get('describeUserQuota', 0) == reads
    assert made['createCacheInstance'] == 1


def test_without_preflight_the_api_still_refuses_a_class_it_does_not_sell(emulator):
    args = emulator.instance_args('preflight_unsold', instance_class='redis.m.huge.basic', preflight=False)
    run = run_module('jcs_redis_instance', args)
    assert run.failed and run.result['error']['code'] == 400, run.result
    assert 'describeInstanceClass' not in emulator.calls()
