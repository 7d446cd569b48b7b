# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pattern of every module that manages one setting of an existing instance.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

A subclass names its setting and implements ``validate`` (every option, before any call), ``read``
(the API read, normalised), ``plan`` (the wanted setting and the writes that make it so) and
``apply`` (one write). The base finds the instance, writes only the difference, waits for the
instance to run before writing, and builds the result, the check-mode prediction and the diff.

An unchanged run by ``instance_id`` makes one call, the read of the setting, and imports nothing of
the instance operations (``_redis``); ``read`` and ``apply`` use ``self.client`` and
``self.checked_region()`` rather than ``self.api`` for that reason.
"""

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import ID_PATTERN, JCSModule, local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown

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


class InstanceModule(JCSModule):
    """What every module acting on one existing instance shares: the instance by id or exact name, the
    checks of those options, and the waits for the instance to run. ``SettingModule`` builds the
    settings pattern on it; a module that acts rather than converges (a backup, a restore) uses it directly."""

    # the result key of a setting, snake_case; messages name it ("changing its whitelist")
    setting = None

    def _validate_common(self):
        params = self.params
        if params['instance_id'] is not None and not ID_PATTERN.match(params['instance_id']):
            self.fail(
                'instance_id must be a Redis instance ID such as redis-abcdefgh1234, got {}'.format(
                    shown(params['instance_id'])
                ),
                status='INVALID_ARGUMENT',
            )
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
        instance = self.find_instance(name=params['instance_name'])
        if instance is None:
            message = 'instance_name {}: no instance has this name in region {}'.format(
                shown(params['instance_name']), self.api.region
            )
            if self.deleting:
                message += ' (except {}, being deleted)'.format(', '.join(self.deleting))
            self.fail(message, error=local_error('NOT_FOUND', message))
        return instance['id'], instance

    def read_or_fail(self, instance_id):
        try:
            return self.read(instance_id)
        except JDCloudAPIError as exc:
            if exc.code != 404:
                raise
            self.fail_from(exc, f'instance_id {instance_id}: no such instance in region {self.checked_region()}')
        return None

    def describe(self, instance_id):
        # Imported here: an unchanged run by id never describes the instance (module_utils/_base.py).
        from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import instance_to_result

        api = self.api.get_instance(instance_id)
        return instance_to_result(api, self.api.region) if api is not None else None

    def runnable(self, instance_id, instance, action=None):
        """Make sure the instance is running before a write. Returns None when it already was, else
        the instance once it runs (after waiting, bounded by wait_timeout). ``action`` words the write
        for messages (default: changing the setting)."""
        action = action or 'changing its ' + self.setting
        if instance is None:
            instance = self.describe(instance_id)
            if instance is None:
                self.fail(
                    f'instance_id {instance_id}: no such instance in region {self.checked_region()}',
                    error=local_error('NOT_FOUND', 'instance not found'),
                )
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
        def done(instance):
            if instance is None:
                self.fail(f'Instance {instance_id} disappeared while waiting for it {what}', status='NOT_FOUND')
            return instance['status'] == 'running'

        return self.wait_for(
            lambda: self.describe(instance_id), done, self.params['wait_timeout'], f'instance {instance_id} {what}'
        )


# How many times a write refused because the setting moved (another run added, changed or deleted what this run
# writes) is followed by a new read and plan before the refusal is reported.
CONVERGE_ROUNDS = 3


class SettingModule(InstanceModule):
    setting = None  # the result key, snake_case
    # True when a write moves the instance out of running (configuring, ...): the module then waits
    # for it to run again, as wait and wait_timeout say
    write_changes_status = False
    # True when a write replaces the whole setting (the API has no write of one part): the read, the write and
    # the read-back are then serialised per instance and setting on this machine, and the read-back is checked
    serialised = False

    def validate(self):
        raise NotImplementedError()

    def read(self, instance_id):
        """The current setting, normalised; raises JDCloudAPIError 404 when the instance does not exist."""
        raise NotImplementedError()

    def plan(self, current):
        """``(after, writes)``: the setting once changed, and the writes (for ``apply``) that make it so."""
        raise NotImplementedError()

    def apply(self, instance_id, write):
        """Make one write; raises the client's errors (the base words them with ``write_context``)."""
        raise NotImplementedError()

    def holds(self, current, write):
        """Whether the setting ``current`` (as ``read`` returns it) already holds what ``write`` makes: tells a
        write whose answer was lost that went through, and a refused write whose result is already there."""
        raise NotImplementedError()

    def write_context(self, instance_id, write):
        """The start of the message of a refused write."""
        return f'Could not change the {self.setting} of instance {instance_id}'

    def settled(self, instance_id, after):
        """The setting once the writes are made (not in check mode): ``after`` by default; a setting
        with parts only the API computes (the next backup window) reads it again."""
        return after

    def verify(self, instance_id, settled, written):
        """After the writes of a ``serialised`` setting: fail when ``settled`` (the read-back) lost a part this run
        asked for, ``written`` being the last write that went through."""

    def advise(self, after):
        """Warn about the setting as it ends up (once per run)."""

    def change_names(self, current, after, writes):
        """The names of what ``writes`` change, sorted, for the result's ``changes``: the keys that differ
        when the setting is a dict; a setting of another shape names its own parts (groups, ...)."""
        if not isinstance(current, dict) or not isinstance(after, dict):
            raise NotImplementedError()
        return sorted(key for key in set(current) | set(after) if current.get(key) != after.get(key))

    def diff(self, current, after):
        """The diff mode's ``before`` and ``after``: the whole setting, unless a subclass shows less."""
        return dict(before={self.setting: current}, after={self.setting: after})

    # -- the pattern ----------------------------------------------------------------

    def run(self):
        self._validate_common()
        self.validate()
        instance_id, instance = self.target()
        lock = self.setting_lock(instance_id) if self.serialised and not self.check_mode else None
        try:
            return self.converge(instance_id, instance)
        finally:
            if lock is not None:
                lock.release()

    def setting_lock(self, instance_id):
        """The lock of this setting of the instance on this machine, held until the run ends."""
        from ansible_collections.jdcloud.cloud.plugins.module_utils._lock import HostLock

        lock = HostLock(
            '\n'.join((self.client.endpoint, self.checked_region(), instance_id, self.setting)),
            self.params['wait_timeout'],
            self.module.warn,
            f'parallel changes of the {self.setting} of one instance',
        )
        if not lock.acquire():
            self.fail(
                f'Another run on this host has been changing the {self.setting} of instance {instance_id} for more '
                f'than {self.params["wait_timeout"]} seconds (lock file {lock.path}); nothing was changed',
                status='ABORTED',
            )
        return lock

    def converge(self, instance_id, instance):
        params = self.params
        current = self.read_or_fail(instance_id)
        after, writes = self.plan(current)
        if writes and not self.check_mode:
            instance = self.runnable(instance_id, instance)
            if instance is not None:  # it was busy: the setting may have moved while waiting
                current = self.read_or_fail(instance_id)
                after, writes = self.plan(current)
        before = current
        if self.check_mode:
            changes = self.change_names(current, after, writes) if writes else []
        else:
            written = None
            for attempt in range(CONVERGE_ROUNDS):
                try:
                    for write in writes:
                        self.write_one(instance_id, current, after, write, last=attempt == CONVERGE_ROUNDS - 1)
                        written = write
                    break
                except SettingMoved:
                    # A write refused because the setting moved (409 ALREADY_EXISTS, 404 NOT_FOUND): read it again
                    # and plan again. What another run already made so is then no write at all; the rest is
                    # written over the new state. The instance itself being gone fails in the read.
                    current = self.read_or_fail(instance_id)
                    after, writes = self.plan(current)
            if self.applied and self.write_changes_status and params['wait']:
                self.wait_running(instance_id, 'to run again after the change')
            if self.applied:
                after = self.settled(instance_id, after)
                if self.serialised:
                    self.verify(instance_id, after, written)
            # only what this run's own writes changed: never a part another writer changed meanwhile
            changes = sorted(self.applied)
        self.advise(after)
        result = {
            'changed': bool(changes),
            'instance_id': instance_id,
            self.setting: after,
            # what a caller (the redis_fleet role) reports per instance, without reading the diff
            'changes': changes,
        }
        if self.module._diff:
            result['diff'] = self.diff(before, after)
        return result

    def write_one(self, instance_id, current, after, write, last):
        """Make one write of the plan of ``current``; SettingMoved when the API refused it because the setting
        moved meanwhile (never on the ``last`` round: the refusal is then reported)."""
        try:
            self.write(
                lambda: self.apply(instance_id, write),
                lambda: True if self.holds(self.read(instance_id), write) else None,
                self.change_names(current, after, [write]),
            )
        except JDCloudAPIError as exc:
            if exc.code in (404, 409) and not last:
                raise SettingMoved() from exc
            self.fail_from(exc, self.write_context(instance_id, write))


class SettingMoved(Exception):
    """A write was refused because the setting is no longer as read (another run changed it)."""
