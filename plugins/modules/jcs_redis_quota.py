#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_quota
short_description: Read the JD Cloud JCS for Redis instance quota of a region
version_added: 1.0.0
description:
  - Returns how many JCS for Redis instances the account may have in a region, how many it has, and how many more it
    can create.
  - With O(min_available), fails when fewer instances can be created, so that a play stops before a batch of creates
    rather than halfway through it.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.info_module
options:
  min_available:
    description:
      - Fail unless at least this many more instances can be created in the region.
      - The failure has RV(ignore:error.status) C(QUOTA_INSUFFICIENT) and still returns RV(quota).
      - Must be zero or more.
    type: int
notes:
  - The quota counts instances, whatever their size. Instances being created or deleted count as used.
  - The quota is read at one moment; other creates made at the same time by other plays or users can still use it up.
'''

EXAMPLES = r'''
- name: Read the Redis quota of a region
  jdcloud.cloud.jcs_redis_quota:
    region: cn-north-1
  register: redis_quota

- name: Stop before creating the cache instances of every shop if the quota is too small
  jdcloud.cloud.jcs_redis_quota:
    region: cn-north-1
    min_available: "{{ shops | length }}"

- name: The same check, with the connection options set once for the collection
  module_defaults:
    group/jdcloud.cloud.jcs:
      access_key: "{{ jdcloud_access_key }}"
      secret_key: "{{ jdcloud_secret_key }}"
      region: cn-east-2
  block:
    - name: Make sure three more instances fit
      jdcloud.cloud.jcs_redis_quota:
        min_available: 3
'''

RETURN = r'''
quota:
  description: The Redis instance quota of the region. Also returned when O(min_available) is not met.
  returned: always when the quota could be read
  type: dict
  contains:
    name:
      description: Name of the quota item, as the API reports it.
      type: str
      sample: 缓存Redis
    max:
      description: How many instances the account may have in the region.
      type: int
      sample: 20
    used:
      description: How many instances the account has in the region.
      type: int
      sample: 3
    available:
      description: How many more instances can be created, RV(quota.max) minus RV(quota.used), never below zero.
      type: int
      sample: 17
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import quota_to_result
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, local_error


class JCSRedisQuota(JCSModule):
    argument_spec = dict(
        min_available=dict(type='int'),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        wanted = self.params['min_available']
        if wanted is not None and wanted < 0:
            self.fail(f'min_available must be zero or more, got {wanted}', status='INVALID_ARGUMENT')
        quota = self.api.quota() or quota_to_result({})
        if wanted is not None and quota['available'] < wanted:
            message = (
                'only {} more Redis instances can be created in {} (used {} of {}), fewer than min_available {}'.format(
                    quota['available'], self.api.region, quota['used'], quota['max'], wanted
                )
            )
            self.fail(
                'Redis quota too small: ' + message, error=local_error('QUOTA_INSUFFICIENT', message), quota=quota
            )
        return dict(changed=False, quota=quota)


def main():
    JCSRedisQuota().execute()


if __name__ == '__main__':
    main()
