"""TLS in transit and disabled commands (docs/dev/api-notes.md#tls, #disabled-commands).

The SDK gives the operations and fields; the rest are the emulator's documented choices: TLS exists on the Redis
versions of the ``tls_versions`` setting (6.2 and 7.2), with the versions ``TLSv1.2`` and ``TLSv1.3`` for the
``standard`` type and none to choose for ``gm``; a certificate lasts 365 days, and enabling TLS changes neither the
port nor the domain. The commands that may be disabled are a fixed catalogue per Redis version. ``Security`` is the
backend of both (``store.security``); the handlers follow it.
"""

from __future__ import annotations

from . import day2, validation
from .errors import failed_precondition, invalid_argument
from .registry import operation

_INSTANCE = '/regions/{regionId}/cacheInstance/{cacheInstanceId}'
TLS_TYPES = ('standard', 'gm')
TLS_STATUSES = ('enable', 'disable', 'updateCertificate')
TLS_PROTOCOLS = {'standard': ('TLSv1.2', 'TLSv1.3'), 'gm': ()}
CERTIFICATE_DAYS = 365
# what an operator may disable; MEMORY and SWAPDB came with Redis 4.0, FLUSHALL/FLUSHDB ASYNC does not matter here
_COMMANDS = (
    'CONFIG',
    'EVAL',
    'EVALSHA',
    'FLUSHALL',
    'FLUSHDB',
    'HGETALL',
    'KEYS',
    'LRANGE',
    'MONITOR',
    'SCRIPT',
    'SMEMBERS',
    'SORT',
    'ZRANGE',
)
COMMANDS = {
    '2.8': _COMMANDS,
    '4.0': tuple(sorted(_COMMANDS + ('MEMORY', 'SWAPDB'))),
}
for _version in ('5.0', '6.2', '7.2'):
    COMMANDS[_version] = COMMANDS['4.0']


def _ca(inst) -> str:
    # a fixed, recognisable stand-in: the emulator signs nothing
    return '-----BEGIN CERTIFICATE-----\nEMULATOR-CA-%s\n-----END CERTIFICATE-----\n' % inst.region


def validate_tls(params: dict) -> dict:
    """The checked ``type``, ``status`` and ``versions`` of a modifyInstanceTLS body (None: not given)."""
    validation.check_known(params, day2.PATH_PARAMS + ('tlsType', 'tlsStatus', 'tlsVersion'))
    tls_type = validation._choice(params, 'tlsType', 'tlsType', TLS_TYPES)
    status = validation._choice(params, 'tlsStatus', 'tlsStatus', TLS_STATUSES)
    versions = params.get('tlsVersion')
    if versions is not None and (not isinstance(versions, list) or not all(isinstance(v, str) for v in versions)):
        raise invalid_argument('tlsVersion must be a list of strings')
    if tls_type is None and status is None and versions is None:
        raise invalid_argument('tlsType, tlsStatus or tlsVersion: nothing to change')
    return {'type': tls_type, 'status': status, 'versions': versions}


def commands(redis_version: str) -> list:
    """What listDisableCommands offers on this Redis version."""
    return list(COMMANDS[redis_version])


def validate_disable(params: dict, redis_version: str) -> dict:
    """``{command: disable?}`` of a setDisableCommands body, for an instance of this Redis version."""
    validation.check_known(params, day2.PATH_PARAMS + ('disableCommands',))
    items = params.get('disableCommands')
    if not isinstance(items, list) or not items:
        raise invalid_argument('disableCommands is required: a list of {commandName, isDisable}')
    offered = commands(redis_version)
    changes = {}
    for index, item in enumerate(items):
        prefix = 'disableCommands[%d].' % index
        if not isinstance(item, dict):
            raise invalid_argument('disableCommands[%d] must be an object' % index)
        validation.check_known(item, ('commandName', 'isDisable'), prefix)
        name = validation._string(item, 'commandName', prefix + 'commandName', required=True)
        flag = validation._boolean(item, 'isDisable', prefix + 'isDisable')
        if flag is None:
            raise invalid_argument('%sisDisable is required' % prefix)
        command = name.upper()  # Redis command names are case-insensitive
        if command not in offered:
            raise invalid_argument(
                '%scommandName %r cannot be disabled on Redis %s; listDisableCommands offers: %s'
                % (prefix, name[:40], redis_version, ', '.join(offered))
            )
        if command in changes:
            raise invalid_argument('disableCommands names %s more than once' % command)
        changes[command] = flag
    return changes


class Security:
    """TLS and the disabled commands of the store's instances (``store.security``); under the store's lock.
    ``inst.tls`` is ``{status, type, versions, expires}``, ``inst.disabled_commands`` the getDisableCommands
    list; ``versions`` is the ``tls_versions`` setting: the Redis versions that have TLS."""

    def __init__(self, store):
        self.store = store

    def describe_tls(self, inst, versions) -> dict:
        if inst.redis_version not in versions:
            return {
                'tlsType': '',
                'tlsStatus': 'disable',
                'featureSupport': False,
                'tlsVersion': [],
                'certExpiration': '',
                'ca': '',
                'caDownloadUrl': '',
            }
        tls = inst.tls
        enabled = tls.get('status') == 'enable'
        return {
            'tlsType': tls.get('type', 'standard'),
            'tlsStatus': 'enable' if enabled else 'disable',
            'featureSupport': True,
            'tlsVersion': list(tls.get('versions', [])),
            'certExpiration': day2.iso(tls['expires']) if enabled else '',
            'ca': _ca(inst) if enabled else '',
            'caDownloadUrl': 'https://redis-tls.%s.jdcloud-oss.com/%s/ca.pem' % (inst.region, inst.id)
            if enabled
            else '',
        }

    def modify_tls(self, inst, request: dict, versions) -> None:
        """Apply a modifyInstanceTLS ``request`` (validate_tls); the protocol versions are checked against the
        type the instance will have."""
        store = self.store
        with store.lock:
            if inst.redis_version not in versions:
                raise failed_precondition(
                    "cacheInstance '%s' runs Redis %s, which has no TLS (describeInstanceTLS featureSupport is false)"
                    % (inst.id, inst.redis_version)
                )
            status, protocols = request['status'], request['versions']
            current = inst.tls
            new_type = request['type'] or current.get('type', 'standard')
            if protocols is not None:
                offered = TLS_PROTOCOLS[new_type]
                wrong = [v for v in protocols if v not in offered]
                if wrong or len(set(protocols)) != len(protocols):
                    raise invalid_argument(
                        'tlsVersion for tlsType %s must be distinct values among: %s (empty: not specified), got %s'
                        % (new_type, ', '.join(offered) or 'none', ', '.join(protocols))
                    )
            elif new_type != current.get('type', 'standard'):
                protocols = []  # the versions of the other type do not carry over
            day2.require_running(inst, 'its TLS can be changed')
            now = store.clock()
            enabled = current.get('status') == 'enable'
            if status == 'disable':
                inst.tls = {'status': 'disable', 'type': new_type, 'versions': list(protocols or [])}
                store.save()
                return
            new = {'status': 'enable' if status or enabled else 'disable', 'type': new_type}
            new['versions'] = list(current.get('versions', []) if protocols is None else protocols)
            if status == 'updateCertificate' or (
                new['status'] == 'enable' and (not enabled or new_type != current.get('type'))
            ):
                # a new certificate always ends later than the one it replaces
                new['expires'] = max(now + CERTIFICATE_DAYS * 86400, current.get('expires', 0) + 1)
            elif enabled:
                new['expires'] = current['expires']
            inst.tls = new
            store.save()

    def disabled(self, inst) -> list:
        """The getDisableCommands list: ``[{commandName, disableTime}]`` by name."""
        return [dict(c) for c in inst.disabled_commands]

    def set_disabled(self, inst, changes: dict) -> None:
        """Disable (True) or enable (False) commands (validate_disable); a command disabled again keeps its time."""
        store = self.store
        with store.lock:
            day2.require_running(inst, 'its disabled commands can be changed')
            now = store.clock()
            current = {c['commandName']: c for c in inst.disabled_commands}
            for command, flag in changes.items():
                if flag and command not in current:
                    current[command] = {'commandName': command, 'disableTime': day2.iso(now)}
                elif not flag:
                    current.pop(command, None)
            inst.disabled_commands = sorted(current.values(), key=lambda c: c['commandName'])
            store.save()


# The instance is looked up before the body is read (instance_first): an unknown instance is NOT_FOUND whatever
# the body.
@operation('describeInstanceTLS', 'GET', _INSTANCE + '/tls', instance_first=True)
def describe_instance_tls(store, settings, region, target, params):
    return store.security.describe_tls(target.inst, settings.tls_versions)


@operation('modifyInstanceTLS', 'POST', _INSTANCE + '/tls', 'body', instance_first=True)
def modify_instance_tls(store, settings, region, target, params):
    store.security.modify_tls(target.inst, validate_tls(params), settings.tls_versions)


@operation('listDisableCommands', 'GET', _INSTANCE + '/listDisableCommands', instance_first=True)
def list_disable_commands(store, settings, region, target, params):
    return {'disableCommands': commands(target.inst.redis_version)}


@operation('getDisableCommands', 'GET', _INSTANCE + '/disableCommands', instance_first=True)
def get_disable_commands(store, settings, region, target, params):
    return {'disableCommandLists': store.security.disabled(target.inst)}


@operation('setDisableCommands', 'POST', _INSTANCE + '/disableCommands', 'body', instance_first=True)
def set_disable_commands(store, settings, region, target, params):
    changes = validate_disable(params, target.inst.redis_version)
    store.security.set_disabled(target.inst, changes)
