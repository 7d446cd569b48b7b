#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_instance_class_info
short_description: List the JD Cloud JCS for Redis instance classes of a region
version_added: 1.0.0
description:
  - Lists the instance classes (sizes) JCS for Redis offers in a region for one Redis engine version, with their memory,
    CPU, disk, connection and bandwidth figures.
  - Use RV(instance_classes[].instance_class) as O(jdcloud.cloud.jcs_redis_instance#module:instance_class).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.info_module
options:
  redis_version:
    description:
      - Redis engine version whose classes are listed, for example V(4.0). V(4), V(4.0) and V(4.0.14) all mean V(4.0).
      - When not set, no version is sent and the API lists the classes of its own default version
        (V(2.8) according to the API documentation).
      - Classes of 2.8 and of later versions have different codes.
    type: str
  instance_type:
    description:
      - Only list the classes of this architecture.
    type: str
    choices: [master-slave, cluster]
notes:
  - Custom-shard cluster classes (C(redis.s.*)) are not part of this listing in the API.
'''

EXAMPLES = r'''
- name: List the Redis 4.0 classes of a region
  jdcloud.cloud.jcs_redis_instance_class_info:
    region: cn-north-1
    redis_version: '4.0'
  register: classes

- name: Pick the smallest master-slave class with at least 4 GB
  vars:
    wanted_mb: 4096
  block:
    - name: List the master-slave classes
      jdcloud.cloud.jcs_redis_instance_class_info:
        region: cn-north-1
        redis_version: '4.0'
        instance_type: master-slave
      register: ms_classes

    - name: Show the class
      ansible.builtin.debug:
        msg: "{{ (ms_classes.instance_classes | selectattr('memory_mb', '>=', wanted_mb) | sort(attribute='memory_mb') | first).instance_class }}"

- name: Use the collection-wide connection options
  module_defaults:
    group/jdcloud.cloud.jcs:
      region: cn-south-1
  jdcloud.cloud.jcs_redis_instance_class_info:
    redis_version: '5.0'
    instance_type: cluster
'''

RETURN = r'''
redis_version:
  description:
    - The Redis engine version whose classes were requested, normalised (V(4) becomes V(4.0)).
    - V(null) when O(redis_version) was not set; the API then listed the classes of its default version.
  returned: success
  type: str
  sample: '4.0'
instance_classes:
  description: The instance classes, in the order of the API.
  returned: success
  type: list
  elements: dict
  contains:
    instance_class:
      description: Class code, the value of O(jdcloud.cloud.jcs_redis_instance#module:instance_class).
      type: str
      sample: redis.m.micro.basic
    instance_type:
      description: Architecture of the class, V(master-slave) or V(cluster).
      type: str
      sample: master-slave
    cpu:
      description: Number of CPU cores.
      type: int
      sample: 1
    memory_mb:
      description: Memory in MB.
      type: int
      sample: 1024
    disk_gb:
      description: Disk in GB.
      type: int
      sample: 20
    max_connection:
      description: Maximum number of client connections.
      type: int
      sample: 10000
    bandwidth_mbps:
      description: Internal network bandwidth in MB per second.
      type: int
      sample: 48
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import instance_class_to_result, normalize_version


class JCSRedisInstanceClassInfo(JCSModule):
    argument_spec = dict(
        redis_version=dict(type='str'),
        instance_type=dict(type='str', choices=['master-slave', 'cluster']),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        params = self.params
        version = None
        if params['redis_version'] is not None:
            version = normalize_version(params['redis_version'])
            if version is None:
                self.fail(
                    'redis_version must be a version such as 4.0, got {}'.format(shown(params['redis_version'])),
                    status='INVALID_ARGUMENT',
                )
        classes = [instance_class_to_result(api) for api in self.instance_classes(version)]
        if params['instance_type']:
            classes = [c for c in classes if c['instance_type'] == params['instance_type']]
        return dict(changed=False, redis_version=version, instance_classes=classes)


def main():
    JCSRedisInstanceClassInfo().execute()


if __name__ == '__main__':
    main()
