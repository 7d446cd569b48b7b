"""Engine parameters of an instance (describeInstanceConfig, modifyInstanceConfig): the catalogue per
Redis version, the ConfigItem rendering and the validation of a change (docs/dev/api-notes.md#config-parameters).

The names, defaults, ranges and choices of 2.8 and 4.0 are those of the SDK's ConfigItem documentation.
Later versions keep 4.0's set and add what their Redis release added (streams in 5.0, more keyspace
event classes); 7.2 names the compact encodings ``listpack`` and reports the ``ziplist`` names as
unsupported items. Those additions, the ``byteArray``/``outputBuffer`` rules and the canonical forms
the values are reported in are the emulator's choices (README).  ``Config`` is the backend (``store.config``);
the handlers follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import failed_precondition, invalid_argument
from .registry import operation
from .validation import check_known

_RANGE = (0, 10000)


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # int, string, byteArray, outputBuffer
    default: str
    description: str
    low: int | None = None
    high: int | None = None
    optional: tuple = ()
    output_buffer: str | None = None
    unsupported: bool = False

    def render(self, value: str) -> dict:
        item = {
            'configName': self.name,
            'configValue': value,
            'configDefaultValue': self.default,
            'configValueType': self.type,
            'configDescription': self.description,
            'configUnSupport': self.unsupported,
        }
        if self.type == 'int':
            item['configValueMin'], item['configValueMax'] = self.low, self.high
        if self.type in ('string', 'byteArray'):
            item['configValueOptional'] = list(self.optional)
        if self.type == 'outputBuffer':
            item['configValueOutputBuffer'] = self.output_buffer
        return item


def _int(name, default, description, low=_RANGE[0], high=_RANGE[1], unsupported=False):
    return Param(name, 'int', str(default), description, low=low, high=high, unsupported=unsupported)


POLICIES_28 = ('volatile-lru', 'allkeys-lru', 'volatile-random', 'allkeys-random', 'volatile-ttl', 'noeviction')
POLICIES_4X = (
    'volatile-lru',
    'allkeys-lru',
    'volatile-lfu',
    'allkeys-lfu',
    'volatile-random',
    'allkeys-random',
    'volatile-ttl',
    'noeviction',
)

# Keyspace event classes per version, as each version's redis.conf lists them: the letters 'A' stands for,
# and those it does not include (key-miss m since 6.0, new-key n since 7.0).
EVENT_CLASSES = {'4.0': 'g$lshzxe', '5.0': 'g$lshzxet', '6.2': 'g$lshzxetd', '7.2': 'g$lshzxetd'}
EVENT_EXTRA = {'4.0': '', '5.0': '', '6.2': 'm', '7.2': 'mn'}
BUFFER_CLASSES = ('normal', 'slave', 'pubsub')
BUFFER_RULE = (
    'one or more groups "<class> <hard limit> <soft limit> <soft seconds>"; class normal, slave (or replica) '
    'or pubsub; limits in bytes or with a unit k, kb, m, mb, g or gb; 0 means no limit; classes not given keep '
    'their values'
)
BUFFER_DEFAULT = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'
_UNITS = {'': 1, 'b': 1, 'k': 1000, 'kb': 1024, 'm': 1000**2, 'mb': 1024**2, 'g': 1000**3, 'gb': 1024**3}
_MEMORY = re.compile(r'^(\d{1,19})([a-z]{0,2})$')
_INTEGER = re.compile(r'^[-+]?\d{1,19}$')


def _events(version):
    letters = 'KE' + EVENT_CLASSES[version] + EVENT_EXTRA[version] + 'A'
    return Param(
        'notify-keyspace-events',
        'byteArray',
        '',
        'keyspace event notifications: a combination of the letters, case-sensitive, or empty (off); '
        'A stands for %s' % EVENT_CLASSES[version],
        optional=tuple(letters),
    )


def _catalogue(version):
    policy = Param(
        'maxmemory-policy',
        'string',
        'volatile-lru',
        'eviction policy when memory is full',
        optional=POLICIES_28 if version == '2.8' else POLICIES_4X,
    )
    compact = 'listpack' if version == '7.2' else 'ziplist'
    params = [
        policy,
        _int('hash-max-%s-entries' % compact, 512, 'hash entries kept in the compact encoding'),
        _int('hash-max-%s-value' % compact, 64, 'longest hash value kept in the compact encoding'),
    ]
    if version == '2.8':
        params += [
            _int('list-max-ziplist-entries', 512, 'list entries kept in a ziplist'),
            _int('list-max-ziplist-value', 64, 'longest list value kept in a ziplist'),
        ]
    else:
        params += [
            _int('list-max-%s-size' % compact, -2, 'size of one quicklist node (negative: in kB)', low=-5),
            _int('list-compress-depth', 0, 'quicklist nodes at each end left uncompressed'),
        ]
    params += [
        _int('set-max-intset-entries', 512, 'set entries kept in an intset'),
        _int('zset-max-%s-entries' % compact, 128, 'sorted set entries kept in the compact encoding'),
        _int('zset-max-%s-value' % compact, 64, 'longest sorted set member kept in the compact encoding'),
        _int('slowlog-log-slower-than', 10000, 'microseconds above which a command is logged as slow'),
    ]
    if version != '2.8':
        params.append(_events(version))
    if version not in ('2.8', '4.0'):
        params += [
            _int('stream-node-max-bytes', 4096, 'bytes of one stream node', high=1048576),
            _int('stream-node-max-entries', 100, 'entries of one stream node'),
            Param(
                'client-output-buffer-limit',
                'outputBuffer',
                BUFFER_DEFAULT,
                'output buffer limits per client class',
                output_buffer=BUFFER_RULE,
            ),
        ]
    if version == '7.2':
        # the old names still exist in Redis 7 as aliases, but the console manages the listpack names
        alias = 'alias of the listpack name'
        params += [
            _int('hash-max-ziplist-entries', 512, alias, unsupported=True),
            _int('list-max-ziplist-size', -2, alias, low=-5, unsupported=True),
            _int('zset-max-ziplist-entries', 128, alias, unsupported=True),
        ]
    return tuple(params)


# Redis parameters JD manages itself (memory, persistence, security, networking), reported in unSupportConfigs.
_MANAGED = ('maxmemory', 'save', 'appendonly', 'requirepass', 'bind', 'port', 'rename-command', 'databases')
CATALOGUES = {version: _catalogue(version) for version in ('2.8', '4.0', '5.0', '6.2', '7.2')}
UNSUPPORTED = {
    '2.8': _MANAGED + ('notify-keyspace-events', 'list-max-ziplist-size', 'list-compress-depth'),
    '4.0': _MANAGED + ('list-max-ziplist-entries', 'list-max-ziplist-value'),
    '5.0': _MANAGED + ('list-max-ziplist-entries', 'list-max-ziplist-value'),
    '6.2': _MANAGED + ('list-max-ziplist-entries', 'list-max-ziplist-value'),
    '7.2': _MANAGED + ('list-max-ziplist-entries', 'list-max-ziplist-value'),
}


def catalogue(version: str) -> dict:
    return {p.name: p for p in CATALOGUES[version]}


def describe(version: str, values: dict, maxmemory_policy: str) -> dict:
    """The describeInstanceConfig result of an instance whose changed values are ``values``."""
    items = []
    for param in CATALOGUES[version]:
        value = values.get(param.name, param.default)
        if param.name == 'maxmemory-policy':
            value = maxmemory_policy  # the instance's own field (createCacheInstance maxmemoryPolicy)
        items.append(param.render(value))
    return {'unSupportConfigs': list(UNSUPPORTED[version]), 'instanceConfig': items}


# -- values ------------------------------------------------------------------------


def _memory(text: str, field: str) -> int:
    match = _MEMORY.match(text.lower())
    if not match or match.group(2) not in _UNITS:
        raise invalid_argument('%s: %r is not a size (bytes, or a number with k, kb, m, mb, g or gb)' % (field, text))
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_buffer(value: str, field: str) -> dict:
    """``{class: (hard, soft, seconds)}`` of an outputBuffer value."""
    words = value.split()
    if not words or len(words) % 4:
        raise invalid_argument('%s must be %s' % (field, BUFFER_RULE))
    limits = {}
    for index in range(0, len(words), 4):
        klass, hard, soft, seconds = words[index : index + 4]
        klass = 'slave' if klass.lower() == 'replica' else klass.lower()
        if klass not in BUFFER_CLASSES:
            raise invalid_argument('%s: unknown client class %r (normal, slave, replica, pubsub)' % (field, klass))
        if not seconds.isdigit() or len(seconds) > 10:
            raise invalid_argument('%s: soft seconds must be a whole number, got %r' % (field, seconds))
        limits[klass] = (_memory(hard, field), _memory(soft, field), int(seconds))
    return limits


def render_buffer(limits: dict) -> str:
    return ' '.join('%s %d %d %d' % ((klass,) + limits[klass]) for klass in BUFFER_CLASSES if klass in limits)


def canonical_events(value: str, version: str) -> str:
    """The flags as Redis's keyspaceEventsFlagsToString (notify.c, 4.0 to 7.4) reports them: 'A' when every
    class it stands for is on, else those classes (and n) in Redis's order; then K, E and m. n sits in the
    branch 'A' replaces, so Redis 7 does not report n beside A (docs/dev/api-notes.md#config-parameters)."""
    classes = EVENT_CLASSES[version]
    flags = set(value.replace('A', classes))
    out = 'A' if set(classes) <= flags else ''.join(c for c in classes + 'n' if c in flags)
    return out + ''.join(c for c in 'KEm' if c in flags)


def check_value(param: Param, value: str, field: str, version: str, current: str) -> str:
    """The value to store (the canonical form the API reports), or INVALID_ARGUMENT naming ``field``."""
    if param.type == 'int':
        if not _INTEGER.match(value):
            raise invalid_argument('%s must be an integer, got %r' % (field, value))
        number = int(value)
        if not param.low <= number <= param.high:
            raise invalid_argument('%s must be between %d and %d, got %d' % (field, param.low, param.high, number))
        return str(number)
    if param.type == 'string':
        if value not in param.optional:
            raise invalid_argument('%s must be one of %s, got %r' % (field, ', '.join(param.optional), value))
        return value
    if param.type == 'byteArray':
        wrong = sorted(set(value) - set(param.optional))
        if wrong:
            raise invalid_argument(
                '%s: %s not allowed; use a combination of %s'
                % (field, ', '.join(map(repr, wrong)), ''.join(param.optional))
            )
        return canonical_events(value, version)
    limits = parse_buffer(current, field)
    limits.update(parse_buffer(value, field))
    return render_buffer(limits)


def validate_modify(body: dict, version: str, values: dict, maxmemory_policy: str) -> dict:
    """The checked ``{name: canonical value}`` of a modifyInstanceConfig body for an instance of ``version``."""
    check_known(body, ('regionId', 'cacheInstanceId', 'instanceConfig'))
    items = body.get('instanceConfig')
    if items is None or items == []:
        raise invalid_argument('instanceConfig is required')
    if not isinstance(items, list):
        raise invalid_argument('instanceConfig must be an array of ConfigItem')
    params = catalogue(version)
    current = describe(version, values, maxmemory_policy)['instanceConfig']
    current = {item['configName']: item['configValue'] for item in current}
    changes = {}
    for index, item in enumerate(items):
        field = 'instanceConfig[%d]' % index
        if not isinstance(item, dict):
            raise invalid_argument('%s must be an object' % field)
        # the descriptive members of ConfigItem may be sent back as read; only name and value count
        check_known(
            item,
            (
                'configName',
                'configValue',
                'configDefaultValue',
                'configValueType',
                'configValueMin',
                'configValueMax',
                'configValueOptional',
                'configValueOutputBuffer',
                'configDescription',
                'configUnSupport',
            ),
            field + '.',
        )
        name, value = item.get('configName'), item.get('configValue')
        if not isinstance(name, str) or not name:
            raise invalid_argument('%s.configName is required' % field)
        if not isinstance(value, str):
            raise invalid_argument('%s.configValue is required and must be a string' % field)
        param = params.get(name)
        if param is None or param.unsupported:
            raise invalid_argument(
                '%s.configName: %r is not supported by this instance (Redis %s)%s'
                % (
                    field,
                    name,
                    version,
                    ''
                    if param
                    else '; supported: ' + ', '.join(p.name for p in CATALOGUES[version] if not p.unsupported),
                )
            )
        if name in changes:
            raise invalid_argument('%s.configName: %r is given more than once' % (field, name))
        changes[name] = check_value(param, value, '%s.configValue (%s)' % (field, name), version, current[name])
    return changes


def require_running(instance_id: str, status: str) -> None:
    if status != 'running':
        raise failed_precondition(
            "cacheInstance '%s' is %s; its configuration can only be changed while running" % (instance_id, status)
        )


class Config:
    """The engine parameters of the store's instances (``store.config``); under the store's lock."""

    def __init__(self, store):
        self.store = store

    def describe(self, region: str, instance_id: str) -> dict:
        with self.store.lock:
            inst = self.store.get(region, instance_id)
            return describe(inst.redis_version, inst.config, inst.maxmemory_policy)

    def modify(self, region: str, instance_id: str, body: dict, delay: float) -> None:
        store = self.store
        with store.lock:
            inst = store.get(region, instance_id)
            require_running(inst.id, inst.status)
            changes = validate_modify(body, inst.redis_version, inst.config, inst.maxmemory_policy)
            # the values are reported at once; the instance is configuring while they are applied
            for name, value in changes.items():
                if name == 'maxmemory-policy':
                    inst.maxmemory_policy = value
                else:
                    inst.config[name] = value
            inst.status = 'configuring'
            store.schedule(inst, store.clock() + delay, 'config')
            store.settle(inst, store.clock())
            store.save()


# ------------------------------------------------------------------------------------------ engine parameters
_CONFIG = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/instanceConfig'


@operation('describeInstanceConfig', 'GET', _CONFIG)
def describe_instance_config(store, settings, region, target, params):
    return store.config.describe(region.region_id, target.instance)


@operation('modifyInstanceConfig', 'POST', _CONFIG, 'body')
def modify_instance_config(store, settings, region, target, params):
    store.config.modify(region.region_id, target.instance, params, settings.config_delay)
