"""jcs_redis_instance and jcs_redis_fleet with the accounts, tls and disabled_commands settings beside the instance,
run for real against the emulator over HTTP: the API's own refusals (checkPasswordValid, listDisableCommands) come
before any write, in check mode too, and no account password is ever in a result."""

from __future__ import annotations

import json

from emulator_fixtures import INSTANCE_REQUEST
from modrunner import run_module

APP_PASSWORD = 'AppPassw0rd1'
HARDENING = dict(
    accounts=[dict(name='orders_app', password=APP_PASSWORD, privilege='read_write', description='orders')],
    tls=dict(enabled=True, type='standard'),
    disabled_commands=['flushall', 'KEYS'],
)
READS = ('describeCacheInstance', 'describeAccounts', 'describeInstanceTLS', 'getDisableCommands')


def run(*, check_mode=False, diff=False, module='jcs_redis_instance', **args):
    return run_module(module, args, check_mode=check_mode, diff=diff)


def everything(result):
    return json.dumps(result.result) + result.stdout + result.stderr


def test_create_with_hardening_then_unchanged_by_id_costs_one_plus_three_reads(emulator):
    created = run(diff=True, **emulator.instance_args('hard_one', redis_version='6.2', **HARDENING))
    assert not created.failed, created.result
    assert created.result['changes'] == ['create', 'accounts', 'tls', 'disabled_commands']
    assert [a['name'] for a in created.result['accounts']] == ['default', 'orders_app']
    assert created.result['accounts'][1] == dict(name='orders_app', privilege='read_write', description='orders')
    assert created.result['tls']['enabled'] is True
    assert created.result['disabled_commands'] == ['FLUSHALL', 'KEYS']
    assert {a['name']: a.get('password') for a in created.result['diff']['after']['accounts']}['orders_app'] == 'set'
    assert APP_PASSWORD not in everything(created)
    instance_id = created.result['instance']['id']

    emulator.admin.reset(state=False)
    start = emulator.last_seq()
    again = run(diff=True, **emulator.connection(instance_id=instance_id, **HARDENING))
    assert not again.failed, again.result
    assert not again.changed and again.result['changes'] == []
    assert emulator.calls() == dict.fromkeys(READS, 1)
    assert emulator.writes() == 0
    assert len([r for r in emulator.admin.requests() if r['seq'] > start]) == 4


def test_check_mode_and_diff_name_accounts_tls_and_disabled_commands(emulator, sdk_client):
    instance_id = sdk_client.create('hard_two', redis_version='6.2')
    emulator.admin.reset(state=False)
    planned = run(check_mode=True, diff=True, **emulator.connection(instance_id=instance_id, **HARDENING))
    assert not planned.failed, planned.result
    assert planned.result['changes'] == ['accounts', 'tls', 'disabled_commands']
    assert emulator.writes() == 0
    # the checks that need the API ran in check mode
    assert emulator.calls()['checkPasswordValid'] == 1 and emulator.calls()['listDisableCommands'] == 1
    diff = planned.result['diff']
    assert {'accounts', 'tls', 'disabled_commands'} <= set(diff['before']) & set(diff['after'])
    assert diff['before']['disabled_commands'] == [] and diff['after']['disabled_commands'] == ['FLUSHALL', 'KEYS']
    assert diff['before']['tls']['enabled'] is False and diff['after']['tls']['enabled'] is True
    assert [a for a in diff['after']['accounts'] if a['name'] == 'orders_app'][0]['password'] == 'set'
    assert APP_PASSWORD not in everything(planned)

    # a new instance in check mode: its accounts as they would read, the password only "set"
    new = run(check_mode=True, diff=True, **emulator.instance_args('hard_new', redis_version='6.2', **HARDENING))
    assert not new.failed, new.result
    assert new.result['changes'] == ['create', 'accounts', 'tls', 'disabled_commands']
    assert new.result['accounts'] == [dict(name='orders_app', privilege='read_write', description='orders')]
    assert APP_PASSWORD not in everything(new)


def test_weak_password_and_unknown_command_are_refused_before_any_write(emulator, sdk_client):
    instance_id = sdk_client.create('hard_three', redis_version='6.2')
    weak = dict(HARDENING, accounts=[dict(name='orders_app', password='onlyletters')])
    for check_mode in (True, False):
        emulator.admin.reset(state=False)
        refused = run(check_mode=check_mode, **emulator.connection(instance_id=instance_id, **weak))
        assert refused.failed, refused.result
        assert 'accounts[0].password' in refused.result['msg'] and "password policy" in refused.result['msg']
        assert emulator.writes() == 0
        assert 'onlyletters' not in everything(refused)

        emulator.admin.reset(state=False)
        unknown = run(
            check_mode=check_mode,
            **emulator.connection(instance_id=instance_id, **dict(HARDENING, disabled_commands=['FLUSHAL'])),
        )
        assert unknown.failed, unknown.result
        assert unknown.result['msg'].startswith('disabled_commands: instance ')
        assert 'FLUSHALL' in unknown.result['msg']
        assert emulator.writes() == 0
        assert APP_PASSWORD not in everything(unknown)

    # with a change of the instance itself, the refusal comes before that write too (by id and by name)
    for target in (dict(instance_id=instance_id), dict(name='hard_three', **INSTANCE_REQUEST)):
        emulator.admin.reset(state=False)
        target = dict(target, redis_version='6.2') if 'name' in target else target
        refused = run(**emulator.connection(description='new text', **target, **weak))
        assert refused.failed and 'accounts[0].password' in refused.result['msg'], refused.result
        assert emulator.writes() == 0
    assert emulator.instances()[instance_id]['description'] != 'new text'

    # a weak password of a new instance is refused before the create, in check mode too
    for check_mode in (True, False):
        emulator.admin.reset(state=False)
        refused = run(check_mode=check_mode, **emulator.instance_args('hard_never', redis_version='6.2', **weak))
        assert refused.failed and 'accounts[0].password' in refused.result['msg'], refused.result
        assert emulator.writes() == 0
    assert 'hard_never' not in {i['name'] for i in emulator.instances().values()}


def test_bad_hardening_options_are_refused_naming_the_option_before_any_call(emulator):
    cases = [
        (dict(accounts=[dict(name='default', password=APP_PASSWORD)]), 'accounts[0].name'),
        (dict(tls=dict(type='gm', versions=['TLSv1.2'])), 'tls.versions'),
        (dict(disabled_commands=['no such']), 'disabled_commands[0]'),
    ]
    for extra, option in cases:
        emulator.admin.reset(state=False)
        refused = run(**emulator.connection(instance_id='redis-abcdefgh12', **extra))
        assert refused.failed, refused.result
        assert refused.result['msg'].startswith(option), refused.result['msg']
        assert refused.result['error']['status'] == 'INVALID_ARGUMENT'
        assert emulator.calls() == {}


def test_fleet_entries_take_the_hardening_settings(emulator):
    fleet = [dict(INSTANCE_REQUEST, name=f'hfleet_{n}', redis_version='6.2', **HARDENING) for n in range(2)]
    planned = run(module='jcs_redis_fleet', check_mode=True, **emulator.connection(instances=fleet, poll_interval=0.2))
    assert not planned.failed, planned.result
    assert planned.result['instances'][0]['changes'] == ['create', 'accounts', 'tls', 'disabled_commands']
    assert emulator.writes() == 0 and APP_PASSWORD not in everything(planned)

    created = run(module='jcs_redis_fleet', diff=True, **emulator.connection(instances=fleet, poll_interval=0.2))
    assert not created.failed, created.result
    assert all(r['disabled_commands'] == ['FLUSHALL', 'KEYS'] for r in created.result['instances'])
    assert APP_PASSWORD not in everything(created)

    emulator.admin.reset(state=False)
    again = run(module='jcs_redis_fleet', **emulator.connection(instances=fleet, poll_interval=0.2))
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {
        'describeCacheInstances': 1,
        'describeAccounts': 2,
        'describeInstanceTLS': 2,
        'getDisableCommands': 2,
    }

    emulator.admin.reset(state=False)
    weak = [
        dict(
            fleet[0],
            accounts=[dict(name='orders_app', password='onlyletters', privilege='read_only')],
            accounts_update_password='always',
        )
    ]
    refused = run(module='jcs_redis_fleet', **emulator.connection(instances=weak, poll_interval=0.2))
    assert refused.failed, refused.result
    assert 'accounts[0].password' in json.dumps(refused.result['instances'][0])
    assert emulator.writes() == 0 and 'onlyletters' not in everything(refused)
