"""Correctness under concurrency, churn and partial failure (issue 12), against the emulator over HTTP.

The races are made deterministic with the emulator's churn plan (``POST /_emulator/churn``): a
step of renames, deletes or creates is applied right after a given describeCacheInstances answer,
so a pager that sends its pages one at a time sees the same interleaving on every run.
"""

from __future__ import annotations

import ast
import json
import pathlib
import threading

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

REGION = 'cn-north-1'
PLUGINS = pathlib.Path(__file__).resolve().parents[4] / 'plugins'


def instance(emulator, tmp_path, **args):
    return run_module('jcs_redis_instance', args, env={'XDG_CACHE_HOME': str(tmp_path)})


def calls(emulator, operation):
    return emulator.calls().get(operation, 0)


def stored(emulator):
    """Every instance of the region, straight from the emulator's store: id -> name."""
    return {i.id: i.name for i in emulator.server.store.list(REGION)}


def named(emulator, name):
    return sorted(i for i, n in stored(emulator).items() if n == name)


# -- 1. the by-name lookup never misses an instance that exists, so never creates a duplicate --------


@pytest.fixture
def name_on_page_two(emulator):
    """161 instances whose names contain 'ab': 'ab' itself is the 101st, newest first (page 2),
    after 100 newer ones; one older instance does not contain 'ab'. Returns the churn renames that
    move one newer instance out of the match set and the older one into it: the total stays 161
    and 'ab' moves to page 1."""
    emulator.admin.set_quota(REGION, 1000)  # so that a missed lookup really creates a duplicate
    seeded = emulator.admin.seed(161, name_prefix='xab')
    outsider = emulator.server.store.seed(1, REGION, 'zz', oldest=True)[0]
    target = seeded[60]  # 60 older, 100 newer
    emulator.server.store.admin_rename(target, 'ab', 'ab')
    names = stored(emulator)
    newest = seeded[-1]
    return target, [[newest, names[newest], 'gone_x'], [outsider, names[outsider], 'back_ab']]


def seeded_spec(emulator, instance_id, name):
    """Options that describe the seeded instance exactly, so that finding it changes nothing and
    missing it creates a duplicate."""
    inst = emulator.server.store.get(REGION, instance_id)
    return emulator.instance_args(
        name,
        instance_class=inst.instance_class,
        vpc_id=inst.vpc_id,
        subnet_id=inst.subnet_id,
        master_az=inst.az_master,
        slave_az=inst.az_slave,
    )


def test_lookup_by_name_finds_the_instance_when_the_listing_shifts_between_pages(emulator, tmp_path, name_on_page_two):
    target, renames = name_on_page_two
    emulator.admin.reset(state=False)
    emulator.admin.churn(renames=renames, start=1, times=1)
    run = instance(emulator, tmp_path, **seeded_spec(emulator, target, 'ab'))
    assert not run.failed, run.result
    assert not run.changed, run.result
    assert run.result['instance']['id'] == target
    assert calls(emulator, 'createCacheInstance') == 0
    assert named(emulator, 'ab') == [target]
    # the first read missed it; a backward read and a third read agreed
    assert calls(emulator, 'describeCacheInstances') == 6


def test_lookup_by_name_refuses_to_decide_on_a_listing_that_keeps_changing(emulator, tmp_path, name_on_page_two):
    target, renames = name_on_page_two
    emulator.admin.reset(state=False)
    emulator.admin.churn(renames=renames, start=1, times=0)  # a step after every answer
    run = instance(emulator, tmp_path, **seeded_spec(emulator, target, 'ab'))
    assert run.failed, run.result
    assert run.result['error']['status'] == 'ABORTED', run.result
    assert not run.changed
    assert calls(emulator, 'createCacheInstance') == 0
    # 4 attempts of 4 reads of 2 pages (1, 2 and 4 s apart), then no decision
    assert calls(emulator, 'describeCacheInstances') == 32
    assert named(emulator, 'ab') == [target]
    # what the user can do about it
    message = run.result['msg']
    assert 'nothing was changed' in message and '4 attempts' in message
    assert 'instance_id' in message and 'fewer concurrent' in message


def test_lookup_by_name_converges_once_heavy_churn_eases(emulator, tmp_path):
    """The issue's scale: 180 instances whose names contain the name looked up, renames in and out of
    the match set and deletes after every list answer while a whole attempt (4 reads of 2 pages) lasts;
    the next attempt finds the listing still and the instance in it."""
    emulator.admin.set_quota(REGION, 1000)
    seeded = emulator.admin.seed(180, name_prefix='heavyab')
    outsiders = emulator.server.store.seed(4, REGION, 'zz', oldest=True)
    target = seeded[70]  # page 2, newest first
    emulator.server.store.admin_rename(target, 'heavy', 'heavy')
    names = stored(emulator)
    renames = [[i, names[i], 'out_of_it'] for i in seeded[-4:]] + [[i, names[i], 'heavyab_in'] for i in outsiders]
    doomed = [i for i in seeded[100:140] if i != target]
    emulator.admin.reset(state=False)
    # after each of the first attempt's 8 answers: 8 renames and 2 deletes (18 changes per 2 answers)
    emulator.admin.churn(renames=renames, deletes=doomed, deletes_per_step=2, start=1, times=8)
    run = instance(emulator, tmp_path, **seeded_spec(emulator, target, 'heavy'))
    assert not run.failed, run.result
    assert not run.changed and run.result['instance']['id'] == target
    assert calls(emulator, 'createCacheInstance') == 0
    # the first attempt's 4 reads disagreed; the second attempt's first two agreed
    assert calls(emulator, 'describeCacheInstances') == 8 + 4
    assert named(emulator, 'heavy') == [target]


def test_unchanged_rerun_with_one_page_of_candidates_costs_one_call(emulator, tmp_path):
    first = instance(emulator, tmp_path, **emulator.instance_args('cand'))
    assert first.changed, first.result
    emulator.admin.seed(99, name_prefix='cand')  # 100 candidates: one page
    emulator.admin.reset(state=False)
    by_name = instance(emulator, tmp_path, **emulator.instance_args('cand'))
    assert not by_name.changed and sum(emulator.admin.stats()['calls'].values()) == 1
    emulator.admin.reset(state=False)
    by_id = instance(emulator, tmp_path, **emulator.instance_args('cand', instance_id=first.result['instance']['id']))
    assert not by_id.changed and sum(emulator.admin.stats()['calls'].values()) == 1


# -- 2. jcs_redis_info lists every instance that exists for the whole listing -------------------------


@pytest.mark.parametrize('concurrency', [1, 8])
def test_info_keeps_stable_instances_when_an_earlier_one_is_deleted_between_pages(emulator, concurrency):
    seeded = emulator.admin.seed(250)
    victim = seeded[-3]  # newest first: on page 1
    emulator.admin.reset(state=False)
    # one deleted on page 1 and one created last: every page still says 250, page 2 starts one later
    emulator.admin.churn(deletes=[victim], seed_oldest=1, start=1, times=1)
    run = run_module('jcs_redis_info', emulator.connection(concurrency=concurrency))
    assert not run.failed, run.result
    listed = [i['id'] for i in run.result['instances']]
    assert len(listed) == len(set(listed)) == 250
    assert set(seeded) - {victim} <= set(listed)
    assert victim not in listed
    # the first read missed one; the backward read and a third read agreed: 3 reads of 3 pages
    assert calls(emulator, 'describeCacheInstances') == 9


def test_info_under_continuous_churn_keeps_every_stable_instance_once(emulator):
    seeded = emulator.admin.seed(250)
    doomed = seeded[-12:]  # newest: all on page 1
    emulator.admin.reset(state=False)
    emulator.admin.churn(deletes=doomed, deletes_per_step=1, seed_oldest=1, start=1, times=0)
    run = run_module('jcs_redis_info', emulator.connection(concurrency=1))
    assert not run.failed, run.result
    listed = [i['id'] for i in run.result['instances']]
    assert len(listed) == len(set(listed))
    stable = set(seeded) - set(doomed)
    assert stable <= set(listed), sorted(stable - set(listed))
    assert set(listed) <= set(seeded) | set(stored(emulator))
    # bounded: 4 reads of 3 pages that never agree, then one check by id of those some read missed
    assert calls(emulator, 'describeCacheInstances') == 4 * 3 + 1


# -- 3. parallel creates of one name on one host make one instance -----------------------------------


def test_parallel_creates_of_one_name_make_one_instance(emulator, tmp_path):
    emulator.admin.config(latency_ms=150)
    runs = [None] * 3

    def create(index):
        runs[index] = instance(emulator, tmp_path, **emulator.instance_args('forked'))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(not r.failed for r in runs), [r.result for r in runs]
    assert len(named(emulator, 'forked')) == 1
    assert sorted(r.changed for r in runs) == [False, False, True]
    assert calls(emulator, 'createCacheInstance') == 1
    # each run removed the lock file it held: none piles up
    assert not list((tmp_path / 'jdcloud.cloud' / 'locks').iterdir())


def test_create_without_a_usable_lock_directory_warns_and_proceeds(emulator, tmp_path):
    blocker = tmp_path / 'not_a_directory'
    blocker.write_text('')
    run = run_module('jcs_redis_instance', emulator.instance_args('unlocked'), env={'XDG_CACHE_HOME': str(blocker)})
    assert run.changed and not run.failed, run.result
    assert 'not serialised' in json.dumps(run.result.get('warnings', [])), run.result


def test_create_warns_when_the_name_turns_out_to_be_shared(emulator, tmp_path):
    # Another machine's create, which the lock of this host cannot see, lands between the lookup and
    # the create: an instance takes the name right after the lookup's list answer.
    other = emulator.admin.seed(1, name_prefix='elsewhere')[0]
    emulator.admin.churn(renames=[[other, stored(emulator)[other], 'shared']], start=1, times=1)
    run = instance(emulator, tmp_path, **emulator.instance_args('shared'))
    assert not run.failed and run.changed, run.result
    created = run.result['instance']['id']
    assert named(emulator, 'shared') == sorted([created, other])
    warnings = json.dumps(run.result.get('warnings', []))
    assert other in warnings and created in warnings, run.result


# -- 4. a re-run waits for a transition that an earlier run did not wait for --------------------------


def test_rerun_during_a_resize_waits_and_then_compares(emulator, tmp_path):
    first = instance(emulator, tmp_path, **emulator.instance_args('busy'))
    instance_id = first.result['instance']['id']
    emulator.admin.hold('resize')
    resize = instance(
        emulator, tmp_path, **emulator.instance_args('busy', instance_class='redis.m.small.basic', wait=False)
    )
    assert resize.changed and resize.result['instance']['status'] == 'changing', resize.result
    # the resize ends once the re-run has seen it changing
    emulator.admin.release(after=after('describeCacheInstance'))
    again = instance(
        emulator, tmp_path, **emulator.instance_args('busy', instance_class='redis.m.small.basic', wait=False)
    )
    assert not again.failed, again.result
    assert not again.changed, again.result
    assert again.result['instance']['status'] == 'running'
    assert again.result['instance']['id'] == instance_id
    assert calls(emulator, 'modifyCacheInstanceClass') == 1


def test_rerun_during_a_create_waits_and_then_changes(emulator, tmp_path):
    emulator.admin.hold('create')
    first = instance(emulator, tmp_path, **emulator.instance_args('young', wait=False))
    assert first.result['instance']['status'] == 'creating', first.result
    emulator.admin.release(after=after('describeCacheInstance'))
    again = instance(emulator, tmp_path, **emulator.instance_args('young', description='now described', wait=False))
    assert not again.failed, again.result
    assert again.changed and again.result['instance']['description'] == 'now described'


# -- 5. a failure after writes says what was applied ----------------------------------------------


def test_failure_after_a_create_reports_the_change(emulator, tmp_path):
    emulator.admin.hold('create')
    run = instance(emulator, tmp_path, **emulator.instance_args('slow', wait_timeout=1))
    assert run.failed and run.result['error']['status'] == 'WAIT_TIMEOUT', run.result
    assert run.result['changed'] is True
    assert run.result['changes'] == ['create']


def test_failure_of_a_resize_after_a_rename_reports_the_rename(emulator, tmp_path):
    first = instance(emulator, tmp_path, **emulator.instance_args('renamed'))
    emulator.admin.config(error_rate=1.0, fault_operations=['modifyCacheInstanceClass'])
    run = instance(
        emulator,
        tmp_path,
        **emulator.instance_args(
            'renamed_v2',
            instance_id=first.result['instance']['id'],
            instance_class='redis.m.small.basic',
            api_retries=0,
        ),
    )
    assert run.failed, run.result
    assert run.result['changed'] is True
    assert 'name' in run.result['changes']
    assert named(emulator, 'renamed_v2') == [first.result['instance']['id']]


# -- 6. check mode refuses what the real run would refuse, and predicts shards from the catalogue -----


def test_check_mode_predicts_cluster_shards_from_the_class(emulator, tmp_path):
    made = instance(emulator, tmp_path, **emulator.instance_args('clustered', instance_class='redis.c.large.basic'))
    assert made.result['instance']['shard_number'] == 8, made.result
    args = emulator.instance_args('clustered', instance_class='redis.c.xlarge.basic')
    predicted = run_module('jcs_redis_instance', args, check_mode=True)
    assert predicted.changed, predicted.result
    assert predicted.result['instance']['shard_number'] == 16
    assert predicted.result['instance']['memory_mb_per_shard'] == 8192
    real = instance(emulator, tmp_path, **args)
    for key in ('shard_number', 'memory_mb_per_shard', 'memory_mb', 'instance_type'):
        assert predicted.result['instance'][key] == real.result['instance'][key], key


@pytest.mark.parametrize(
    'created, resized',
    [
        (dict(instance_class='redis.c.small.basic'), 'redis.m.micro.basic'),
        (
            dict(instance_class='redis.m.medium.basic', charge_mode='prepaid_by_duration', charge_duration=1),
            'redis.m.micro.basic',
        ),
    ],
    ids=['cluster-to-master-slave', 'prepaid-shrink'],
)
def test_check_mode_refuses_a_resize_the_api_refuses(emulator, tmp_path, created, resized):
    made = instance(emulator, tmp_path, **emulator.instance_args('fixed', **created))
    assert not made.failed, made.result
    args = emulator.instance_args(
        'fixed', instance_class=resized, **{k: v for k, v in created.items() if k != 'instance_class'}
    )
    checked = run_module('jcs_redis_instance', args, check_mode=True)
    assert checked.failed and checked.result['error']['status'] == 'FAILED_PRECONDITION', checked.result
    real = instance(emulator, tmp_path, **args)
    assert real.failed and real.result['error']['status'] == 'FAILED_PRECONDITION', real.result
    assert calls(emulator, 'modifyCacheInstanceClass') == 0


# -- 7. a rename to a name another instance has ------------------------------------------------------


def test_rename_to_a_name_in_use_is_refused_unless_allowed(emulator, tmp_path):
    one = instance(emulator, tmp_path, **emulator.instance_args('first_one')).result['instance']['id']
    two = instance(emulator, tmp_path, **emulator.instance_args('second_one')).result['instance']['id']
    run = instance(emulator, tmp_path, **emulator.connection(instance_id=two, name='first_one'))
    assert run.failed and run.result['error']['status'] == 'ALREADY_EXISTS', run.result
    assert one in run.result['msg'] and run.result['others'] == [one]
    assert named(emulator, 'second_one') == [two]
    allowed = instance(
        emulator, tmp_path, **emulator.connection(instance_id=two, name='first_one', allow_duplicate_name=True)
    )
    assert allowed.changed, allowed.result
    assert named(emulator, 'first_one') == sorted([one, two])


# -- 8. every failure carries a structured error with a status --------------------------------------


def _fail_calls():
    for path in sorted(PLUGINS.rglob('*.py')):
        tree = ast.parse(path.read_text(encoding='utf-8'))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ('fail', 'fail_json')
            ):
                yield path.name, node


def test_every_fail_call_site_passes_a_status():
    missing = []
    sites = 0
    for name, call in _fail_calls():
        sites += 1
        keywords = {k.arg for k in call.keywords}
        if None in keywords:  # **kwargs passed on by a funnel that sets the error itself
            continue
        if not keywords & {'status', 'error'}:
            missing.append(f'{name}:{call.lineno}')
    assert sites > 20
    assert not missing, missing


@pytest.mark.parametrize(
    'args, status',
    [
        (dict(state='bogus'), 'INVALID_ARGUMENT'),  # ansible-core's own argument validation
        (dict(name='bad-name'), 'INVALID_ARGUMENT'),
        (dict(instance_class='redis.no.such.class'), 'INVALID_ARGUMENT'),
        (dict(password=None), 'INVALID_ARGUMENT'),
    ],
)
def test_refusals_carry_a_status(emulator, tmp_path, args, status):
    run = instance(emulator, tmp_path, **dict(emulator.instance_args('refused'), **args))
    assert run.failed, run.result
    assert run.result['error']['status'] == status, run.result


def test_immutable_option_refusal_carries_a_status(emulator, tmp_path):
    instance(emulator, tmp_path, **emulator.instance_args('fixed_vpc'))
    run = instance(emulator, tmp_path, **emulator.instance_args('fixed_vpc', vpc_id='vpc-other0001'))
    assert run.failed and run.result['error']['status'] == 'FAILED_PRECONDITION', run.result


# -- 9. status error is reported; deleting ends a create wait ---------------------------------------


def test_present_on_an_instance_in_error_warns_with_advice(emulator, tmp_path):
    made = instance(emulator, tmp_path, **emulator.instance_args('broken'))
    emulator.admin.force_status(made.result['instance']['id'], 'error')
    run = instance(emulator, tmp_path, **emulator.instance_args('broken'))
    assert not run.failed, run.result
    warnings = json.dumps(run.result.get('warnings', []))
    assert 'status error' in warnings and 'state: absent' in warnings, run.result


def test_deleting_during_a_create_wait_ends_the_wait(emulator, tmp_path):
    emulator.admin.hold('create')
    # being deleted once the module has seen it creating
    emulator.admin.force_status_named('doomed', 'deleting', after('describeCacheInstance', since='createCacheInstance'))
    run = instance(emulator, tmp_path, **emulator.instance_args('doomed', wait_timeout=20))
    assert run.failed, run.result
    # not a WAIT_TIMEOUT after 20 s: the wait ended as soon as the instance was being deleted
    assert run.result['error']['status'] == 'ABORTED', run.result
    assert run.result['changed'] is True and run.result['changes'] == ['create']
