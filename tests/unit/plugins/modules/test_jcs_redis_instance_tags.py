"""jcs_redis_instance tags (userTags at create, the resource-tag service after) and jcs_redis_info's tag
filter, run for real against the emulator over HTTP."""

from __future__ import annotations

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_instance'


def create(emulator, **extra):
    run = run_module(MODULE, emulator.instance_args(**extra))
    assert not run.failed, run.result
    return run.result['instance']


def stored_tags(emulator, instance_id):
    inst = emulator.server.store.instances[instance_id]
    return {t['key']: t['value'] for t in inst.tags or ()}


def test_tags_at_create_and_unchanged_rerun(emulator):
    tags = dict(team='payments', cost_center=4711, env='prod')
    checked = run_module(MODULE, emulator.instance_args(tags=tags), check_mode=True)
    assert checked.changed and emulator.writes() == 0
    assert checked.result['instance']['tags'] == {'team': 'payments', 'cost_center': '4711', 'env': 'prod'}

    made = run_module(MODULE, emulator.instance_args(tags=tags))
    assert made.result['instance']['tags'] == checked.result['instance']['tags']
    # set with the instance: no call to the tag service
    assert 'tagResources' not in emulator.calls()
    instance_id = made.result['instance']['id']
    assert stored_tags(emulator, instance_id) == {'team': 'payments', 'cost_center': '4711', 'env': 'prod'}

    emulator.admin.reset(state=False)
    again = run_module(MODULE, emulator.instance_args(instance_id=instance_id, tags=tags, purge_tags=True))
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'describeCacheInstance': 1}
    emulator.admin.reset(state=False)
    by_name = run_module(MODULE, emulator.instance_args(tags=dict(env='prod')))
    assert not by_name.changed and emulator.calls() == {'describeCacheInstances': 1}


def test_add_and_change_keep_the_other_tags_without_purge(emulator):
    instance = create(emulator, tags=dict(team='payments', env='prod'))
    args = emulator.connection(instance_id=instance['id'], tags=dict(env='staging', owner='alice'))

    emulator.admin.reset(state=False)
    checked = run_module(MODULE, args, check_mode=True, diff=True)
    assert checked.result['changes'] == ['tags'] and emulator.writes() == 0
    expected = {'team': 'payments', 'env': 'staging', 'owner': 'alice'}
    assert checked.result['instance']['tags'] == expected
    assert checked.result['diff']['before']['tags'] == {'team': 'payments', 'env': 'prod'}

    emulator.admin.reset(state=False)
    run = run_module(MODULE, args)
    assert run.changed and run.result['changes'] == ['tags'], run.result
    assert run.result['instance']['tags'] == expected
    assert emulator.calls() == {'describeCacheInstance': 2, 'tagResources': 1}

    emulator.admin.reset(state=False)
    again = run_module(MODULE, args)
    assert not again.changed and emulator.calls() == {'describeCacheInstance': 1}


def test_purge_removes_the_tags_not_given(emulator):
    instance = create(emulator, tags=dict(team='payments', env='prod', owner='alice'))
    args = emulator.connection(instance_id=instance['id'], tags=dict(env='staging'), purge_tags=True)
    emulator.admin.reset(state=False)
    checked = run_module(MODULE, args, check_mode=True)
    assert checked.result['instance']['tags'] == {'env': 'staging'} and emulator.writes() == 0

    emulator.admin.reset(state=False)
    run = run_module(MODULE, args)
    assert run.result['instance']['tags'] == {'env': 'staging'}
    assert emulator.calls() == {'describeCacheInstance': 2, 'tagResources': 1, 'unTagResources': 1}

    # an empty dictionary with purge_tags removes every tag: one call
    emulator.admin.reset(state=False)
    cleared = run_module(MODULE, emulator.connection(instance_id=instance['id'], tags={}, purge_tags=True))
    assert cleared.changed and cleared.result['instance']['tags'] == {}
    assert emulator.calls() == {'describeCacheInstance': 2, 'unTagResources': 1}
    assert stored_tags(emulator, instance['id']) == {}

    # without tags, purge_tags changes nothing
    emulator.admin.reset(state=False)
    idle = run_module(MODULE, emulator.connection(instance_id=instance['id'], purge_tags=True))
    assert not idle.changed and emulator.calls() == {'describeCacheInstance': 1}


def test_purge_tags_alone_asks_for_no_change_of_a_busy_instance(emulator):
    instance = create(emulator, tags=dict(env='prod'))
    emulator.admin.force_status(instance['id'], 'changing')
    run = run_module(
        MODULE, emulator.connection(instance_id=instance['id'], purge_tags=True, wait=False, wait_timeout=1)
    )
    assert not run.failed and not run.changed, run.result
    # a tag change is a change: the module waits for the instance first (and here times out)
    run = run_module(
        MODULE, emulator.connection(instance_id=instance['id'], tags={}, purge_tags=True, wait=False, wait_timeout=1)
    )
    assert run.failed and run.result['error']['status'] == 'WAIT_TIMEOUT'
    assert stored_tags(emulator, instance['id']) == {'env': 'prod'}


def test_tags_with_a_resize_and_a_rename_in_one_run(emulator):
    instance = create(emulator, tags=dict(env='prod'))
    run = run_module(
        MODULE,
        emulator.connection(
            instance_id=instance['id'], name='renamed', instance_class='redis.m.small.basic', tags=dict(env='dr')
        ),
    )
    assert sorted(run.result['changes']) == ['instance_class', 'name', 'tags'], run.result
    assert run.result['instance']['tags'] == {'env': 'dr'}
    assert run.result['instance']['instance_class'] == 'redis.m.small.basic'


def test_a_200_answer_with_failed_resources_is_a_failure(emulator):
    instance = create(emulator, tags=dict(env='prod'))
    emulator.admin.tag_failure(instance['id'], 'resource is locked by another task')
    emulator.admin.reset(state=False)
    run = run_module(MODULE, emulator.connection(instance_id=instance['id'], tags=dict(env='staging')))
    assert run.failed
    assert run.result['error']['status'] == 'TAG_FAILED'
    assert 'resource is locked by another task' in run.result['msg'] and instance['id'] in run.result['msg']
    assert run.result['failed_resources'] == [[instance['id'], 'resource is locked by another task']]
    assert not run.changed  # the service bound nothing
    assert stored_tags(emulator, instance['id']) == {'env': 'prod'}


@pytest.mark.parametrize(
    'tags, rule',
    [
        ({'k' * 128: 'v'}, '1 to 127 characters'),
        ({' padded': 'v'}, 'without leading or trailing spaces'),
        ({'jdc-owner': 'v'}, 'JD Cloud keeps for its own tags'),
        ({'JRN:x': 'v'}, 'JD Cloud keeps for its own tags'),
        ({'k': 'v' * 256}, 'at most 255 characters'),
        ({'k': ['a', 'b']}, 'must be a string'),
        ({'k%02d' % n: 'v' for n in range(11)}, 'at most 10 tags'),
    ],
)
@pytest.mark.parametrize('check_mode', [False, True])
def test_bad_tags_fail_before_any_call(emulator, tags, rule, check_mode):
    run = run_module(MODULE, emulator.instance_args(tags=tags), check_mode=check_mode)
    assert run.failed and run.result['msg'].startswith('tags:') and rule in run.result['msg'], run.result
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert emulator.admin.stats()['total_calls'] == 0


def test_a_huge_key_is_not_echoed_in_full(emulator):
    run = run_module(MODULE, emulator.instance_args(tags={'k' * 5000: 'v' * 5000}))
    assert run.failed and '(5000 characters)' in run.result['msg']
    assert len(run.result['msg']) < 400, run.result['msg']


@pytest.mark.parametrize('check_mode', [False, True])
def test_more_than_ten_tags_together_are_refused_before_any_write(emulator, check_mode):
    instance = create(emulator, tags={'old%d' % n: 'v' for n in range(8)})
    emulator.admin.reset(state=False)
    run = run_module(
        MODULE, emulator.connection(instance_id=instance['id'], tags=dict(a='1', b='2', c='3')), check_mode=check_mode
    )
    assert run.failed and 'would have 11 tags' in run.result['msg'] and 'purge_tags' in run.result['msg']
    assert emulator.writes() == 0
    with_purge = run_module(
        MODULE,
        emulator.connection(instance_id=instance['id'], tags=dict(a='1', b='2', c='3'), purge_tags=True),
        check_mode=check_mode,
    )
    assert not with_purge.failed, with_purge.result.get('msg')
    assert with_purge.result['instance']['tags'] == {'a': '1', 'b': '2', 'c': '3'}


def test_tag_endpoint_option_and_variable(emulator):
    instance = create(emulator)
    # explicitly the emulator: signed for resourcetag, which the emulator checks
    run = run_module(
        MODULE, emulator.connection(instance_id=instance['id'], tags=dict(a='1'), tag_endpoint=emulator.url)
    )
    assert run.changed and run.result['instance']['tags'] == {'a': '1'}
    # a variable pointing elsewhere is used: nothing listens there
    emulator.admin.reset(state=False)
    run = run_module(
        MODULE,
        emulator.connection(instance_id=instance['id'], tags=dict(a='2'), api_retries=0),
        env={'JDCLOUD_TAG_ENDPOINT': 'http://127.0.0.1:9'},
    )
    assert run.failed and run.result['error']['status'] == 'CONNECTION_ERROR' and '127.0.0.1:9' in run.result['msg']
    assert 'tagResources' not in emulator.calls()
    bad = run_module(MODULE, emulator.connection(instance_id=instance['id'], tags={}, tag_endpoint='ftp://x'))
    assert bad.failed and bad.result['msg'].startswith('tag_endpoint must be a URL')
    assert emulator.admin.stats()['total_calls'] == 1  # the read before


def test_info_filters_by_tags(emulator):
    payments = create(emulator, name='pay_one', tags=dict(team='payments', env='prod'))
    create(emulator, name='pay_two', tags=dict(team='payments', env='staging'))
    create(emulator, name='search', tags=dict(team='search', env='prod'))
    create(emulator, name='untagged')

    emulator.admin.reset(state=False)
    found = run_module('jcs_redis_info', emulator.connection(tags=dict(team='payments', env='prod')))
    assert [i['name'] for i in found.result['instances']] == ['pay_one']
    assert found.result['instances'][0] == payments
    assert emulator.calls() == {'describeCacheInstances': 1}

    found = run_module('jcs_redis_info', emulator.connection(tags=dict(env=['prod', 'staging'])))
    assert sorted(i['name'] for i in found.result['instances']) == ['pay_one', 'pay_two', 'search']
    found = run_module('jcs_redis_info', emulator.connection(tags=dict(team='nobody')))
    assert found.result['instances'] == []

    emulator.admin.reset(state=False)
    none = run_module('jcs_redis_info', emulator.connection(tags=dict(team=[])))
    assert none.result['total'] == 0 and emulator.admin.stats()['total_calls'] == 0
    bad = run_module('jcs_redis_info', emulator.connection(tags={'team': {'a': 'b'}}))
    assert bad.failed and bad.result['msg'].startswith('tags must map')
