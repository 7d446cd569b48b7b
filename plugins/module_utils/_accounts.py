# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Accounts (Redis users) of an instance as a component (docs/dev/api-notes.md#accounts): the normalised shape,
the checks of names and privileges, the pure plan and the check of the accounts once written (the calls are in
``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Passwords are never read back, so a password is written when the account is created and, with
``update_password: always``, on every run. They live only in the writes of a plan, never in ``after``, a
result, a diff (``set`` or ``changed`` there) or a message.
"""

import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

# The instance's own account: its password is the instance's (jcs_redis_instance's password), never written here.
DEFAULT_ACCOUNT = 'default'
API_PRIVILEGES = {'read_only': 'RoleReadOnly', 'read_write': 'RoleReadWrite'}
PRIVILEGES = {value: key for key, value in API_PRIVILEGES.items()}
NAME_RE = re.compile(r'^[a-z][a-z0-9_]{1,15}$')
DESCRIPTION_MAX = 128


def normalise(answer):
    """describeAccounts as ``{supported, accounts: [{name, type, privilege, description}]}``."""
    accounts = [
        dict(
            name=item.get('accountName'),
            type=item.get('accountType') or 'normal',
            privilege=PRIVILEGES.get(item.get('accountPrivilege'), item.get('accountPrivilege')),
            description=item.get('accountDescription') or '',
        )
        for item in (answer or {}).get('accountLists') or []
    ]
    return dict(supported=bool((answer or {}).get('isSupport')), accounts=accounts)


def shape(account):
    """An account as the modules return it (never a password)."""
    return dict(name=account['name'], privilege=account['privilege'], description=account['description'])


def discrepancies(after, read):
    """What the accounts as read (``read``: result shapes) lack of ``after`` (what the writes should have made):
    a list of sentences, empty when they hold it."""
    found = {a['name']: a for a in read}
    wanted = {a['name']: a for a in after}
    problems = []
    for name, account in wanted.items():
        got = found.get(name)
        if got is None:
            problems.append(f'account {name!r} is missing')
            continue
        for key in ('privilege', 'description'):
            if got[key] != account[key]:
                problems.append(f'account {name!r} has {key} {shown(got[key])}, not {shown(account[key])}')
    problems.extend(f'account {name!r} still exists' for name in found if name not in wanted)
    return problems


def _api_fields(fields):
    """An account's fields with the privilege as the API names it."""
    return dict(fields, privilege=API_PRIVILEGES.get(fields.get('privilege')))


def _names(write):
    """The accounts one write changes."""
    return [c['name'] for c in write[1]] if write[0] == 'modify' else [write[1]]


class Accounts(Component):
    """The accounts of an instance. ``wanted``: ``accounts`` (name, password, privilege, description), ``purge``,
    ``update_password`` and ``state``."""

    key = 'accounts'
    what = 'accounts'
    # the suboptions every face of the setting shares (this module, jcs_redis_instance, the fleet)
    account_options = dict(
        name=dict(type='str', required=True),
        password=dict(type='str', no_log=True),
        privilege=dict(type='str', choices=['read_only', 'read_write']),
        description=dict(type='str'),
    )
    argument_spec = dict(
        accounts=dict(type='list', elements='dict', default=[], options=account_options),
        purge=dict(type='bool', default=False),
        update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )

    def validate(self, wanted):
        """``{state, purge, update_password, accounts: {name: {option, password, privilege, description}}}``."""
        present = wanted['state'] == 'present'
        if wanted['purge'] and not present:
            raise Refusal('purge only applies with state=present')
        accounts = {}
        for index, account in enumerate(wanted['accounts'] or ()):
            name, option = account['name'], f'accounts[{index}]'
            if name == DEFAULT_ACCOUNT:
                raise Refusal(
                    f"{option}.name: the {DEFAULT_ACCOUNT!r} account is the instance's own and cannot be managed "
                    "here; its password is jcs_redis_instance's password"
                )
            if not isinstance(name, str) or not NAME_RE.match(name):
                raise Refusal(
                    f'{option}.name must be 2 to 16 lower-case letters, digits or underscores, starting with a '
                    f'letter, got {shown(name)}'
                )
            if name in accounts:
                raise Refusal(f'{option}.name: the account {name!r} is listed more than once')
            description = account['description']
            if present and description is not None and len(description) > DESCRIPTION_MAX:
                raise Refusal(f'{option}.description must be at most {DESCRIPTION_MAX} characters')
            if present and account['password'] == '':
                raise Refusal(f'{option}.password must not be empty')
            accounts[name] = dict(
                option=option,
                password=account['password'] if present else None,
                privilege=account['privilege'] if present else None,
                description=description if present else None,
            )
        return dict(
            state=wanted['state'], purge=wanted['purge'], update_password=wanted['update_password'], accounts=accounts
        )

    def read(self, api, instance_id):
        current = normalise(api.accounts(instance_id))
        current['instance_id'] = instance_id
        if not current['supported']:
            # only then: the refusal names the version
            instance = api.describe(instance_id)
            if instance is None:
                return None
            current['redis_version'] = instance['redis_version']
        return current

    def plan(self, current, wanted):
        if not current['supported']:
            raise Refusal(
                'Instance {} runs Redis {}, which has no accounts (describeAccounts says isSupport: false); '
                'accounts need a Redis version with ACL users'.format(
                    current.get('instance_id'), current.get('redis_version')
                ),
                status='FAILED_PRECONDITION',
            )
        present = wanted['state'] == 'present'
        listed = wanted['accounts']
        creates, modifies, deletes, after = [], [], [], []
        existing = set()
        for account in current['accounts']:
            name = account['name']
            existing.add(name)
            entry = listed.get(name)
            if name == DEFAULT_ACCOUNT or (entry is None and not (present and wanted['purge'])):
                after.append(shape(account))
            elif entry is None or not present:
                deletes.append(('delete', name))
            else:
                change = {}
                for key in ('privilege', 'description'):
                    if entry[key] is not None and entry[key] != account[key]:
                        change[key] = entry[key]
                if entry['password'] is not None and wanted['update_password'] == 'always':
                    change['password'] = entry['password']
                merged = dict(shape(account), **{k: v for k, v in change.items() if k != 'password'})
                after.append(merged)
                if change:
                    modifies.append(dict(change, name=name))
        if present:
            for name, entry in listed.items():
                if name in existing:
                    continue
                if entry['password'] is None:
                    raise Refusal(f'{entry["option"]}.password is required to create the account {name!r}')
                privilege = entry['privilege'] or 'read_write'  # the API's default on create
                creates.append(
                    (
                        'create',
                        name,
                        dict(password=entry['password'], privilege=privilege, description=entry['description']),
                    )
                )
                after.append(dict(name=name, privilege=privilege, description=entry['description'] or ''))
        writes = list(creates)
        if modifies:
            # several changes in one call (modifyAccounts applies all or none)
            writes.append(('modify', tuple(modifies)))
        writes.extend(deletes)
        return Plan(after, writes, sorted({name for write in writes for name in _names(write)}))

    def check(self, api, instance_id, wanted, plan):
        """Every password the plan writes, against the API's own policy (checkPasswordValid, no side effect),
        before any write and also in check mode."""
        options = {name: entry['option'] for name, entry in wanted['accounts'].items()}
        for write in plan.writes:
            if write[0] == 'create':
                named = [(write[1], write[2]['password'])]
            elif write[0] == 'modify':
                named = [(c['name'], c['password']) for c in write[1] if 'password' in c]
            else:
                named = []
            for name, password in named:
                problem = api.password_problem(password)
                if problem:
                    raise Refusal(f"{options[name]}.password breaks the API's password policy: {problem}")

    def apply(self, api, instance_id, write):
        if write[0] == 'create':
            return api.create_account(instance_id, write[1], **_api_fields(write[2]))
        if write[0] == 'delete':
            return api.delete_account(instance_id, write[1])
        changes = [_api_fields(change) for change in write[1]]
        if len(changes) == 1:
            return api.modify_account(instance_id, **changes[0])
        return api.modify_accounts(instance_id, changes)

    def holds(self, current, write):
        found = {a['name']: a for a in current['accounts']}
        if write[0] == 'create':
            # a create whose answer was lost went through: never a second create
            return write[1] in found
        if write[0] == 'delete':
            return write[1] not in found
        for change in write[1]:
            account = found.get(change['name'])
            # a password cannot be read back: that change is sent again (the same password twice is harmless)
            if account is None or 'password' in change:
                return False
            if any(account[key] != change[key] for key in ('privilege', 'description') if key in change):
                return False
        return True

    def write_changes(self, current, plan, write):
        return _names(write)

    def context(self, write):
        if write[0] == 'modify':
            return 'change the accounts ' + ', '.join(repr(c['name']) for c in write[1])
        return f'{write[0]} the account {write[1]!r}'

    def value(self, current):
        return None if current is None else [shape(a) for a in current['accounts']]

    def settled(self, api, instance_id, after, waited):
        """The accounts read again: the API said yes to every write, so anything not as asked fails loudly."""
        read = self.value(normalise(api.accounts(instance_id)))
        problems = discrepancies(after, read)
        if problems:
            raise Refusal(
                'The API accepted every account write of instance {} but the accounts read back are not as asked: '
                '{}'.format(instance_id, '; '.join(problems)),
                status='ABORTED',
                accounts=read,
            )
        return read

    def diff(self, current, plan):
        """Passwords are shown as ``set`` (created) or ``changed``, never as themselves."""
        passwords = {}
        for write in plan.writes:
            if write[0] == 'create':
                passwords[write[1]] = 'set'
            elif write[0] == 'modify':
                passwords.update((c['name'], 'changed') for c in write[1] if 'password' in c)
        after = [dict(a, password=passwords[a['name']]) if a['name'] in passwords else a for a in plan.after]
        return self.value(current), after
