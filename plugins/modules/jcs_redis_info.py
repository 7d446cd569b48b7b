#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_info
short_description: List JD Cloud JCS for Redis instances
version_added: 1.0.0
description:
  - Lists the JCS for Redis instances of a region, optionally filtered and sorted.
  - Every page of the listing is fetched, 100 instances at a time. After the first page has told the total, the other
    pages are fetched on up to O(concurrency) connections at once; the instances keep the order of the API.
  - Filters the API supports are sent to it; the others are applied to the listing by the module.
  - A listing of more than one page is read twice, the second time in the opposite page order, and again until two
    reads agree (at most four reads; when they never agree, the instances some read missed are checked by ID). So
    every instance that exists for the whole listing is in the result even while other instances are created,
    deleted or renamed, and no instance is ever listed twice; an instance created or deleted during the listing may
    be missing. A listing of at most 100 instances costs one call, a longer one twice as many calls as it has pages.
  - Each element of RV(instances) has exactly the shape the M(jdcloud.cloud.jcs_redis_instance) module returns.
  - With O(recycle_bin=true) the module lists the recycle bin instead, the deleted instances that can still be
    recovered, each with when it was deleted and when the bin destroys it.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.info_module
options:
  instance_ids:
    description:
      - Only list the instances with these IDs.
      - An empty list matches no instance (the module then makes no API call), so a list built by a play that
        turns out empty never lists every instance.
    type: list
    elements: str
  name:
    description:
      - Only list instances with this name, compared as O(name_match) says.
    type: str
  name_match:
    description:
      - How O(name) is compared with the instance names.
      - V(exact) lists only instances named exactly O(name). The name is still sent to the API, which narrows the listing.
      - V(contains) lists instances whose name contains O(name), which is what the API's own name filter does.
    type: str
    choices: [exact, contains]
    default: exact
  statuses:
    description:
      - Only list instances in one of these statuses.
      - An empty list matches no instance (the module then makes no API call).
    type: list
    elements: str
    choices: [creating, running, error, changing, deleting, configuring, restoring, upgrading]
  vpc_id:
    description:
      - Only list instances in this VPC.
    type: str
  subnet_id:
    description:
      - Only list instances in this subnet.
    type: str
  redis_version:
    description:
      - Only list instances of this Redis engine version, for example V(4.0).
      - V(4), V(4.0) and V(4.0.14) all mean V(4.0).
    type: str
  instance_type:
    description:
      - Only list instances of this architecture, as RV(instances[].instance_type) reports it.
      - The API filters V(master-slave) and V(cluster) itself; V(native-cluster) instances are selected by the module.
    type: str
    choices: [master-slave, cluster, native-cluster]
  charge_mode:
    description:
      - Only list instances with this billing mode.
    type: str
    choices: [prepaid_by_duration, postpaid_by_duration]
  tags:
    description:
      - Only list instances that have all these tags, as a dictionary of keys and values. A list as the value of a key
        accepts any of its values.
      - The API filters by tags itself (C(tagFilters)); the module compares the tags of the listed instances again.
      - An empty list as a value matches no instance (the module then makes no API call).
    type: dict
    version_added: 1.1.0
  sort_by:
    description:
      - Ask the API to sort the instances by creation time or by total memory.
      - When not set, no sort is requested and the instances come in the API's own order.
    type: str
    choices: [create_time, total_memory]
  sort_order:
    description:
      - Direction of the sort. Only used with O(sort_by).
    type: str
    choices: [asc, desc]
    default: asc
  concurrency:
    description:
      - How many pages of the listing are fetched at the same time, on as many connections, once the first page has
        been read. V(1) fetches one page after the other.
      - Must be between 1 and 16. The default keeps a listing of 10,000 instances to 13 rounds of requests per read.
    type: int
    default: 8
  recycle_bin:
    description:
      - List the instances of the recycle bin (the API's C(recycledCacheInstance)) instead of the live ones, that
        is the deleted instances that the API can still recover, each with RV(instances[].soft_deleted_time) and
        RV(instances[].retain_expire_time).
      - Every filter and the sort apply as to the live instances; O(statuses) is the status the instance had when it
        was deleted.
      - An instance in the recycle bin has no settings to read and changes status only when it is recovered, so
        O(include) and O(wait_for) are refused with it.
    type: bool
    default: false
    version_added: 1.1.0
  include:
    description:
      - Settings to return with each listed instance, read with one more API call per instance, on up to
        O(concurrency) connections at once.
      - V(whitelist) adds RV(instances[].whitelist), in the shape the M(jdcloud.cloud.jcs_redis_whitelist) module
        returns.
      - V(config) adds RV(instances[].config), the engine parameters in the shape the M(jdcloud.cloud.jcs_redis_config)
        module returns.
      - V(backup_policy) adds RV(instances[].backup_policy), the automatic backup policy in the shape the
        M(jdcloud.cloud.jcs_redis_backup_policy) module returns.
      - V(accounts) adds RV(instances[].accounts), the accounts in the shape the M(jdcloud.cloud.jcs_redis_account)
        module returns (never a password).
      - V(tls) adds RV(instances[].tls), TLS in transit in the shape the M(jdcloud.cloud.jcs_redis_tls) module returns.
      - V(disabled_commands) adds RV(instances[].disabled_commands), as M(jdcloud.cloud.jcs_redis_disabled_commands)
        returns them.
      - V(tasks) adds RV(instances[].tasks), the planned and running tasks of the instance (resizes and upgrades),
        from C(listTasks) (two calls per instance) and, when a task runs, C(describeTaskProgressList) (one more).
      - V(posture) adds RV(instances[].posture), the findings a security reviewer would flag. It reads the white list,
        the backup policy, TLS and the disabled commands of each instance (four calls per instance; those also asked
        for in O(include) are returned too, and read once).
    type: list
    elements: str
    choices: [whitelist, config, backup_policy, accounts, tls, disabled_commands, posture, tasks]
    default: []
    version_added: 1.1.0
  wait_for:
    description:
      - Wait until every listed instance is in this state, listing the instances again every O(poll_interval)
        seconds; one listing serves any number of instances, so many instances are waited for at the cost of one.
      - V(running) waits while an instance is being created, resized, configured, restored or upgraded. In the end
        every listed instance must run; the module fails naming each one that is in another status (for example
        V(error)), that is gone (with O(instance_ids)), or that is still busy after O(wait_timeout) seconds.
      - V(absent) waits while an instance is being deleted. In the end no instance may be listed; the module fails
        naming each one that is still there, in another status or still being deleted after O(wait_timeout) seconds.
      - In check mode the module lists once and neither waits nor fails, since a play in check mode has started nothing
        to wait for.
      - When not set, the module lists once and returns.
    type: str
    choices: [running, absent]
    version_added: 1.1.0
  wait_timeout:
    description:
      - How many seconds O(wait_for) waits at most; V(0) lists once and fails at once if an instance is still busy.
    type: int
    default: 1800
    version_added: 1.1.0
  poll_interval:
    description:
      - Seconds between two listings while O(wait_for) waits; more than 0 and at most 3600.
    type: float
    default: 2
    version_added: 1.1.0
'''

EXAMPLES = r'''
- name: List every Redis instance of the region
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
  register: redis

- name: Look up one instance by its exact name, with credentials from the environment
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    name: orders_cache
  register: orders

- name: Running 4.0 cluster instances of a VPC, newest first
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    vpc_id: vpc-abcdefgh12
    statuses: [running]
    redis_version: '4.0'
    instance_type: cluster
    sort_by: create_time
    sort_order: desc

- name: The instances of one cost owner in production
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    tags:
      team: payments
      env: [prod, production]
  register: payments

- name: Who may connect to each running instance
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    statuses: [running]
    include: [whitelist]
  register: access

- name: Engine parameters and backup policy of each running instance, for an audit
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    statuses: [running]
    include: [config, backup_policy]
  register: tuning

- name: The security findings of every instance, most severe first
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    include: [posture]
  register: review

- name: Name the instances with at least one finding
  ansible.builtin.debug:
    msg: "{{ review.instances | selectattr('posture') | map(attribute='name') | list }}"

- name: Share the connection options of a block of tasks
  module_defaults:
    group/jdcloud.cloud.jcs:
      access_key: "{{ jdcloud_access_key }}"
      secret_key: "{{ jdcloud_secret_key }}"
      region: cn-south-1
  block:
    - name: Instances whose name contains "session"
      jdcloud.cloud.jcs_redis_info:
        name: session
        name_match: contains
      register: sessions

    - name: Show their connection addresses
      ansible.builtin.debug:
        msg: "{{ sessions.instances | map(attribute='connection_domain') | list }}"

- name: Is the instance deleted by mistake still in the recycle bin, and until when?
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    name: orders_cache
    recycle_bin: true
  register: binned

- name: Say until when it can be recovered
  ansible.builtin.debug:
    msg: "{{ binned.instances | map(attribute='retain_expire_time') | list }}"
  when: binned.total > 0

- name: Wait until the instances created with wait=false run, one listing every 2 seconds for all of them
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    instance_ids: "{{ created.results | map(attribute='instance.id') | list }}"
    wait_for: running
    wait_timeout: 1800
'''

RETURN = r'''
polls:
  description: How many times the instances were listed while O(wait_for) waited.
  returned: when O(wait_for) is set
  type: int
  sample: 3
  version_added: 1.1.0
total:
  description: Number of instances in RV(instances).
  returned: success
  type: int
  sample: 1
instances:
  description:
    - The instances that match every filter, in the order of the API (or of O(sort_by)).
    - Each element has the shape the M(jdcloud.cloud.jcs_redis_instance) module returns as its C(instance).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Instance ID.
      type: str
      sample: redis-m0vcg462xe31
    name:
      description: Instance name.
      type: str
      sample: orders_cache
    status:
      description: Instance status, one of V(creating), V(running), V(error), V(changing), V(deleting), V(configuring), V(restoring), V(upgrading).
      type: str
      sample: running
    description:
      description: Instance description; empty when the instance has none.
      type: str
      sample: Cache of the order service
    region:
      description: Region of the instance.
      type: str
      sample: cn-north-1
    instance_class:
      description: Instance class code; for custom-shard clusters, the class of one shard.
      type: str
      sample: redis.m.micro.basic
    instance_type:
      description: Architecture, V(master-slave), V(cluster) or V(native-cluster).
      type: str
      sample: master-slave
    memory_mb:
      description: Total memory of the instance in MB.
      type: int
      sample: 1024
    memory_mb_per_shard:
      description: Memory of one shard in MB.
      type: int
      sample: 1024
    shard_number:
      description: Number of shards (1 for master-slave instances).
      type: int
      sample: 1
    replica_number:
      description: Number of replicas of each shard, the primary included; null when the API does not say.
      type: int
      sample: 2
      version_added: 1.1.0
    redis_version:
      description: Redis engine version.
      type: str
      sample: '4.0'
    instance_version:
      description: Detailed engine version.
      type: str
      sample: 4.0-1.3
    instance_proxy_version:
      description: Detailed version of the proxy; null when the instance has no proxy (master-slave).
      type: str
      sample: 4.0-2.4
      version_added: 1.1.0
    vpc_id:
      description: VPC of the instance.
      type: str
      sample: vpc-abcdefgh12
    subnet_id:
      description: Subnet of the instance.
      type: str
      sample: subnet-abcdefgh12
    master_az:
      description: Availability zone of the primary.
      type: str
      sample: cn-north-1a
    slave_az:
      description: Availability zone of the replica.
      type: str
      sample: cn-north-1b
    connection_domain:
      description: Domain name clients connect to.
      type: str
      sample: redis-m0vcg462xe31-proxy-nlb.jvessel-open-hb.jdcloud.com
    port:
      description: Port clients connect to.
      type: int
      sample: 6379
    auth_enabled:
      description: Whether clients need a password. The password itself is never returned.
      type: bool
      sample: true
    ipv6:
      description: Whether the instance can be reached over IPv6.
      type: bool
      sample: false
    charge_mode:
      description: Billing mode, V(postpaid_by_duration) or V(prepaid_by_duration).
      type: str
      sample: postpaid_by_duration
    charge_status:
      description: Billing status.
      type: str
      sample: normal
    charge_start_time:
      description: Start of billing, ISO 8601 UTC.
      type: str
      sample: '2024-01-02T03:04:05Z'
    charge_expired_time:
      description: End of the paid period of a prepaid instance, ISO 8601 UTC; V(null) for pay-as-you-go instances.
      type: str
      sample: '2024-02-02T03:04:05Z'
    create_time:
      description: Creation time, ISO 8601 UTC.
      type: str
      sample: '2024-01-02T03:04:05Z'
    tags:
      description: Tags of the instance, key to value.
      type: dict
      sample: {team: orders}
    maintenance_window:
      description: The maintenance window of the instance, V(HH:MM-HH:MM +0000) (UTC); null when it has none.
      type: str
      sample: 18:00-20:00 +0000
      version_added: 1.1.0
    scheduled_task_type:
      description:
        - The type of the task planned for the maintenance window of the instance (V(resize), V(upgrade)), as the API
          names it (C(toBeExecutedTaskType)); null when none is planned. O(include=tasks) lists the tasks.
      type: str
      sample: resize
      version_added: 1.1.0
    soft_deleted_time:
      description: When the instance was deleted into the recycle bin, ISO 8601 UTC (the API's C(softDeletedTime)).
      returned: when O(recycle_bin=true)
      type: str
      sample: '2026-12-07T09:30:00Z'
      version_added: 1.1.0
    retain_expire_time:
      description:
        - When the recycle bin destroys the instance for good, ISO 8601 UTC (the API's C(retainExpireTime)); until
          then it can be recovered.
      returned: when O(recycle_bin=true)
      type: str
      sample: '2026-12-14T09:30:00Z'
      version_added: 1.1.0
    whitelist:
      description:
        - The white-list groups of the instance, as M(jdcloud.cloud.jcs_redis_whitelist) returns them; V(null) for an
          instance deleted while the module ran.
      returned: when O(include) contains V(whitelist)
      type: list
      elements: dict
      version_added: 1.1.0
      contains:
        name:
          description: Name of the group.
          type: str
          sample: default
        ips:
          description: IPv4 addresses and CIDR blocks of the group, normalised and sorted.
          type: list
          elements: str
          sample: [10.0.1.0/24, 10.0.9.10]
    config:
      description:
        - The engine parameters of the instance, name to value as the API reports them, as
          M(jdcloud.cloud.jcs_redis_config) returns them; V(null) for an instance deleted while the module ran.
      returned: when O(include) contains V(config)
      type: dict
      version_added: 1.1.0
      sample: {maxmemory-policy: allkeys-lru, notify-keyspace-events: Ex}
    tls:
      description:
        - TLS in transit of the instance (C(supported), C(enabled), C(type), C(versions), C(certificate_expires),
          C(ca), C(ca_download_url)), as M(jdcloud.cloud.jcs_redis_tls) returns it; V(null) for an instance deleted
          while the module ran.
      returned: when O(include) contains V(tls)
      type: dict
      version_added: 1.1.0
    disabled_commands:
      description:
        - The commands disabled on the instance, upper-case and sorted; V(null) for an instance deleted while the
          module ran.
      returned: when O(include) contains V(disabled_commands)
      type: list
      elements: str
      version_added: 1.1.0
      sample: [FLUSHALL, KEYS]
    posture:
      description:
        - The findings of a security review of the instance, most severe first; empty when there is none; V(null) for
          an instance deleted while the module ran.
        - The ids, their severities and what fixes each are in the user guide, "Hardening an instance".
      returned: when O(include) contains V(posture)
      type: list
      elements: dict
      version_added: 1.1.0
      contains:
        id:
          description:
            - What is found, one of V(whitelist_open), V(no_password), V(whitelist_public), V(tls_off),
              V(tls_certificate_expiring), V(dangerous_commands_enabled), V(automatic_backups_off),
              V(tls_unsupported), V(no_maintenance_window).
          type: str
          sample: whitelist_open
        severity:
          description: V(high), V(medium) or V(low).
          type: str
          sample: high
        message:
          description: What is found on this instance.
          type: str
          sample: the white-list group default admits every address (0.0.0.0/0)
        fix:
          description: The module and option that fix it.
          type: str
          sample: 'jdcloud.cloud.jcs_redis_whitelist: groups (list default with the addresses it should hold)'
        groups:
          description: The white-list groups that admit every address (V(whitelist_open)).
          type: list
          elements: str
          returned: with V(whitelist_open)
        ips:
          description: The public addresses of the white list (V(whitelist_public)).
          type: list
          elements: str
          returned: with V(whitelist_public)
        commands:
          description: The dangerous commands clients may run (V(dangerous_commands_enabled)).
          type: list
          elements: str
          returned: with V(dangerous_commands_enabled)
        expires:
          description: When the certificate expires (V(tls_certificate_expiring)).
          type: str
          returned: with V(tls_certificate_expiring)
    tasks:
      description:
        - The planned (C(init)) and running tasks of the instance, planned first; V(null) for an instance deleted while
          the module ran.
      returned: when O(include) contains V(tasks)
      type: list
      elements: dict
      version_added: 1.1.0
      contains:
        id: {description: The task ID., type: str, sample: task-a1b2c3d4e5f6}
        type: {description: "The task type: V(resize) or V(upgrade) (a type the collection does not know, by its id).", type: str}
        status: {description: "V(init) (planned) or V(running).", type: str}
        planned_start: {description: When the task is planned to start (ISO 8601 UTC)., type: str}
        window:
          description: The window the task is planned in, in UTC (V(18:00-20:00 +0000)); null when it has none.
          type: str
        started: {description: When the task started (ISO 8601 UTC); null while planned., type: str}
        interruptible: {description: Whether the running task can be interrupted., type: bool}
        progress_percent: {description: How far a running task is (0 to 99); null while planned., type: int}
        elapsed_seconds: {description: How long a running task has run; null while planned., type: int}
    backup_policy:
      description:
        - The automatic backup policy of the instance (C(auto_backup), C(backup_days), C(backup_window),
          C(next_backup_window)), as M(jdcloud.cloud.jcs_redis_backup_policy) returns it; V(null) for an instance
          deleted while the module ran.
      returned: when O(include) contains V(backup_policy)
      type: dict
      version_added: 1.1.0
      sample:
        auto_backup: true
        backup_days: [Monday, Thursday]
        backup_window: 01:00-02:00 +0800
        next_backup_window: 2026-11-29T17:00:00Z~2026-11-29T18:00:00Z
    accounts:
      description:
        - The accounts of the instance (C(name), C(privilege), C(description); never a password), V(default) first,
          as M(jdcloud.cloud.jcs_redis_account) returns them; V([]) for a Redis version without accounts (read with
          one more API call, to know the version); V(null) for an instance deleted while the module ran.
      returned: when O(include) contains V(accounts)
      type: list
      elements: dict
      version_added: 1.1.0
      sample:
        - name: default
          privilege: read_write
          description: ''
        - name: reporting
          privilege: read_only
          description: BI dashboards
'''

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import STATUSES, read_tasks
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, local_error, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError
from ansible_collections.jdcloud.cloud.plugins.module_utils._fleet import wait_for_instances, wait_outcome
from ansible_collections.jdcloud.cloud.plugins.module_utils._posture import SETTINGS, findings, read_settings
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import normalize_version
from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import has_tags, tag_filters

CONCURRENCY_MIN = 1
CONCURRENCY_MAX = 16
POLL_INTERVAL_MAX = 3600

# The API's instanceType filter uses its own words for two of the three
# architectures and has none for native-cluster.
INSTANCE_TYPE_FILTER = {'master-slave': 'redis', 'cluster': 'redis_cluster'}
SORT_NAMES = {'create_time': 'createTime', 'total_memory': 'totalMemory'}
BIN_REFUSED = {
    'include': 'an instance in the recycle bin has no settings to read until it is recovered',
    'wait_for': 'an instance in the recycle bin changes status only when it is recovered',
}


def sort_like_api(instances, sort_by, sort_order):
    """The API's order: by the sort key (memory, then newest first by default), creation time, id."""
    created = sorted(instances, key=lambda i: (i['create_time'] or '', i['id'] or ''), reverse=True)
    if sort_by == 'create_time':
        return created if sort_order == 'desc' else created[::-1]
    if sort_by == 'total_memory':
        return sorted(created, key=lambda i: i['memory_mb'] or 0, reverse=sort_order == 'desc')
    return created


class JCSRedisInfo(JCSModule):
    argument_spec = dict(
        instance_ids=dict(type='list', elements='str'),
        name=dict(type='str'),
        name_match=dict(type='str', choices=['exact', 'contains'], default='exact'),
        statuses=dict(type='list', elements='str', choices=list(STATUSES)),
        vpc_id=dict(type='str'),
        subnet_id=dict(type='str'),
        redis_version=dict(type='str'),
        instance_type=dict(type='str', choices=['master-slave', 'cluster', 'native-cluster']),
        charge_mode=dict(type='str', choices=['prepaid_by_duration', 'postpaid_by_duration']),
        tags=dict(type='dict'),
        sort_by=dict(type='str', choices=list(SORT_NAMES)),
        sort_order=dict(type='str', choices=['asc', 'desc'], default='asc'),
        concurrency=dict(type='int', default=8),
        recycle_bin=dict(type='bool', default=False),
        include=dict(
            type='list',
            elements='str',
            choices=[
                'whitelist',
                'config',
                'backup_policy',
                'accounts',
                'tls',
                'disabled_commands',
                'posture',
                'tasks',
            ],
            default=[],
        ),
        wait_for=dict(type='str', choices=['running', 'absent']),
        wait_timeout=dict(type='int', default=1800),
        poll_interval=dict(type='float', default=2),
    )
    module_kwargs = dict(supports_check_mode=True)
    tag_filters = None

    def max_connections(self):
        return min(max(self.params['concurrency'], CONCURRENCY_MIN), CONCURRENCY_MAX)

    def validate(self):
        params = self.params
        if not CONCURRENCY_MIN <= params['concurrency'] <= CONCURRENCY_MAX:
            self.fail(
                'concurrency must be between {} and {}, got {}'.format(
                    CONCURRENCY_MIN, CONCURRENCY_MAX, params['concurrency']
                ),
                status='INVALID_ARGUMENT',
            )
        if params['tags']:
            try:
                self.tag_filters = tag_filters(params['tags'])
            except ValueError as exc:
                self.fail(str(exc), status='INVALID_ARGUMENT')
        # An empty string would otherwise drop the filter and list every instance.
        for option in ('name', 'vpc_id', 'subnet_id'):
            if params[option] == '':
                self.fail(
                    f'{option} must not be empty; omit the option to list instances regardless of {option}',
                    status='INVALID_ARGUMENT',
                )
        if params['redis_version'] is not None and normalize_version(params['redis_version']) is None:
            self.fail(
                'redis_version must be a version such as 4.0, got {}'.format(shown(params['redis_version'])),
                status='INVALID_ARGUMENT',
            )
        if params['recycle_bin']:
            for option, why in BIN_REFUSED.items():
                if params[option]:
                    self.fail(f'{option} cannot be used with recycle_bin: {why}', status='INVALID_ARGUMENT')
        if params['wait_timeout'] < 0:
            self.fail(
                'wait_timeout must be 0 or more seconds, got {}'.format(params['wait_timeout']),
                status='INVALID_ARGUMENT',
            )
        # written so that NaN fails too
        if not 0 < params['poll_interval'] <= POLL_INTERVAL_MAX:
            self.fail(
                'poll_interval must be more than 0 and at most {} seconds, got {}'.format(
                    POLL_INTERVAL_MAX, params['poll_interval']
                ),
                status='INVALID_ARGUMENT',
            )

    def server_filters(self):
        params = self.params
        wanted = (
            ('cacheInstanceId', params['instance_ids']),
            ('cacheInstanceName', params['name']),
            ('cacheInstanceStatus', params['statuses']),
            ('vpcId', params['vpc_id']),
            ('subnetId', params['subnet_id']),
            ('redisVersion', normalize_version(params['redis_version'])),
            ('instanceType', INSTANCE_TYPE_FILTER.get(params['instance_type'])),
            ('chargeMode', params['charge_mode']),
        )
        return [
            dict(name=name, values=value if isinstance(value, list) else [value]) for name, value in wanted if value
        ]

    def matches(self, instance):
        """The filters the API cannot apply exactly."""
        params = self.params
        if params['name'] and params['name_match'] == 'exact' and instance['name'] != params['name']:
            return False
        if self.tag_filters and not has_tags(instance, self.tag_filters):
            return False
        return not (params['instance_type'] and instance['instance_type'] != params['instance_type'])

    def run(self):
        params = self.params
        self.validate()
        if params['instance_ids'] == [] or params['statuses'] == [] or [] in (params['tags'] or {}).values():
            return dict(changed=False, instances=[], total=0)
        sorts = None
        if params['sort_by']:
            sorts = [dict(name=SORT_NAMES[params['sort_by']], direction=params['sort_order'])]

        def listing():
            found, settled = (self.api.list_recycled if params['recycle_bin'] else self.api.list_instances)(
                filters=self.server_filters(),
                tag_filters=self.tag_filters or None,
                sorts=sorts,
                concurrency=params['concurrency'],
            )
            if not settled:
                # Instances that reads missed were added after the last read's: put them in the API's order.
                found = sort_like_api(found, params['sort_by'], params['sort_order'])
            return [instance for instance in found if self.matches(instance)]

        if not params['wait_for']:
            instances = listing()
            result = dict(changed=False, instances=instances, total=len(instances))
        else:
            result = self.wait(listing)
            instances = result['instances']
        if params['include'] and instances:
            self.add_settings(instances, set(params['include']))
        return result

    def wait(self, listing):
        """List until the instances are where wait_for says, failing naming those that are not."""
        params = self.params
        wait_for = params['wait_for']
        timeout = 0 if self.check_mode else params['wait_timeout']
        instances, polls, names = wait_for_instances(listing, wait_for, timeout, params['poll_interval'])
        result = dict(changed=False, instances=instances, total=len(instances), polls=polls)
        problem = None if self.check_mode else wait_outcome(wait_for, instances, params['instance_ids'], names, timeout)
        if problem:
            status = 'WAIT_TIMEOUT' if problem.startswith('Timed out') else 'INSTANCE_ERROR'
            self.fail(problem, error=local_error(status, problem), **result)
        return result

    def add_settings(self, instances, include):
        keys = [
            key
            for key in ('whitelist', 'config', 'backup_policy', 'accounts', 'tls', 'disabled_commands')
            if key in include
        ]
        if 'posture' in include:
            keys += [key for key in SETTINGS if key not in keys]
        now = time.time()

        def fetch(instance):
            settings = read_settings(self.api, instance['id'], keys)
            instance.update((key, value) for key, value in settings.items() if key in include)
            if 'posture' in include:
                instance['posture'] = findings(instance, settings, now)
            if 'tasks' in include:
                try:
                    instance['tasks'] = read_tasks(self.api, instance['id'])
                except JDCloudAPIError as exc:
                    if exc.code != 404:
                        raise
                    instance['tasks'] = None  # deleted since it was listed

        with ThreadPoolExecutor(max_workers=min(self.params['concurrency'], len(instances))) as pool:
            list(pool.map(fetch, instances))


def main():
    JCSRedisInfo().execute()


if __name__ == '__main__':
    main()
