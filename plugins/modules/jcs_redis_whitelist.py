#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_whitelist
short_description: Manage who may connect to a JD Cloud JCS for Redis instance (white-list groups)
version_added: 1.1.0
description:
  - Manages the white-list groups of an existing JCS for Redis instance. A client may connect when its address is in
    any group of the instance.
  - Every instance has a group named V(default) that cannot be deleted. On a new instance it holds V(0.0.0.0/0), so
    the instance accepts every address of its network, and adding groups narrows nothing until V(default) is narrowed
    too, by listing it in O(groups) with the addresses it should hold.
  - Addresses are compared as sets of networks, so V(10.0.0.1/16) and V(10.0.0.0/16), their order, duplicates and
    spaces never cause a change. Only the groups that differ are written, one API call each.
  - The module warns when a group of the instance admits every address (V(0.0.0.0/0)), and when an entry of
    O(groups[].ips) has host bits set (V(10.0.1.5/24)), naming the entry and the whole block it stands for
    (V(10.0.1.0/24)), which is what the instance admits and what the diff shows.
  - An unchanged run makes one API call with O(instance_id), two with O(instance_name).
  - Changes are only made while the instance runs; the module first waits for a busy instance (O(wait), O(wait_timeout)).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.setting_module
options:
  groups:
    description:
      - The white-list groups to manage. Groups of the instance that are not listed are left alone, unless O(purge)
        is set.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Name of the group, 1 to 32 letters, digits, underscores or hyphens, starting with a letter.
          - V(default) is the group every instance has.
        type: str
        required: true
      ips:
        description:
          - IPv4 addresses and CIDR blocks of the group, for example V(10.0.0.0/16) or V(192.168.0.10).
          - Required with O(state=present), and must hold at least one address. Ignored with O(state=absent).
          - An entry may also hold several addresses separated by commas.
          - A block with host bits set stands for the whole block (V(10.0.1.5/24) is V(10.0.1.0/24)); the module
            warns about it.
        type: list
        elements: str
  purge:
    description:
      - With O(state=present), also delete the groups of the instance that O(groups) does not list.
      - The V(default) group is never deleted.
    type: bool
    default: false
  state:
    description:
      - V(present) makes every group in O(groups) exist with exactly its addresses.
      - V(absent) deletes the groups in O(groups) (by name) that exist. The V(default) group cannot be deleted.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait for an instance that is not running (being created or resized, for example) before changing its
        white list. With V(false) the module fails instead.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the instance to run.
    type: int
    default: 1800
seealso:
  - module: jdcloud.cloud.jcs_redis_instance
  - module: jdcloud.cloud.jcs_redis_info
'''

EXAMPLES = r'''
- name: Only the application subnet and the bastion may connect
  jdcloud.cloud.jcs_redis_whitelist:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    groups:
      - name: default
        ips: [10.0.1.0/24]
      - name: bastion
        ips: [10.0.9.10]

- name: Exactly these groups, by instance name; groups added in the console are deleted
  jdcloud.cloud.jcs_redis_whitelist:
    region: cn-north-1
    instance_name: orders_cache
    purge: true
    groups:
      - name: default
        ips: [10.0.1.0/24, 10.0.2.0/24]
      - name: reporting
        ips: [172.16.4.0/22]

- name: Remove a group
  jdcloud.cloud.jcs_redis_whitelist:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    state: absent
    groups:
      - name: bastion
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
changes:
  description:
    - Names of the groups that are (in check mode, would be) added, changed or deleted, sorted; empty when nothing
      changes.
  returned: success
  type: list
  elements: str
  sample: [bastion, default]
whitelist:
  description:
    - Every white-list group of the instance after the change (in check mode, as it would be), in the API's order.
    - The addresses are normalised and sorted; a single address is written without V(/32).
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the group.
      type: str
      sample: default
    ips:
      description: IPv4 addresses and CIDR blocks of the group.
      type: list
      elements: str
      sample: [10.0.1.0/24, 10.0.9.10]
  sample:
    - name: default
      ips: [10.0.1.0/24]
    - name: bastion
      ips: [10.0.9.10]
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SettingModule
from ansible_collections.jdcloud.cloud.plugins.module_utils._whitelist import Whitelist


class JCSRedisWhitelist(SettingModule):
    component = Whitelist()


def main():
    JCSRedisWhitelist().execute()


if __name__ == '__main__':
    main()
