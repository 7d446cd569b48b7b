#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_account
short_description: Manage the accounts (Redis users) of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Manages the accounts of an existing JCS for Redis instance, the Redis users clients log in with, each with its
    password and a privilege (read-only or read-write).
  - Every instance has an account named V(default), whose password is the instance's password
    (O(jdcloud.cloud.jcs_redis_instance#module:password)). It is never created, changed or deleted by this module,
    and cannot be listed in O(accounts).
  - Only Redis versions with ACL users have accounts; on another version the module fails before any write, naming
    the version.
  - Passwords cannot be read back from the API. A password is written when its account is created, and on every
    run with O(update_password=always). Each password written is first checked against the API's own password
    policy (also in check mode), and is never shown in the result, the diff (which says V(set) or V(changed)) or a
    message.
  - Several accounts changed at once are changed in one API call; each account created or deleted is one call.
    After the writes the accounts are read again, and the module fails (C(error.status=ABORTED)) when the API
    accepted the writes but the accounts or their privileges are not as asked.
  - An unchanged run makes one API call with O(instance_id), two with O(instance_name).
  - Changes are only made while the instance runs; the module first waits for a busy instance (O(wait), O(wait_timeout)).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.setting_module
options:
  accounts:
    description:
      - The accounts to manage. Accounts of the instance that are not listed are left alone, unless O(purge) is set.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Name of the account, 2 to 16 lower-case letters, digits or underscores, starting with a letter.
          - V(default) is the instance's own account and cannot be listed.
        type: str
        required: true
      password:
        description:
          - Password of the account, as the API's password policy allows (checked with the API before any write).
          - Required to create an account. For an existing account it is only written with O(update_password=always).
          - Ignored with O(state=absent).
        type: str
      privilege:
        description:
          - V(read_only) or V(read_write).
          - When omitted, an existing account keeps its privilege and a new one is V(read_write).
          - Ignored with O(state=absent).
        type: str
        choices: [read_only, read_write]
      description:
        description:
          - Description of the account, at most 128 characters.
          - When omitted, an existing account keeps its description and a new one has none.
          - Ignored with O(state=absent).
        type: str
  purge:
    description:
      - With O(state=present), also delete the accounts of the instance that O(accounts) does not list.
      - The V(default) account is never deleted.
    type: bool
    default: false
  update_password:
    description:
      - V(on_create) writes a password only when its account is created, so an unchanged run stays unchanged.
      - V(always) also writes the password of every listed existing account that has one, on every run (the API
        cannot tell whether it is already that password), which reports a change every time.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(present) makes every account in O(accounts) exist, with its privilege and description when given.
      - V(absent) deletes the accounts in O(accounts) (by name) that exist.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - Wait for an instance that is not running (being created or resized, for example) before changing its
        accounts. With V(false) the module fails instead.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the instance to run.
    type: int
    default: 1800
notes:
  - The password of the V(default) account is managed with M(jdcloud.cloud.jcs_redis_instance).
seealso:
  - module: jdcloud.cloud.jcs_redis_instance
  - module: jdcloud.cloud.jcs_redis_info
'''

EXAMPLES = r'''
- name: A read-only account for reporting and a read-write one for the application
  jdcloud.cloud.jcs_redis_account:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    accounts:
      - name: reporting
        password: "{{ reporting_password }}"
        privilege: read_only
        description: BI dashboards
      - name: orders_app
        password: "{{ orders_password }}"
        privilege: read_write

- name: Exactly these accounts, by instance name; accounts added in the console are deleted (default stays)
  jdcloud.cloud.jcs_redis_account:
    region: cn-north-1
    instance_name: orders_cache
    purge: true
    accounts:
      - name: orders_app
        password: "{{ orders_password }}"

- name: Rotate a password (written on every run)
  jdcloud.cloud.jcs_redis_account:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    update_password: always
    accounts:
      - name: orders_app
        password: "{{ new_orders_password }}"

- name: Remove an account
  jdcloud.cloud.jcs_redis_account:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    state: absent
    accounts:
      - name: reporting
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
changes:
  description:
    - Names of the accounts that are (in check mode, would be) created, changed or deleted, sorted; empty when
      nothing changes.
    - On a failure after some writes, the accounts those writes changed (with C(changed=true)).
  returned: always
  type: list
  elements: str
  sample: [orders_app, reporting]
accounts:
  description:
    - Every account of the instance after the change (in check mode, as it would be), V(default) first, in the API's
      order. Never a password.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Name of the account.
      type: str
      sample: reporting
    privilege:
      description: V(read_only) or V(read_write).
      type: str
      sample: read_only
    description:
      description: Description of the account, V('') when none.
      type: str
      sample: BI dashboards
  sample:
    - name: default
      privilege: read_write
      description: ''
    - name: reporting
      privilege: read_only
      description: BI dashboards
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._accounts import Accounts
from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SettingModule


class JCSRedisAccount(SettingModule):
    component = Accounts()


def main():
    JCSRedisAccount().execute()


if __name__ == '__main__':
    main()
