# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The settings of an instance declared beside it (jcs_redis_instance's ``whitelist``, ``whitelist_purge``,
``backup_policy``, ``maintenance_window``, ``config``, ``accounts`` (with ``accounts_purge``,
``accounts_update_password``), ``tls`` and ``disabled_commands`` (with ``disabled_commands_purge``), the fleet
module's entries): the options, built from each component's own argument spec, and the class that reads, plans
and writes them next to the instance (composed by both modules).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

The reads of the settings go out concurrently with the read of the instance (by ID), on one client whose
connection pool holds one connection per thread, so an unchanged instance with three settings costs the time of
one read, not four.
"""

import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jdcloud.cloud.plugins.module_utils._accounts import Accounts
from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import BackupPolicy
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError
from ansible_collections.jdcloud.cloud.plugins.module_utils._disabled_commands import DisabledCommands
from ansible_collections.jdcloud.cloud.plugins.module_utils._maintenance import MaintenanceWindow
from ansible_collections.jdcloud.cloud.plugins.module_utils._parameters import Config
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import setting_lock, wait_instance, write_plan
from ansible_collections.jdcloud.cloud.plugins.module_utils._tls import TLS
from ansible_collections.jdcloud.cloud.plugins.module_utils._whitelist import Whitelist

WHITELIST = Whitelist()
BACKUP_POLICY = BackupPolicy()
CONFIG = Config()
MAINTENANCE_WINDOW = MaintenanceWindow()
ACCOUNTS = Accounts()
TLS_SETTING = TLS()
DISABLED_COMMANDS = DisabledCommands()
# The accounts of a new instance, to plan and check the declared ones before it exists (``supported``: an instance
# whose version has none is refused once it runs).
NEW_ACCOUNTS = dict(supported=True, accounts=[])

# The options, with exactly the suboptions of the standalone modules; left out (None), a setting is not touched.
SETTINGS_ARGUMENT_SPEC = dict(
    whitelist=dict(type='list', elements='dict', options=WHITELIST.argument_spec['groups']['options']),
    whitelist_purge=dict(type='bool', default=False),
    backup_policy=dict(type='dict', options=BACKUP_POLICY.argument_spec),
    config=dict(type='dict'),
    maintenance_window=dict(type='str'),
    accounts=dict(type='list', elements='dict', options=ACCOUNTS.argument_spec['accounts']['options']),
    accounts_purge=dict(type='bool', default=False),
    accounts_update_password=dict(
        type='str', choices=ACCOUNTS.argument_spec['update_password']['choices'], default='on_create', no_log=False
    ),
    tls=dict(type='dict', options=TLS_SETTING.argument_spec),
    disabled_commands=dict(type='list', elements='str'),
    disabled_commands_purge=dict(type='bool', default=False),
)

# One thread (and one pooled connection) per read of an unchanged instance: the instance and its settings (a
# declaration of more settings reads them in rounds of four, never one after the other).
READ_THREADS = 4


def _renamed(message, names):
    """``message`` with the standalone module's option names (``groups``, ``backup_days``, ``parameters``)
    replaced by the names they have here."""
    for old, new in names:
        message = re.sub(r'(?<![\w.\[])' + re.escape(old) + r'(?![\w])', new, message)
    return message


class _Named:
    """A component whose writes are named as the instance's result names them (``config.maxmemory-policy``)."""

    def __init__(self, setting):
        self._setting = setting

    def __getattr__(self, name):
        return getattr(self._setting.component, name)

    def write_changes(self, current, plan, write):
        if self._setting.option == 'config':
            return ['config.' + name for name in sorted(write)]
        return [self._setting.option]


class Setting:
    """A component as an option of the instance: how the option becomes the component's ``wanted`` and how
    its refusals and changes are named."""

    def __init__(self, component, option, wanted, names, changes):
        self.component = component
        self.option = option
        self.wanted = wanted  # params -> the component's options
        self.names = names  # [(standalone option, option here)] for messages
        self.changes = changes  # plan -> the names in the result's changes

    def declared(self, params):
        return params.get(self.option) is not None


SETTINGS = (
    Setting(
        WHITELIST,
        'whitelist',
        lambda p: dict(groups=p['whitelist'], purge=p['whitelist_purge'], state='present'),
        [('groups', 'whitelist'), ('purge', 'whitelist_purge'), ('state=present', 'a declared whitelist')],
        lambda plan: ['whitelist'] if plan.changes else [],
    ),
    Setting(
        BACKUP_POLICY,
        'backup_policy',
        lambda p: dict(p['backup_policy']),
        [(part, 'backup_policy.' + part) for part in ('auto_backup', 'backup_days', 'backup_window')],
        lambda plan: ['backup_policy'] if plan.changes else [],
    ),
    Setting(
        MAINTENANCE_WINDOW,
        'maintenance_window',
        lambda p: dict(window=p['maintenance_window']),
        [('window', 'maintenance_window')],
        lambda plan: ['maintenance_window'] if plan.changes else [],
    ),
    Setting(
        ACCOUNTS,
        'accounts',
        lambda p: dict(
            accounts=p['accounts'],
            purge=p['accounts_purge'],
            update_password=p['accounts_update_password'],
            state='present',
        ),
        [('purge', 'accounts_purge'), ('update_password', 'accounts_update_password')],
        lambda plan: ['accounts'] if plan.changes else [],
    ),
    Setting(
        TLS_SETTING,
        'tls',
        lambda p: dict(p['tls']),
        [(part, 'tls.' + part) for part in ('enabled', 'type', 'versions', 'renew_certificate_before_days')],
        lambda plan: ['tls'] if plan.changes else [],
    ),
    Setting(
        DISABLED_COMMANDS,
        'disabled_commands',
        lambda p: dict(commands=p['disabled_commands'], purge=p['disabled_commands_purge']),
        [
            ('commands', 'disabled_commands'),
            ('purge', 'disabled_commands_purge'),
            ('the disabled_commands it can disable', 'the commands it can disable'),
        ],
        lambda plan: ['disabled_commands'] if plan.changes else [],
    ),
    Setting(
        CONFIG,
        'config',
        lambda p: dict(parameters=p['config'], reset_unlisted=False),
        [('parameters', 'config')],
        lambda plan: ['config.' + name for name in plan.changes],
    ),
)


def declared_settings(params):
    """The settings ``params`` declare, in the order they are written (the engine parameters last: their write
    makes the instance busy for a while)."""
    return [setting for setting in SETTINGS if setting.declared(params)]


def validated(setting, params):
    """The wanted value of ``setting`` checked by its component, before any call; a ``Refusal`` names the
    option as this module spells it."""
    try:
        return setting.component.validate(setting.wanted(params))
    except Refusal as exc:
        raise Refusal(_renamed(exc.message, setting.names), exc.status, **exc.details) from None


class InstanceSettings:
    """The settings of an instance declared beside it (jcs_redis_instance, an entry of jcs_redis_fleet), as a class
    the module composes. One object per run, made with everything it uses:

    - ``api``: the ``RedisAPI`` of the region;
    - ``params``: the options of jcs_redis_instance (a fleet entry's, completed to those);
    - ``check_mode``;
    - ``face``: what fails (``fail``, ``fail_from``), warns (``warn``), waits (``wait_for``) and makes and records
      the writes (``write``, ``applied``): the run's ``JCSModule``;
    - ``read_threads``: the threads of the reads made after the instance's (a fleet reads its instances side by
      side already: 1); the module's client holds ``READ_THREADS`` connections.

    ``check()`` before any call; ``read_with_settings(instance_id)`` reads the instance and its settings at once;
    ``check_new_settings()`` and ``check_settings_before(instance)`` are the hooks of ``InstanceLifecycle``;
    ``converge(instance, created)`` once the instance is converged returns what the run adds to the result. The
    object keeps what it read (``reads``, with the instance's status then, ``reads_status``) and
    ``setting_changes``; it sets nothing on the module."""

    def __init__(self, api, params, check_mode, face, read_threads=READ_THREADS):
        self.api = api
        self.params = params
        self.check_mode = check_mode
        self.face = face
        self.read_threads = read_threads
        self.entries = []  # [(Setting, wanted)] of the declared settings, once checked
        self.reads = None  # {option: current} read beside the instance
        self.reads_status = None  # the instance's status when they were read
        # {option: the names of what changes in it (groups, parts, parameters)}; None for a create in check mode
        self.setting_changes = None

    def check(self):
        """Validate the declared settings (no call); the first refusal fails the run. Returns the entries."""
        self.entries = []
        for setting in declared_settings(self.params):
            try:
                self.entries.append((setting, validated(setting, self.params)))
            except Refusal as exc:
                self.face.fail(exc.message, status=exc.status, **exc.details)
        return self.entries

    def check_new_settings(self):
        """Before an instance is created (also in check mode): the checks of the declared settings that need no
        instance (the passwords of the accounts against the API's policy); those that do (the commands an instance
        can disable) are made once it runs, before any write of a setting."""
        for setting, wanted in self.entries:
            if setting.option != 'accounts':
                continue
            try:
                plan = ACCOUNTS.plan(NEW_ACCOUNTS, wanted)
                ACCOUNTS.check(self.api, None, wanted, plan)
            except Refusal as exc:
                self.face.fail(_renamed(exc.message, setting.names), status=exc.status, **exc.details)

    def check_settings_before(self, instance):
        """Before a write of the existing ``instance`` itself: its declared settings read (those read beside it
        are kept), planned and checked, so a refusal comes before any write; the reads are kept for
        ``converge`` while the instance stays running."""
        if not self.entries:
            return
        self.reads = self._read_settings(instance['id'], False, instance)
        self.reads_status = instance['status']
        self._plans(instance['id'], False, instance)

    def read_with_settings(self, instance_id):
        """The instance (None when there is none) with its declared settings read at the same time, kept for
        ``converge``; a read that failed is read again there, so its error is reported in order."""
        own = [setting for setting, _wanted in self.entries if not setting.component.in_instance]
        if not own:
            instance = self.api.describe(instance_id)
            self.reads = {}
            self.reads_status = instance['status'] if instance else None
            return instance
        api = self.api  # made once, before the threads share it
        calls = [lambda: api.describe(instance_id)] + [
            (lambda c=setting.component: c.read(api, instance_id)) for setting in own
        ]

        def attempt(call):
            try:
                return True, call()
            except JDCloudAPIError as exc:
                return False, exc

        with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(calls))) as pool:
            results = list(pool.map(attempt, calls))
        described, instance = results[0]
        if not described:
            raise instance
        self.reads = {setting.option: value for setting, (ok, value) in zip(own, results[1:]) if ok}
        self.reads_status = instance['status'] if instance else None
        return instance

    def _read_settings(self, instance_id, fresh, instance):
        """``{option: current}`` of the declared settings: those ``instance`` holds, those read beside the instance
        unless ``fresh``, and the others read now, concurrently."""
        read = {} if fresh else dict(self.reads or {})
        for setting, _wanted in self.entries:
            if setting.component.in_instance:
                read[setting.option] = setting.component.from_instance(instance)
        missing = [setting for setting, _wanted in self.entries if setting.option not in read]
        if not missing:
            return read
        api = self.api

        def attempt(setting):
            try:
                return True, setting.component.read(api, instance_id)
            except JDCloudAPIError as exc:
                return False, exc

        with ThreadPoolExecutor(max_workers=min(self.read_threads, len(missing))) as pool:
            results = list(pool.map(attempt, missing))
        for setting, (ok, value) in zip(missing, results):
            if not ok:
                if value.code != 404:
                    raise value
                raise self.api.no_such_instance(instance_id, value)
            if value is None:
                raise self.api.no_such_instance(instance_id)
            read[setting.option] = value
        return read

    def _plans(self, instance_id, fresh, instance):
        read = self._read_settings(instance_id, fresh, instance)
        planned = []
        for setting, wanted in self.entries:
            current = read[setting.option]
            try:
                plan = setting.component.plan(current, wanted)
                if plan.writes:
                    # the API's own refusals (a password policy, a command the instance cannot disable) before any
                    # write of any setting, and in check mode too
                    setting.component.check(self.api, instance_id, wanted, plan)
            except Refusal as exc:
                self.face.fail(_renamed(exc.message, setting.names), status=exc.status, **exc.details)
            planned.append((setting, current, plan))
        return planned

    def converge(self, instance, created):
        """Bring the declared settings of ``instance`` (as converged, None for a create predicted in check mode)
        where they are wanted. Returns ``(changes, values, diff before, diff after)``: the result's change names,
        the settings by option once written (or as they would be), and the diff's parts."""
        if not self.entries:
            return [], {}, {}, {}
        if instance is None or instance.get('id') is None:
            # a create predicted in check mode: the settings are all set once the instance runs
            changes, values = [], {}
            self.setting_changes = {setting.option: None for setting, _wanted in self.entries}
            after = {}
            for setting, wanted in self.entries:
                changes.extend(
                    ['config.' + n for n in sorted(self.params['config'])]
                    if setting.option == 'config'
                    else [setting.option]
                )
                if setting.option == 'accounts':
                    # as the new instance's accounts would read: never a password, shown as set in the diff
                    plan = ACCOUNTS.plan(NEW_ACCOUNTS, wanted)
                    values['accounts'] = plan.after
                    after['accounts'] = ACCOUNTS.diff(NEW_ACCOUNTS, plan)[1]
                else:
                    values[setting.option] = after[setting.option] = self.params[setting.option]
            return changes, values, {}, after
        instance_id = instance['id']
        if created and not self.check_mode and instance.get('status') != 'running':
            # a new instance takes its settings once it runs: waited for even with wait: false
            instance = self.wait_running(instance_id, 'to run before its settings are written')
        # reads made beside a busy instance, or before a create or a resize, may no longer hold
        fresh = created or self.reads_status != 'running' or instance.get('status') != 'running'
        planned = self._plans(instance_id, fresh, instance)
        if not self.check_mode and any(plan.writes for _s, _c, plan in planned):
            planned = self._write_settings(instance_id, instance, planned)
        changes, values, before, after = [], {}, {}, {}
        self.setting_changes = {setting.option: plan.changes for setting, _current, plan in planned}
        for setting, current, plan in planned:
            for warning in plan.warnings:
                self.face.warn(_renamed(warning, setting.names))
            changes.extend(setting.changes(plan))
            values[setting.option] = plan.after
            if plan.changes:
                before[setting.option], after[setting.option] = setting.component.diff(current, plan)
        return changes, values, before, after

    def _write_settings(self, instance_id, instance, planned):
        """The writes of ``planned``, through the standalone modules' write path (``_settings.write_plan``: a
        write refused because the setting moved meanwhile is planned again; the settings that are ``serialised``
        are locked on this machine and checked once read back). Returns ``planned`` with each plan as written."""
        timeout = self.params['wait_timeout']
        locks = [
            setting_lock(self.face, self.api, instance_id, s.component, timeout)
            for s, _c, _p in planned
            if s.component.serialised
        ]
        try:
            if instance.get('status') != 'running':
                # the settings can only be written while the instance runs: waited for even with wait: false
                instance = self.wait_running(instance_id, 'to run before its settings are written')
                planned = self._plans(instance_id, True, instance)
            written = []
            applied = self.face.applied
            for (setting, wanted), (_setting, current, plan) in zip(self.entries, planned):
                applied_before = len(applied)
                plan, last = write_plan(self.face, self.api, _Named(setting), wanted, instance_id, current, plan)
                written.append((setting, wanted, current, plan, last, len(applied) > applied_before))
            waited = bool(
                self.params['wait'] and any(s.component.changes_status and went for s, _w, _c, _p, _l, went in written)
            )
            if waited:
                self.wait_running(instance_id, 'to run again after the change of its settings')
            result = []
            for setting, wanted, current, plan, last, went in written:
                if went:
                    plan.after = setting.component.settled(self.api, instance_id, plan.after, waited)
                    if last is not None:
                        setting.component.verify(instance_id, wanted, plan.after, last)
                result.append((setting, current, plan))
            return result
        finally:
            for lock in locks:
                lock.release()

    def wait_running(self, instance_id, what):
        return wait_instance(
            self.face,
            self.api,
            instance_id,
            lambda instance: instance['status'] == 'running',
            what,
            self.params['wait_timeout'],
        )
