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
    C(resetCacheInstancePassword), C(deleteCacheInstance)). A re-run with the same options changes nothing.
  - Options that are omitted leave the instance as it is.
  - The instance is identified by O(instance_id) when given, otherwise by its exact O(name).
    Names are not unique on JD Cloud; when more than one instance (not being deleted) has the name,
    the module fails and lists them.
  - Options the API cannot change in place (VPC, subnet, zones, Redis version, IPv6, billing) make the
    module fail with the list of differences. It never deletes and recreates an instance by itself.
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
options:
  state:
    description:
      - V(present) creates the instance or updates it; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
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
      - Required to create an instance.
    type: str
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
  wait:
    description:
      - Wait until the instance is V(running) after a create or resize (or when it was already busy),
        and until it is gone after a delete.
      - The wait polls with growing intervals of up to 2 seconds and fails at once if the instance
        goes into status V(error).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most. On timeout the module fails with the last status seen.
    type: int
    default: 1800
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.state_module
notes:
  - An instance in status V(creating) or V(changing) is waited for (when O(wait=true)) before it is changed or deleted.
  - Prepaid instances cannot be deleted before their term ends; the module says so before calling the API.
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

- name: Delete the instance and wait until it is gone
  jdcloud.cloud.jcs_redis_instance:
    region: cn-north-1
    name: orders_cache_v2
    state: absent
'''

RETURN = r'''
changes:
  description: What changed, or would change in check mode.
  returned: always
  type: list
  elements: str
  sample: [instance_class, description]
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
    - With O(state=absent), the instance as last seen, or null when there was none.
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
    redis_version: {description: Redis engine version., type: str, returned: success, sample: "5.0"}
    instance_version: {description: Detailed engine version., type: str, returned: success, sample: 5.0-1.3}
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
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule, local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError
from ansible_collections.jdcloud.cloud.plugins.module_utils._instance import (
    attribute_changes,
    billing_order,
    create_problems,
    create_request,
    diff_of,
    immutable_differences,
    predicted_new,
    prepaid_unexpired,
    validate,
    zone_problems,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import (
    TRANSITIONAL,
    instance_to_result,
    normalize_version,
)


class JCSRedisInstance(JCSModule):
    argument_spec = dict(
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        instance_id=dict(type='str'),
        name=dict(type='str'),
        description=dict(type='str'),
        instance_class=dict(type='str'),
        vpc_id=dict(type='str'),
        subnet_id=dict(type='str'),
        master_az=dict(type='str'),
        slave_az=dict(type='str'),
        redis_version=dict(type='str'),
        ipv6=dict(type='bool'),
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
        allow_passwordless=dict(type='bool', default=False),
        charge_mode=dict(type='str', choices=['postpaid_by_duration', 'prepaid_by_duration']),
        charge_unit=dict(type='str', choices=['month', 'year']),
        charge_duration=dict(type='int'),
        auto_renew=dict(type='bool'),
        preflight=dict(type='bool', default=True),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=1800),
    )
    module_kwargs = dict(
        supports_check_mode=True,
        required_one_of=[('instance_id', 'name')],
    )

    def run(self):
        problems = validate(self.params)
        if problems:
            self.fail('; '.join(problems))
        problems = zone_problems(self.params, self.api.region)
        if problems:
            # Zones are named after their region: with a region the API does not know, the region is at fault.
            self.check_region()
            self.fail('; '.join(problems))
        self.changes = []
        self.order = {}
        if self.params['state'] == 'absent':
            before, after = self.absent()
        else:
            before, after = self.present()
        result = dict(
            changed=bool(self.changes),
            changes=self.changes,
            instance=after if self.params['state'] == 'present' else before,
        )
        result.update(self.order)
        if self.module._diff:
            result['diff'] = diff_of(before, after, self.changes, bool(self.params['password']))
        return result

    # -- reading -------------------------------------------------------------------

    def describe(self, instance_id):
        api = self.api.get_instance(instance_id)
        return instance_to_result(api, self.region_id) if api is not None else None

    @property
    def region_id(self):
        return self.api.region

    def named(self):
        """The instances named exactly ``name``; those being deleted are kept apart in ``self.deleting``."""
        matches, self.deleting = self.instances_named(self.params['name'])
        return matches

    def find(self):
        return self.find_instance(self.params['instance_id'], self.params['name'])

    def wait_until(self, instance_id, done, what):
        """Wait until ``done(instance)``; the instance vanishing is a failure."""

        def check(instance):
            if instance is None:
                self.fail(f'Instance {instance_id} disappeared while waiting for it {what}')
            return done(instance)

        return self.wait_for(
            lambda: self.describe(instance_id),
            check,
            self.params['wait_timeout'],
            f'instance {instance_id} {what}',
        )

    def wait_gone(self, instance_id):
        return self.wait_for(
            lambda: self.describe(instance_id),
            lambda instance: instance is None,
            self.params['wait_timeout'],
            f'instance {instance_id} to be deleted',
        )

    def settle(self, current, statuses=('running',)):
        """Wait for an instance that is busy; fail when not allowed to wait."""
        if current['status'] not in TRANSITIONAL:
            return current
        if not self.params['wait']:
            self.fail(
                'Instance {} is {}; set wait: true to wait until it can be changed'.format(
                    current['id'], current['status']
                ),
                instance=current,
            )
        return self.wait_until(current['id'], lambda i: i['status'] in statuses, 'to become ' + ' or '.join(statuses))

    # -- state: present --------------------------------------------------------------

    def present(self):
        current = self.find()
        if current is None:
            if self.params['instance_id']:
                self.fail(
                    'Instance {} does not exist; omit instance_id to create an instance'.format(
                        self.params['instance_id']
                    )
                )
            return None, self.create()
        if current['status'] == 'deleting':
            self.fail('Instance {} is being deleted'.format(current['id']), instance=current)
        differences = immutable_differences(self.params, current)
        if differences:
            self.fail(
                'These options cannot be changed on the existing instance {}: {}. The module never deletes and '
                'recreates an instance; do it explicitly if that is intended'.format(
                    current['id'], '; '.join(differences)
                ),
                instance=current,
            )
        if self.params['wait'] and current['status'] in TRANSITIONAL and not self.check_mode:
            current = self.settle(current)
        return self.update(current)

    def create(self):
        params = self.params
        problems = create_problems(params)
        if problems:
            if self.deleting:
                problems.insert(
                    0,
                    'no instance named {!r} exists except {}, which is being deleted, so a new one would be '
                    'created'.format(params['name'], ', '.join(self.deleting)),
                )
            self.fail('; '.join(problems))
        instance_class = {}
        quota = {}
        if params['preflight']:
            instance_class = self.find_class(params['instance_class'], normalize_version(params['redis_version']))
            quota = self.api.quota()
        if quota and quota.get('used', 0) >= quota.get('max', 0):
            self.fail(
                'The Redis quota of region {} is used up ({} of {} instances); no instance can be created'.format(
                    self.region_id, quota.get('used'), quota.get('max')
                ),
                error=local_error('QUOTA_EXCEEDED', 'quota used up'),
            )
        self.changes.append('create')
        if self.check_mode:
            return predicted_new(params, self.region_id, instance_class)
        spec, charge = create_request(params)
        result, adopted = self.write(lambda: self.api.create(spec, charge), self.adopt_created)
        if adopted is not None:
            instance_id = adopted['id']
        else:
            instance_id = result['cacheInstanceId']
            self.order = billing_order(result)
        if params['wait']:
            return self.wait_until(instance_id, lambda i: i['status'] == 'running', 'to become running')
        return self.describe(instance_id)

    def adopt_created(self):
        """After a create whose outcome is unknown: the instance, if it exists."""
        matches = self.named()
        if len(matches) > 1:
            message = 'The outcome of the create was unknown and {} instances named {!r} now exist: {}'.format(
                len(matches), self.params['name'], ', '.join(m.get('cacheInstanceId') for m in matches)
            )
            self.fail(message, error=local_error('AMBIGUOUS_NAME', message))
        return instance_to_result(matches[0], self.region_id) if matches else None

    def find_class(self, instance_class, redis_version):
        classes = self.instance_classes(redis_version)
        for entry in classes:
            if entry.get('instanceClass') == instance_class:
                return entry
        self.class_not_sold(instance_class, redis_version, classes)

    def update(self, current):
        params = self.params
        attributes = attribute_changes(params, current)
        resize = params['instance_class'] is not None and params['instance_class'] != current['instance_class']
        reset_password = params['password'] is not None and params['update_password'] == 'always'
        after = dict(current)
        after.update(attributes)
        self.changes.extend(sorted(attributes))
        if resize:
            new_class = {}
            if params['preflight']:
                new_class = self.find_class(params['instance_class'], normalize_version(current['redis_version']))
            memory = new_class.get('memoryMB')
            after.update(
                instance_class=params['instance_class'],
                memory_mb=memory,
                instance_type=new_class.get('instanceType'),
                memory_mb_per_shard=memory // (current['shard_number'] or 1) if memory else None,
            )
            self.changes.append('instance_class')
        if reset_password:
            self.module.warn(
                'update_password is always: the password of {} is reset on every run'.format(current['id'])
            )
            self.changes.append('password')
            after['auth_enabled'] = bool(params['password'])
        if self.check_mode or not self.changes:
            return current, after
        if attributes:
            self.api.modify_attribute(current['id'], **attributes)
        if reset_password:
            self.api.reset_password(current['id'], params['password'])
        if resize:
            self.resize(current)
        instance = (
            self.describe(current['id'])
            if not (resize and params['wait'])
            else self.wait_until(
                current['id'],
                lambda i: i['status'] == 'running' and i['instance_class'] == params['instance_class'],
                'to run with class ' + params['instance_class'],
            )
        )
        return current, instance

    def resize(self, current):
        if current['status'] != 'running':
            self.fail(
                'Instance {} is {}; it can only be resized while running'.format(current['id'], current['status'])
            )
        new_class = self.params['instance_class']

        def applied():
            instance = self.describe(current['id'])
            if instance and (instance['status'] == 'changing' or instance['instance_class'] == new_class):
                return instance
            return None

        result, dummy = self.write(lambda: self.api.modify_class(current['id'], new_class), applied)
        if result:
            self.order = billing_order(result)

    # -- state: absent -----------------------------------------------------------------

    def absent(self):
        current = self.find()
        if current is None:
            return None, None
        if current['status'] == 'deleting':
            if self.params['wait'] and not self.check_mode:
                self.wait_gone(current['id'])
            return current, None
        if prepaid_unexpired(current):
            self.fail(
                'Instance {} is prepaid until {} and cannot be deleted before its term ends'.format(
                    current['id'], current['charge_expired_time']
                ),
                instance=current,
            )
        if not self.check_mode:
            current = self.settle(current, statuses=('running', 'error'))
        self.changes.append('delete')
        if self.check_mode:
            return current, None

        def applied():
            instance = self.describe(current['id'])
            if instance is None:
                return {}
            return instance if instance['status'] == 'deleting' else None

        try:
            self.write(lambda: self.api.delete(current['id']), applied)
        except JDCloudAPIError as exc:
            if exc.status == 'FAILED_PRECONDITION':
                self.fail_from(exc, 'Instance {} cannot be deleted now'.format(current['id']), instance=current)
            raise
        if self.params['wait']:
            self.wait_gone(current['id'])
        return current, None


def main():
    JCSRedisInstance().execute()


if __name__ == '__main__':
    main()
