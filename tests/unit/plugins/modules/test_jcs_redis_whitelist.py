"""jcs_redis_whitelist run for real against the emulator over HTTP; the white list is read back with
the official SDK, a client we did not write."""

from __future__ import annotations

import json

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

MODULE = 'jcs_redis_whitelist'
WRITES = ('addWhiteListGroup', 'modifyWhiteListGroup', 'deleteWhiteListGroup')
OPEN = {'name': 'default', 'ips': '0.0.0.0/0'}


def writes(emulator):
    return sum(emulator.calls().get(op, 0) for op in WRITES)


def sdk_groups(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeWhiteListGroupRequest import DescribeWhiteListGroupRequest

    response = sdk_client.client.send(
        DescribeWhiteListGroupRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return response.result['whiteLists']


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, emulator.connection(**args), check_mode=check_mode, diff=diff)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('wl_cache')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


APPS = [{'name': 'default', 'ips': ['10.0.1.0/24']}, {'name': 'apps', 'ips': ['10.0.2.0/24', '192.168.0.10']}]


def test_create_groups_then_unchanged_in_one_call(emulator, sdk_client, instance):
    first = run(emulator, instance_id=instance, groups=APPS)
    assert not first.failed, first.result
    assert first.changed and first.result['instance_id'] == instance
    assert first.result['whitelist'] == APPS
    assert first.result['changes'] == ['apps', 'default']
    # one write per group that differs; the instance was running, so one describe before writing
    assert emulator.calls() == {
        'describeWhiteListGroup': 1,
        'describeCacheInstance': 1,
        'modifyWhiteListGroup': 1,
        'addWhiteListGroup': 1,
    }
    assert sdk_groups(sdk_client, instance) == [
        {'name': 'default', 'ips': '10.0.1.0/24'},
        {'name': 'apps', 'ips': '10.0.2.0/24,192.168.0.10'},
    ]

    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, groups=APPS)
    assert not again.failed and not again.changed
    assert again.result['whitelist'] == APPS and again.result['changes'] == []
    assert emulator.calls() == {'describeWhiteListGroup': 1}


def test_same_networks_written_differently_are_unchanged(emulator, sdk_client, instance):
    assert run(emulator, instance_id=instance, groups=APPS).changed
    emulator.admin.reset(state=False)
    same = [
        {'name': 'apps', 'ips': [' 192.168.0.10/32', '10.0.2.7/24', '192.168.0.10', '10.0.2.0/24 ']},
        {'name': 'default', 'ips': ['10.0.1.9/24']},
    ]
    again = run(emulator, instance_id=instance, groups=same)
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'describeWhiteListGroup': 1}
    # the API's own string (host bits set, any order) compares equal too
    emulator.admin.reset(state=False)
    assert run(emulator, instance_id=instance, groups=[{'name': 'odd', 'ips': ['10.0.0.1/16,10.9.9.9']}]).changed
    again = run(emulator, instance_id=instance, groups=[{'name': 'odd', 'ips': ['10.9.9.9', '10.0.0.0/16']}])
    assert not again.changed
    assert sdk_groups(sdk_client, instance)[-1] == {'name': 'odd', 'ips': '10.0.0.0/16,10.9.9.9'}


def test_unchanged_by_name_costs_two_calls(emulator, instance):
    assert run(emulator, instance_name='wl_cache', groups=APPS).changed
    emulator.admin.reset(state=False)
    again = run(emulator, instance_name='wl_cache', groups=APPS)
    assert not again.changed and again.result['instance_id'] == instance
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeWhiteListGroup': 1}


def test_change_ips_writes_only_that_group(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, groups=APPS)
    emulator.admin.reset(state=False)
    changed = run(emulator, instance_id=instance, groups=[{'name': 'apps', 'ips': ['10.0.3.0/24']}])
    assert changed.changed
    assert emulator.calls().get('modifyWhiteListGroup') == 1 and writes(emulator) == 1
    # groups not listed are left alone without purge
    assert changed.result['whitelist'] == [APPS[0], {'name': 'apps', 'ips': ['10.0.3.0/24']}]
    assert changed.result['changes'] == ['apps']
    assert sdk_groups(sdk_client, instance)[1] == {'name': 'apps', 'ips': '10.0.3.0/24'}


def test_purge_deletes_unlisted_groups_but_never_default(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, groups=APPS + [{'name': 'old', 'ips': ['10.0.4.0/24']}])
    emulator.admin.reset(state=False)
    purged = run(emulator, instance_id=instance, purge=True, groups=[{'name': 'apps', 'ips': ['10.0.2.0/24']}])
    assert purged.changed, purged.result
    assert emulator.calls().get('deleteWhiteListGroup') == 1 and emulator.calls().get('modifyWhiteListGroup') == 1
    assert sdk_groups(sdk_client, instance) == [
        {'name': 'default', 'ips': '10.0.1.0/24'},
        {'name': 'apps', 'ips': '10.0.2.0/24'},
    ]
    assert purged.result['whitelist'] == [APPS[0], {'name': 'apps', 'ips': ['10.0.2.0/24']}]
    assert purged.result['changes'] == ['apps', 'old']
    # purge with no group listed leaves only default
    emptied = run(emulator, instance_id=instance, purge=True, groups=[])
    assert emptied.changed and [g['name'] for g in sdk_groups(sdk_client, instance)] == ['default']


def test_absent_removes_listed_groups(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, groups=APPS)
    emulator.admin.reset(state=False)
    gone = run(emulator, instance_id=instance, state='absent', groups=[{'name': 'apps'}, {'name': 'never_was'}])
    assert gone.changed and writes(emulator) == 1
    assert gone.result['whitelist'] == [APPS[0]]
    assert sdk_groups(sdk_client, instance) == [{'name': 'default', 'ips': '10.0.1.0/24'}]
    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, state='absent', groups=[{'name': 'apps'}])
    assert not again.changed and emulator.calls() == {'describeWhiteListGroup': 1}


def test_absent_refuses_the_default_group(emulator, instance):
    refused = run(emulator, instance_id=instance, state='absent', groups=[{'name': 'default'}])
    assert refused.failed and 'groups[0].name' in refused.result['msg'] and 'default' in refused.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_check_mode_predicts_and_writes_nothing(emulator, sdk_client, instance):
    predicted = run(emulator, instance_id=instance, groups=APPS, check_mode=True, diff=True)
    assert not predicted.failed and predicted.changed
    assert predicted.result['whitelist'] == APPS and predicted.result['changes'] == ['apps', 'default']
    assert predicted.result['diff'] == {
        'before': {'whitelist': [{'name': 'default', 'ips': ['0.0.0.0/0']}]},
        'after': {'whitelist': APPS},
    }
    assert writes(emulator) == 0 and emulator.calls() == {'describeWhiteListGroup': 1}
    assert sdk_groups(sdk_client, instance) == [OPEN]


def test_diff_mode_shows_before_and_after(emulator, instance):
    run(emulator, instance_id=instance, groups=APPS)
    changed = run(emulator, instance_id=instance, groups=[{'name': 'apps', 'ips': ['10.0.5.0/24']}], diff=True)
    assert changed.result['diff']['before']['whitelist'] == APPS
    assert changed.result['diff']['after']['whitelist'] == [APPS[0], {'name': 'apps', 'ips': ['10.0.5.0/24']}]
    unchanged = run(emulator, instance_id=instance, groups=[{'name': 'apps', 'ips': ['10.0.5.0/24']}], diff=True)
    assert unchanged.result['diff']['before'] == unchanged.result['diff']['after']


def test_warns_when_a_group_admits_everyone(emulator, instance):
    still_open = run(emulator, instance_id=instance, groups=[{'name': 'apps', 'ips': ['10.0.2.0/24']}])
    # ansible-core 2.19 returns warnings as structured summaries; older ones as strings.
    warnings = json.dumps(still_open.result.get('warnings', []))
    assert "group 'default' admits every address (0.0.0.0/0)" in warnings, warnings
    assert warnings.count('admits every address') == 1
    closed = run(emulator, instance_id=instance, groups=[{'name': 'default', 'ips': ['10.0.1.0/24']}])
    assert not closed.result.get('warnings')


def test_warns_when_an_entry_has_host_bits_set(emulator, sdk_client, instance):
    groups = [{'name': 'apps', 'ips': ['10.0.2.0/24', '10.0.1.5/24,192.168.0.10']}]
    run_ = run(emulator, instance_id=instance, groups=groups, diff=True)
    assert run_.changed, run_.result
    warnings = json.dumps(run_.result.get('warnings', []))
    assert warnings.count('host bits') == 1, warnings
    assert "groups[0].ips: '10.0.1.5/24' has host bits set and is taken as 10.0.1.0/24" in warnings, warnings
    # the diff and the API hold the block, which the warning named
    assert run_.result['diff']['after']['whitelist'][-1] == {
        'name': 'apps',
        'ips': ['10.0.1.0/24', '10.0.2.0/24', '192.168.0.10'],
    }
    assert sdk_groups(sdk_client, instance)[-1] == {'name': 'apps', 'ips': '10.0.1.0/24,10.0.2.0/24,192.168.0.10'}
    # unchanged, the entry is still widened: still said
    again = run(emulator, instance_id=instance, groups=groups)
    assert not again.changed and 'host bits' in json.dumps(again.result.get('warnings', []))


@pytest.mark.parametrize(
    'groups, option',
    [
        ([{'name': 'apps', 'ips': ['10.0.0.0/33']}], 'groups[0].ips'),
        ([{'name': 'apps', 'ips': ['10.0.0.256']}], 'groups[0].ips'),
        ([{'name': 'apps', 'ips': ['10.0.0.1', 'db.example.com']}], 'groups[0].ips'),
        ([{'name': 'apps', 'ips': ['::1']}], 'groups[0].ips'),
        ([{'name': 'apps', 'ips': ['10.0.0.1,']}], 'groups[0].ips'),
        ([{'name': 'apps', 'ips': []}], 'groups[0].ips'),
        ([{'name': 'apps'}], 'groups[0].ips'),
        ([{'name': 'ok', 'ips': ['10.0.0.1']}, {'name': '1apps', 'ips': ['10.0.0.1']}], 'groups[1].name'),
        ([{'name': 'has space', 'ips': ['10.0.0.1']}], 'groups[0].name'),
        ([{'name': 'x' * 33, 'ips': ['10.0.0.1']}], 'groups[0].name'),
        ([{'name': 'apps\n', 'ips': ['10.0.0.1']}], 'groups[0].name'),
        ([{'name': '', 'ips': ['10.0.0.1']}], 'groups[0].name'),
        ([{'name': 'apps', 'ips': ['10.0.0.1']}, {'name': 'apps', 'ips': ['10.0.0.2']}], 'groups[1].name'),
    ],
)
def test_bad_input_is_refused_before_any_call(emulator, instance, groups, option):
    refused = run(emulator, instance_id=instance, groups=groups)
    assert refused.failed and option in refused.result['msg'], refused.result
    assert 'Traceback' not in refused.stdout + refused.stderr
    assert emulator.admin.stats()['total_calls'] == 0


@pytest.mark.parametrize(
    'args, option',
    [
        (dict(instance_id='redis-../../quota'), 'instance_id'),
        (dict(instance_name=''), 'instance_name'),
        (dict(instance_name='wl_cache', wait_timeout=0), 'wait_timeout'),
        (dict(instance_name='wl_cache', state='absent', purge=True), 'purge'),
        (dict(), 'instance_id'),
        (dict(instance_id='redis-abcdefgh1234', instance_name='wl_cache'), 'instance_id'),
    ],
)
def test_bad_options_are_refused_before_any_call(emulator, instance, args, option):
    refused = run(emulator, groups=[{'name': 'apps', 'ips': ['10.0.0.1']}], **args)
    assert refused.failed and option in refused.result['msg'], refused.result
    assert emulator.admin.stats()['total_calls'] == 0


def test_ambiguous_name_is_refused(emulator, sdk_client, instance):
    sdk_client.create('wl_cache')
    emulator.admin.reset(state=False)
    refused = run(emulator, instance_name='wl_cache', groups=APPS)
    assert refused.failed and refused.result['error']['status'] == 'AMBIGUOUS_NAME'
    assert instance in refused.result['msg'] and len(refused.result['candidates']) == 2
    assert writes(emulator) == 0


def test_instance_not_found(emulator):
    by_id = run(emulator, instance_id='redis-000000000000', groups=APPS)
    assert by_id.failed and by_id.result['error']['status'] == 'NOT_FOUND'
    assert 'redis-000000000000' in by_id.result['msg']
    by_name = run(emulator, instance_name='no_such_cache', groups=APPS)
    assert by_name.failed and by_name.result['error']['status'] == 'NOT_FOUND'
    assert 'no_such_cache' in by_name.result['msg']
    assert writes(emulator) == 0


def test_busy_instance_is_waited_for_then_changed(emulator, sdk_client, instance):
    emulator.admin.force_status(instance, 'changing')
    # running again once the module has seen it changing
    emulator.admin.force_status_after(instance, 'running', after('describeCacheInstance'))
    changed = run(emulator, instance_id=instance, groups=APPS[1:], wait_timeout=60)
    assert not changed.failed, changed.result
    assert changed.changed and sdk_groups(sdk_client, instance)[1]['name'] == 'apps'
    # the white list is planned again after the wait, and the warning about default given once
    assert json.dumps(changed.result.get('warnings', [])).count('admits every address') == 1
    log = [e for e in emulator.admin.requests() if e['operation']]
    assert [e['status'] for e in log if e['operation'] in WRITES] == [200]  # not one refused write
    assert sum(1 for e in log if e['operation'] == 'describeCacheInstance') >= 2  # it polled


def test_busy_instance_without_wait_fails_with_its_status(emulator, instance):
    emulator.admin.force_status(instance, 'changing')
    refused = run(emulator, instance_id=instance, groups=APPS, wait=False)
    assert refused.failed and 'changing' in refused.result['msg'] and 'wait' in refused.result['msg']
    assert writes(emulator) == 0


def test_busy_instance_wait_times_out(emulator, instance):
    emulator.admin.force_status(instance, 'changing')
    refused = run(emulator, instance_id=instance, groups=APPS, wait_timeout=1)
    assert refused.failed and refused.result['error']['status'] == 'WAIT_TIMEOUT'
    assert 'changing' in refused.result['msg'] and writes(emulator) == 0


def test_busy_instance_unchanged_needs_no_wait(emulator, instance):
    run(emulator, instance_id=instance, groups=APPS)
    emulator.admin.force_status(instance, 'changing')
    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, groups=APPS, wait=False)
    assert not again.failed and not again.changed and emulator.calls() == {'describeWhiteListGroup': 1}


# -- jcs_redis_info include: [whitelist] ------------------------------------------------


def test_info_includes_the_whitelist_in_the_module_shape(emulator, sdk_client, instance):
    other = sdk_client.create('wl_other')
    set_by_module = run(emulator, instance_id=instance, groups=APPS).result['whitelist']
    emulator.admin.seed(10, name_prefix='wl_seed')
    emulator.admin.reset(state=False)
    info = run_module('jcs_redis_info', emulator.connection(include=['whitelist']))
    assert not info.failed, info.result
    by_id = {i['id']: i for i in info.result['instances']}
    assert len(by_id) == 12
    assert by_id[instance]['whitelist'] == set_by_module
    assert by_id[other]['whitelist'] == [{'name': 'default', 'ips': ['0.0.0.0/0']}]
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeWhiteListGroup': 12}

    emulator.admin.reset(state=False)
    plain = run_module('jcs_redis_info', emulator.connection(name='wl_cache'))
    assert 'whitelist' not in plain.result['instances'][0]
    assert emulator.calls() == {'describeCacheInstances': 1}


def test_info_refuses_an_unknown_include(emulator):
    refused = run_module('jcs_redis_info', emulator.connection(include=['backups']))
    assert refused.failed and 'include' in refused.result['msg']
    assert emulator.admin.stats()['total_calls'] == 0


def test_unchanged_run_by_id_imports_no_instance_code(emulator, instance):
    """AnsiballZ compiles every module_utils file a module imports on every run (docs/performance.md):
    reading one setting must not pay for the planning of jcs_redis_instance (_instance.py)."""
    assert run(emulator, instance_id=instance, groups=APPS).changed
    again = run_module(
        MODULE, emulator.connection(instance_id=instance, groups=APPS), env={'PYTHONPROFILEIMPORTTIME': '1'}
    )
    assert not again.failed and not again.changed, again.result
    assert 'module_utils._whitelist' in again.stderr  # the import profile was printed
    assert 'module_utils._instance' not in again.stderr
    by_name = run_module(
        MODULE, emulator.connection(instance_name='wl_cache', groups=APPS), env={'PYTHONPROFILEIMPORTTIME': '1'}
    )
    assert not by_name.changed and 'module_utils._instance' not in by_name.stderr
