"""The pure parts of the accounts component, in process: validation, the plan, what holds after a lost answer,
the check of the accounts read back, and the diff. No HTTP: the behaviour over HTTP is tested in
tests/unit/plugins/modules/test_jcs_redis_account.py against the emulator."""

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._accounts import Accounts, discrepancies, normalise
from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal

ACCOUNTS = Accounts()
DEFAULT = dict(name='default', type='default', privilege='read_write', description='')
APP = dict(name='app', type='normal', privilege='read_write', description='')
BI = dict(name='bi', type='normal', privilege='read_only', description='dashboards')


def current(*accounts, supported=True):
    return dict(supported=supported, accounts=[DEFAULT, *accounts], instance_id='redis-abc', redis_version='4.0')


def wanted(*accounts, state='present', purge=False, update_password='on_create'):
    entries = [dict(dict(password=None, privilege=None, description=None), **a) for a in accounts]
    return ACCOUNTS.validate(dict(accounts=entries, state=state, purge=purge, update_password=update_password))


def test_the_suboptions_are_the_component_s():
    spec = ACCOUNTS.argument_spec['accounts']
    assert spec['options'] is Accounts.account_options
    assert spec['options']['password']['no_log'] is True
    assert spec['options']['privilege']['choices'] == ['read_only', 'read_write']


def test_normalise_maps_the_api_privileges():
    answer = {
        'isSupport': True,
        'accountLists': [
            {'accountName': 'default', 'accountType': 'default', 'accountPrivilege': 'RoleReadWrite'},
            {
                'accountName': 'bi',
                'accountType': 'normal',
                'accountPrivilege': 'RoleReadOnly',
                'accountDescription': 'd',
            },
        ],
    }
    assert normalise(answer) == dict(
        supported=True,
        accounts=[DEFAULT, dict(name='bi', type='normal', privilege='read_only', description='d')],
    )
    assert normalise({'isSupport': False, 'accountLists': []}) == dict(supported=False, accounts=[])


def test_unchanged_plans_no_write_and_never_a_password():
    plan = ACCOUNTS.plan(current(APP, BI), wanted(dict(name='app', password='Secret123'), dict(name='bi')))
    assert plan.writes == [] and plan.changes == []
    assert 'Secret123' not in repr(plan.after)


def test_creates_then_one_modify_call_then_deletes():
    plan = ACCOUNTS.plan(
        current(APP, BI, dict(APP, name='old')),
        wanted(
            dict(name='app', privilege='read_only'),
            dict(name='bi', description='BI', password='Pw12345678'),
            dict(name='new', password='Pw12345678'),
            purge=True,
            update_password='always',
        ),
    )
    assert [w[0] for w in plan.writes] == ['create', 'modify', 'delete']
    assert plan.writes[1] == (
        'modify',
        (dict(name='app', privilege='read_only'), dict(name='bi', description='BI', password='Pw12345678')),
    )
    assert plan.changes == ['app', 'bi', 'new', 'old']
    assert [a['name'] for a in plan.after] == ['default', 'app', 'bi', 'new']
    assert plan.after[-1] == dict(name='new', privilege='read_write', description='')
    before, after = ACCOUNTS.diff(current(APP, BI), plan)
    assert [a.get('password') for a in after] == [None, None, 'changed', 'set']
    assert all('Pw12345678' not in str(v) for a in after for v in a.values())


def test_purge_and_absent_never_touch_default():
    assert ACCOUNTS.plan(current(APP), wanted(purge=True)).writes == [('delete', 'app')]
    assert ACCOUNTS.plan(current(), wanted(purge=True)).writes == []
    with pytest.raises(Refusal, match="the 'default' account is the instance's own"):
        wanted(dict(name='default'), state='absent')
    assert ACCOUNTS.plan(current(APP), wanted(dict(name='app'), dict(name='gone'), state='absent')).writes == [
        ('delete', 'app')
    ]


@pytest.mark.parametrize(
    'accounts, message',
    [
        ([dict(name='A1')], 'accounts[0].name must be 2 to 16 lower-case'),
        ([dict(name='a')], 'accounts[0].name must be 2 to 16'),
        ([dict(name='a' * 17)], 'accounts[0].name must be 2 to 16'),
        ([dict(name='app'), dict(name='app')], 'accounts[1].name: the account'),
        ([dict(name='app', description='x' * 129)], 'accounts[0].description must be at most 128'),
        ([dict(name='app', password='')], 'accounts[0].password must not be empty'),
    ],
)
def test_validation_names_the_option(accounts, message):
    with pytest.raises(Refusal) as info:
        wanted(*accounts)
    assert message in info.value.message and info.value.status == 'INVALID_ARGUMENT'


def test_no_support_refused_naming_the_version():
    with pytest.raises(Refusal) as info:
        ACCOUNTS.plan(current(supported=False), wanted(dict(name='app', password='Pw12345678')))
    assert 'Redis 4.0' in info.value.message and info.value.status == 'FAILED_PRECONDITION'


def test_a_new_account_needs_a_password():
    with pytest.raises(Refusal, match=r"accounts\[0\].password is required to create the account 'app'"):
        ACCOUNTS.plan(current(), wanted(dict(name='app')))


def test_holds_after_a_lost_answer():
    read = current(APP)
    assert ACCOUNTS.holds(read, ('create', 'app', {})) is True  # never a second create
    assert ACCOUNTS.holds(read, ('delete', 'app')) is False
    assert ACCOUNTS.holds(read, ('modify', (dict(name='app', privilege='read_write'),))) is True
    assert ACCOUNTS.holds(read, ('modify', (dict(name='app', privilege='read_only'),))) is False
    # a password cannot be read back: that write is sent again
    assert ACCOUNTS.holds(read, ('modify', (dict(name='app', password='x'),))) is False


def test_discrepancies_name_what_the_api_did_not_do():
    after = [dict(name='app', privilege='read_only', description='')]
    assert discrepancies(after, after) == []
    problems = discrepancies(after, [dict(name='app', privilege='read_write', description=''), dict(BI)])
    assert problems == ["account 'app' has privilege 'read_write', not 'read_only'", "account 'bi' still exists"]
    assert discrepancies(after, []) == ["account 'app' is missing"]
