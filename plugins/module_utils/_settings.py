# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module base of every module acting on one existing instance, and the driver of settings components.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

A settings module names its component (``_component.py``); the driver checks the wanted setting, finds the
instance, reads, plans, waits for the instance to run before writing, writes only the difference (each write
through the base's ``write``), and builds the result, the check-mode prediction and the diff. ``converge``
drives any number of components of one instance. An unchanged run by ``instance_id`` makes one call, the
read of the setting.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import instance_id_problem
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._lock import HostLock

SETTING_ARGUMENT_SPEC = dict(
    instance_id=dict(type='str'),
    instance_name=dict(type='str'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=1800),
)
SETTING_MODULE_KWARGS = dict(
    supports_check_mode=True,
    required_one_of=[('instance_id', 'instance_name')],
    mutually_exclusive=[('instance_id', 'instance_name')],
)


def wait_instance(face, api, instance_id, done, what, timeout, stop=('error',)):
    """Wait (``timeout`` seconds, through ``face.wait_for``) until ``done(instance)``; the instance vanishing or
    reaching a ``stop`` status ends the wait with a failure."""

    def check(instance):
        if instance is None:
            face.fail(f'Instance {instance_id} disappeared while waiting for it {what}', status='NOT_FOUND')
        return done(instance)

    return face.wait_for(lambda: api.describe(instance_id), check, timeout, f'instance {instance_id} {what}', stop=stop)


class InstanceModule(JCSModule):
    """What every module acting on one existing instance shares: the instance by id or exact name, the
    checks of those options, and the waits for the instance to run. ``run`` checks those options, then
    ``validate()`` the module's own (before any call), finds the instance and returns ``act(instance_id,
    instance)``. ``SettingModule`` acts by converging components; a module that acts otherwise (a backup, a
    restore, a listing of backups) implements ``act``."""

    def run(self):
        self.check_instance_options()
        self.validate()
        return self.act(*self.target())

    def validate(self):
        """Check the module's own options, before any call."""

    def act(self, instance_id, instance):
        """The result of the run on the instance (``instance`` is None when it was given by id)."""
        raise NotImplementedError()

    def check_instance_options(self):
        params = self.params
        if params['instance_id'] is not None and instance_id_problem(params['instance_id']):
            self.fail(instance_id_problem(params['instance_id']), status='INVALID_ARGUMENT')
        if params['instance_name'] == '':
            self.fail('instance_name must not be empty', status='INVALID_ARGUMENT')
        if params.get('wait_timeout') is not None and params['wait_timeout'] < 1:  # info modules never wait
            self.fail(
                'wait_timeout must be at least 1 second, got {}'.format(params['wait_timeout']),
                status='INVALID_ARGUMENT',
            )

    def target(self):
        """``(instance_id, instance or None)``. By id no call is made: the read of the setting tells
        whether the instance exists. By name, one listing (which also gives the status)."""
        params = self.params
        if params['instance_id']:
            return params['instance_id'], None
        instance, deleting = self.api.find_instance(name=params['instance_name'])
        if instance is None:
            message = 'instance_name {}: no instance has this name in region {}'.format(
                shown(params['instance_name']), self.api.region
            )
            if deleting:
                message += ' (except {}, being deleted)'.format(', '.join(deleting))
            self.fail(message, error=local_error('NOT_FOUND', message))
        return instance['id'], instance

    def runnable(self, instance_id, instance, action):
        """Make sure the instance is running before a write. Returns None when it already was, else
        the instance once it runs (after waiting, bounded by wait_timeout). ``action`` words the write
        for messages."""
        if instance is None:
            instance = self.api.describe(instance_id)
            if instance is None:
                raise self.api.no_such_instance(instance_id)
        if instance['status'] == 'running':
            return None
        if not self.params['wait']:
            self.fail(
                'Instance {} is {}; {} is only possible while it runs (set wait: true to wait)'.format(
                    instance_id, instance['status'], action
                ),
                error=local_error('INSTANCE_NOT_RUNNING', 'instance status is ' + str(instance['status'])),
                instance=instance,
            )
        return self.wait_running(instance_id, 'to run before ' + action)

    def wait_running(self, instance_id, what):
        return wait_instance(
            self,
            self.api,
            instance_id,
            lambda instance: instance['status'] == 'running',
            what,
            self.params['wait_timeout'],
        )


# How many times a write refused because the setting moved (another run added, changed or deleted what this run
# writes) is followed by a new read and plan before the refusal is reported.
CONVERGE_ROUNDS = 3


class SettingMoved(Exception):
    """A write was refused because the setting is no longer as read (another run changed it)."""


class SettingModule(InstanceModule):
    """A module of one setting: ``component`` (an instance of a ``Component``) and its options at the top level."""

    component = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Every module of one setting has the same options around its component's, and the same rules for them.
        cls.argument_spec = dict(SETTING_ARGUMENT_SPEC, **cls.component.argument_spec)
        cls.module_kwargs = SETTING_MODULE_KWARGS

    def validate(self):
        wanted = {option: self.params[option] for option in self.component.argument_spec}
        self.wanted = self.component.validate(wanted)

    def act(self, instance_id, instance):
        component = self.component
        ((before, plan),) = self.converge(instance_id, instance, [(component, self.wanted)])
        # in a real run only what this run's own writes changed: never a part another writer changed meanwhile
        changes = plan.changes if self.check_mode else sorted(self.applied)
        result = {
            'changed': bool(changes),
            'instance_id': instance_id,
            component.key: plan.after,
            # what a caller (the redis_fleet role) reports per instance, without reading the diff
            'changes': changes,
        }
        if self.module._diff:
            before, after = component.diff(before, plan)
            result['diff'] = dict(before={component.key: before}, after={component.key: after})
        return result

    def plans(self, instance_id, entries):
        """``[(current, plan)]`` of ``entries`` (``[(component, wanted)]``), read and planned."""
        planned = []
        for component, wanted in entries:
            current = read_or_fail(self.api, component, instance_id)
            plan = component.plan(current, wanted)
            if plan.writes:
                component.check(self.api, instance_id, wanted, plan)
            planned.append((current, plan))
        return planned

    def converge(self, instance_id, instance, entries):
        """Bring the components of ``entries`` (``[(component, wanted)]``) of one instance where they are wanted:
        ``[(current as first read, plan)]`` in their order, ``plan.after`` settled once written. In check mode
        nothing is written; otherwise the instance must run (waited for, as wait and wait_timeout say) and is
        read and planned again after a wait, since a setting may move meanwhile. The components that are
        ``serialised`` are locked on this machine for the whole run."""
        locks = []
        try:
            if not self.check_mode:
                timeout = self.params['wait_timeout']
                locks = [
                    setting_lock(self, self.api, instance_id, c, timeout) for c, _wanted in entries if c.serialised
                ]
            return self._converge(instance_id, instance, entries)
        finally:
            for lock in locks:
                lock.release()

    def _converge(self, instance_id, instance, entries):
        planned = self.plans(instance_id, entries)
        firsts = [current for current, _plan in planned]
        if self.check_mode or not any(plan.writes for _current, plan in planned):
            self.advise(planned)
            return list(zip(firsts, (plan for _current, plan in planned)))
        what = ' and '.join(component.what for component, _wanted in entries)
        if self.runnable(instance_id, instance, 'changing its ' + what) is not None:
            planned = self.plans(instance_id, entries)  # it was busy: the setting may have moved while waiting
            firsts = [current for current, _plan in planned]
        result = []
        for (component, wanted), (current, plan) in zip(entries, planned):
            applied_before = len(self.applied)
            plan, written = write_plan(self, self.api, component, wanted, instance_id, current, plan)
            if self.params['wait'] and component.changes_status and len(self.applied) > applied_before:
                self.wait_running(instance_id, 'to run again after the change')
            if len(self.applied) > applied_before:
                plan.after = component.settled(self.api, instance_id, plan.after, self.params['wait'])
                if written is not None:
                    component.verify(instance_id, wanted, plan.after, written)
            result.append(plan)
        self.advise([(None, plan) for plan in result])
        return list(zip(firsts, result))

    def advise(self, planned):
        """Warn about the wanted settings and the settings as they end up (once per run)."""
        for _current, plan in planned:
            for warning in plan.warnings:
                self.module.warn(warning)


# The write path of settings, shared by SettingModule and by the settings declared beside an instance
# (_instance_settings.InstanceSettings): ``face`` is the run's JCSModule (it fails, warns and makes and records the
# writes with ``write``), ``api`` its RedisAPI.


def read_or_fail(api, component, instance_id):
    """``component.read``; the instance not existing fails, naming it."""
    try:
        current = component.read(api, instance_id)
    except JDCloudAPIError as exc:
        if exc.code != 404:
            raise
        raise api.no_such_instance(instance_id, exc) from None
    if current is None:
        raise api.no_such_instance(instance_id)
    return current


def write_plan(face, api, component, wanted, instance_id, current, plan):
    """Make the writes of ``plan``: ``(plan, the last write that went through or None)``. A write refused
    because the setting moved (409 ALREADY_EXISTS, 404 NOT_FOUND) reads and plans again, at most
    CONVERGE_ROUNDS times: what another run already made so is then no write at all, the rest is written over
    the new state (the instance itself being gone fails in the read)."""
    written = None
    for attempt in range(CONVERGE_ROUNDS):
        try:
            for write in plan.writes:
                write_one(face, api, component, instance_id, current, plan, write, last=attempt == CONVERGE_ROUNDS - 1)
                written = write
            return plan, written
        except SettingMoved:
            current = read_or_fail(api, component, instance_id)
            plan = component.plan(current, wanted)
    return plan, written


def write_one(face, api, component, instance_id, current, plan, write, last):
    """One write through the base's ``write``: a write whose answer was lost counts as made when the
    setting, read again, holds it; SettingMoved when the API refused it because the setting moved meanwhile
    (never on the ``last`` round: the refusal is then reported)."""
    try:
        face.write(
            lambda: component.apply(api, instance_id, write),
            lambda: True if component.holds(component.read(api, instance_id), write) else None,
            component.write_changes(current, plan, write),
        )
    except JDCloudAPIError as exc:
        if exc.code in (404, 409) and not last:
            raise SettingMoved() from exc
        face.fail_from(exc, f'Could not {component.context(write)} of instance {instance_id}')


def setting_lock(face, api, instance_id, component, timeout):
    """The lock of this setting of the instance on this machine, held until the run ends."""
    lock = HostLock(
        '\n'.join((api.client.endpoint, api.region, instance_id, component.key)),
        timeout,
        face.warn,
        f'parallel changes of the {component.key} of one instance',
    )
    if not lock.acquire():
        face.fail(
            f'Another run on this host has been changing the {component.key} of instance {instance_id} for more '
            f'than {timeout} seconds (lock file {lock.path}); nothing was changed',
            status='ABORTED',
        )
    return lock
