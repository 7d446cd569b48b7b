#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_disabled_commands
short_description: Manage the disabled Redis commands of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Disables Redis commands on an existing JCS for Redis instance, such as C(FLUSHALL), C(FLUSHDB), C(KEYS) or
    C(CONFIG), so that no client can run them; with O(purge), enables again the commands not listed.
  - Command names are compared case-insensitively and reported upper-case, as the API reports them.
  - Before any change, the commands to disable are checked against the commands the instance lets disable (the API's
    C(listDisableCommands), which depends on its Redis version); a command outside that list fails, naming it, the
    close names and the list, and nothing is changed.
  - Every change is one API call, which disables and enables at once. The module then reads the commands back and
    fails with C(error.status=ABORTED) when they do not read as written (another writer changed them meanwhile).
  - An unchanged run makes one API call with O(instance_id), two with O(instance_name); a run that disables a command
    reads the list of commands the instance lets disable too.
  - Changes are only made while the instance runs; the module first waits for a busy instance (O(wait), O(wait_timeout)).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.setting_module
options:
  commands:
    description:
      - The commands that must be disabled, in any case (V(flushall) is V(FLUSHALL)); a name given twice counts once.
      - Commands disabled on the instance but not listed stay disabled, unless O(purge) is set.
      - An empty list with O(purge=true) enables every command.
    type: list
    elements: str
    required: true
  purge:
    description:
      - Enable again every disabled command that O(commands) does not list.
    type: bool
    default: false
  wait:
    description:
      - Wait for an instance that is not running (being created or resized, for example) before changing its
        disabled commands. With V(false) the module fails instead.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the instance to run.
    type: int
    default: 1800
seealso:
  - module: jdcloud.cloud.jcs_redis_tls
  - module: jdcloud.cloud.jcs_redis_info
    description: O(jdcloud.cloud.jcs_redis_info#module:include=posture) reports the instances on which
      C(FLUSHALL), C(FLUSHDB), C(KEYS) or C(CONFIG) can still be run.
'''

EXAMPLES = r'''
- name: No client may flush the data, scan every key or change the configuration
  jdcloud.cloud.jcs_redis_disabled_commands:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    commands: [FLUSHALL, FLUSHDB, KEYS, CONFIG]

- name: Exactly these commands disabled, by instance name; the others enabled again
  jdcloud.cloud.jcs_redis_disabled_commands:
    region: cn-north-1
    instance_name: orders_cache
    commands: [flushall, flushdb]
    purge: true

- name: Enable every command again
  jdcloud.cloud.jcs_redis_disabled_commands:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    commands: []
    purge: true
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
disabled_commands:
  description:
    - The commands disabled on the instance after the change (in check mode, as they would be), upper-case and sorted;
      after a change, as read back from the API.
  returned: success
  type: list
  elements: str
  sample: [CONFIG, FLUSHALL, FLUSHDB, KEYS]
changes:
  description: The commands that are (in check mode, would be) disabled or enabled again, sorted; empty when nothing changes.
  returned: success
  type: list
  elements: str
  sample: [FLUSHALL, KEYS]
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._disabled_commands import DisabledCommands
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SettingModule


class JCSRedisDisabledCommands(SettingModule):
    component = DisabledCommands()


def main():
    JCSRedisDisabledCommands().execute()


if __name__ == '__main__':
    main()
