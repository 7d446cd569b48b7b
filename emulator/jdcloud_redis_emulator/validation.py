"""Parameter validation (docs/dev/api-notes.md#create-body, #charge, #validation).

Every problem is an ``INVALID_ARGUMENT`` whose message starts with the field name as the API
spells it (``cacheInstance.cacheInstanceName``, ``charge.chargeDuration``, ...).  Values of
secret fields are never echoed.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from . import catalogue, tagging
from .errors import invalid_argument

NAME_RE = re.compile(r'^[0-9A-Za-z_\u4e00-\u9fa5]{2,32}$')
PASSWORD_RE = re.compile(r'^[A-Za-z0-9]{8,16}$')
VPC_RE = re.compile(r'^vpc-[0-9a-z]{4,32}$')
SUBNET_RE = re.compile(r'^subnet-[0-9a-z]{4,32}$')
DESCRIPTION_MAX = 256
CHARGE_MODES = ('prepaid_by_duration', 'postpaid_by_duration')
CHARGE_DURATION_MAX = {'month': 9, 'year': 3}
MAXMEMORY_POLICIES = (
    'volatile-lru',
    'allkeys-lru',
    'volatile-lfu',
    'allkeys-lfu',
    'volatile-random',
    'allkeys-random',
    'volatile-ttl',
    'noeviction',
)

CACHE_INSTANCE_FIELDS = frozenset(
    (
        'vpcId',
        'subnetId',
        'cacheInstanceName',
        'cacheInstanceClass',
        'password',
        'azId',
        'cacheInstanceDescription',
        'redisVersion',
        'ipv6On',
        'shardNumber',
        'userTags',
        'resourceGroupId',
        'dbNum',
        'slaveAppendonly',
        'maxmemoryPolicy',
        'cacheInstanceType',
        'replicaNumber',
        'enableSmartProxy',
        'port',
        'extension',
        'cpuArchType',
        'backupId',
        'srcInstanceId',
        'configTemplateId',
        'opsTags',
    )
)
AZ_FIELDS = frozenset(('master', 'slave', 'azSpecifyType', 'azsForCluster', 'azsForProxy'))
CHARGE_FIELDS = frozenset(
    (
        'chargeMode',
        'chargeUnit',
        'chargeDuration',
        'autoRenew',
        'autoChangeChargeMode',
        'autoChangeChargeModeDate',
        'buyScenario',
    )
)


def strip_nulls(value):
    """Drop ``null`` members: SDK model classes serialise every unset optional as null."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def check_known(obj: dict, allowed, prefix: str = '') -> None:
    for key in obj:
        if key not in allowed:
            raise invalid_argument('%s%s is not a known parameter' % (prefix, key))


def _object(obj: dict, key: str, field: str, required: bool) -> dict:
    value = obj.get(key)
    if value is None:
        if required:
            raise invalid_argument('%s is required' % field)
        return {}
    if not isinstance(value, dict):
        raise invalid_argument('%s must be an object' % field)
    return value


def _string(obj: dict, key: str, field: str, required: bool = False):
    value = obj.get(key)
    if value is None:
        if required:
            raise invalid_argument('%s is required' % field)
        return None
    if not isinstance(value, str):
        raise invalid_argument('%s must be a string' % field)
    if required and value == '':
        raise invalid_argument('%s is required' % field)
    return value


def _integer(obj: dict, key: str, field: str, low: int = None, high: int = None):
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_argument('%s must be an integer' % field)
    if (low is not None and value < low) or (high is not None and value > high):
        raise invalid_argument('%s must be between %s and %s' % (field, low, high))
    return value


def _boolean(obj: dict, key: str, field: str):
    value = obj.get(key)
    if value is not None and not isinstance(value, bool):
        raise invalid_argument('%s must be a boolean' % field)
    return value


def _choice(obj: dict, key: str, field: str, choices):
    value = _string(obj, key, field)
    if value is not None and value not in choices:
        raise invalid_argument('%s must be one of %s' % (field, ', '.join(choices)))
    return value


def validate_name(value, field: str) -> str:
    if not isinstance(value, str) or not NAME_RE.match(value):
        raise invalid_argument(
            '%s must be 2-32 characters of letters, digits, underscores or Chinese characters' % field
        )
    return value


def validate_description(value, field: str) -> str:
    if not isinstance(value, str):
        raise invalid_argument('%s must be a string' % field)
    if len(value) > DESCRIPTION_MAX:
        raise invalid_argument('%s must not be longer than %d characters' % (field, DESCRIPTION_MAX))
    return value


def validate_password(value, field: str):
    """Return the password, or '' for password-free; the value never appears in a message."""
    if value is None or value == '':
        return ''
    if not isinstance(value, str):
        raise invalid_argument('%s must be a string' % field)
    if not PASSWORD_RE.match(value) or not re.search('[A-Za-z]', value) or not re.search('[0-9]', value):
        raise invalid_argument(
            '%s must be 8-16 characters, only letters and digits, with at least one letter '
            'and one digit (or empty for no password)' % field
        )
    return value


def region_or_error(region_id: str) -> catalogue.Region:
    region = catalogue.REGIONS.get(region_id)
    if region is None:
        raise invalid_argument(
            "regionId '%s' is not a valid region (valid: %s)" % (region_id, ', '.join(sorted(catalogue.REGIONS)))
        )
    return region


def redis_version(region: catalogue.Region, value, field: str) -> str:
    if value is None:
        value = catalogue.DEFAULT_REDIS_VERSION
    if not isinstance(value, str):
        raise invalid_argument('%s must be a string' % field)
    if value not in region.versions:
        raise invalid_argument(
            "%s '%s' is not supported in %s (supported: %s)"
            % (field, value, region.region_id, ', '.join(region.versions))
        )
    return value


def instance_class(region: catalogue.Region, version: str, value, field: str) -> catalogue.InstanceClass:
    if not isinstance(value, str) or value == '':
        raise invalid_argument('%s is required' % field)
    cls = region.find_class(version, value)
    if cls is None:
        raise invalid_argument(
            "%s '%s' is not available in %s for redisVersion %s (see describeInstanceClass)"
            % (field, value, region.region_id, version)
        )
    return cls


def shard_count(cls: catalogue.InstanceClass, value, field: str, current: int = None) -> int:
    """The shard count of an instance of ``cls``: required from the allowed ones for a custom-shard class (the
    ``current`` count of an instance already of that class when not given), else the class's own."""
    if cls.custom_shards:
        if value is None and current is not None and current in cls.shard_choices:
            return current
        if value is None:
            raise invalid_argument(
                '%s is required for the custom-shard class %s (one of %s)'
                % (field, cls.code, ', '.join(map(str, cls.shard_choices)))
            )
        if value not in cls.shard_choices:
            raise invalid_argument(
                '%s %d is not allowed for class %s (allowed: %s)'
                % (field, value, cls.code, ', '.join(map(str, cls.shard_choices)))
            )
        return value
    if value is not None and value != cls.shards:
        raise invalid_argument(
            '%s %d does not match class %s (%d shards); only custom-shard classes take a shard count'
            % (field, value, cls.code, cls.shards)
        )
    return cls.shards


def replica_count(region: catalogue.Region, cls: catalogue.InstanceClass, value: int, field: str) -> int:
    low, high = region.replica_range(cls.instance_type)
    if not low <= value <= high:
        raise invalid_argument(
            '%s %d is not allowed for %s instances in %s (allowed: %d to %d)'
            % (field, value, cls.instance_type, region.region_id, low, high)
        )
    return value


def _tags(obj: dict, key: str, field: str):
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid_argument('%s must be a list' % field)
    tags = []
    for index, tag in enumerate(value):
        item = '%s[%d]' % (field, index)
        if not isinstance(tag, dict):
            raise invalid_argument('%s must be an object' % item)
        check_known(tag, ('key', 'value'), item + '.')
        tags.append(
            {
                'key': _string(tag, 'key', item + '.key', required=True),
                'value': _string(tag, 'value', item + '.value') or '',
            }
        )
    return tags


def user_tags(obj: dict, key: str, field: str):
    """The user tags of a create, under the rules of the resource-tag service."""
    tags = _tags(obj, key, field)
    for index, tag in enumerate(tags or ()):
        item = '%s[%d]' % (field, index)
        if len(tag['key']) > tagging.KEY_MAX or tag['key'].lower().startswith(tagging.RESERVED_PREFIXES):
            raise invalid_argument(
                '%s.key must be 1 to %d characters, not starting with %s'
                % (item, tagging.KEY_MAX, ' or '.join(tagging.RESERVED_PREFIXES))
            )
        if len(tag['value']) > tagging.VALUE_MAX:
            raise invalid_argument('%s.value must be at most %d characters' % (item, tagging.VALUE_MAX))
    if tags and len({t['key'] for t in tags}) > tagging.TAGS_MAX:
        raise invalid_argument('%s: a resource has at most %d tags' % (field, tagging.TAGS_MAX))
    return tags


def _az_list(obj: dict, key: str, field: str, region: catalogue.Region):
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid_argument('%s must be a list of strings' % field)
    for az in value:
        if az not in region.azs:
            raise invalid_argument("%s: '%s' is not an availability zone of %s" % (field, az, region.region_id))
    return value


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    days = [
        31,
        29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return moment.replace(year=year, month=month, day=min(moment.day, days[month - 1]))


def validate_charge(body: dict) -> dict:
    charge = _object(body, 'charge', 'charge', required=False)
    check_known(charge, CHARGE_FIELDS, 'charge.')
    mode = _choice(charge, 'chargeMode', 'charge.chargeMode', CHARGE_MODES) or 'postpaid_by_duration'
    out = {
        'mode': mode,
        'unit': None,
        'duration': None,
        'auto_renew': bool(_boolean(charge, 'autoRenew', 'charge.autoRenew')),
    }
    auto_change = _boolean(charge, 'autoChangeChargeMode', 'charge.autoChangeChargeMode')
    change_date = _string(charge, 'autoChangeChargeModeDate', 'charge.autoChangeChargeModeDate')
    if auto_change:
        if mode != 'postpaid_by_duration':
            raise invalid_argument('charge.autoChangeChargeMode is only valid for postpaid_by_duration')
        if not change_date:
            raise invalid_argument(
                'charge.autoChangeChargeModeDate is required when charge.autoChangeChargeMode is true'
            )
    if change_date is not None:
        try:
            datetime.strptime(change_date, '%Y-%m-%d')
        except ValueError:
            raise invalid_argument('charge.autoChangeChargeModeDate must be yyyy-MM-dd') from None
    _string(charge, 'buyScenario', 'charge.buyScenario')
    if mode == 'prepaid_by_duration':
        unit = _choice(charge, 'chargeUnit', 'charge.chargeUnit', ('month', 'year')) or 'month'
        duration = charge.get('chargeDuration')
        if duration is None:
            raise invalid_argument('charge.chargeDuration is required for prepaid_by_duration')
        duration = _integer(charge, 'chargeDuration', 'charge.chargeDuration', 1, CHARGE_DURATION_MAX[unit])
        out.update(unit=unit, duration=duration)
    else:
        if out['auto_renew']:
            raise invalid_argument('charge.autoRenew is only valid for prepaid_by_duration')
        _choice(charge, 'chargeUnit', 'charge.chargeUnit', ('month', 'year'))
    return out


def charge_expiry(start: float, charge: dict):
    if charge['mode'] != 'prepaid_by_duration':
        return None
    months = charge['duration'] * (12 if charge['unit'] == 'year' else 1)
    return _add_months(datetime.fromtimestamp(start, timezone.utc), months).timestamp()


def validate_create(region: catalogue.Region, body: dict) -> dict:
    """Validate a createCacheInstance body (nulls already stripped) and return a normalised spec."""
    check_known(body, ('regionId', 'cacheInstance', 'charge'))
    spec = _object(body, 'cacheInstance', 'cacheInstance', required=True)
    check_known(spec, CACHE_INSTANCE_FIELDS, 'cacheInstance.')
    p = 'cacheInstance.'

    vpc_id = _string(spec, 'vpcId', p + 'vpcId', required=True)
    if not VPC_RE.match(vpc_id):
        raise invalid_argument("%svpcId '%s' is not a VPC id (vpc-xxxxxxxx)" % (p, vpc_id))
    subnet_id = _string(spec, 'subnetId', p + 'subnetId', required=True)
    if not SUBNET_RE.match(subnet_id):
        raise invalid_argument("%ssubnetId '%s' is not a subnet id (subnet-xxxxxxxx)" % (p, subnet_id))
    name = validate_name(
        _string(spec, 'cacheInstanceName', p + 'cacheInstanceName', required=True), p + 'cacheInstanceName'
    )
    description = spec.get('cacheInstanceDescription')
    description = '' if description is None else validate_description(description, p + 'cacheInstanceDescription')
    password = validate_password(spec.get('password'), p + 'password')

    az = _object(spec, 'azId', p + 'azId', required=True)
    check_known(az, AZ_FIELDS, p + 'azId.')
    azs = {}
    for role in ('master', 'slave'):
        value = _string(az, role, '%sazId.%s' % (p, role), required=True)
        if value not in region.azs:
            raise invalid_argument(
                "%sazId.%s '%s' is not an availability zone of %s (valid: %s)"
                % (p, role, value, region.region_id, ', '.join(region.azs))
            )
        azs[role] = value
    _choice(az, 'azSpecifyType', p + 'azId.azSpecifyType', ('SpecifyByReplicaGroup', 'SpecifyByCluster'))
    _az_list(az, 'azsForCluster', p + 'azId.azsForCluster', region)
    _az_list(az, 'azsForProxy', p + 'azId.azsForProxy', region)

    version = redis_version(region, spec.get('redisVersion'), p + 'redisVersion')
    cls = instance_class(region, version, spec.get('cacheInstanceClass'), p + 'cacheInstanceClass')
    shard_number = shard_count(cls, _integer(spec, 'shardNumber', p + 'shardNumber', 1, 128), p + 'shardNumber')
    instance_type = _choice(
        spec, 'cacheInstanceType', p + 'cacheInstanceType', ('master-slave', 'cluster', 'native-cluster')
    )
    if instance_type is not None and instance_type != cls.instance_type:
        raise invalid_argument(
            '%scacheInstanceType %s does not match class %s (%s)' % (p, instance_type, cls.code, cls.instance_type)
        )

    ipv6_on = _integer(spec, 'ipv6On', p + 'ipv6On', 0, 1) or 0
    db_num = _integer(spec, 'dbNum', p + 'dbNum', 16, 256)
    port = _integer(spec, 'port', p + 'port', 1024, 65535)
    replica_number = _integer(spec, 'replicaNumber', p + 'replicaNumber', 1, 9)
    if replica_number is not None:
        replica_count(region, cls, replica_number, p + 'replicaNumber')
    smart_proxy = _integer(spec, 'enableSmartProxy', p + 'enableSmartProxy', 0, 1)
    if smart_proxy:
        raise invalid_argument('%senableSmartProxy is only valid for native-cluster instances' % p)
    appendonly = _choice(spec, 'slaveAppendonly', p + 'slaveAppendonly', ('yes', 'no'))
    policy = _choice(spec, 'maxmemoryPolicy', p + 'maxmemoryPolicy', MAXMEMORY_POLICIES)
    arch = _choice(spec, 'cpuArchType', p + 'cpuArchType', ('amd64', 'arm64'))
    resource_group = _string(spec, 'resourceGroupId', p + 'resourceGroupId')
    tags = user_tags(spec, 'userTags', p + 'userTags')
    _tags(spec, 'opsTags', p + 'opsTags')
    extension = _object(spec, 'extension', p + 'extension', required=False)
    for key in ('configTemplateId',):
        _string(spec, key, p + key)
    backup_id = _string(spec, 'backupId', p + 'backupId')
    source_id = _string(spec, 'srcInstanceId', p + 'srcInstanceId')
    if (backup_id is None) != (source_id is None):
        # the SDK: "需要与srcInstanceId同时指定" (both or neither)
        raise invalid_argument('%sbackupId and %ssrcInstanceId must be given together to clone from a backup' % (p, p))

    return {
        'name': name,
        'description': description,
        'password': password,
        'vpc_id': vpc_id,
        'subnet_id': subnet_id,
        'az_master': azs['master'],
        'az_slave': azs['slave'],
        'redis_version': version,
        'instance_class': cls.code,
        'ipv6_on': ipv6_on,
        'db_num': db_num or 16,
        'port': port or 6379,
        'replica_number': replica_number or catalogue.DEFAULT_REPLICAS,
        'shard_number': shard_number if cls.custom_shards else None,
        'slave_appendonly': appendonly or 'no',
        'maxmemory_policy': policy or 'volatile-lru',
        'cpu_arch': arch or 'amd64',
        'resource_group_id': resource_group or '',
        'tags': tags,
        'extension': extension,
        'charge': validate_charge(body),
        'backup_id': backup_id,
        'src_instance_id': source_id,
    }


def validate_attribute(body: dict) -> dict:
    check_known(body, ('regionId', 'cacheInstanceId', 'cacheInstanceName', 'cacheInstanceDescription'))
    changes = {}
    if body.get('cacheInstanceName') is not None:
        changes['name'] = validate_name(body['cacheInstanceName'], 'cacheInstanceName')
    if body.get('cacheInstanceDescription') is not None:
        changes['description'] = validate_description(body['cacheInstanceDescription'], 'cacheInstanceDescription')
    if not changes:
        raise invalid_argument('at least one of cacheInstanceName and cacheInstanceDescription is required')
    return changes


def validate_resize(body: dict) -> dict:
    check_known(
        body,
        (
            'regionId',
            'cacheInstanceId',
            'cacheInstanceClass',
            'shardNumber',
            'replicaNumber',
            'replicaAzs2Add',
            'parallel',
            'effectiveTime',
        ),
    )
    code = _string(body, 'cacheInstanceClass', 'cacheInstanceClass', required=True)
    _integer(body, 'shardNumber', 'shardNumber', 1, 128)
    _integer(body, 'replicaNumber', 'replicaNumber', 1, 9)
    _boolean(body, 'parallel', 'parallel')
    effective = _choice(body, 'effectiveTime', 'effectiveTime', ('Immediately', 'MaintainTime'))
    azs = body.get('replicaAzs2Add')
    if azs is not None and (not isinstance(azs, list) or not all(isinstance(a, str) for a in azs)):
        raise invalid_argument('replicaAzs2Add must be a list of strings')
    return {
        'class': code,
        'shard_number': body.get('shardNumber'),
        'replica_number': body.get('replicaNumber'),
        'effective_time': effective or 'Immediately',
    }


def validate_reset_password(body: dict) -> str:
    check_known(body, ('regionId', 'cacheInstanceId', 'password'))
    return validate_password(body.get('password'), 'password')
