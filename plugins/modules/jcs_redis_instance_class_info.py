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
  - With O(redis_version), the listing also has the custom-shard cluster classes (C(redis.s.*), Redis 4.0 and
    later), which C(describeInstanceClass) leaves out. Such a class is the size of one shard, and
    RV(instance_classes[].shard_numbers) are the shard counts the region sells it with.
  - Every class has the shard counts and the replica counts the region sells it with, from
    C(describeAvailableResource) (one more API call).
  - Use RV(instance_classes[].instance_class) as O(jdcloud.cloud.jcs_redis_instance#module:instance_class), and
    one of RV(instance_classes[].shard_numbers) and RV(instance_classes[].replica_numbers) as
    O(jdcloud.cloud.jcs_redis_instance#module:shard_number) and O(jdcloud.cloud.jcs_redis_instance#module:replica_number).
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
  - Without O(redis_version) the listing has no custom-shard classes, whose sale depends on the version; the API's
    default version, V(2.8), has none.
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

- name: The custom-shard classes of Redis 5.0 and the shard counts each is sold with
  jdcloud.cloud.jcs_redis_instance_class_info:
    region: cn-north-1
    redis_version: '5.0'
    instance_type: cluster
  register: cluster_classes

- name: Show them
  ansible.builtin.debug:
    msg: "{{ cluster_classes.instance_classes | selectattr('custom_shards') | items2dict('instance_class', 'shard_numbers') }}"

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
    custom_shards:
      description:
        - Whether this is a custom-shard cluster class (C(redis.s.*)), sold with several shard counts. Its
          RV(instance_classes[].cpu), RV(instance_classes[].memory_mb), RV(instance_classes[].disk_gb),
          RV(instance_classes[].max_connection) and RV(instance_classes[].bandwidth_mbps) are those of one shard;
          an instance of the class has them times its shard count.
      type: bool
      sample: false
      version_added: 1.1.0
    shard_numbers:
      description:
        - The shard counts the region sells the class with for the version, in increasing order; one count for a
          class with a fixed count (V([1]) for master-slave classes).
        - V(null) when the region does not sell the class according to C(describeAvailableResource).
      type: list
      elements: int
      sample: [2, 4, 8, 16, 32, 64, 128]
      version_added: 1.1.0
    replica_numbers:
      description:
        - The replica counts (the primary included) the region sells for the architecture of the class, in
          increasing order.
        - V(null) when the region does not sell the class, or does not say.
      type: list
      elements: int
      sample: [2, 3]
      version_added: 1.1.0
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import instance_class_to_result
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import normalize_version
from ansible_collections.jdcloud.cloud.plugins.module_utils._shards import sold_layouts


def sold_counts(layout):
    if layout is None:
        return dict(shard_numbers=None, replica_numbers=None)
    low, high = layout.replicas
    return dict(
        shard_numbers=sorted(layout.shards),
        replica_numbers=list(range(low, high + 1)) if low is not None and high is not None else None,
    )


def custom_class(layout):
    """A custom-shard class as describeAvailableResource sells it, with the figures of one shard."""
    shards, memory = min(layout.shards.items())
    entry = instance_class_to_result(
        dict(
            layout.detail,
            instanceClass=layout.instance_class,
            instanceType=layout.instance_type,
            memoryMB=memory // shards if memory else None,
        )
    )
    entry.update(custom_shards=True, **sold_counts(layout))
    return entry


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
        classes = [instance_class_to_result(api) for api in self.api.offered_classes(version)]
        layouts = sold_layouts(self.api.available_resources(), version)
        for entry in classes:
            entry.update(sold_counts(layouts.get(entry['instance_class'])), custom_shards=False)
        if version is not None:
            # describeInstanceClass leaves out the custom-shard classes; what else the region sells is one
            listed = {entry['instance_class'] for entry in classes}
            classes.extend(custom_class(layout) for code, layout in layouts.items() if code not in listed)
        if params['instance_type']:
            classes = [c for c in classes if c['instance_type'] == params['instance_type']]
        return dict(changed=False, redis_version=version, instance_classes=classes)


def main():
    JCSRedisInstanceClassInfo().execute()


if __name__ == '__main__':
    main()
