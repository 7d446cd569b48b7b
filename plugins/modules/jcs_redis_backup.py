#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_backup
short_description: Take a backup of a JD Cloud JCS for Redis instance, or restore one
version_added: 1.1.0
description:
  - Takes a manual backup of an existing JCS for Redis instance (O(state=present)), or restores the instance from one
    of its backups (O(state=restored)).
  - O(state=present) is idempotent by O(name) per instance, so a play can take "the backup before the resize" once
    however often it runs. When the instance has a backup with that name that is running or succeeded, nothing is
    created; a failed one does not count. Backup names need not be unique on JD Cloud, so after an answer lost on the
    network the module looks the name up again before it creates anything.
  - O(state=restored) overwrites the data of the instance with the backup's. It is never implied by another state, and
    every run with it restores again (like a reboot, it always reports a change), so guard it with a condition. The
    backup must belong to the instance and have succeeded. Check mode reports which backup would be restored (its ID,
    time and size) and changes nothing.
  - JD Cloud has no operation that deletes a backup (backups expire on its own schedule), so there is no
    O(state=absent).
  - Automatic backups are set with M(jdcloud.cloud.jcs_redis_backup_policy); M(jdcloud.cloud.jcs_redis_backup_info)
    lists the backups of an instance.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.action_module
options:
  name:
    description:
      - Name of the backup, 1 to 32 letters, digits or underscores (the API's rule for backup file names).
      - Required with O(state=present).
      - With O(state=restored), the backup to restore when O(backup_id) is not given. The module fails when more than
        one successful backup of the instance has this name, listing them; use O(backup_id) then.
    type: str
  backup_id:
    description:
      - ID of the backup to restore, as O(state=present) and M(jdcloud.cloud.jcs_redis_backup_info) return it.
      - Only with O(state=restored); exactly one of O(backup_id) and O(name) is required then.
    type: str
  state:
    description:
      - V(present) makes sure the instance has a backup named O(name), taking one when it has none.
      - V(restored) restores the instance from the backup O(backup_id) or O(name).
    type: str
    choices: [present, restored]
    default: present
  wait:
    description:
      - With O(state=present), wait until the backup succeeds; a backup that fails fails the task with its ID.
      - With O(state=restored), wait until the instance runs again after the restore.
      - In both cases, wait for a busy instance to run before acting; with V(false) the module fails instead.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, for the instance to run and for the backup or the restore to end.
    type: int
    default: 1800
seealso:
  - module: jdcloud.cloud.jcs_redis_backup_policy
  - module: jdcloud.cloud.jcs_redis_backup_info
'''

EXAMPLES = r'''
- name: A backup before the resize, taken once
  jdcloud.cloud.jcs_redis_backup:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    name: before_resize_2024_05
  register: backup

- name: Restore it, only when asked to
  jdcloud.cloud.jcs_redis_backup:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    state: restored
    backup_id: "{{ backup.backup.id }}"
  when: rollback | default(false) | bool
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
backup:
  description:
    - The backup taken, found or restored from, in the shape M(jdcloud.cloud.jcs_redis_backup_info) returns.
    - In check mode with O(state=present), when a backup would be taken, only RV(backup.name) and
      RV(backup.instance_id) are known; the other keys are null.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the backup (the API's C(baseId)).
      type: str
      sample: a607efba-ff06-4d78-ba3c-b3119fce27fd
    name:
      description: Name of the backup (the API's C(backupFileName)).
      type: str
      sample: before_resize_2024_05
    instance_id:
      description: ID of the instance the backup belongs to.
      type: str
      sample: redis-m0vcg462xe31
    status:
      description: V(running), V(success) or V(failed).
      type: str
      sample: success
    type:
      description: V(manual) or V(automatic).
      type: str
      sample: manual
    start_time:
      description: When the backup started, ISO 8601 UTC.
      type: str
      sample: "2024-05-01T08:00:00Z"
    end_time:
      description: When the backup ended, ISO 8601 UTC; null while it runs.
      type: str
      sample: "2024-05-01T08:01:12Z"
    size_bytes:
      description: Size of the backup in bytes, over all shards.
      type: int
      sample: 7340032
    shard_memory_mb:
      description: Memory of a shard when the backup was taken, in MB.
      type: int
      sample: 1024
    shard_count:
      description: Number of shards backed up.
      type: int
      sample: 1
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils import _backup as bk
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SETTING_ARGUMENT_SPEC, InstanceModule

KEPT = ('running', 'success')  # a backup by that name in one of these statuses means "present"


class JCSRedisBackup(InstanceModule):
    argument_spec = dict(
        SETTING_ARGUMENT_SPEC,
        name=dict(type='str'),
        backup_id=dict(type='str'),
        state=dict(type='str', choices=['present', 'restored'], default='present'),
    )
    module_kwargs = dict(
        supports_check_mode=True,
        required_one_of=[('instance_id', 'instance_name')],
        mutually_exclusive=[('instance_id', 'instance_name'), ('name', 'backup_id')],
        required_if=[('state', 'present', ('name',)), ('state', 'restored', ('name', 'backup_id'), True)],
    )

    def validate(self):
        params = self.params
        if params['name'] is not None:
            problem = bk.name_problem(params['name'])
            if problem:
                self.fail(f'name {problem}, got {shown(params["name"])}', status='INVALID_ARGUMENT')
        if params['backup_id'] is not None:
            if params['state'] != 'restored':
                self.fail('backup_id only applies with state=restored', status='INVALID_ARGUMENT')
            problem = bk.backup_id_problem(params['backup_id'])
            if problem:
                self.fail(f'backup_id {problem}, got {shown(params["backup_id"])}', status='INVALID_ARGUMENT')

    def act(self, instance_id, instance):
        if self.params['state'] == 'present':
            return self.present(instance_id, instance)
        return self.restored(instance_id, instance)

    # -- reading --------------------------------------------------------------------------

    def backups(self, instance_id):
        try:
            return self.api.backups(instance_id)
        except JDCloudAPIError as exc:
            if exc.code != 404:
                raise
            raise self.api.no_such_instance(instance_id, exc) from None

    def named(self, instance_id, statuses):
        """The backups of the instance named ``name`` in one of ``statuses``, newest first."""
        name = self.params['name']
        return [b for b in self.backups(instance_id) if b['name'] == name and b['status'] in statuses]

    def get(self, instance_id, backup_id):
        return self.api.backup(instance_id, backup_id)

    # -- state: present -----------------------------------------------------------------------

    def present(self, instance_id, instance):
        name = self.params['name']
        named = self.named(instance_id, KEPT + ('failed',))
        existing = [b for b in named if b['status'] in KEPT]
        if existing:
            backup = existing[0]
            if backup['status'] == 'running' and self.params['wait'] and not self.check_mode:
                backup = self.wait_backup(instance_id, backup)
            return dict(changed=False, instance_id=instance_id, backup=backup)
        if self.check_mode:
            backup = dict.fromkeys(('id', 'status', 'type', 'start_time', 'end_time', 'size_bytes'))
            backup.update(name=name, instance_id=instance_id, type='manual', shard_memory_mb=None, shard_count=None)
            return dict(changed=True, instance_id=instance_id, backup=backup)
        self.runnable(instance_id, instance, 'taking a backup')
        before = {b['id'] for b in named}

        def created():
            """The backup a lost answer made, if it made one: a new one with the name."""
            return next((b for b in self.named(instance_id, KEPT + ('failed',)) if b['id'] not in before), None)

        try:
            backup_id, evidence = self.write(lambda: self.api.create_backup(instance_id, name), created, ['backup'])
        except JDCloudAPIError as exc:
            self.fail_from(exc, f'Could not take backup {name!r} of instance {instance_id}')
        backup = evidence or self.get(instance_id, backup_id) or dict(id=backup_id, name=name, status='running')
        if self.params['wait']:
            backup = self.wait_backup(instance_id, backup)
        return dict(changed=True, instance_id=instance_id, backup=backup)

    def wait_backup(self, instance_id, backup):
        backup_id = backup['id']

        def fetch():
            return self.get(instance_id, backup_id)

        def done(current):
            if current is None:
                self.fail(bk.vanished(backup_id, instance_id), status='NOT_FOUND')
            if current['status'] == 'failed':
                message = f'Backup {backup_id} ({current["name"]!r}) of instance {instance_id} failed'
                self.fail(message, error=local_error('BACKUP_FAILED', message), backup=current)
            return current['status'] == 'success'

        if done(backup):
            return backup
        return self.wait_for(
            fetch,
            done,
            self.params['wait_timeout'],
            f'backup {backup_id} of instance {instance_id} to succeed',
            key='backup',
        )

    # -- state: restored ------------------------------------------------------------------------

    def restored(self, instance_id, instance):
        backup = self.restorable(instance_id)
        result = dict(changed=True, instance_id=instance_id, backup=backup)
        if self.check_mode:
            return result
        self.runnable(instance_id, instance, 'restoring it')

        def restoring():
            # a restore whose answer was lost shows as the instance restoring
            current = self.api.describe(instance_id)
            return True if current is not None and current['status'] == 'restoring' else None

        try:
            self.write(lambda: self.api.restore(instance_id, backup['id']), restoring, ['restore'])
        except JDCloudAPIError as exc:
            self.fail_from(exc, f'Could not restore instance {instance_id} from backup {backup["id"]}')
        if self.params['wait']:
            self.wait_running(instance_id, f'to run again after the restore from backup {backup["id"]}')
        return result

    def restorable(self, instance_id):
        """The backup to restore, refused unless it is a successful backup of this instance."""
        params = self.params
        if params['backup_id']:
            try:
                backup = self.get(instance_id, params['backup_id'])
            except JDCloudAPIError as exc:
                if exc.code != 404:
                    raise
                backup = None
            if backup is None and self.api.describe(instance_id) is None:
                raise self.api.no_such_instance(instance_id)
            if backup is None or backup['instance_id'] not in (None, instance_id):
                message = (
                    f'backup_id {params["backup_id"]} is not a backup of instance {instance_id}; '
                    'an instance can only be restored from its own backups'
                )
                self.fail(message, error=local_error('NOT_FOUND', message))
        else:
            candidates = self.named(instance_id, ('running', 'success', 'failed'))
            successful = [b for b in candidates if b['status'] == 'success']
            if len(successful) > 1:
                message = '{} successful backups of instance {} are named {!r}; set backup_id to choose one: {}'.format(
                    len(successful),
                    instance_id,
                    params['name'],
                    ', '.join('{id} ({start_time})'.format(**b) for b in successful),
                )
                self.fail(message, candidates=successful, error=local_error('AMBIGUOUS_NAME', message))
            if not successful and not candidates:
                message = f'name {shown(params["name"])}: instance {instance_id} has no backup with this name'
                self.fail(message, error=local_error('NOT_FOUND', message))
            backup = successful[0] if successful else candidates[0]
        if backup['status'] != 'success':
            message = (
                f'Backup {backup["id"]} ({backup["name"]!r}) of instance {instance_id} is {backup["status"]}; '
                'only a backup that succeeded can be restored'
            )
            self.fail(message, error=local_error('FAILED_PRECONDITION', message), backup=backup)
        return backup


def main():
    JCSRedisBackup().execute()


if __name__ == '__main__':
    main()
