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


class SettingModule(InstanceModule):
    setting = None  # the result key, snake_case
    # True when a write moves the instance out of running (configuring, ...): the module then waits
    # for it to run again, as wait and wait_timeout say
    write_changes_status = False

    def validate(self):
        raise NotImplementedError()

    def read(self, instance_id):
        """The current setting, normalised; raises JDCloudAPIError 404 when the instance does not exist."""
        raise NotImplementedError()

    def plan(self, current):
        """``(after, writes)``: the setting once changed, and the writes (for ``apply``) that make it so."""
        raise NotImplementedError()

    def apply(self, instance_id, write):
        raise NotImplementedError()

    def settled(self, instance_id, after):
        """The setting once the writes are made (not in check mode): ``after`` by default; a setting
        with parts only the API computes (the next backup window) reads it again."""
        return after

    def advise(self, after):
        """Warn about the setting as it ends up (once per run)."""

    def change_names(self, current, after, writes):
        """The names of what changes, sorted, for the result's ``changes``: the keys that differ when
        the setting is a dict; a setting of another shape names its own parts (groups, ...)."""
        if not isinstance(current, dict) or not isinstance(after, dict):
            raise NotImplementedError()
        return sorted(key for key in set(current) | set(after) if current.get(key) != after.get(key))

    def diff(self, current, after):
        """The diff mode's ``before`` and ``after``: the whole setting, unless a subclass shows less."""
        return dict(before={self.setting: current}, after={self.setting: after})

    # -- the pattern ----------------------------------------------------------------

    def run(self):
        params = self.params
        self._validate_common()
        self.validate()
        instance_id, instance = self.target()
        current = self.read_or_fail(instance_id)
        after, writes = self.plan(current)
        if writes and not self.check_mode:
            instance = self.runnable(instance_id, instance)
            if instance is not None:  # it was busy: the setting may have moved while waiting
                current = self.read_or_fail(instance_id)
                after, writes = self.plan(current)
            for write in writes:
                self.apply(instance_id, write)
            if writes and self.write_changes_status and params['wait']:
                self.wait_running(instance_id, 'to run again after the change')
            if writes:
                after = self.settled(instance_id, after)
        self.advise(after)
        result = {
            'changed': bool(writes),
            'instance_id': instance_id,
            self.setting: after,
            # what a caller (the redis_fleet role) reports per instance, without reading the diff
            'changes': self.change_names(current, after, writes) if writes else [],
        }
        if self.module._diff:
            result['diff'] = self.diff(current, after)
        return result
