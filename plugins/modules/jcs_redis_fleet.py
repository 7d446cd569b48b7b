#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_fleet
short_description: Converge many JD Cloud Redis instances and their settings in one task
version_added: 1.1.0
description:
  - Makes every instance of O(instances) match its entry, as one M(jdcloud.cloud.jcs_redis_instance) task per entry
    would (the same options, rules and messages), with its white list, backup policy and engine parameters, in one
    module run.
  - The region is listed once; the quota is read once for all the creates and recoveries, what the region sells once
    per Redis version. Entries are converged side by side, at most O(max_concurrency) at a time, on as many connections.
  - Every create and resize is started without waiting; the instances are then waited for together (one listing per
    O(poll_interval), whatever their number), their settings are converged, the instances whose engine parameters
    changed are waited for together, and the instances declared absent are deleted and waited for together.
  - An entry that fails (a refusal of the API, an instance that does not run) is reported in its own result and in
    the failure message; the other entries go on. The module fails when any entry failed, with every result.
  - Options that are wrong in any entry fail the module before any call, naming the entry and the option.
  - An unchanged fleet of N instances with three settings each costs one listing and 3 x N reads. The reads of the
    settings of the instances that keep their own attributes go out side by side, all instances together, on every
    connection of the module (O(max_concurrency) + 4), never more at once.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
options:
  instances:
    description:
      - The instances to converge, identified by their names; names must be unique in the list. Instances of the
        region that are not listed are left alone.
      - Each entry takes the options of M(jdcloud.cloud.jcs_redis_instance) below, with the same meaning; an omitted
        key leaves that setting of an existing instance as it is.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the instance (2 to 32 letters, digits, underscores or Chinese characters).
        type: str
        required: true
      state:
        description: V(present) creates or updates the instance and its settings; V(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
      final_backup:
        description:
          - Name of a backup taken and waited for before the entry's instance is deleted, as
            O(jdcloud.cloud.jcs_redis_instance#module:final_backup); only with O(instances[].state=absent). A failed
            backup fails the entry and deletes nothing.
        type: str
        version_added: 1.1.0
      force_delete:
        description:
          - Destroy the entry's instance for good instead of leaving it in the recycle bin, also when it is there
            already, as O(jdcloud.cloud.jcs_redis_instance#module:force_delete); only with O(instances[].state=absent).
        type: bool
        default: false
        version_added: 1.1.0
      description:
        description: Description of the instance, as O(jdcloud.cloud.jcs_redis_instance#module:description).
        type: str
      instance_class:
        description:
          - Instance class, as O(jdcloud.cloud.jcs_redis_instance#module:instance_class). Required to create; a new
            value resizes. A class that is not sold for the instance's Redis version fails the entry.
        type: str
      shard_number:
        description: Number of shards, as O(jdcloud.cloud.jcs_redis_instance#module:shard_number).
        type: int
      replica_number:
        description: Number of replicas of each shard, as O(jdcloud.cloud.jcs_redis_instance#module:replica_number).
        type: int
      vpc_id:
        description: VPC of the instance. Required to create; cannot be changed.
        type: str
      subnet_id:
        description: Subnet of the instance. Required to create; cannot be changed.
        type: str
      master_az:
        description: Availability zone of the primary. Required to create; cannot be changed.
        type: str
      slave_az:
        description: Availability zone of the replica. Required to create; cannot be changed.
        type: str
      redis_version:
        description: Redis engine version, as O(jdcloud.cloud.jcs_redis_instance#module:redis_version).
        type: str
      ipv6:
        description: Whether the instance supports IPv6. Cannot be changed.
        type: bool
      password:
        description:
          - Password of the instance, as O(jdcloud.cloud.jcs_redis_instance#module:password); never shown in any
            output.
        type: str
      update_password:
        description: When O(instances[].password) is set, as O(jdcloud.cloud.jcs_redis_instance#module:update_password).
        type: str
        choices: [on_create, always]
        default: on_create
      allow_passwordless:
        description: Allow an instance without a password.
        type: bool
        default: false
      charge_mode:
        description: Billing mode used to create the instance.
        type: str
        choices: [postpaid_by_duration, prepaid_by_duration]
      charge_unit:
        description: Unit of the prepaid term.
        type: str
        choices: [month, year]
      charge_duration:
        description: Length of the prepaid term.
        type: int
      auto_renew:
        description: Whether a prepaid instance renews automatically.
        type: bool
      tags:
        description: Tags of the instance, as O(jdcloud.cloud.jcs_redis_instance#module:tags).
        type: dict
      purge_tags:
        description: Remove the tags not in O(instances[].tags), as O(jdcloud.cloud.jcs_redis_instance#module:purge_tags).
        type: bool
        default: false
      recover:
        description:
          - Recover the instance of the name from the recycle bin instead of creating a new one, as
            O(jdcloud.cloud.jcs_redis_instance#module:recover); the entry's state is then V(recovered). Without it, a
            create warns with the ID of an instance of the name in the bin.
        type: bool
        default: false
        version_added: 1.1.0
      source_backup:
        description:
          - Create the instance as a clone of a backup of another instance, as
            O(jdcloud.cloud.jcs_redis_instance#module:source_backup) (the same suboptions and checks, before the
            create). Only used to create the instance.
        type: dict
        version_added: 1.1.0
        suboptions:
          instance_id:
            description: ID of the instance the backup was taken of.
            type: str
          instance_name:
            description: Exact name of the instance the backup was taken of (live, or else in the recycle bin).
            type: str
          backup_id:
            description: ID of the backup.
            type: str
          backup_name:
            description: Exact name of the backup (not with an instance in the recycle bin).
            type: str
      whitelist:
        description:
          - White-list groups of the instance, as O(jdcloud.cloud.jcs_redis_instance#module:whitelist) takes them.
        type: list
        elements: dict
        suboptions:
          name:
            description: Name of the group; V(default) is the group every instance has.
            type: str
            required: true
          ips:
            description: IPv4 addresses and CIDR blocks of the group; at least one.
            type: list
            elements: str
      whitelist_purge:
        description:
          - Delete the white-list groups that O(instances[].whitelist) does not list (never V(default)).
        type: bool
        default: false
      backup_policy:
        description:
          - The automatic backup policy, as O(jdcloud.cloud.jcs_redis_instance#module:backup_policy) takes it.
        type: dict
        suboptions:
          auto_backup:
            description: Whether the instance backs up automatically.
            type: bool
          backup_days:
            description: The weekdays of the automatic backups.
            type: list
            elements: str
          backup_window:
            description: The hour of the automatic backups, V(HH:MM-HH:MM) with an optional UTC offset.
            type: str
      maintenance_window:
        description:
          - The maintenance window, as O(jdcloud.cloud.jcs_redis_instance#module:maintenance_window) takes it.
        type: str
      apply_at:
        description:
          - When a resize or upgrade of the existing instance is made, as
            O(jdcloud.cloud.jcs_redis_instance#module:apply_at) says; a change planned for the window is in
            RV(instances[].scheduled), never reported as made, and the fleet never waits for a window.
        type: str
        choices: [immediately, maintenance_window]
        default: immediately
        version_added: 1.1.0
      minor_version:
        description:
          - The minor release of Redis, as O(jdcloud.cloud.jcs_redis_instance#module:minor_version) takes it.
        type: str
        version_added: 1.1.0
      proxy_minor_version:
        description:
          - The minor release of the proxy of a cluster, as O(jdcloud.cloud.jcs_redis_instance#module:proxy_minor_version)
            takes it; Redis is upgraded first.
        type: str
        version_added: 1.1.0
      config:
        description:
          - Redis engine parameters and their values, as O(jdcloud.cloud.jcs_redis_instance#module:config) takes them.
        type: dict
      accounts:
        description:
          - Accounts (Redis users) of the instance, as O(jdcloud.cloud.jcs_redis_instance#module:accounts) takes them;
            passwords are checked with the API's policy before any write and never returned.
        type: list
        elements: dict
        suboptions:
          name:
            description: Name of the account; V(default) is the instance's own and cannot be listed.
            type: str
            required: true
          password:
            description:
              - Password of the account; required to create it, written to an existing one only with
                O(instances[].accounts_update_password=always).
            type: str
          privilege:
            description: V(read_only) or V(read_write); a new account is V(read_write) when omitted.
            type: str
            choices: [read_only, read_write]
          description:
            description: Description of the account, at most 128 characters.
            type: str
      accounts_purge:
        description:
          - Delete the accounts that O(instances[].accounts) does not list (never V(default)).
        type: bool
        default: false
      accounts_update_password:
        description:
          - V(on_create) writes a password only when its account is created; V(always) on every run.
        type: str
        choices: [on_create, always]
        default: on_create
      tls:
        description:
          - TLS in transit, as O(jdcloud.cloud.jcs_redis_instance#module:tls) takes it.
        type: dict
        suboptions:
          enabled:
            description: Whether clients connect with TLS.
            type: bool
          type:
            description: V(standard) or V(gm).
            type: str
            choices: [standard, gm]
          versions:
            description: The TLS protocol versions clients may use (V(TLSv1.2), V(TLSv1.3)).
            type: list
            elements: str
          renew_certificate_before_days:
            description: Renew the certificate when it expires in fewer than this many days (1 to 364).
            type: int
      disabled_commands:
        description:
          - Redis commands that must be disabled, as O(jdcloud.cloud.jcs_redis_instance#module:disabled_commands) takes
            them; checked against those the instance lets disable before any write.
        type: list
        elements: str
      disabled_commands_purge:
        description:
          - Enable again the disabled commands that O(instances[].disabled_commands) does not list.
        type: bool
        default: false
  max_concurrency:
    description:
      - How many entries are converged at the same time, on as many connections; 1 to 64. The module holds
        O(max_concurrency) + 4 connections, on which the reads of the settings of an unchanged fleet go out.
    type: int
    default: 8
  wait:
    description:
      - Wait until every created or resized instance runs (before its settings are written, which needs it running
        in any case), until every instance whose engine parameters changed runs again, and until every deleted
        instance is gone.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds each of those waits lasts at most; an instance that is still busy then fails its entry.
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds between two listings of the instances waited for; more than 0 and at most 3600.
    type: float
    default: 2
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.tag_endpoint
  - jdcloud.cloud.common.state_module
notes:
  - Use it for many instances declared in a variable, as the P(jdcloud.cloud.redis_fleet#role) role does; use
    M(jdcloud.cloud.jcs_redis_instance) for one instance, and the standalone settings modules when a setting is
    owned apart from its instance.
'''

EXAMPLES = r'''
- name: Converge the caches of the order service
  jdcloud.cloud.jcs_redis_fleet:
    region: cn-north-1
    max_concurrency: 8
    instances:
      - name: orders_cache
        instance_class: redis.m.small.basic
        redis_version: "5.0"
        vpc_id: vpc-hvo176vm93
        subnet_id: subnet-k8sjnalvo3
        master_az: cn-north-1a
        slave_az: cn-north-1b
        password: "{{ vault_orders_password }}"
        whitelist:
          - name: default
            ips: [10.0.1.0/24]
        config:
          maxmemory-policy: allkeys-lru
      - name: old_cache
        state: absent
        final_backup: old_cache_last
  register: fleet

- name: Show what changed per instance
  ansible.builtin.debug:
    msg: "{{ fleet.instances | selectattr('changed') | map(attribute='name') | list }}"
'''

RETURN = r'''
instances:
  description:
    - One result per entry, in the order of O(instances).
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: Name of the entry., type: str, returned: always, sample: orders_cache}
    state:
      description:
        - What happened (in check mode, would happen) - V(created), V(recovered) (from the recycle bin, with
          O(instances[].recover)), V(updated), V(unchanged), V(deleted) or V(failed).
      type: str
      returned: always
      sample: updated
    changed: {description: Whether the instance or a setting changed., type: bool, returned: always, sample: true}
    changes:
      description:
        - What changed, as RV(jdcloud.cloud.jcs_redis_instance#module:changes) names it (V(create), V(description),
          V(whitelist), V(backup_policy), V(config.maxmemory-policy), ...); for a failed entry, the writes that went
          through (or may have).
      type: list
      elements: str
      returned: always
      sample: [whitelist, config.maxmemory-policy]
    id: {description: ID of the instance (null for a create in check mode or before it was made)., type: str, returned: always, sample: redis-m0vcg462xe31}
    instance:
      description: The instance as RV(jdcloud.cloud.jcs_redis_instance#module:instance) returns it (as last seen for a failed entry).
      type: dict
      returned: always
    before:
      description:
        - The instance before the run (null for a create), in the shape of RV(instances[].instance).
        - For a recovery, the instance as the recycle bin holds it, with C(recycle_bin=true), C(soft_deleted_time) and
          C(retain_expire_time) besides.
      type: dict
      returned: always
    setting_changes:
      description:
        - For each declared setting (V(whitelist), V(backup_policy), V(config), V(accounts), V(tls),
          V(disabled_commands)), the names of what changes in it (groups, parts of the policy, parameters, accounts,
          parts of TLS, commands); null for a create in check mode, whose settings are all set
          once it exists, and for a recovery in check mode (the instance in the bin has no setting to read).
      type: dict
      returned: when a setting is declared
      sample: {whitelist: [apps, default], config: [maxmemory-policy]}
    source_backup:
      description: What the instance was cloned from, as RV(jdcloud.cloud.jcs_redis_instance#module:source_backup).
      type: dict
      returned: when a create with O(instances[].source_backup) was made or, in check mode, would be made
      version_added: 1.1.0
    whitelist: {description: The white list after the change., type: list, elements: dict, returned: when declared}
    backup_policy: {description: The backup policy after the change., type: dict, returned: when declared}
    maintenance_window: {description: The maintenance window after the change (UTC)., type: str, returned: when declared}
    scheduled:
      description:
        - The resizes and upgrades planned for the maintenance window, as
          RV(jdcloud.cloud.jcs_redis_instance#module:scheduled) returns them.
      type: list
      elements: dict
      returned: when a resize or upgrade option is set on an existing instance
      version_added: 1.1.0
    cancelled_tasks:
      description: The IDs of the planned tasks cancelled, as RV(jdcloud.cloud.jcs_redis_instance#module:cancelled_tasks).
      type: list
      elements: str
      returned: when a resize or upgrade option is set on an existing instance
      version_added: 1.1.0
    config: {description: Every engine parameter after the change., type: dict, returned: when declared}
    accounts: {description: Every account after the change (never a password)., type: list, elements: dict, returned: when declared}
    tls: {description: TLS after the change., type: dict, returned: when declared}
    disabled_commands: {description: The disabled commands after the change., type: list, elements: str, returned: when declared}
    final_backup:
      description: The backup taken or found before the delete, as RV(jdcloud.cloud.jcs_redis_instance#module:final_backup).
      type: dict
      returned: when O(instances[].final_backup) is set and the instance was live
    deletion:
      description: V(recycle_bin) or V(destroyed), as RV(jdcloud.cloud.jcs_redis_instance#module:deletion).
      type: str
      returned: when the entry deleted or destroyed the instance
    diff: {description: The entry's diff (with --diff)., type: dict, returned: in diff mode}
    msg: {description: Why the entry failed., type: str, returned: when failed}
    error: {description: The structured error of a failed entry., type: dict, returned: when failed}
created: {description: Names of the created instances., type: list, elements: str, returned: always, sample: [orders_cache]}
recovered:
  description: Names of the instances recovered from the recycle bin (O(instances[].recover)).
  type: list
  elements: str
  returned: always
  sample: []
  version_added: 1.1.0
updated: {description: Names of the updated instances., type: list, elements: str, returned: always, sample: []}
unchanged: {description: Names of the unchanged instances., type: list, elements: str, returned: always, sample: []}
deleted: {description: Names of the deleted instances., type: list, elements: str, returned: always, sample: [old_cache]}
check_mode:
  description: Whether the run was in check mode, so that nothing was changed and the results are predictions.
  returned: always
  type: bool
  sample: false
polls:
  description: How many listings the waits made (one per O(poll_interval) while instances were busy); 0 when nothing was waited for.
  returned: always
  type: int
  sample: 6
quota:
  description: The Redis quota of the region before the run (C(used), C(max)), read once for creates and recoveries.
  returned: when an entry creates an instance or recovers one from the recycle bin
  type: dict
  sample: {used: 3, max: 50}
failed:
  description: Names of the entries that failed.
  type: list
  elements: str
  returned: always
  sample: []
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import env_fallback
from ansible_collections.jdcloud.cloud.plugins.module_utils._fleet_converge import (
    ENTRY_ARGUMENT_SPEC,
    Fleet,
    FleetModule,
)


class JCSRedisFleet(FleetModule):
    argument_spec = dict(
        instances=dict(type='list', elements='dict', required=True, options=ENTRY_ARGUMENT_SPEC),
        max_concurrency=dict(type='int', default=8),
        tag_endpoint=dict(type='str', fallback=(env_fallback, ['JDCLOUD_TAG_ENDPOINT'])),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=1800),
        poll_interval=dict(type='float', default=2),
    )
    module_kwargs = dict(supports_check_mode=True)

    def run(self):
        params = self.params
        if not 1 <= params['max_concurrency'] <= 64:
            self.fail(
                'max_concurrency must be between 1 and 64, got {}'.format(params['max_concurrency']),
                status='INVALID_ARGUMENT',
            )
        if params['wait_timeout'] < 0:
            self.fail(
                'wait_timeout must be at least 0 seconds, got {}'.format(params['wait_timeout']),
                status='INVALID_ARGUMENT',
            )
        if not 0 < params['poll_interval'] <= 3600:
            self.fail(
                'poll_interval must be more than 0 and at most 3600 seconds, got {}'.format(params['poll_interval']),
                status='INVALID_ARGUMENT',
            )
        return Fleet(self).run()


def main():
    JCSRedisFleet().execute()


if __name__ == '__main__':
    main()
