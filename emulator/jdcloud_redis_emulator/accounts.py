"""Accounts (Redis ACL users) and the password policy check (docs/dev/api-notes.md#accounts).

The SDK gives the operations and fields; the rules are the emulator's documented choices: accounts exist on the
Redis versions of the ``account_versions`` setting (6.2 and 7.2: ACL users came with Redis 6); the ``default``
account is the instance's own password (resetCacheInstancePassword), listed but never modified or deleted here;
names are 2-16 lower-case letters, digits or ``_`` starting with a letter; passwords follow the instance password
rule, which checkPasswordValid applies too; at most 20 normal accounts; descriptions up to 128 characters.
``Accounts`` is the backend (``store.accounts``); the handlers follow it.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from . import day2, validation
from .errors import already_exists, failed_precondition, invalid_argument, not_found
from .registry import operation

_ACCOUNT = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/account'
NAME_RE = re.compile(r'^[a-z][a-z0-9_]{1,15}$')
DEFAULT_ACCOUNT = 'default'
PRIVILEGES = ('RoleReadOnly', 'RoleReadWrite')
DESCRIPTION_MAX = 128
MAX_ACCOUNTS = 20
_FIELDS = ('accountName', 'accountPassword', 'accountPrivilege', 'accountDescription')


def hash_password(password: str) -> str:
    """A salted sha256 of a password (the instance's or an account's): the emulator never needs one back."""
    if not password:
        return ''
    salt = secrets.token_hex(8)
    return salt + '$' + hashlib.sha256((salt + password).encode('utf-8')).hexdigest()


def password_matches(stored: str, password: str) -> bool:
    if not stored:
        return not password
    salt, digest = stored.split('$', 1)
    return secrets.compare_digest(digest, hashlib.sha256((salt + (password or '')).encode('utf-8')).hexdigest())


def password_problem(password) -> str:
    """Why a password breaks the policy, '' when it keeps it (the message never contains the password)."""
    if not isinstance(password, str) or password == '':
        return 'a password is required'
    if (
        not validation.PASSWORD_RE.match(password)
        or not re.search('[A-Za-z]', password)
        or not re.search('[0-9]', password)
    ):
        return 'must be 8-16 characters, only letters and digits, with at least one letter and one digit'
    return ''


def _name(value, field: str) -> str:
    if not isinstance(value, str) or value == '':
        raise invalid_argument('%s is required' % field)
    if not NAME_RE.match(value):
        raise invalid_argument(
            '%s must be 2-16 lower-case letters, digits or underscores, starting with a letter, got %r'
            % (field, value[:40])
        )
    return value


def _fields(item: dict, prefix: str, create: bool) -> dict:
    """The checked fields of one account: name, and password/privilege/description when given."""
    out = {'name': _name(item.get('accountName'), prefix + 'accountName')}
    password = item.get('accountPassword')
    if password is not None or create:
        problem = password_problem(password)
        if problem:
            raise invalid_argument('%saccountPassword %s' % (prefix, problem))
        out['password'] = password
    privilege = validation._choice(item, 'accountPrivilege', prefix + 'accountPrivilege', PRIVILEGES)
    if privilege is not None:
        out['privilege'] = privilege
    elif create:
        out['privilege'] = 'RoleReadWrite'  # the SDK: read-write by default
    description = validation._string(item, 'accountDescription', prefix + 'accountDescription')
    if description is not None:
        if len(description) > DESCRIPTION_MAX:
            raise invalid_argument('%saccountDescription must be at most %d characters' % (prefix, DESCRIPTION_MAX))
        out['description'] = description
    elif create:
        out['description'] = ''
    if not create and len(out) == 1:
        raise invalid_argument(
            '%saccountPassword, accountPrivilege or accountDescription: nothing to change for account %r'
            % (prefix, out['name'])
        )
    return out


def validate_accounts(params: dict) -> list:
    """The checked fields of each account of a modifyAccounts body, each account named once."""
    validation.check_known(params, day2.PATH_PARAMS + ('accounts',))
    items = params.get('accounts')
    if not isinstance(items, list) or not items:
        raise invalid_argument('accounts is required: a list of the accounts to change')
    checked = []
    for index, item in enumerate(items):
        prefix = 'accounts[%d].' % index
        if not isinstance(item, dict):
            raise invalid_argument('accounts[%d] must be an object' % index)
        validation.check_known(item, _FIELDS, prefix)
        checked.append(_fields(item, prefix, create=False))
    names = [f['name'] for f in checked]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise invalid_argument('accounts names account %r more than once' % duplicate)
    return checked


def _apply(account: dict, fields: dict) -> None:
    if 'password' in fields:
        account['password_hash'] = hash_password(fields['password'])
    for key in ('privilege', 'description'):
        if key in fields:
            account[key] = fields[key]


class Accounts:
    """The normal accounts of the store's instances (``store.accounts``); under the store's lock.  An account is
    a dict in its instance's ``accounts``; ``versions`` is the ``account_versions`` setting: the Redis versions
    that have accounts."""

    def __init__(self, store):
        self.store = store

    @staticmethod
    def _writable(inst, versions) -> None:
        if inst.redis_version not in versions:
            raise failed_precondition(
                "cacheInstance '%s' runs Redis %s, which has no accounts (describeAccounts isSupport is false)"
                % (inst.id, inst.redis_version)
            )
        day2.require_running(inst, 'its accounts can be changed')

    @staticmethod
    def _find(inst, name: str) -> dict:
        if name == DEFAULT_ACCOUNT:
            raise failed_precondition(
                "the default account cannot be modified or deleted: its password is the instance's "
                '(resetCacheInstancePassword)'
            )
        account = next((a for a in inst.accounts if a['name'] == name), None)
        if account is None:
            raise not_found("account '%s' not found in cacheInstance '%s'" % (name, inst.id))
        return account

    def describe(self, inst, versions) -> dict:
        """The answer of describeAccounts: the default account first, then the normal ones."""
        if inst.redis_version not in versions:
            return {'isSupport': False, 'accountLists': []}
        default = {
            'accountName': DEFAULT_ACCOUNT,
            'accountType': 'default',
            'accountPrivilege': 'RoleReadWrite',
            'accountDescription': '',
        }
        return {
            'isSupport': True,
            'accountLists': [default]
            + [
                {
                    'accountName': a['name'],
                    'accountType': 'normal',
                    'accountPrivilege': a['privilege'],
                    'accountDescription': a['description'],
                }
                for a in inst.accounts
            ],
        }

    def create(self, inst, fields: dict, versions) -> None:
        with self.store.lock:
            self._writable(inst, versions)
            if fields['name'] == DEFAULT_ACCOUNT or any(a['name'] == fields['name'] for a in inst.accounts):
                raise already_exists("account '%s' already exists in cacheInstance '%s'" % (fields['name'], inst.id))
            if len(inst.accounts) >= MAX_ACCOUNTS:
                raise failed_precondition(
                    "cacheInstance '%s' already has %d accounts besides default, the most it may have"
                    % (inst.id, MAX_ACCOUNTS)
                )
            account = {'name': fields['name']}
            _apply(account, fields)
            inst.accounts.append(account)
            self.store.save()

    def modify(self, inst, changes: list, versions) -> None:
        """Change each account of ``changes`` (checked fields): all or nothing, every account is found first."""
        with self.store.lock:
            self._writable(inst, versions)
            found = [self._find(inst, f['name']) for f in changes]
            for account, fields in zip(found, changes):
                _apply(account, fields)
            self.store.save()

    def delete(self, inst, name: str, versions) -> None:
        with self.store.lock:
            self._writable(inst, versions)
            inst.accounts.remove(self._find(inst, name))
            self.store.save()

    def password_matches(self, instance_id: str, name: str, password: str) -> bool:
        """Admin: whether account ``name`` of the instance has this password (ValueError for an unknown one)."""
        with self.store.lock:
            inst = self.store.instances.get(instance_id)
            if inst is None:
                raise ValueError('no instance %s' % instance_id)
            if name == DEFAULT_ACCOUNT:
                return password_matches(inst.password_hash, password)
            account = next((a for a in inst.accounts if a['name'] == name), None)
            if account is None:
                raise ValueError('no account %s in %s' % (name, instance_id))
            return password_matches(account['password_hash'], password)


@operation('checkPasswordValid', 'POST', '/regions/{regionId}/checkPasswordValid', 'body', write=False)
def check_password_valid(store, settings, region, target, params):
    validation.check_known(params, ('regionId', 'password'))
    if 'password' not in params:
        raise invalid_argument('password is required')
    problem = password_problem(params['password'])
    return {'valid': not problem, 'msg': problem}


# The instance is looked up once the body or query is read, before its fields are checked: an unknown instance is
# NOT_FOUND whatever the fields, a body that is not a JSON object INVALID_ARGUMENT whatever the instance.
@operation('describeAccounts', 'GET', _ACCOUNT, 'query')
def describe_accounts(store, settings, region, target, params):
    inst = store.get(region.region_id, target.instance)
    return store.accounts.describe(inst, settings.account_versions)


@operation('createAccount', 'POST', _ACCOUNT, 'body')
def create_account(store, settings, region, target, params):
    inst = store.get(region.region_id, target.instance)
    validation.check_known(params, day2.PATH_PARAMS + _FIELDS)
    store.accounts.create(inst, _fields(params, '', create=True), settings.account_versions)


@operation('modifyAccount', 'PATCH', _ACCOUNT, 'body')
def modify_account(store, settings, region, target, params):
    inst = store.get(region.region_id, target.instance)
    validation.check_known(params, day2.PATH_PARAMS + _FIELDS)
    store.accounts.modify(inst, [_fields(params, '', create=False)], settings.account_versions)


@operation('deleteAccount', 'DELETE', _ACCOUNT, 'query')
def delete_account(store, settings, region, target, params):
    inst = store.get(region.region_id, target.instance)
    validation.check_known(params, day2.PATH_PARAMS + ('accountName',))
    store.accounts.delete(inst, _name(params.get('accountName'), 'accountName'), settings.account_versions)


@operation('modifyAccounts', 'PATCH', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/accounts', 'body')
def modify_accounts(store, settings, region, target, params):
    inst = store.get(region.region_id, target.instance)
    store.accounts.modify(inst, validate_accounts(params), settings.account_versions)
