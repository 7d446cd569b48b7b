"""jcs_redis_account run for real against the emulator over HTTP; the accounts are read back with the official
SDK, a client we did not write, and passwords checked through the emulator's admin endpoint (never returned)."""

from __future__ import annotations

import json

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_account'
WRITES = ('createAccount', 'modifyAccount', 'modifyAccounts', 'deleteAccount')
APP_PASSWORD = 'AppPassw0rd1'
REPORT_PASSWORD = 'Rep0rtPassw0rd'
DEFAULT = {'name': 'default', 'privilege': 'read_write', 'description': ''}
APP = {'name': 'orders_app', 'password': APP_PASSWORD, 'privilege': 'read_write'}
REPORT = {'name': 'reporting', 'password': REPORT_PASSWORD, 'privilege': 'read_only', 'description': 'BI'}


def writes(emulator):
    return {op: n for op, n in emulator.calls().items() if op in WRITES}


def sdk_accounts(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeAccountsRequest import DescribeAccountsRequest

    response = sdk_client.client.send(
        DescribeAccountsRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return {a['accountName']: (a['accountPrivilege'], a['accountDescription']) for a in response.result['accountLists']}


def password_is(emulator, instance_id, account, password):
    body = {'account': account, 'password': password}
    return emulator.admin.call('POST', f'instances/{instance_id}/check-account-password', body)['matches']


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, emulator.connection(**args), check_mode=check_mode, diff=diff)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('acct_cache', instance_class='redis.m.micro.basic', redis_version='6.2')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


def test_create_then_unchanged_in_one_call(emulator, sdk_client, instance):
    first = run(emulator, instance_id=instance, accounts=[APP, REPORT])
    assert not first.failed, first.result
    assert first.changed and first.result['changes'] == ['orders_app', 'reporting']
    assert first.result['accounts'] == [
        DEFAULT,
        {'name': 'orders_app', 'privilege': 'read_write', 'description': ''},
        {'name': 'reporting', 'privilege': 'read_only', 'description': 'BI'},
    ]
    # two passwords checked, two creates, one describe before writing, one read before and one after
    assert emulator.calls() == {
        'describeAccounts': 2,
        'checkPasswordValid': 2,
        'describeCacheInstance': 1,
        'createAccount': 2,
    }
    assert sdk_accounts(sdk_client, instance) == {
        'default': ('RoleReadWrite', ''),
        'orders_app': ('RoleReadWrite', ''),
        'reporting': ('RoleReadOnly', 'BI'),
    }
    assert password_is(emulator, instance, 'reporting', REPORT_PASSWORD)

    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, accounts=[APP, REPORT])
    assert not again.failed and not again.changed, again.result
    assert again.result['changes'] == []
    # the bench figure: an unchanged run by id is one call, the read of the accounts
    assert emulator.calls() == {'describeAccounts': 1}
    assert [r['operation'] for r in emulator.admin.requests()] == ['describeAccounts']


def test_several_modifications_are_one_call(emulator, sdk_client, instance):
    assert run(emulator, instance_id=instance, accounts=[APP, REPORT]).changed
    emulator.admin.reset(state=False)
    changed = run(
        emulator,
        instance_id=instance,
        accounts=[dict(APP, privilege='read_only'), dict(REPORT, description='dashboards')],
    )
    assert changed.changed and changed.result['changes'] == ['orders_app', 'reporting']
    assert writes(emulator) == {'modifyAccounts': 1}
    # on_create: an existing account's password is not written, so none is checked
    assert 'checkPasswordValid' not in emulator.calls()
    assert sdk_accounts(sdk_client, instance)['orders_app'] == ('RoleReadOnly', '')
    assert sdk_accounts(sdk_client, instance)['reporting'] == ('RoleReadOnly', 'dashboards')


def test_update_password_on_create_versus_always(emulator, instance):
    assert run(emulator, instance_id=instance, accounts=[APP]).changed
    emulator.admin.reset(state=False)
    rotated = dict(APP, password='N3wPassword99')
    kept = run(emulator, instance_id=instance, accounts=[rotated])
    assert not kept.changed and writes(emulator) == {}
    assert password_is(emulator, instance, 'orders_app', APP_PASSWORD)

    emulator.admin.reset(state=False)
    always = run(emulator, instance_id=instance, accounts=[rotated], update_password='always', diff=True)
    assert always.changed and always.result['changes'] == ['orders_app']
    assert writes(emulator) == {'modifyAccount': 1} and emulator.calls()['checkPasswordValid'] == 1
    assert password_is(emulator, instance, 'orders_app', 'N3wPassword99')
    assert always.result['diff']['after']['accounts'][1]['password'] == 'changed'
    assert 'password' not in always.result['accounts'][1]


def test_check_mode_and_diff_write_nothing_but_check_passwords(emulator, sdk_client, instance):
    result = run(emulator, instance_id=instance, accounts=[APP, REPORT], check_mode=True, diff=True)
    assert not result.failed and result.changed, result.result
    assert result.result['changes'] == ['orders_app', 'reporting']
    assert writes(emulator) == {} and emulator.calls()['checkPasswordValid'] == 2
    assert sdk_accounts(sdk_client, instance) == {'default': ('RoleReadWrite', '')}
    assert result.result['diff']['before'] == {'accounts': [DEFAULT]}
    assert result.result['diff']['after']['accounts'][1:] == [
        {'name': 'orders_app', 'privilege': 'read_write', 'description': '', 'password': 'set'},
        {'name': 'reporting', 'privilege': 'read_only', 'description': 'BI', 'password': 'set'},
    ]


def test_weak_password_refused_before_any_write_also_in_check_mode(emulator, sdk_client, instance):
    weak = dict(REPORT, password='onlyletters')
    for check_mode in (True, False):
        emulator.admin.reset(state=False)
        result = run(emulator, instance_id=instance, accounts=[APP, weak], check_mode=check_mode)
        assert result.failed and result.result['error']['status'] == 'INVALID_ARGUMENT', result.result
        assert 'accounts[1].password' in result.result['msg'] and 'password policy' in result.result['msg']
        assert 'onlyletters' not in json.dumps(result.result) + result.stderr
        assert writes(emulator) == {}
    assert sdk_accounts(sdk_client, instance) == {'default': ('RoleReadWrite', '')}


def test_purge_keeps_default_and_state_absent(emulator, sdk_client, instance):
    assert run(emulator, instance_id=instance, accounts=[APP, REPORT]).changed
    emulator.admin.reset(state=False)
    purged = run(emulator, instance_id=instance, purge=True, accounts=[{'name': 'orders_app'}])
    assert purged.changed and purged.result['changes'] == ['reporting'], purged.result
    assert writes(emulator) == {'deleteAccount': 1}
    assert sdk_accounts(sdk_client, instance) == {'default': ('RoleReadWrite', ''), 'orders_app': ('RoleReadWrite', '')}
    # purge with nothing listed leaves default alone
    emptied = run(emulator, instance_id=instance, purge=True, accounts=[])
    assert emptied.result['accounts'] == [DEFAULT] and emptied.result['changes'] == ['orders_app']
    assert sdk_accounts(sdk_client, instance) == {'default': ('RoleReadWrite', '')}
    assert run(emulator, instance_id=instance, state='absent', accounts=[{'name': 'orders_app'}]).changed is False


@pytest.mark.parametrize(
    'args, message',
    [
        ({'accounts': [dict(APP, name='default')]}, "accounts[0].name: the 'default' account"),
        ({'accounts': [dict(APP, name='Bad-Name')]}, 'accounts[0].name must be 2 to 16 lower-case'),
        ({'accounts': [APP, APP]}, "accounts[1].name: the account 'orders_app' is listed more than once"),
        ({'accounts': [dict(APP, description='x' * 129)]}, 'accounts[0].description must be at most 128'),
        ({'accounts': [APP], 'purge': True, 'state': 'absent'}, 'purge only applies with state=present'),
        ({'accounts': [{'name': 'new_one'}]}, "accounts[0].password is required to create the account 'new_one'"),
        ({'accounts': [dict(APP, privilege='admin')]}, 'privilege'),
    ],
)
def test_bad_input_refused_before_any_write(emulator, instance, args, message):
    result = run(emulator, instance_id=instance, **args)
    assert result.failed and result.result['error']['status'] == 'INVALID_ARGUMENT', result.result
    assert message in result.result['msg']
    assert writes(emulator) == {}
    assert APP_PASSWORD not in json.dumps(result.result) + result.stdout + result.stderr


def test_version_without_accounts_refused_naming_it(emulator, sdk_client):
    old = sdk_client.create('old_cache', redis_version='4.0')
    emulator.admin.reset(state=False)
    result = run(emulator, instance_id=old, accounts=[APP])
    assert result.failed and result.result['error']['status'] == 'FAILED_PRECONDITION'
    assert 'Redis 4.0' in result.result['msg'] and 'isSupport: false' in result.result['msg']
    assert writes(emulator) == {} and 'checkPasswordValid' not in emulator.calls()


def test_failure_among_several_writes_reports_what_was_made(emulator, sdk_client, instance):
    assert run(emulator, instance_id=instance, accounts=[REPORT]).changed
    emulator.admin.reset(state=False)
    emulator.admin.config(error_rate=1.0, fault_operations=['deleteAccount'])
    result = run(emulator, instance_id=instance, purge=True, accounts=[APP], api_retries=0)
    assert result.failed, result.result
    # the create went through before the delete failed: a change, named
    assert result.changed and result.result['changes'] == ['orders_app']
    assert 'orders_app' in sdk_accounts(sdk_client, instance) and 'reporting' in sdk_accounts(sdk_client, instance)
    assert APP_PASSWORD not in json.dumps(result.result) + result.stderr


def test_lost_answer_of_a_create_is_not_created_twice(emulator, sdk_client, instance):
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['createAccount'])
    result = run(emulator, instance_id=instance, accounts=[APP])
    assert not result.failed and result.changed, result.result
    assert emulator.calls()['createAccount'] == 1
    assert sdk_accounts(sdk_client, instance)['orders_app'] == ('RoleReadWrite', '')
    assert password_is(emulator, instance, 'orders_app', APP_PASSWORD)


def test_unchanged_by_name_costs_two_calls(emulator, instance):
    assert run(emulator, instance_name='acct_cache', accounts=[APP]).changed
    emulator.admin.reset(state=False)
    again = run(emulator, instance_name='acct_cache', accounts=[APP])
    assert not again.changed and again.result['instance_id'] == instance
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeAccounts': 1}


def test_info_include_accounts(emulator, instance, sdk_client):
    old = sdk_client.create('old_cache', redis_version='4.0')
    assert run(emulator, instance_id=instance, accounts=[REPORT]).changed
    info = run_module('jcs_redis_info', emulator.connection(include=['accounts']))
    assert not info.failed, info.result
    by_id = {i['id']: i for i in info.result['instances']}
    assert by_id[instance]['accounts'] == [
        DEFAULT,
        {'name': 'reporting', 'privilege': 'read_only', 'description': 'BI'},
    ]
    assert by_id[old]['accounts'] == []
    assert REPORT_PASSWORD not in info.stdout
