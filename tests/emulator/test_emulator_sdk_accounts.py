"""Fidelity of the account operations (createAccount, describeAccounts, modifyAccount, modifyAccounts,
deleteAccount, checkPasswordValid): the official jdcloud-sdk RedisClient against the emulator, signed both ways,
and the refusals with the API's error codes (docs/dev/api-notes.md#accounts)."""

from __future__ import annotations

import json

import pytest
import sdk_signer
from jdcloud_sdk.services.redis.apis.CheckPasswordValidRequest import (
    CheckPasswordValidParameters,
    CheckPasswordValidRequest,
)
from jdcloud_sdk.services.redis.apis.CreateAccountRequest import CreateAccountParameters, CreateAccountRequest
from jdcloud_sdk.services.redis.apis.DeleteAccountRequest import DeleteAccountParameters, DeleteAccountRequest
from jdcloud_sdk.services.redis.apis.DescribeAccountsRequest import DescribeAccountsParameters, DescribeAccountsRequest
from jdcloud_sdk.services.redis.apis.ModifyAccountRequest import ModifyAccountParameters, ModifyAccountRequest
from jdcloud_sdk.services.redis.apis.ModifyAccountsRequest import ModifyAccountsParameters, ModifyAccountsRequest
from jdcloud_sdk.services.redis.models.ModifyAccount import ModifyAccount
from test_emulator_sdk import REGION, create, make_client

APP_PASSWORD = 'AppPassw0rd1'


@pytest.fixture(params=['JDCLOUD3', 'JDCLOUD2'])
def variant(request):
    with sdk_signer.variant(request.param):
        yield request.param


@pytest.fixture
def sdk(emulator):
    return make_client(emulator)


def ok(resp):
    assert resp.error is None, vars(resp.error)
    assert len(resp.request_id) == 32
    return resp.result


def err(resp):
    assert resp.error is not None, resp.result
    return resp.error.code, resp.error.status


def accounts(sdk, instance_id):
    return ok(sdk.send(DescribeAccountsRequest(DescribeAccountsParameters(REGION, instance_id))))


def new_account(sdk, instance_id, name, password=APP_PASSWORD, privilege=None, description=None):
    params = CreateAccountParameters(REGION, instance_id, name, password)
    if privilege:
        params.setAccountPrivilege(privilege)
    if description is not None:
        params.setAccountDescription(description)
    return sdk.send(CreateAccountRequest(params))


def test_account_lifecycle(variant, sdk, emulator, wire):
    instance_id = create(sdk, version='6.2', cls='redis.m.micro.basic')
    listed = accounts(sdk, instance_id)
    assert listed == {
        'isSupport': True,
        'accountLists': [
            {
                'accountName': 'default',
                'accountType': 'default',
                'accountPrivilege': 'RoleReadWrite',
                'accountDescription': '',
            }
        ],
    }
    assert ok(new_account(sdk, instance_id, 'app_ro', privilege='RoleReadOnly', description='reports')) is None
    assert ok(new_account(sdk, instance_id, 'app_rw')) is None  # read-write by default
    sent = wire['sent'][-1]
    assert sent['method'] == 'POST' and sent['url'].endswith(instance_id + '/account')
    assert json.loads(sent['body'])['accountPassword'] == APP_PASSWORD  # sent, never returned
    listed = accounts(sdk, instance_id)['accountLists']
    assert [(a['accountName'], a['accountType'], a['accountPrivilege'], a['accountDescription']) for a in listed] == [
        ('default', 'default', 'RoleReadWrite', ''),
        ('app_ro', 'normal', 'RoleReadOnly', 'reports'),
        ('app_rw', 'normal', 'RoleReadWrite', ''),
    ]
    assert APP_PASSWORD not in json.dumps(listed)
    assert emulator.admin.call(
        'POST', 'instances/%s/check-account-password' % instance_id, {'account': 'app_ro', 'password': APP_PASSWORD}
    ) == {'matches': True}

    modify = ModifyAccountParameters(REGION, instance_id, 'app_ro')
    modify.setAccountPassword('NewPassw0rd2')
    modify.setAccountDescription('dashboards')
    assert ok(sdk.send(ModifyAccountRequest(modify))) is None
    assert wire['sent'][-1]['method'] == 'PATCH'
    listed = accounts(sdk, instance_id)['accountLists']
    assert (listed[1]['accountPrivilege'], listed[1]['accountDescription']) == ('RoleReadOnly', 'dashboards')
    assert emulator.admin.call(
        'POST', 'instances/%s/check-account-password' % instance_id, {'account': 'app_ro', 'password': 'NewPassw0rd2'}
    ) == {'matches': True}

    # several accounts in one call
    batch = ModifyAccountsParameters(
        REGION,
        instance_id,
        [ModifyAccount('app_ro', accountPrivilege='RoleReadWrite'), ModifyAccount('app_rw', accountDescription='api')],
    )
    assert ok(sdk.send(ModifyAccountsRequest(batch))) is None
    assert wire['sent'][-1]['method'] == 'PATCH' and wire['sent'][-1]['url'].endswith(instance_id + '/accounts')
    listed = accounts(sdk, instance_id)['accountLists']
    assert [(a['accountPrivilege'], a['accountDescription']) for a in listed[1:]] == [
        ('RoleReadWrite', 'dashboards'),
        ('RoleReadWrite', 'api'),
    ]

    assert ok(sdk.send(DeleteAccountRequest(DeleteAccountParameters(REGION, instance_id, 'app_rw')))) is None
    sent = wire['sent'][-1]
    assert sent['method'] == 'DELETE' and sent['url'].endswith('/account?accountName=app_rw') and not sent['body']
    assert [a['accountName'] for a in accounts(sdk, instance_id)['accountLists']] == ['default', 'app_ro']
    # no secret in the request log
    assert APP_PASSWORD not in json.dumps(emulator.admin.requests())


def test_modify_accounts_is_all_or_nothing(sdk, emulator):
    instance_id = create(sdk, version='7.2', cls='redis.m.micro.basic')
    ok(new_account(sdk, instance_id, 'one', description='first'))
    batch = ModifyAccountsParameters(
        REGION,
        instance_id,
        [ModifyAccount('one', accountDescription='changed'), ModifyAccount('nobody', accountDescription='x')],
    )
    assert err(sdk.send(ModifyAccountsRequest(batch))) == (404, 'NOT_FOUND')
    assert accounts(sdk, instance_id)['accountLists'][1]['accountDescription'] == 'first'
    bad = [ModifyAccount('one', accountDescription='changed'), ModifyAccount('one', accountPassword='short')]
    resp = sdk.send(ModifyAccountsRequest(ModifyAccountsParameters(REGION, instance_id, bad)))
    assert err(resp) == (400, 'INVALID_ARGUMENT') and 'accounts[1].accountPassword' in resp.error.message
    assert 'short' not in resp.error.message
    twice = [ModifyAccount('one', accountDescription='a'), ModifyAccount('one', accountDescription='b')]
    assert err(sdk.send(ModifyAccountsRequest(ModifyAccountsParameters(REGION, instance_id, twice)))) == (
        400,
        'INVALID_ARGUMENT',
    )
    nothing = [ModifyAccount('one')]
    assert err(sdk.send(ModifyAccountsRequest(ModifyAccountsParameters(REGION, instance_id, nothing)))) == (
        400,
        'INVALID_ARGUMENT',
    )
    assert err(sdk.send(ModifyAccountsRequest(ModifyAccountsParameters(REGION, instance_id, [])))) == (
        400,
        'INVALID_ARGUMENT',
    )
    assert accounts(sdk, instance_id)['accountLists'][1]['accountDescription'] == 'first'


@pytest.mark.parametrize(
    'name, password, privilege, field',
    [
        ('A_upper', APP_PASSWORD, None, 'accountName'),
        ('1digit', APP_PASSWORD, None, 'accountName'),
        ('x', APP_PASSWORD, None, 'accountName'),
        ('a' * 17, APP_PASSWORD, None, 'accountName'),
        ('app', 'short1', None, 'accountPassword'),
        ('app', 'lettersonly', None, 'accountPassword'),
        ('app', 'Passw0rd!bad', None, 'accountPassword'),
        ('app', APP_PASSWORD, 'RoleAdmin', 'accountPrivilege'),
    ],
)
def test_create_refusals(sdk, name, password, privilege, field):
    instance_id = create(sdk, version='6.2', cls='redis.m.micro.basic')
    resp = new_account(sdk, instance_id, name, password, privilege)
    assert err(resp) == (400, 'INVALID_ARGUMENT') and resp.error.message.startswith(field)
    assert password not in resp.error.message


def test_state_refusals(sdk, emulator):
    instance_id = create(sdk, version='6.2', cls='redis.m.micro.basic')
    ok(new_account(sdk, instance_id, 'app'))
    assert err(new_account(sdk, instance_id, 'app')) == (409, 'ALREADY_EXISTS')
    assert err(new_account(sdk, instance_id, 'default')) == (409, 'ALREADY_EXISTS')
    # the default account is the instance password: never modified or deleted through the account API
    modify = ModifyAccountParameters(REGION, instance_id, 'default')
    modify.setAccountPassword('Other0password')
    assert err(sdk.send(ModifyAccountRequest(modify))) == (400, 'FAILED_PRECONDITION')
    assert err(sdk.send(DeleteAccountRequest(DeleteAccountParameters(REGION, instance_id, 'default')))) == (
        400,
        'FAILED_PRECONDITION',
    )
    assert err(sdk.send(DeleteAccountRequest(DeleteAccountParameters(REGION, instance_id, 'ghost')))) == (
        404,
        'NOT_FOUND',
    )
    modify = ModifyAccountParameters(REGION, instance_id, 'ghost')
    modify.setAccountDescription('x')
    assert err(sdk.send(ModifyAccountRequest(modify))) == (404, 'NOT_FOUND')
    # writes need a running instance
    emulator.admin.force_status(instance_id, 'changing')
    assert err(new_account(sdk, instance_id, 'other')) == (400, 'FAILED_PRECONDITION')
    assert accounts(sdk, instance_id)['isSupport'] is True  # reads work in any status
    emulator.admin.force_status(instance_id, 'running')
    for index in range(19):
        ok(new_account(sdk, instance_id, 'user_%02d' % index))
    assert err(new_account(sdk, instance_id, 'one_too_many')) == (400, 'FAILED_PRECONDITION')
    gone = sdk.send(DescribeAccountsRequest(DescribeAccountsParameters(REGION, 'redis-000000000000')))
    assert err(gone) == (404, 'NOT_FOUND')


def test_versions_without_accounts(sdk, emulator):
    instance_id = create(sdk)  # Redis 4.0
    assert accounts(sdk, instance_id) == {'isSupport': False, 'accountLists': []}
    resp = new_account(sdk, instance_id, 'app')
    assert err(resp) == (400, 'FAILED_PRECONDITION') and 'Redis 4.0' in resp.error.message
    # the versions are a setting, for an account that sees them differently
    emulator.admin.config(account_versions=['4.0', '6.2', '7.2'])
    assert accounts(sdk, instance_id)['isSupport'] is True
    ok(new_account(sdk, instance_id, 'app'))


def test_check_password_valid(variant, sdk, emulator, wire):
    def check(password):
        return ok(sdk.send(CheckPasswordValidRequest(CheckPasswordValidParameters(REGION, password))))

    assert check(APP_PASSWORD) == {'valid': True, 'msg': ''}
    sent = wire['sent'][-1]
    assert sent['method'] == 'POST' and sent['url'].endswith('/v1/regions/%s/checkPasswordValid' % REGION)
    for bad in ('short1', 'lettersonly', '12345678901', 'Passw0rd!bad', 'A1' * 9, ''):
        result = check(bad)
        assert result['valid'] is False and result['msg'] and (not bad or bad not in result['msg'])
    # no side effect: nothing created, nothing counted as a write
    assert emulator.admin.stats()['instances'] == 0
    assert err(sdk.send(CheckPasswordValidRequest(CheckPasswordValidParameters('cn-nowhere-1', APP_PASSWORD)))) == (
        400,
        'INVALID_ARGUMENT',
    )
