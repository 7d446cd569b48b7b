# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Desired-state planning for jcs_redis_instance and the fleet's entries, as pure functions: validation, the
create request, the comparison with the current instance, the class and shard prediction and the predicted
result. The reads, writes and waits that use them are ``_lifecycle.InstanceLifecycle``.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import datetime
import difflib
import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import instance_id_problem, instance_to_result
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import (
    JDCloudError,
    parse_endpoint,
    shown,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._recovery import (
    RECOVERY_ARGUMENT_SPEC,
    source_backup_problems,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import (
    CHARGE_DURATION_MAX,
    description_problem,
    name_problem,
    normalize_version,
    password_problem,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import option_problems
from ansible_collections.jdcloud.cloud.plugins.module_utils._shards import (
    architecture_problem,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._tags import (
    Tags,
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
    **RECOVERY_ARGUMENT_SPEC,
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
    problems.extend(option_problems(params))
    problems.extend(source_backup_problems(params['source_backup']))
    if params['state'] == 'absent':
        given = [option for option in ('recover', 'source_backup') if params[option]]
        if given:
            problems.append('{} only apply with state: present'.format(' and '.join(given)))
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
