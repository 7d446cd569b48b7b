#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_instance
short_description: Create, modify and delete JD Cloud Redis instances
version_added: 1.0.0
description:
  - Makes a JD Cloud "JCS for Redis" instance match the declared state.
  - Reads the instance first and calls only the API operations that close the difference
    (C(createCacheInstance), C(modifyCacheInstanceAttribute), C(modifyCacheInstanceClass),
    C(resetCacheInstancePassword), C(checkDeletable), C(deleteCacheInstance), and C(createBackup) and
    C(deleteRecycledCacheInstance) when asked). A re-run with the same options changes nothing.
  - Options that are omitted leave the instance as it is.
  - The instance is identified by O(instance_id) when given, otherwise by its exact O(name).
    Names are not unique on JD Cloud; when more than one instance (not being deleted) has the name,
    the module fails and lists them.
  - Options the API cannot change in place (VPC, subnet, zones, Redis version, IPv6, billing) make the
    module fail with the list of differences. It never deletes and recreates an instance by itself.
  - A deleted instance stays in the recycle bin for a while with its data. Before a create, an instance of the name in
    the bin is recovered with O(recover=true), or named in a warning; O(source_backup) creates the instance from a
    backup instead of empty.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
options:
  state:
    description:
      - V(present) creates the instance or updates it; V(absent) deletes it.
      - A deleted instance goes to the recycle bin, where it is kept for the account's retention period (see
        O(force_delete)). An instance that is only in the bin counts as absent.
      - Before a delete the module asks the API whether it is safe (C(checkDeletable)); a refusal fails the task
        with the API's reason and deletes nothing.
    type: str
    choices: [present, absent]
    default: present
  final_backup:
    description:
      - Name of a backup to take of the instance before it is deleted, 1 to 32 letters, digits or underscores (the
        rule of O(jdcloud.cloud.jcs_redis_backup#module:name)). Only with O(state=absent).
      - The module takes the backup (C(createBackup)) and waits until it succeeds, at most O(wait_timeout) seconds and
        even with O(wait=false), before it deletes the instance. When the backup fails, nothing is deleted and the
        task fails saying why, with C(changed=true) and V(final_backup) in RV(changes).
      - A backup of the instance with this name that succeeded is used instead of taking another (a re-run after a
        failure takes no second backup), and one that is running is waited for; a failed one does not count.
      - The backup outlives the delete while the instance is in the recycle bin; see RV(final_backup).
    type: str
    version_added: 1.1.0
  force_delete:
    description:
      - Destroy the instance for good instead of leaving it in the recycle bin
        (C(deleteRecycledCacheInstance) after the delete). Only with O(state=absent).
      - An instance that is already in the bin is destroyed too (a change); found by O(instance_id), or by O(name)
        when exactly one instance of the bin has it (otherwise the task fails with C(AMBIGUOUS_NAME) and the
        candidates).
      - The module waits until the delete is over (the bin only takes an instance then), at most O(wait_timeout)
        seconds, even with O(wait=false).
      - A destroyed instance cannot be recovered.
    type: bool
    default: false
    version_added: 1.1.0
  instance_id:
    description:
      - ID of the instance, for example V(redis-m0vcg462xe31).
      - Required to rename an instance. Cannot be used to create one.
    type: str
  name:
    description:
      - Name of the instance; 2 to 32 letters, digits, underscores or Chinese characters.
      - Without O(instance_id), the instance with exactly this name is managed.
      - With O(instance_id), a different name renames the instance.
      - Required to create an instance.
    type: str
  allow_duplicate_name:
    description:
      - Allow renaming an instance (by O(instance_id)) to a name another instance already has.
      - By default such a rename fails with C(ALREADY_EXISTS) and the other instance's ID, because
        afterwards neither instance could be managed by O(name).
    type: bool
    default: false
  description:
    description:
      - Description of the instance, at most 256 characters.
    type: str
  instance_class:
    description:
      - Instance class (specification), for example V(redis.m.small.basic) (Redis 4.0 and later) or
        V(redis.m1.small.basic) (Redis 2.8).
      - It must be sold in the region for the instance's Redis version, O(redis_version) or the API's default
        version V(2.8) when it is not set; see M(jdcloud.cloud.jcs_redis_instance_class_info). A class that is not
        sold fails naming the versions for which it is sold.
      - Changing it on an existing instance resizes the instance.
      - For a custom-shard cluster class (V(redis.s.*), Redis 4.0 and later) the class is the size of one shard
        and O(shard_number) says how many; such classes are sold by C(describeAvailableResource), not listed by
        C(describeInstanceClass).
      - Required to create an instance.
    type: str
  shard_number:
    description:
      - Number of shards of a custom-shard cluster class (V(redis.s.*)); required to create an instance of such a
        class. Changing it on an existing instance resizes the instance in place, in the same
        C(modifyCacheInstanceClass) call as a new O(instance_class).
      - Must be one of the shard counts the region sells for the class (C(describeAvailableResource)), checked
        before any call that changes something, in check mode too. Classes with a fixed shard count refuse any
        other count.
      - When a custom-shard instance changes class without it, the instance keeps its shard count if the new class
        allows it.
    type: int
    version_added: 1.1.0
  replica_number:
    description:
      - Number of replicas of each shard, the primary included (V(2) is one primary and one replica).
      - Must be between the smallest and largest replica counts the region sells for the architecture of the class
        (C(describeAvailableResource)), checked before any call that changes something; an architecture sold with
        one replica count only refuses any other.
      - Changing it on an existing instance resizes the instance in place (C(modifyCacheInstanceClass)).
    type: int
    version_added: 1.1.0
  vpc_id:
    description:
      - VPC of the instance. Required to create an instance; cannot be changed.
    type: str
  subnet_id:
    description:
      - Subnet of the instance, in O(vpc_id). Required to create an instance; cannot be changed.
    type: str
  master_az:
    description:
      - Availability zone of the primary node, for example V(cn-north-1a). Required to create an instance; cannot be changed.
    type: str
  slave_az:
    description:
      - Availability zone of the replica node, for example V(cn-north-1b). Required to create an instance; cannot be changed.
    type: str
  redis_version:
    description:
      - Redis engine version, for example V(4.0) or V(5.0). V(4), V(4.0) and V(4.0.14) all mean 4.0.
      - When omitted on create, the API uses its default version, V(2.8) according to the API documentation,
        whose classes have their own codes (V(redis.m1.*), V(redis.c1.*)). Set it to create an instance of a later version.
      - Cannot be changed.
    type: str
  ipv6:
    description:
      - Whether the instance supports IPv6. Cannot be changed.
    type: bool
  password:
    description:
      - Password of the instance; 8 to 16 letters and digits with at least one letter and one digit.
      - The API cannot read a password back, so see O(update_password) for when it is set.
      - An empty string means no password, which needs O(allow_passwordless=true).
      - Required to create an instance unless O(allow_passwordless=true).
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the instance is created.
      - V(always) resets the password on every run, so the task always reports a change.
    type: str
    choices: [on_create, always]
    default: on_create
  allow_passwordless:
    description:
      - Allow an instance without a password (created without O(password), or O(password) set to an empty string).
      - Such an instance is open to anyone who can reach it inside the VPC.
    type: bool
    default: false
  charge_mode:
    description:
      - Billing mode used to create the instance. When omitted on create, the API bills V(postpaid_by_duration).
      - Cannot be changed.
    type: str
    choices: [postpaid_by_duration, prepaid_by_duration]
  charge_unit:
    description:
      - Unit of O(charge_duration) for prepaid instances. When omitted, V(month).
      - Only used to create an instance.
    type: str
    choices: [month, year]
  charge_duration:
    description:
      - Length of the prepaid term, 1 to 9 months or 1 to 3 years. Required with O(charge_mode=prepaid_by_duration).
      - Only used to create an instance.
    type: int
  auto_renew:
    description:
      - Whether a prepaid instance renews automatically. Only used to create an instance.
    type: bool
  recover:
    description:
      - What to do when the instance would be created and an instance with exactly O(name) is in JD Cloud's recycle bin
        (deleted, kept there for a while with its data; C(recycledCacheInstance)).
      - V(false) creates a new, empty instance and warns with the ID of the one in the bin, when it was deleted and
        until when it can be recovered. For this, every create by O(name) reads the bin once, in check mode too.
      - V(true) recovers that instance instead (C(recoverInstance)), waits until it runs (with O(wait)), and converges
        the other options on it as on any existing instance; RV(changes) starts with V(recover). The options that
        cannot change (O(vpc_id), O(redis_version), ...) are compared with the instance in the bin first, and a
        difference fails before anything is recovered. The create options are not needed to recover.
      - When several instances with the name are in the bin, V(true) fails with status C(AMBIGUOUS_NAME) and lists them;
        set O(instance_id) to the one to recover. An O(instance_id) that is only in the bin fails unless V(true).
      - It only says what to prefer. With nothing in the bin, the instance is created as without it; an existing instance
        is not affected.
      - A recovery whose answer is lost is settled by reading the instance again; it never leads to a create.
      - An instance out of the bin counts in the region's quota again. With O(preflight), a region whose quota is used up
        fails with status C(QUOTA_EXCEEDED) before anything is recovered, in check mode too, as a create does.
      - With C(--diff), the C(before) of a recovery is the instance as the bin holds it, marked C(recycle_bin=true),
        with C(soft_deleted_time) and C(retain_expire_time) (the bin reports the status the instance had before the
        delete, so the status alone does not tell); the C(after) is the instance out of the bin.
    type: bool
    default: false
    version_added: 1.1.0
  source_backup:
    description:
      - Create the instance as a clone of a backup of another instance (C(backupId) and C(srcInstanceId) of
        C(createCacheInstance)).
      - Checked before the create, and in check mode too, with reads only; a clone that cannot be made fails naming both
        sides and nothing is written. The instance must exist (live, or in the recycle bin, which keeps its backups),
        the backup must exist and have succeeded, and it must fit the new instance (the same Redis version as the
        instance it was taken of (set O(redis_version) to it), the same architecture (a backup of one shard makes a
        master-slave instance, of more shards a cluster), and at least the backup's memory (shards times memory per
        shard)). With O(preflight=false) the class is not read, so the architecture and the memory are left to the API.
      - The API lists no backup of an instance in the recycle bin, so such a backup is given by O(source_backup.backup_id),
        sent without being checked (a warning says so); the API checks it at the create.
      - Only used to create an instance. On an existing instance it is not looked at (no call, no warning), since the
        API does not tell what an instance was cloned from.
      - Exactly one of O(source_backup.instance_id) and O(source_backup.instance_name), and one of
        O(source_backup.backup_id) and O(source_backup.backup_name), checked before any call.
    type: dict
    version_added: 1.1.0
    suboptions:
      instance_id:
        description: ID of the instance the backup was taken of.
        type: str
      instance_name:
        description:
          - Exact name of the instance the backup was taken of, live or else in the recycle bin; more than one such
            instance fails with status C(AMBIGUOUS_NAME) and the candidates.
        type: str
      backup_id:
        description: ID of the backup (C(baseId)), as RV(jdcloud.cloud.jcs_redis_backup#module:backup.id) returns it.
        type: str
      backup_name:
        description:
          - Exact name of the backup; more than one backup of the instance with the name fails with status
            C(AMBIGUOUS_NAME) and the candidates. Not with an instance in the recycle bin.
        type: str
  preflight:
    description:
      - Whether to read the classes the region sells (C(describeInstanceClass)) and the quota (C(describeUserQuota))
        before a create, and the classes before a resize, so that a class that is not sold or a create that the quota
        does not allow fails before the API is asked to make it.
      - Set it to V(false) only when the caller has checked both already, for example once for many instances, as
        the P(jdcloud.cloud.redis_fleet#role) role does. The API still refuses what it does not allow; in check mode
        the predicted instance then has no C(memory_mb), C(memory_mb_per_shard) or C(instance_type) for a new class.
    type: bool
    default: true
    version_added: 1.1.0
  tags:
    description:
      - Tags of the instance, as a dictionary of keys and values (a value that is not a string is kept as its text,
        a null value as an empty string).
      - On create they are set with the instance (C(userTags)). On an existing instance, tags that are missing or have
        another value are set with one C(TagResources) call of JD Cloud's resource-tag service (see O(tag_endpoint));
        the other tags of the instance stay, unless O(purge_tags=true).
      - A key has 1 to 127 characters and cannot start with C(jrn:) or C(jdc-); a value has at most 255 characters;
        an instance has at most 10 tags. Values that break these rules fail before any change.
      - When not set, the tags are left as they are, whatever O(purge_tags) says.
    type: dict
    version_added: 1.1.0
  purge_tags:
    description:
      - Whether to remove the tags of the instance that are not in O(tags), with one C(UnTagResources) call.
      - Only used with O(tags); O(tags={}) with O(purge_tags=true) removes every tag.
    type: bool
    default: false
    version_added: 1.1.0
  whitelist:
    description:
      - The white-list groups of the instance, as O(jdcloud.cloud.jcs_redis_whitelist#module:groups) takes them
        (the same suboptions and rules); every group listed gets exactly its addresses.
      - Groups of the instance that are not listed are left alone, unless O(whitelist_purge=true).
      - On create, set once the instance runs (the module then waits for it, even with O(wait=false)).
      - When not set, the white list is not touched. Changes are named V(whitelist) in RV(changes).
      - To manage the white list alone (for example by another team), use M(jdcloud.cloud.jcs_redis_whitelist).
    type: list
    elements: dict
    version_added: 1.1.0
    suboptions:
      name:
        description:
          - Name of the group, 1 to 32 letters, digits, underscores or hyphens, starting with a letter.
          - V(default) is the group every instance has.
        type: str
        required: true
      ips:
        description:
          - IPv4 addresses and CIDR blocks of the group, for example V(10.0.0.0/16) or V(192.168.0.10); at least one.
          - An entry may also hold several addresses separated by commas. A block with host bits set stands for
            the whole block (V(10.0.1.5/24) is V(10.0.1.0/24)); the module warns about it.
        type: list
        elements: str
  whitelist_purge:
    description:
      - Whether to delete the white-list groups of the instance that O(whitelist) does not list (never the
        V(default) group), as O(jdcloud.cloud.jcs_redis_whitelist#module:purge) does.
      - Only used with O(whitelist).
    type: bool
    default: false
    version_added: 1.1.0
  backup_policy:
    description:
      - The automatic backup policy of the instance, with the options of M(jdcloud.cloud.jcs_redis_backup_policy)
        and their rules. A suboption left out (or null) leaves that part of the policy as it is.
      - On create, set once the instance runs. When not set, the policy is not touched. Changes are named
        V(backup_policy) in RV(changes).
    type: dict
    version_added: 1.1.0
    suboptions:
      auto_backup:
        description:
          - Whether the instance backs up automatically, as O(jdcloud.cloud.jcs_redis_backup_policy#module:auto_backup).
        type: bool
      backup_days:
        description:
          - The weekdays of the automatic backups, as O(jdcloud.cloud.jcs_redis_backup_policy#module:backup_days)
            takes them (V([Monday, Thursday]), V([mon, thu])).
        type: list
        elements: str
      backup_window:
        description:
          - The hour of the automatic backups, V(HH:MM-HH:MM) with an optional UTC offset (V(+0800) without one), as
            O(jdcloud.cloud.jcs_redis_backup_policy#module:backup_window) takes it.
        type: str
  maintenance_window:
    description:
      - The maintenance window of the instance, the hour or hours in which the API may run maintenance and changes
        scheduled for the window, in the grammar of
        O(jdcloud.cloud.jcs_redis_backup_policy#module:backup_window) V(HH:MM-HH:MM) on the hour with an optional UTC
        offset (V(+0800) without one), for example V(02:00-04:00 +0800). At least one hour; it may cross midnight.
      - The API holds the window in UTC, so the same window written in another zone (V(18:00-20:00 +0000) for
        V(02:00-04:00 +0800)) is unchanged. It is read from the describe of the instance, at no call of its own.
      - On create, set once the instance runs. When not set, the window is not touched. A change is named
        V(maintenance_window) in RV(changes).
      - With O(apply_at=maintenance_window), a changed window is written before the change planned in it.
    type: str
    version_added: 1.1.0
  apply_at:
    description:
      - When a resize (O(instance_class), O(shard_number), O(replica_number)) and an upgrade (O(minor_version),
        O(proxy_minor_version)) of an existing instance are made.
      - V(immediately) makes them now. A task planned for the window that makes the same kind of change is cancelled
        first (it would run again in the window, on an instance that has the change already).
      - V(maintenance_window) plans them as tasks that the API runs in the maintenance window of the instance
        (C(effectiveTime=MaintainTime)). The run reports C(changed) with the planned task in RV(scheduled) and the
        change named C(scheduled.<option>) in RV(changes); RV(instance) shows the instance as it is, never as if the
        change were made. A re-run asking for the same change while its task is planned writes nothing and reports
        the task again. A different wish cancels the planned task (C(cancelled.<task id>)) and plans the new one;
        check mode says which. O(wait) never waits for a window.
      - One change is planned for the window at a time, since the API starts the planned tasks together when the
        window opens and a change cannot start while another runs (the later one would fail). With a resize and an
        upgrade asked for, the resize is planned and a warning says that a run after that window plans the upgrade;
        a resize asked for while an upgrade is planned waits in the same way.
      - V(maintenance_window) needs a window. On an instance without one it is refused with C(INVALID_ARGUMENT)
        before any write, unless O(maintenance_window) is set in the same task.
      - Whatever its value, a planned resize or upgrade that would undo what the options declare (a class, a count
        or a version the instance already has) is cancelled.
      - Ignored on create, and when no resize or upgrade is asked for.
    type: str
    choices: [immediately, maintenance_window]
    default: immediately
    version_added: 1.1.0
  minor_version:
    description:
      - The minor release of Redis the instance should run, for example V(4.0-1.5), as
        RV(instance.instance_version) shows it; one of those C(describeUpgradeVersion) offers for the instance,
        checked before any write, in check mode too. A release that is not offered is refused with
        C(INVALID_ARGUMENT), naming it and those offered. Only upgrades are offered.
      - The release the instance runs already is unchanged (the reads only). The upgrade runs at once or in the
        window, as O(apply_at) says; at once, the instance is C(upgrading) for a while and the module waits until it
        runs again when O(wait=true). A change is named V(minor_version) in RV(changes).
      - Not used on create.
    type: str
    version_added: 1.1.0
  proxy_minor_version:
    description:
      - The minor release of the proxy of a cluster instance, for example V(4.0-2.5), checked as O(minor_version) is.
        An instance without a proxy (master-slave) refuses it.
      - The API upgrades Redis and its proxy in separate calls; with both set, Redis is upgraded first and the
        module waits until the instance runs again (even with O(wait=false)) before upgrading the proxy. In the
        window one change is planned at a time (see O(apply_at)), so the proxy's is planned by a run after Redis's has
        run, and a warning says so.
      - Not used on create.
    type: str
    version_added: 1.1.0
  config:
    description:
      - Redis engine parameters and the values they should have, as
        O(jdcloud.cloud.jcs_redis_config#module:parameters) takes them (checked against what the instance reports,
        compared normalised). Parameters that are not listed are left as they are.
      - All changed parameters are written in one call; the instance is then C(configuring) for a while, and the
        module waits until it runs again when O(wait=true).
      - On create, set once the instance runs. When not set, no parameter is touched. Each changed parameter is
        named V(config.<name>) in RV(changes), for example V(config.maxmemory-policy).
    type: dict
    version_added: 1.1.0
  accounts:
    description:
      - The accounts (Redis users) of the instance, as O(jdcloud.cloud.jcs_redis_account#module:accounts) takes them
        (the same suboptions and rules). Accounts of the instance that are not listed are left alone, unless
        O(accounts_purge=true); the V(default) account is the instance's own (its password is O(password)).
      - New passwords are checked with the API's policy (C(checkPasswordValid)) before any write, also in check mode;
        for a new instance, before it is created.
      - On create, set once the instance runs. When not set, no account is touched. Changes are named V(accounts) in
        RV(changes); passwords are never returned, and show as V(set) or V(changed) in the diff.
    type: list
    elements: dict
    version_added: 1.1.0
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
          - Required to create an account. For an existing account it is only written with
            O(accounts_update_password=always).
        type: str
      privilege:
        description:
          - V(read_only) or V(read_write).
          - When omitted, an existing account keeps its privilege and a new one is V(read_write).
        type: str
        choices: [read_only, read_write]
      description:
        description:
          - Description of the account, at most 128 characters.
          - When omitted, an existing account keeps its description and a new one has none.
        type: str
  accounts_purge:
    description:
      - Whether to delete the accounts of the instance that O(accounts) does not list (never the V(default) account),
        as O(jdcloud.cloud.jcs_redis_account#module:purge) does.
      - Only used with O(accounts).
    type: bool
    default: false
    version_added: 1.1.0
  accounts_update_password:
    description:
      - When the passwords of O(accounts) are written, as O(jdcloud.cloud.jcs_redis_account#module:update_password)
        says. V(on_create) writes a password only when its account is created; V(always) on every run (a change every
        time, since passwords cannot be read back).
      - Only used with O(accounts).
    type: str
    choices: [on_create, always]
    default: on_create
    version_added: 1.1.0
  tls:
    description:
      - TLS in transit of the instance, with the options of M(jdcloud.cloud.jcs_redis_tls) and their rules. A suboption
        left out (or null) leaves that part as it is.
      - On create, set once the instance runs. When not set, TLS is not touched. Changes are named V(tls) in
        RV(changes).
    type: dict
    version_added: 1.1.0
    suboptions:
      enabled:
        description:
          - Whether clients connect with TLS, as O(jdcloud.cloud.jcs_redis_tls#module:enabled).
        type: bool
      type:
        description:
          - V(standard) or V(gm) (the Chinese SM ciphers), as O(jdcloud.cloud.jcs_redis_tls#module:type).
        type: str
        choices: [standard, gm]
      versions:
        description:
          - The TLS protocol versions clients may use, as O(jdcloud.cloud.jcs_redis_tls#module:versions) takes them.
        type: list
        elements: str
      renew_certificate_before_days:
        description:
          - Renew the certificate when it expires in fewer than this many days, as
            O(jdcloud.cloud.jcs_redis_tls#module:renew_certificate_before_days).
        type: int
  disabled_commands:
    description:
      - Redis commands that must be disabled on the instance, as O(jdcloud.cloud.jcs_redis_disabled_commands#module:commands)
        takes them (case-insensitive). Disabled commands not listed stay disabled, unless O(disabled_commands_purge=true).
      - The commands to disable are checked against those the instance lets disable (C(listDisableCommands)) before
        any write of a setting, also in check mode (for a new instance, once it runs).
      - On create, set once the instance runs. When not set, no command is touched. Changes are named
        V(disabled_commands) in RV(changes).
    type: list
    elements: str
    version_added: 1.1.0
  disabled_commands_purge:
    description:
      - Whether to enable again the disabled commands that O(disabled_commands) does not list, as
        O(jdcloud.cloud.jcs_redis_disabled_commands#module:purge) does; O(disabled_commands=[]) with it enables every
        command.
      - Only used with O(disabled_commands).
    type: bool
    default: false
    version_added: 1.1.0
  wait:
    description:
      - Wait until the instance is V(running) after a create or resize (or when it was already busy),
        and until it is gone after a delete.
      - The wait polls with growing intervals of up to 2 seconds and fails at once if the instance
        goes into status V(error) or V(deleting).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most. On timeout the module fails with the last status seen.
    type: int
    default: 1800
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.tag_endpoint
  - jdcloud.cloud.common.state_module
notes:
  - An instance in a transitional status (V(creating), V(changing) and the like) is waited for, at most O(wait_timeout)
    seconds, before it is compared, changed or deleted, even with O(wait=false) when the task asks for a change.
    So a re-run after an earlier run that did not wait never fails because the earlier change is still in progress.
  - An instance in status V(error) is reported with a warning saying what can be done.
  - On one host, runs that look an instance up by O(name) and may create it take a lock per endpoint, region and
    name (a file under C($XDG_CACHE_HOME/jdcloud.cloud/locks), by default C(~/.cache/jdcloud.cloud/locks), removed
    when the lock is released), so parallel forks of a play create one instance, not one each. Runs on different hosts (for example two AWX jobs
    on different nodes) are not serialised; after a create, the module warns with the IDs when another instance
    has the same name.
  - A lookup by O(name) whose candidates span more than one page of the API's listing reads the listing again until
    two reads agree, and lists again after pauses of 1, 2 and 4 seconds while it does not; when the listing still
    keeps changing (sustained creates, renames or deletes of instances whose names contain O(name)), the module fails
    with status C(ABORTED) and changes nothing. Use O(instance_id) then.
  - The resource-tag service answers HTTP 200 even when it could not tag the instance; the module then fails with
    status C(TAG_FAILED), the reason the service gave, and RV(ignore:failed_resources).
  - Prepaid instances cannot be deleted before their term ends; the module says so before calling the API.
  - A resize (O(instance_class), O(shard_number), O(replica_number)) that the API does not allow is refused before
    any write and in check mode too, with the rule; a cluster cannot become a master-slave instance, and a prepaid
    instance cannot shrink.
  - With O(whitelist), O(backup_policy), O(maintenance_window), O(config), O(accounts), O(tls) or
    O(disabled_commands), one task declares the whole instance. By O(instance_id), the
    instance and every declared setting are read at the same time, so an unchanged run costs 1 + the number of
    settings calls and the time of about one. Settings are written only while the instance runs (it is waited for,
    at most O(wait_timeout) seconds, even with O(wait=false)); check mode and the diff cover every setting.
  - If the outcome of a create is unknown (a timeout or dropped connection after the request was sent),
    the module looks the instance up by name before trying again, so it never creates a duplicate.
'''

EXAMPLES = r'''
- name: Create a Redis instance and wait until it runs
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_cache
    instance_class: redis.m.small.basic
    redis_version: "5.0"
    vpc_id: vpc-hvo176vm93
    subnet_id: subnet-k8sjnalvo3
    master_az: cn-north-1a
    slave_az: cn-north-1b
    password: "{{ vault_redis_password }}"
    description: Order service cache
  register: redis

- name: Resize it and change its description (every module of the collection shares these defaults)
  module_defaults:
    group/jdcloud.cloud.jcs:
      region: cn-north-1
  jdcloud.cloud.jcs_redis_instance:
    name: orders_cache
    instance_class: redis.m.medium.basic
    description: Order service cache (resized)

- name: A custom-shard cluster of 8 shards of 2 GB with two replicas each (the primary included)
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: sessions_cluster
    instance_class: redis.s.small.basic
    shard_number: 8
    replica_number: 2
    redis_version: "5.0"
    vpc_id: vpc-hvo176vm93
    subnet_id: subnet-k8sjnalvo3
    master_az: cn-north-1a
    slave_az: cn-north-1b
    password: "{{ vault_redis_password }}"

- name: Set the cost owner's tags and remove every other tag
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    instance_id: "{{ redis.instance.id }}"
    tags:
      team: payments
      cost_center: "4711"
    purge_tags: true

- name: The whole instance in one task, with its white list, backup policy and engine parameters
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_cache
    instance_class: redis.m.small.basic
    redis_version: "5.0"
    vpc_id: vpc-hvo176vm93
    subnet_id: subnet-k8sjnalvo3
    master_az: cn-north-1a
    slave_az: cn-north-1b
    password: "{{ vault_redis_password }}"
    whitelist:
      - name: default
        ips: [10.0.1.0/24]
    backup_policy:
      auto_backup: true
      backup_days: [Monday, Thursday]
      backup_window: "01:00-02:00"
    config:
      maxmemory-policy: allkeys-lru

- name: Resize in the maintenance window, 02:00 to 04:00 in China, not now
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_cache
    instance_class: redis.m.large.basic
    maintenance_window: "02:00-04:00 +0800"
    apply_at: maintenance_window
  register: resize
  # resize.scheduled[0].id is the planned task; jdcloud.cloud.jcs_redis_task cancels or moves it

- name: Upgrade Redis, then its proxy, to the newest minor releases offered, now
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: sessions_cluster
    minor_version: 5.0-1.3
    proxy_minor_version: 5.0-2.5

- name: Rename an instance (needs its ID)
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    instance_id: "{{ redis.instance.id }}"
    name: orders_cache_v2

- name: Reset the password on every run
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    instance_id: "{{ redis.instance.id }}"
    password: "{{ vault_new_redis_password }}"
    update_password: always

- name: Get the instance back from the recycle bin if it was deleted, or else create it, then converge it
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_cache
    recover: true
    instance_class: redis.m.small.basic
    redis_version: "5.0"
    vpc_id: vpc-hvo176vm93
    subnet_id: subnet-k8sjnalvo3
    master_az: cn-north-1a
    slave_az: cn-north-1b
    password: "{{ vault_redis_password }}"
    description: Order service cache

- name: A copy of the orders cache from last night's backup (checked before anything is created)
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_rehearsal
    instance_class: redis.m.small.basic
    redis_version: "5.0"
    vpc_id: vpc-hvo176vm93
    subnet_id: subnet-k8sjnalvo3
    master_az: cn-north-1a
    slave_az: cn-north-1b
    password: "{{ vault_redis_password }}"
    source_backup:
      instance_name: orders_cache
      backup_name: nightly

- name: Delete the instance and wait until it is gone (it stays in the recycle bin for the retention period)
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_cache_v2
    state: absent

- name: Delete an instance safely, with a last backup taken and succeeded first
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: reports_cache
    state: absent
    final_backup: before_delete_2026_12
  register: gone

- name: Destroy an instance for good, also when it is in the recycle bin already
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    state: absent
    force_delete: true
'''

RETURN = r'''
changes:
  description:
    - What changed, or would change in check mode.
    - When the module fails after some writes went through (or may have), the failure result has
      C(changed=true) and lists them here.
    - A change planned for the maintenance window (O(apply_at=maintenance_window)) is named C(scheduled.<option>), a
      planned task cancelled C(cancelled.<task id>).
  returned: always
  type: list
  elements: str
  sample: [instance_class, description]
whitelist:
  description:
    - Every white-list group of the instance after the change (in check mode, as it would be), as
      RV(jdcloud.cloud.jcs_redis_whitelist#module:whitelist) returns them; in check mode for a create, O(whitelist)
      as given.
  returned: when O(whitelist) is set and O(state=present)
  type: list
  elements: dict
  sample: [{name: default, ips: [10.0.1.0/24]}]
backup_policy:
  description:
    - The backup policy after the change (in check mode, as it would be), as
      RV(jdcloud.cloud.jcs_redis_backup_policy#module:backup_policy) returns it; in check mode for a create,
      O(backup_policy) as given.
  returned: when O(backup_policy) is set and O(state=present)
  type: dict
  sample: {auto_backup: true, backup_days: [Monday, Thursday], backup_window: 01:00-02:00+0800}
maintenance_window:
  description:
    - The maintenance window after the change (in check mode, as it would be), in UTC as
      RV(jdcloud.cloud.jcs_redis_info#module:instances[].maintenance_window) returns it; in check mode for a create,
      O(maintenance_window) as given.
  returned: when O(maintenance_window) is set and O(state=present)
  type: str
  sample: 18:00-20:00 +0000
scheduled:
  description:
    - The resizes and upgrades this run's options ask for that are planned for the maintenance window (planned by
      this run, or by an earlier one and kept); empty when none is. In check mode a task to be planned has no
      RV(scheduled[].id) yet.
  returned: when O(state=present) and a resize or upgrade option is set
  type: list
  elements: dict
  contains:
    id: {description: The ID of the task (null in check mode for a task not planned yet)., type: str, sample: task-a1b2c3d4e5f6}
    type: {description: V(resize) or V(upgrade)., type: str, sample: resize}
    window: {description: "The window the task is planned in, V(HH:MM-HH:MM +0000) (UTC).", type: str, sample: 18:00-20:00 +0000}
    planned_start: {description: When the task is planned to start (ISO 8601 UTC); null when not known yet., type: str}
    changes:
      description: What the task changes, option to value (V(instance_class), V(minor_version), ...).
      type: dict
      sample: {instance_class: redis.m.small.basic}
  version_added: 1.1.0
cancelled_tasks:
  description:
    - The IDs of the planned tasks this run cancelled (in check mode, would cancel), each also named
      V(cancelled.<task id>) in RV(changes).
  returned: when O(state=present) and a resize or upgrade option is set
  type: list
  elements: str
  sample: [task-a1b2c3d4e5f6]
  version_added: 1.1.0
config:
  description:
    - Every parameter the API reports for the instance, name to value, after the change (in check mode, as it would
      be); in check mode for a create, O(config) as given.
  returned: when O(config) is set and O(state=present)
  type: dict
  sample: {maxmemory-policy: allkeys-lru}
accounts:
  description:
    - Every account of the instance after the change (in check mode, as it would be), as
      RV(jdcloud.cloud.jcs_redis_account#module:accounts) returns them; never a password. In check mode for a create,
      the accounts of O(accounts).
  returned: when O(accounts) is set and O(state=present)
  type: list
  elements: dict
  sample: [{name: default, privilege: read_write, description: ''}, {name: reporting, privilege: read_only, description: BI}]
tls:
  description:
    - TLS of the instance after the change (in check mode, as it would be), as
      RV(jdcloud.cloud.jcs_redis_tls#module:tls) returns it; in check mode for a create, O(tls) as given.
  returned: when O(tls) is set and O(state=present)
  type: dict
  sample: {supported: true, enabled: true, type: standard, versions: [TLSv1.2, TLSv1.3]}
disabled_commands:
  description:
    - The commands disabled on the instance after the change (in check mode, as they would be), upper-case and sorted;
      in check mode for a create, O(disabled_commands) as given.
  returned: when O(disabled_commands) is set and O(state=present)
  type: list
  elements: str
  sample: [FLUSHALL, KEYS]
final_backup:
  description:
    - The backup named O(final_backup) taken, found or waited for before the delete, in the shape
      RV(jdcloud.cloud.jcs_redis_backup#module:backup) returns (in check mode, when one would be taken, only C(name),
      C(instance_id) and C(type) are known; the other keys are null).
    - Also in the failure result when the backup failed or the delete was refused after it.
  returned: when O(final_backup) is set and the instance was live
  type: dict
  sample: {id: a607efba-ff06-4d78-ba3c-b3119fce27fd, name: before_delete_2026_12, status: success, type: manual}
deletion:
  description:
    - Where the run put the instance (in check mode, would put it), V(recycle_bin) or V(destroyed)
      (O(force_delete=true)).
  returned: when O(state=absent) and the run deleted or destroyed the instance
  type: str
  sample: recycle_bin
source_backup:
  description:
    - What the instance was (in check mode, would be) created from with O(source_backup).
  returned: when a create with O(source_backup) was made or, in check mode, would be made
  type: dict
  version_added: 1.1.0
  contains:
    instance_id: {description: ID of the instance the backup was taken of., type: str, returned: success, sample: redis-m0vcg462xe31}
    instance_name: {description: Name of that instance., type: str, returned: success, sample: orders_cache}
    in_recycle_bin: {description: Whether that instance is in the recycle bin., type: bool, returned: success, sample: false}
    backup_id: {description: ID of the backup., type: str, returned: success, sample: a607efba-ff06-4d78-ba3c-b3119fce27fd}
    backup_name:
      description: Name of the backup; null when it could not be read (an instance in the recycle bin).
      type: str
      returned: success
      sample: nightly
order_num:
  description: Number of the billing order placed by a create or a resize.
  returned: when a create or resize placed an order
  type: str
  sample: "12882167725209383"
buy_id:
  description: Purchase ID of the billing order placed by a create or a resize.
  returned: when a create or resize placed an order
  type: str
  sample: B121116677688212350
instance:
  description:
    - The instance, in the same shape as each element of RV(jdcloud.cloud.jcs_redis_info#module:instances).
    - In check mode, the predicted instance (C(id) is null for a create).
    - With O(state=absent), the instance as last seen, or null when there was none (nor, with O(force_delete=true),
      one in the recycle bin; an instance of the bin also has C(soft_deleted_time) and C(retain_expire_time)).
  returned: always
  type: dict
  contains:
    id: {description: Instance ID., type: str, returned: success, sample: redis-m0vcg462xe31}
    name: {description: Name., type: str, returned: success, sample: orders_cache}
    status:
      description: Status (creating, running, error, changing, deleting, configuring, restoring, upgrading).
      type: str
      returned: success
      sample: running
    description: {description: Description (empty string when none)., type: str, returned: success, sample: Order service cache}
    region: {description: Region ID., type: str, returned: success, sample: cn-north-1}
    instance_class: {description: Instance class., type: str, returned: success, sample: redis.m.small.basic}
    instance_type: {description: "Architecture (master-slave, cluster or native-cluster).", type: str, returned: success, sample: master-slave}
    memory_mb: {description: Total memory in MB., type: int, returned: success, sample: 2048}
    memory_mb_per_shard: {description: Memory per shard in MB., type: int, returned: success, sample: 2048}
    shard_number: {description: Number of shards., type: int, returned: success, sample: 1}
    replica_number:
      description: Number of replicas of each shard, the primary included; null when the API does not say (in check mode, when not set).
      type: int
      returned: success
      sample: 2
    redis_version: {description: Redis engine version., type: str, returned: success, sample: "5.0"}
    instance_version: {description: Detailed engine version., type: str, returned: success, sample: 5.0-1.3}
    instance_proxy_version:
      description:
        - Detailed version of the proxy, the one O(proxy_minor_version) sets; null when the instance has no proxy
          (master-slave).
        - In check mode, the version an immediate upgrade would set.
      type: str
      returned: success
      sample: 5.0-2.4
      version_added: 1.1.0
    vpc_id: {description: VPC ID., type: str, returned: success, sample: vpc-hvo176vm93}
    subnet_id: {description: Subnet ID., type: str, returned: success, sample: subnet-k8sjnalvo3}
    master_az: {description: Availability zone of the primary., type: str, returned: success, sample: cn-north-1a}
    slave_az: {description: Availability zone of the replica., type: str, returned: success, sample: cn-north-1b}
    connection_domain:
      description: Domain name clients connect to.
      type: str
      returned: success
      sample: redis-m0vcg462xe31-proxy-nlb.jvessel-open-hb.jdcloud.com
    port: {description: Port clients connect to., type: int, returned: success, sample: 6379}
    auth_enabled: {description: Whether clients need a password., type: bool, returned: success, sample: true}
    ipv6: {description: Whether IPv6 is enabled., type: bool, returned: success, sample: false}
    charge_mode: {description: Billing mode., type: str, returned: success, sample: postpaid_by_duration}
    charge_status: {description: "Billing status (normal, overdue, arrear).", type: str, returned: success, sample: normal}
    charge_start_time: {description: Start of billing (UTC)., type: str, returned: success, sample: "2026-03-20T03:27:58Z"}
    charge_expired_time: {description: End of a prepaid term (UTC); null for postpaid., type: str, returned: success, sample: null}
    create_time: {description: Creation time (UTC)., type: str, returned: success, sample: "2026-03-20T03:27:28Z"}
    tags: {description: Tags as a dictionary., type: dict, returned: success, sample: {env: prod}}
    maintenance_window:
      description: The maintenance window, V(HH:MM-HH:MM +0000) (UTC); null when the instance has none.
      type: str
      returned: success
      sample: 18:00-20:00 +0000
      version_added: 1.1.0
    scheduled_task_type:
      description:
        - The type of the task planned for the maintenance window (V(resize), V(upgrade)); null when none is planned.
          RV(scheduled) shows the planned changes this module asked for.
      type: str
      returned: success
      sample: resize
      version_added: 1.1.0
'''


from ansible_collections.jdcloud.cloud.plugins.module_utils._base import (
    JCSModule,
    env_fallback,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._deletion import DELETION_ARGUMENT_SPEC, diff_after
from ansible_collections.jdcloud.cloud.plugins.module_utils._deletion import validate as deletion_problems
from ansible_collections.jdcloud.cloud.plugins.module_utils._instance import (
    INSTANCE_ARGUMENT_SPEC,
    diff_of,
    validate,
    zone_problems,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._instance_settings import (
    READ_THREADS,
    SETTINGS_ARGUMENT_SPEC,
    InstanceSettings,
    declared_settings,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._lifecycle import InstanceLifecycle
from ansible_collections.jdcloud.cloud.plugins.module_utils._recovery import settings_target
from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import SCHEDULE_ARGUMENT_SPEC


class JCSRedisInstance(JCSModule):
    argument_spec = dict(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        instance_id=dict(type='str'),
        name=dict(type='str'),
        allow_duplicate_name=dict(type='bool', default=False),
        **INSTANCE_ARGUMENT_SPEC,
        **DELETION_ARGUMENT_SPEC,
        tag_endpoint=dict(type='str', fallback=(env_fallback, ['JDCLOUD_TAG_ENDPOINT'])),
        preflight=dict(type='bool', default=True),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=1800),
        **SETTINGS_ARGUMENT_SPEC,
        **SCHEDULE_ARGUMENT_SPEC,
    )
    module_kwargs = dict(
        supports_check_mode=True,
        required_one_of=[('instance_id', 'name')],
    )

    def run(self):
        problems = deletion_problems(self.params) + validate(self.params)
        if problems:
            self.fail('; '.join(problems), status='INVALID_ARGUMENT')
        problems = zone_problems(self.params, self.api.region)
        if problems:
            # Zones are named after their region: with a region the API does not know, the region is at fault.
            self.api.known_region()
            self.fail('; '.join(problems), status='INVALID_ARGUMENT')
        if self.params['state'] == 'absent' and declared_settings(self.params):
            self.fail(
                '{} only apply with state: present'.format(', '.join(s.option for s in declared_settings(self.params))),
                status='INVALID_ARGUMENT',
            )
        settings = InstanceSettings(self.api, self.params, self.check_mode, self)
        settings.check()
        lifecycle = InstanceLifecycle(
            self.api, self.params, self.check_mode, self, lambda: self.find(settings), settings
        )
        converged = ({}, {}, {})
        if self.params['state'] == 'absent':
            outcome = lifecycle.absent()
        else:
            outcome = lifecycle.present()
            changes, values, settings_before, settings_after = settings.converge(
                *settings_target(outcome.after, outcome.changes, self.check_mode)
            )
            outcome.changes.extend(c for c in changes if c not in outcome.changes)  # the window may be named already
            if 'maintenance_window' in values and (outcome.after or {}).get('id'):
                # the instance was read before the window was written: it is returned as the run leaves it
                outcome.after['maintenance_window'] = values['maintenance_window']
            converged = (values, settings_before, settings_after)
        result = dict(
            changed=bool(outcome.changes),
            changes=outcome.changes,
            instance=outcome.after if self.params['state'] == 'present' else outcome.before,
        )
        result.update(outcome.order)
        result.update(converged[0])
        result.update(outcome.result)
        if self.module._diff:
            result['diff'] = diff_of(outcome.before, outcome.after, outcome.changes, bool(self.params['password']))
            if self.params['state'] == 'absent':
                result['diff']['after'] = diff_after(
                    outcome.result.get('deletion'), outcome.changes, self.params['final_backup']
                )
            result['diff']['before'].update(converged[1])
            result['diff']['after'].update(converged[2])
            result['diff']['before'].update(outcome.diff[0])
            result['diff']['after'].update(outcome.diff[1])
        return result

    def max_connections(self):
        # the reads of an unchanged instance and its settings go out side by side (InstanceSettings)
        return READ_THREADS

    def find(self, settings):
        """The lookup of the lifecycle: ``(instance or None, ids of the instances with the name being deleted)``."""
        if self.params['instance_id']:
            # the declared settings are read at the same time
            return settings.read_with_settings(self.params['instance_id']), ()
        return self.api.find_instance(None, self.params['name'])


def main():
    JCSRedisInstance().execute()


if __name__ == '__main__':
    main()
