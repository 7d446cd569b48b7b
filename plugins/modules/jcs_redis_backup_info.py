#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_backup_info
short_description: List the backups of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Lists the backups of an existing JCS for Redis instance, automatic and manual, newest first, in the shape
    M(jdcloud.cloud.jcs_redis_backup) returns.
  - Every page is read, 100 backups a call, so 250 backups cost three calls (with O(instance_id)).
  - With O(download_urls=true), each successful backup listed comes with temporary links to its files.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.info_module
options:
  backup_id:
    description:
      - Only the backup with this ID.
    type: str
  name:
    description:
      - Only the backups with this name, compared exactly.
    type: str
  start_time:
    description:
      - Only the backups that started at or after this time.
      - An ISO 8601 time such as V(2024-05-01T08:00:00Z) or V(2024-05-01 16:00:00+08:00) (UTC when it has no offset),
        or a date such as V(2024-05-01) (its start, UTC).
      - In UTC, from V(0001-01-01T00:00:00Z) to V(9999-12-31T23:59:59Z), the range of the API's times; a time outside
        it is refused before any API call.
    type: str
  end_time:
    description:
      - Only the backups that started at or before this time, in the forms of O(start_time); a date alone means its
        last second.
    type: str
  download_urls:
    description:
      - Return with each successful backup listed the temporary links to download its files
        (RV(backups[].download_urls), from the API's C(describeDownloadUrl)), one per shard file. Costs one more API
        call per successful backup listed, so narrow the listing with O(backup_id) or O(name).
      - B(Each link gives access to the data of the instance) to whoever has it, without credentials, for one hour
        from the call; after that it is refused and the module must be run again. The links are in the result only;
        they are never shown in a failure's message or result. Anything that prints or keeps the result (C(-v),
        a callback, a C(debug) task, a file) shows them, so set C(no_log) on the task (and on the task that downloads)
        and keep the registered variable out of logs and artifacts.
    type: bool
    default: false
    version_added: 1.1.0
seealso:
  - module: jdcloud.cloud.jcs_redis_backup
  - module: jdcloud.cloud.jcs_redis_backup_policy
'''

EXAMPLES = r'''
- name: The backups of May 2024
  jdcloud.cloud.jcs_redis_backup_info:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    start_time: "2024-05-01"
    end_time: "2024-05-31"
  register: may

- name: The newest successful backup
  ansible.builtin.set_fact:
    newest: "{{ may.backups | selectattr('status', 'equalto', 'success') | first }}"

- name: Links to the files of one backup, valid one hour; no_log keeps them out of the output
  jdcloud.cloud.jcs_redis_backup_info:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    backup_id: "{{ newest.id }}"
    download_urls: true
  register: links
  no_log: true

- name: Download each file of the backup within the hour
  ansible.builtin.get_url:
    url: "{{ item.link }}"
    dest: "/var/backups/redis/{{ item.name }}"
    mode: '0600'
  loop: "{{ links.backups[0].download_urls }}"
  no_log: true
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
backups:
  description: The backups of the instance that match, newest first.
  returned: success
  type: list
  elements: dict
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
    download_urls:
      description:
        - Temporary links to the files of the backup, one per shard file, valid one hour from the call; empty for a
          backup that did not succeed (it has no files).
        - Each link gives access to the data without credentials; keep it out of logs (see O(download_urls)).
      returned: when O(download_urls=true)
      type: list
      elements: dict
      version_added: 1.1.0
      contains:
        name:
          description: Name of the file.
          type: str
          sample: before_resize_2024_05_shard00.rdb
        link:
          description: HTTPS link to the file, valid one hour.
          type: str
          sample: https://redis-backup.s3.cn-north-1.jdcloud-oss.com/redis-m0vcg462xe31/a607efba/shard00.rdb?Expires=1714554072&Signature=...
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils import _backup as bk
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import InstanceModule


class JCSRedisBackupInfo(InstanceModule):
    argument_spec = dict(
        instance_id=dict(type='str'),
        instance_name=dict(type='str'),
        backup_id=dict(type='str'),
        name=dict(type='str'),
        start_time=dict(type='str'),
        end_time=dict(type='str'),
        download_urls=dict(type='bool', default=False),
    )
    module_kwargs = dict(
        supports_check_mode=True,
        required_one_of=[('instance_id', 'instance_name')],
        mutually_exclusive=[('instance_id', 'instance_name')],
    )

    def validate(self):
        params = self.params
        if params['backup_id'] is not None and bk.backup_id_problem(params['backup_id']):
            self.fail(
                'backup_id {}, got {}'.format(bk.backup_id_problem(params['backup_id']), shown(params['backup_id'])),
                status='INVALID_ARGUMENT',
            )
        if params['name'] is not None and bk.name_problem(params['name']):
            self.fail(f'name {bk.name_problem(params["name"])}, got {shown(params["name"])}', status='INVALID_ARGUMENT')
        self.times = times = {}
        for option in ('start_time', 'end_time'):
            if params[option] is not None:
                try:
                    times[option] = bk.parse_time(params[option], end_of_day=option == 'end_time')
                except ValueError as exc:
                    self.fail(f'{option} {exc}, got {shown(params[option])}', status='INVALID_ARGUMENT')
        if len(times) == 2 and times['start_time'] > times['end_time']:
            self.fail('start_time {start_time} is after end_time {end_time}'.format(**times), status='INVALID_ARGUMENT')

    def act(self, instance_id, instance):
        params, times = self.params, self.times
        try:
            backups = self.api.backups(
                instance_id,
                start_time=times.get('start_time'),
                end_time=times.get('end_time'),
                backup_id=params['backup_id'],
            )
        except JDCloudAPIError as exc:
            if exc.code != 404:
                raise
            raise self.api.no_such_instance(instance_id, exc) from None
        if params['name'] is not None:
            backups = [b for b in backups if b['name'] == params['name']]
        if params['download_urls']:
            for backup in backups:
                backup['download_urls'] = self.links(instance_id, backup)
        return dict(changed=False, instance_id=instance_id, backups=backups)

    def links(self, instance_id, backup):
        """The links to the files of a successful backup (none for another: it has no files), kept out of any
        failure."""
        if backup['status'] != 'success':
            return []
        try:
            links = self.api.download_urls(instance_id, backup['id'])
        except JDCloudAPIError as exc:
            if exc.code != 404:
                raise
            self.no_such_instance(instance_id, exc)
        self.sensitive.update(link['link'] for link in links if link['link'])
        return links


def main():
    JCSRedisBackupInfo().execute()


if __name__ == '__main__':
    main()
