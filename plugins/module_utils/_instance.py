# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Desired-state planning for jcs_redis_instance: validation, the create
request, the comparison with the current instance, and the predicted result.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import datetime
import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._base import ID_PATTERN
from ansible_collections.jdcloud.cloud.plugins.module_utils._redis import (
    CHARGE_DURATION_MAX,
    description_problem,
    instance_to_result,
    name_problem,
    normalize_version,
    password_problem,
)

REDACTED = '<redacted>'

VPC_PATTERN = re.compile(r'vpc-[0-9a-z]+\Z')
SUBNET_PATTERN = re.compile(r'subnet-[0-9a-z]+\Z')

CREATE_REQUIRED = ('name', 'instance_class', 'vpc_id', 'subnet_id', 'master_az', 'slave_az')

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
    # required_one_of counts an explicit null as given.
    if params['instance_id'] is None and params['name'] is None:
        problems.append('one of instance_id or name is required')
    if params['instance_id'] is not None and not ID_PATTERN.match(params['instance_id']):
        problems.append(
            'instance_id must look like redis-xxxxxxxxxxxx (lower-case letters and digits), got {!r}'.format(
                params['instance_id']
            )
        )
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
                f'{option} must look like {example} (lower-case letters and digits after the prefix), got {params[option]!r}'
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
        problems.append('redis_version must be a version such as 4.0 or 5.0, got {!r}'.format(params['redis_version']))
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
                f'{option} must be an availability zone of region {region}, such as {region}a, got {value!r}'
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
    charge = None
    if params['charge_mode'] is not None:
        charge = dict(chargeMode=params['charge_mode'])
        if params['charge_mode'] == 'prepaid_by_duration':
            charge.update(chargeUnit=params['charge_unit'] or 'month', chargeDuration=params['charge_duration'])
            if params['auto_renew'] is not None:
                charge['autoRenew'] = params['auto_renew']
    return spec, charge


def predicted_new(params, region, instance_class):
    """The instance a create would produce, in the shared result shape.
    ``instance_class`` is the describeInstanceClass entry of the class."""
    spec, charge = create_request(params)
    api = dict(spec)
    api.pop('password')
    api.update(
        cacheInstanceStatus='running',
        cacheInstanceType=instance_class.get('instanceType'),
        cacheInstanceMemoryMB=instance_class.get('memoryMB'),
        auth=bool(params['password']),
        charge=charge or dict(chargeMode='postpaid_by_duration'),
    )
    return instance_to_result(api, region)


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
            differences.append(f'{option} (current {have!r}, requested {desired!r})')
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
