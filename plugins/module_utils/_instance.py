# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Desired-state planning for jcs_redis_instance: validation, the create
request, the comparison with the current instance, and the predicted result.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import datetime
import difflib
import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import (
    API_DEFAULT_VERSION,
    TRANSITIONAL,
    Refusal,
    instance_to_result,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import instance_id_problem, local_error
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import (
    JDCloudAPIError,
    JDCloudError,
    parse_endpoint,
    shown,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._lock import HostLock
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import (
    CHARGE_DURATION_MAX,
    description_problem,
    name_problem,
    normalize_version,
    password_problem,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._shards import (
    architecture_problem,
    class_layout,
    replica_problem,
    shard_problem,
    target_shards,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import (
    Tags,
    failures,
    tag_plan,
    tags_problems,
    user_tags,
)

REDACTED = '<redacted>'
TAGS = Tags()

VPC_PATTERN = re.compile(r'vpc-[0-9a-z]+\Z')
SUBNET_PATTERN = re.compile(r'subnet-[0-9a-z]+\Z')

CREATE_REQUIRED = ('name', 'instance_class', 'vpc_id', 'subnet_id', 'master_az', 'slave_az')

# What an instance is declared with, the same in jcs_redis_instance and in each entry of jcs_redis_fleet.
INSTANCE_ARGUMENT_SPEC = dict(
    description=dict(type='str'),
    instance_class=dict(type='str'),
    shard_number=dict(type='int'),
    replica_number=dict(type='int'),
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
    tags=dict(type='dict'),
    purge_tags=dict(type='bool', default=False),
)

# Options the API cannot change on an existing instance, with how the desired
# value is compared to the instance shape.
IMMUTABLE = (
    ('vpc_id', 'vpc_id', None),
    ('subnet_id', 'subnet_id', None),
    ('master_az', 'master_az', None),
    ('slave_az', 'slave_az', None),
    ('redis_version', 'redis_version', normalize_version),
    ('ipv6', 'ipv6', bool),
    ('charge_mode', 'charge_mode', None),
)


def validate(params):
    """Problems with the options that need no API call, each naming the option
    and the rule."""
    problems = []
    if params['instance_id'] is not None and instance_id_problem(params['instance_id']):
        problems.append(instance_id_problem(params['instance_id']))
    for option, check in (('name', name_problem), ('description', description_problem)):
        if params[option] is not None:
            problem = check(params[option])
            if problem:
                problems.append(f'{option} {problem}')
    for option, pattern, example in (
        ('vpc_id', VPC_PATTERN, 'vpc-hvo176vm93'),
        ('subnet_id', SUBNET_PATTERN, 'subnet-k8sjnalvo3'),
    ):
        if params[option] is not None and not pattern.match(params[option]):
            problems.append(
                f'{option} must look like {example} (lower-case letters and digits after the prefix), got {shown(params[option])}'
            )
    password = params['password']
    if password:
        problem = password_problem(password)
        if problem:
            problems.append('password ' + problem)
    elif password == '' and not params['allow_passwordless']:
        problems.append(
            'password is empty, which leaves the data open to anyone in the VPC; '
            'set allow_passwordless: true if that is intended'
        )
    if params['redis_version'] is not None and normalize_version(params['redis_version']) is None:
        problems.append(
            'redis_version must be a version such as 4.0 or 5.0, got {}'.format(shown(params['redis_version']))
        )
    if params['tags'] is not None:
        problems.extend(tags_problems('tags', params['tags']))
    if params['tag_endpoint'] is not None:
        try:
            parse_endpoint(params['tag_endpoint'])
        except JDCloudError:
            problems.append(
                'tag_endpoint must be a URL like https://resourcetag.jdcloud-api.com or http://127.0.0.1:8765 '
                '(scheme, host and port only)'
            )
    for option in ('shard_number', 'replica_number'):
        if params[option] is not None and params[option] < 1:
            problems.append(f'{option} must be a positive number, got {params[option]}')
    if params['wait_timeout'] < 1:
        problems.append('wait_timeout must be at least 1 second, got {}'.format(params['wait_timeout']))
    problems.extend(_charge_problems(params))
    return problems


def zone_problems(params, region):
    """Problems with master_az and slave_az, which must be zones of ``region``."""
    problems = []
    for option in ('master_az', 'slave_az'):
        value = params[option]
        zone = value[len(region) :] if value is not None and value.startswith(region) else ''
        if value is not None and not (len(zone) == 1 and 'a' <= zone <= 'z'):
            problems.append(
                f'{option} must be an availability zone of region {region}, such as {region}a, got {shown(value)}'
            )
    return problems


def _charge_problems(params):
    prepaid_only = [o for o in ('charge_unit', 'charge_duration', 'auto_renew') if params[o] is not None]
    if params['charge_mode'] != 'prepaid_by_duration':
        if prepaid_only:
            return ['{} only apply with charge_mode: prepaid_by_duration'.format(', '.join(prepaid_only))]
        return []
    if params['charge_duration'] is None:
        return ['charge_duration is required with charge_mode: prepaid_by_duration']
    unit = params['charge_unit'] or 'month'
    if not 1 <= params['charge_duration'] <= CHARGE_DURATION_MAX[unit]:
        return [
            'charge_duration must be between 1 and {} when charge_unit is {}, got {}'.format(
                CHARGE_DURATION_MAX[unit], unit, params['charge_duration']
            )
        ]
    return []


def create_problems(params):
    problems = [f'{o} is required to create an instance' for o in CREATE_REQUIRED if not params[o]]
    if params['password'] is None and not params['allow_passwordless']:
        problems.append(
            'password is required to create an instance; to create one without a password, '
            'which leaves the data open to anyone in the VPC, set allow_passwordless: true'
        )
    return problems


def unknown_name_text(name, region, names):
    """What opens the create problems when nothing has the name: with create options missing, the
    user more likely meant an existing instance and mistyped its name."""
    close = difflib.get_close_matches(name, sorted({n for n in names if n and n != name}), n=3)
    text = f'no instance named {shown(name)} in {region}'
    if close:
        text += ' (close names: {})'.format(', '.join(shown(n) for n in close))
    return text + '; to create it, '


def create_request(params):
    """The cacheInstance and charge bodies of createCacheInstance."""
    spec = dict(
        cacheInstanceName=params['name'],
        cacheInstanceClass=params['instance_class'],
        vpcId=params['vpc_id'],
        subnetId=params['subnet_id'],
        azId=dict(master=params['master_az'], slave=params['slave_az']),
        password=params['password'] or '',
    )
    if params['description'] is not None:
        spec['cacheInstanceDescription'] = params['description']
    if params['redis_version'] is not None:
        spec['redisVersion'] = normalize_version(params['redis_version'])
    if params['ipv6'] is not None:
        spec['ipv6On'] = 1 if params['ipv6'] else 0
    if params['shard_number'] is not None:
        spec['shardNumber'] = params['shard_number']
    if params['replica_number'] is not None:
        spec['replicaNumber'] = params['replica_number']
    if params['tags']:
        spec['userTags'] = user_tags(params['tags'])
    charge = None
    if params['charge_mode'] is not None:
        charge = dict(chargeMode=params['charge_mode'])
        if params['charge_mode'] == 'prepaid_by_duration':
            charge.update(chargeUnit=params['charge_unit'] or 'month', chargeDuration=params['charge_duration'])
            if params['auto_renew'] is not None:
                charge['autoRenew'] = params['auto_renew']
    return spec, charge


# Shards of the fixed cluster classes (redis.c.*, redis.c1.*) by size, from JD Cloud's specification
# list: describeInstanceClass does not tell them. Master-slave classes have one shard.
CLUSTER_SHARDS = {'small': 8, 'medium': 8, 'large': 8, 'xlarge': 16, '2xlarge': 16, '4xlarge': 32}


def class_shape(instance_class):
    """``(shard_number, memory_mb_per_shard)`` of a describeInstanceClass entry; None for what the
    catalogue does not tell."""
    if 'shardNumber' in instance_class:  # an entry made from describeAvailableResource
        return instance_class['shardNumber'], instance_class['memoryMBPerShard']
    memory = instance_class.get('memoryMB')
    shards = None
    if instance_class.get('instanceType') == 'master-slave':
        shards = 1
    elif instance_class.get('instanceType') == 'cluster':
        parts = (instance_class.get('instanceClass') or '').split('.')
        shards = CLUSTER_SHARDS.get(parts[2]) if len(parts) == 4 and parts[1] in ('c', 'c1') else None
    return shards, (memory // shards if memory and shards else None)


def resize_problem(current, new_class):
    """Why the API would refuse to resize ``current`` to the class entry ``new_class``, or None.
    Check mode and the real run both ask, so check mode never predicts a resize that fails."""
    problem = architecture_problem(current, new_class.get('instanceType'), new_class.get('instanceClass'))
    if problem:
        return problem
    memory = new_class.get('memoryMB')
    if current.get('charge_mode') == 'prepaid_by_duration' and memory and memory < (current.get('memory_mb') or 0):
        return 'instance {} is prepaid and can only be changed to a class with more memory ({} MB < {} MB)'.format(
            current['id'], memory, current['memory_mb']
        )
    return None


def predicted_new(params, region, instance_class):
    """The instance a create would produce, in the shared result shape.
    ``instance_class`` is the describeInstanceClass entry of the class."""
    spec, charge = create_request(params)
    api = dict(spec)
    api.pop('password')
    api['tags'] = api.pop('userTags', None)
    shards, per_shard = class_shape(instance_class)
    api.update(
        cacheInstanceStatus='running',
        cacheInstanceType=instance_class.get('instanceType'),
        cacheInstanceMemoryMB=instance_class.get('memoryMB'),
        shardNumber=shards,
        memoryMBPerShard=per_shard,
        replicaNumber=params['replica_number'],
        auth=bool(params['password']),
        charge=charge or dict(chargeMode='postpaid_by_duration'),
    )
    return instance_to_result(api, region)


def class_changes(params, current):
    """Whether the options ask for another class, shard count or replica count."""
    return any(
        params[option] is not None and params[option] != current.get(option)
        for option in ('instance_class', 'shard_number', 'replica_number')
    )


def resized(instance, plan):
    """Whether ``instance`` has the class and counts of the resize ``plan``."""
    return all(
        plan[option] is None or instance.get(option) == plan[option]
        for option in ('instance_class', 'shard_number', 'replica_number')
    )


def resize_text(plan):
    parts = ['class ' + plan['instance_class']]
    if plan['shard_number'] is not None:
        parts.append('{} shards'.format(plan['shard_number']))
    if plan['replica_number'] is not None:
        parts.append('{} replicas'.format(plan['replica_number']))
    return ', '.join(parts)


def immutable_differences(params, current):
    """``option (current X, requested Y)`` for every option that differs from
    the instance but cannot be changed in place."""
    differences = []
    for option, key, normalize in IMMUTABLE:
        desired = params[option]
        if desired is None:
            continue
        have = current.get(key)
        if normalize is not None:
            desired, have = normalize(desired), normalize(have)
        if desired != have:
            differences.append(f'{option} (current {have!r}, requested {shown(desired)})')
    return differences


def attribute_changes(params, current):
    """The name/description changes, as the body keys of modifyCacheInstanceAttribute."""
    changes = {}
    # Without an instance_id the name is how the instance was found, so it
    # never differs; with one, a different name is a rename.
    if params['instance_id'] and params['name'] is not None and params['name'] != current['name']:
        changes['name'] = params['name']
    if params['description'] is not None and params['description'] != current['description']:
        changes['description'] = params['description']
    return changes


def prepaid_unexpired(current, now=None):
    """True when the instance is prepaid and its term has not ended."""
    if current.get('charge_mode') != 'prepaid_by_duration' or not current.get('charge_expired_time'):
        return False
    try:
        expires = datetime.datetime.strptime(current['charge_expired_time'], '%Y-%m-%dT%H:%M:%SZ')
    except ValueError:
        # An expiry we cannot read is treated as not yet reached: refusing is safe, deleting is not.
        return True
    return expires.replace(tzinfo=datetime.timezone.utc) > (now or datetime.datetime.now(datetime.timezone.utc))


def billing_order(result):
    """``order_num``/``buy_id`` of a create or resize answer, when an order was placed."""
    return {key: result[api] for key, api in (('order_num', 'orderNum'), ('buy_id', 'buyId')) if result.get(api)}


def diff_of(before, after, changes, password_given):
    """The ``diff`` of a run. The API cannot read a password back, so the diff
    only shows that one is set or reset, never its value."""
    before, after = dict(before or {}), dict(after or {})
    if 'password' in changes:
        before['password'] = REDACTED
        after['password'] = REDACTED + ' (reset)'
    elif 'create' in changes and password_given:
        after['password'] = REDACTED
    return dict(before=before, after=after)


# -- one (region, name) at a time on this machine ----------------------------------------------------


class InstanceOperations:
    """The reads, writes and waits of jcs_redis_instance, mixed into the module's JCSModule class."""

    deleting = ()  # the ids of the instances with the name that are being deleted (find)

    # -- reading -------------------------------------------------------------------

    @property
    def region_id(self):
        return self.api.region

    def named(self, name=None):
        """The instances named exactly ``name``; those being deleted are kept apart in ``self.deleting``."""
        matches, self.deleting = self.api.instances_named(name or self.params['name'])
        return matches

    def wait_until(self, instance_id, done, what):
        """Wait until ``done(instance)``; the instance vanishing, failing or being deleted ends the wait."""
        return self.wait_instance(instance_id, done, what, stop=('error', 'deleting'))

    def wait_gone(self, instance_id):
        return self.wait_for(
            lambda: self.api.describe(instance_id),
            lambda instance: instance is None,
            self.params['wait_timeout'],
            f'instance {instance_id} to be deleted',
        )

    def settle(self, current, statuses=('running',)):
        """Wait (at most wait_timeout, whatever ``wait`` says) for a busy instance before comparing:
        a transition that an earlier run did not wait for must end before anything is decided."""
        if current['status'] not in TRANSITIONAL:
            return current
        return self.wait_until(current['id'], lambda i: i['status'] in statuses, 'to become ' + ' or '.join(statuses))

    def name_lock(self):
        params = self.params
        return HostLock(
            '\n'.join((self.client.endpoint, self.region_id, params['name'])),
            params['wait_timeout'],
            self.module.warn,
            'parallel creates of one name',
        )

    # -- state: present --------------------------------------------------------------

    def present(self):
        params = self.params
        lock = None
        if not params['instance_id'] and not self.check_mode:
            lock = self.name_lock()
            if not lock.acquire():
                self.fail(
                    'Another run on this host has been creating an instance named {!r} for more than {} seconds '
                    '(lock file {})'.format(params['name'], params['wait_timeout'], lock.path),
                    status='ABORTED',
                )
        try:
            current = self.find()
            if current is None:
                if params['instance_id']:
                    self.fail(
                        'Instance {} does not exist; omit instance_id to create an instance'.format(
                            params['instance_id']
                        ),
                        status='NOT_FOUND',
                    )
                return None, self.create(lock)
        finally:
            if lock is not None:
                lock.release()
        if current['status'] == 'deleting':
            self.fail(
                'Instance {} is being deleted'.format(current['id']), status='FAILED_PRECONDITION', instance=current
            )
        differences = immutable_differences(params, current)
        if differences:
            self.fail(
                'These options cannot be changed on the existing instance {}: {}. The module never deletes and '
                'recreates an instance; do it explicitly if that is intended'.format(
                    current['id'], '; '.join(differences)
                ),
                status='FAILED_PRECONDITION',
                instance=current,
            )
        if current['status'] in TRANSITIONAL and not self.check_mode and (params['wait'] or self.wanted(current)):
            current = self.settle(current)
        if current['status'] == 'error':
            self.module.warn(
                'Instance {} is in status error: JD Cloud could not complete an operation on it, and it may not '
                'serve clients. Check it in the JD Cloud console or with support; if it cannot be repaired, delete '
                'it (state: absent) and create it again'.format(current['id'])
            )
        if self.wanted(current):
            # the settings' API checks (account passwords, commands to disable) before the instance's own writes
            self.check_settings_before(current)
        return self.update(current)

    def wanted(self, current):
        """Whether the options ask for any change of ``current``."""
        params = self.params
        return bool(
            attribute_changes(params, current)
            or class_changes(params, current)
            or (params['password'] is not None and params['update_password'] == 'always')
            or (params['tags'] is not None and any(tag_plan(current['tags'], params['tags'], params['purge_tags'])[:2]))
        )

    def create(self, lock):
        params = self.params
        problems = create_problems(params)
        if problems:
            if self.deleting:
                problems.insert(
                    0,
                    'no instance named {!r} exists except {}, which is being deleted, so a new one would be '
                    'created'.format(params['name'], ', '.join(self.deleting)),
                )
            elif params['name']:
                # One more listing, on the way to failing only: the name filter is a substring match,
                # so the lookup's own listing never holds a mistyped name's neighbours.
                listed, dummy = self.api.list_instances(merge=False)
                names = [i['name'] for i in listed if i['status'] != 'deleting']
                problems[0] = unknown_name_text(params['name'], self.region_id, names) + problems[0]
            self.fail('; '.join(problems), status='INVALID_ARGUMENT')
        instance_class = {}
        quota = None
        if params['preflight']:
            entry, layout = self.class_facts(
                params['instance_class'],
                normalize_version(params['redis_version']),
                params['shard_number'] is not None or params['replica_number'] is not None,
            )
            instance_class = entry
            if layout is not None:
                self.check_layout(layout, params['shard_number'])
                instance_class = layout.entry(
                    params['shard_number'] if params['shard_number'] is not None else next(iter(layout.shards))
                )
            quota = self.api.quota()
        if quota is not None and quota['used'] >= quota['max']:
            self.fail(
                'The Redis quota of region {} is used up ({} of {} instances); no instance can be created'.format(
                    self.region_id, quota.get('used'), quota.get('max')
                ),
                error=local_error('QUOTA_EXCEEDED', 'quota used up'),
            )
        # the settings' checks that need no instance (account passwords), before the create and in check mode
        self.check_new_settings()
        self.changes.append('create')
        if self.check_mode:
            return predicted_new(params, self.region_id, instance_class)
        spec, charge = create_request(params)
        result, adopted = self.write(lambda: self.api.create(spec, charge), self.adopt_created, ['create'])
        if lock is not None:
            lock.release()
        if adopted is not None:
            instance_id = adopted['id']
        else:
            instance_id = result['cacheInstanceId']
            self.order = billing_order(result)
        self.warn_shared_name(instance_id)
        if params['wait']:
            return self.wait_until(instance_id, lambda i: i['status'] == 'running', 'to become running')
        return self.api.describe(instance_id)

    def warn_shared_name(self, instance_id):
        """After a create: say so when another instance has the name (made from another machine, or by
        something that does not take the lock of this one)."""
        found, dummy = self.api.find_by_name(self.params['name'])
        others = [m['id'] for m in found if m['id'] != instance_id and m['status'] != 'deleting']
        if others:
            self.module.warn(
                'Instance {} was created, but {} also named {!r}: {}. The name no longer identifies one instance; '
                'set instance_id, or delete or rename the extra ones'.format(
                    instance_id,
                    'another instance is' if len(others) == 1 else f'{len(others)} other instances are',
                    self.params['name'],
                    ', '.join(others),
                )
            )

    def adopt_created(self):
        """After a create whose outcome is unknown: the instance, if it exists."""
        matches = self.named()
        if len(matches) > 1:
            message = 'The outcome of the create was unknown and {} instances named {!r} now exist: {}'.format(
                len(matches), self.params['name'], ', '.join(m['id'] for m in matches)
            )
            self.fail(message, error=local_error('AMBIGUOUS_NAME', message))
        return matches[0] if matches else None

    def class_facts(self, instance_class, redis_version, need_layout, resize=False):
        """``(describeInstanceClass entry, None)`` or ``(None, Layout)`` of a class the region sells; fails
        for one it does not. The layout (describeAvailableResource) is read when shard or replica counts are
        asked for, or for a class describeInstanceClass does not list (custom-shard classes are not there)."""
        classes = None
        if not need_layout:
            classes = self.api.offered_classes(redis_version)
            for entry in classes:
                if entry.get('instanceClass') == instance_class:
                    return entry, None
        layout = class_layout(self.api.available_resources(), redis_version or API_DEFAULT_VERSION, instance_class)
        if layout is None:
            if classes is None:
                classes = self.api.offered_classes(redis_version)
            raise self.api.class_not_sold(instance_class, redis_version, classes, resize=resize)
        return None, layout

    def check_layout(self, layout, shard_number, current=None):
        """Fail, before any write, for shard or replica counts the API does not sell for the class."""
        problems = [
            p
            for p in (
                shard_problem(layout, shard_number, self.region_id),
                replica_problem(layout, self.params['replica_number'], self.region_id),
            )
            if p
        ]
        if problems:
            kwargs = dict(instance=current) if current is not None else {}
            self.fail('; '.join(problems), status='INVALID_ARGUMENT', **kwargs)

    def check_rename(self, current, name):
        """Refuse a rename to a name another instance has, unless allowed: afterwards neither could be
        managed by name."""
        if self.params['allow_duplicate_name']:
            return
        others = [m['id'] for m in self.named(name) if m['id'] != current['id']]
        if others:
            self.fail(
                'Cannot rename {} to {!r}: {} already named so. Names would no longer identify one instance; '
                'set allow_duplicate_name: true if that is intended'.format(
                    current['id'], name, ', '.join(others) + (' is' if len(others) == 1 else ' are')
                ),
                status='ALREADY_EXISTS',
                instance=current,
                others=others,
            )

    def update(self, current):
        params = self.params
        attributes = attribute_changes(params, current)
        resize = class_changes(params, current)
        reset_password = params['password'] is not None and params['update_password'] == 'always'
        if 'name' in attributes:
            self.check_rename(current, attributes['name'])
        after = dict(current)
        after.update(attributes)
        self.changes.extend(sorted(attributes))
        # None as well when the counts asked for are those the instance has (a fixed class's own count, say)
        resize = self.plan_resize(current) if resize else None
        if resize:
            new_class = resize['entry']
            shards, per_shard = class_shape(new_class)
            after.update(
                instance_class=resize['instance_class'],
                memory_mb=new_class.get('memoryMB'),
                instance_type=new_class.get('instanceType'),
                shard_number=shards,
                memory_mb_per_shard=per_shard,
            )
            if params['replica_number'] is not None:
                after['replica_number'] = params['replica_number']
            self.changes.extend(resize['changes'])
        if reset_password:
            self.module.warn(
                'update_password is always: the password of {} is reset on every run'.format(current['id'])
            )
            self.changes.append('password')
            after['auth_enabled'] = bool(params['password'])
        tag_writes = []
        if params['tags'] is not None:
            try:
                tags = TAGS.plan(current['tags'], dict(tags=params['tags'], purge_tags=params['purge_tags']))
            except Refusal as exc:
                raise Refusal(exc.message, exc.status, instance=current) from None
            after['tags'], tag_writes = tags.after, tags.writes
            self.changes.extend(tags.changes)
        if self.check_mode or not self.changes:
            return current, after
        if attributes:
            self.write(lambda: self.api.modify_attribute(current['id'], **attributes), changes=sorted(attributes))
        if reset_password:
            self.write(lambda: self.api.reset_password(current['id'], params['password']), changes=['password'])
        for action, tags in tag_writes:  # removals first: the tag limit counts when tags are bound
            self.change_tags(current, action, tags)
        if resize:
            self.resize(current, resize)
        instance = (
            self.api.describe(current['id'])
            if not (resize and params['wait'])
            else self.wait_until(
                current['id'],
                lambda i: i['status'] == 'running' and resized(i, resize),
                'to run with ' + resize_text(resize),
            )
        )
        return current, instance

    def change_tags(self, current, action, tags):
        """Bind (``tag``) or unbind (``untag``) ``tags``; a 200 answer that lists the instance among the
        resources it failed for is a failure."""
        call = self.api.tag if action == 'tag' else self.api.untag
        new = [] if 'tags' in self.applied else ['tags']  # an untag before may have changed the tags already
        result, dummy = self.write(lambda: call(current['id'], tags), changes=new)
        failed = failures(result)
        if failed:
            if new and not (result.get('data') or {}).get('successCount'):
                self.applied.remove('tags')  # nothing was bound or unbound
            what = 'Adding or changing' if action == 'tag' else 'Removing'
            message = '{} the tags {} of instance {} failed: {}'.format(
                what,
                ', '.join(sorted(tags)),
                current['id'],
                '; '.join(f'{resource}: {reason}' for resource, reason in failed),
            )
            self.fail(message, error=local_error('TAG_FAILED', message), instance=current, failed_resources=failed)

    def plan_resize(self, current):
        """The resize the options ask for (class, shard and replica counts), checked against what the region
        sells before any write, in check mode too; None when it would change nothing."""
        params = self.params
        new_class = params['instance_class'] or current['instance_class']
        shards = params['shard_number']
        entry = {}
        if params['preflight']:
            entry, layout = self.class_facts(
                new_class,
                normalize_version(current['redis_version']),
                shards is not None or params['replica_number'] is not None,
                resize=True,
            )
            if layout is not None:
                shards = target_shards(layout, shards, current)
                self.check_layout(layout, shards, current)
                entry = layout.entry(shards)
                if not layout.custom:
                    shards = None  # a fixed count is the class's: only custom-shard classes take shardNumber
        problem = resize_problem(current, entry)
        if problem:
            self.fail(f'instance_class: {problem}', status='FAILED_PRECONDITION', instance=current)
        changes = []
        if new_class != current['instance_class']:
            changes.append('instance_class')
        if shards is not None and shards != current['shard_number']:
            changes.append('shard_number')
        replicas = params['replica_number']
        if replicas is not None and replicas != current.get('replica_number'):
            changes.append('replica_number')
        if not changes:
            return None
        return dict(
            instance_class=new_class, shard_number=shards, replica_number=replicas, entry=entry, changes=changes
        )

    def resize(self, current, plan):
        if current['status'] != 'running':
            self.fail(
                'Instance {} is {}; it can only be resized while running'.format(current['id'], current['status']),
                status='FAILED_PRECONDITION',
                instance=current,
            )

        def applied():
            instance = self.api.describe(current['id'])
            if instance and (instance['status'] == 'changing' or resized(instance, plan)):
                return instance
            return None

        result, dummy = self.write(
            lambda: self.api.modify_class(
                current['id'], plan['instance_class'], plan['shard_number'], plan['replica_number']
            ),
            applied,
            plan['changes'],
        )
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
                status='FAILED_PRECONDITION',
                instance=current,
            )
        if not self.check_mode:
            current = self.settle(current, statuses=('running', 'error', 'deleting'))
            if current['status'] == 'deleting':  # deleted by someone else meanwhile
                if self.params['wait']:
                    self.wait_gone(current['id'])
                return current, None
        self.changes.append('delete')
        if self.check_mode:
            return current, None

        def applied():
            instance = self.api.describe(current['id'])
            if instance is None:
                return {}
            return instance if instance['status'] == 'deleting' else None

        try:
            self.write(lambda: self.api.delete(current['id']), applied, ['delete'])
        except JDCloudAPIError as exc:
            if exc.status == 'FAILED_PRECONDITION':
                self.fail_from(exc, 'Instance {} cannot be deleted now'.format(current['id']), instance=current)
            raise
        if self.params['wait']:
            self.wait_gone(current['id'])
        return current, None
