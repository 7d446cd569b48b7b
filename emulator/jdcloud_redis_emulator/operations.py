"""Routing and the operations: the nine v1 operations (docs/dev/api-notes.md#operations), the white-list groups,
the engine parameters and the backups."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, unquote

from . import accounts, backups, listing, recycle, security, tagging, tasks, validation, whitelist
from .errors import invalid_argument
from .settings import RuntimeSettings
from .store import Store

_REGION = r'/v1/regions/(?P<region>[^/]+)'
_INSTANCE = _REGION + r'/cacheInstance/(?P<instance>[^/:]+)'
ROUTES = (
    (re.compile('^' + _REGION + r'/cacheInstance$'), {'GET': 'describeCacheInstances', 'POST': 'createCacheInstance'}),
    (
        re.compile('^' + _INSTANCE + '$'),
        {'GET': 'describeCacheInstance', 'PATCH': 'modifyCacheInstanceAttribute', 'DELETE': 'deleteCacheInstance'},
    ),
    (re.compile('^' + _INSTANCE + ':modifyCacheInstanceClass$'), {'POST': 'modifyCacheInstanceClass'}),
    (re.compile('^' + _INSTANCE + ':resetCacheInstancePassword$'), {'POST': 'resetCacheInstancePassword'}),
    (
        re.compile('^' + _INSTANCE + '/whiteListGroup$'),
        {
            'GET': 'describeWhiteListGroup',
            'POST': 'addWhiteListGroup',
            'PUT': 'modifyWhiteListGroup',
            'DELETE': 'deleteWhiteListGroup',
        },
    ),
    (
        re.compile('^' + _INSTANCE + '/instanceConfig$'),
        {'GET': 'describeInstanceConfig', 'POST': 'modifyInstanceConfig'},
    ),
    (re.compile('^' + _INSTANCE + '/backupPolicy$'), {'GET': 'describeBackupPolicy', 'PATCH': 'modifyBackupPolicy'}),
    (re.compile('^' + _INSTANCE + '/backup$'), {'GET': 'describeBackups', 'POST': 'createBackup'}),
    (re.compile('^' + _INSTANCE + '/backup/(?P<backup>[^/:]+)$'), {'GET': 'describeBackupInfo'}),
    (re.compile('^' + _INSTANCE + '/restore$'), {'POST': 'restoreInstance'}),
    (re.compile('^' + _REGION + r'/instanceClass$'), {'GET': 'describeInstanceClass'}),
    (re.compile('^' + _REGION + r'/quota$'), {'GET': 'describeUserQuota'}),
    (re.compile('^' + _REGION + r'/availableResource$'), {'GET': 'describeAvailableResource'}),
)
# The resource-tag service, signed for its own service name, on the same server by path.
TAG_ROUTES = (
    (re.compile('^' + _REGION + r'/tags:tagResources$'), {'POST': 'tagResources'}),
    (re.compile('^' + _REGION + r'/tags:unTagResources$'), {'POST': 'unTagResources'}),
)


# The operations of the day-2 modules, each with its own ROUTES and execute() (docs/dev/api-notes.md#accounts
# and after); tried first, so that ':recoverInstance' or 'backup:describeDownloadUrl' never reach ROUTES.
EXTENSIONS = (accounts, security, tasks, recycle)
# Operations whose path has no region are signed for this region, unless the request names one (regionId)
REGIONLESS_SIGNING_REGION = 'jdcloud-api'


class Route:
    def __init__(
        self,
        operation: str | None,
        region: str | None = None,
        instance: str | None = None,
        allowed: tuple = (),
        backup: str | None = None,
        service: str = 'redis',
        handler=None,
    ):
        self.operation = operation
        self.service = service
        self.backup = backup
        self.region = region
        self.instance = instance
        self.allowed = allowed
        self.handler = handler

    def signing_region(self, query: str) -> str | None:
        """The region the request must be signed for: the path's, or for a path without one the ``regionId``
        parameter when given (the SDK signs with it) and ``jdcloud-api`` otherwise."""
        if self.region is not None or self.handler is None:
            return self.region
        given = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == 'regionId']
        return given[0] if given and given[0] else REGIONLESS_SIGNING_REGION


def route(method: str, raw_path: str) -> Route | None:
    """Route by the decoded path, so ':action' and '%3Aaction' reach the same operation."""
    path = unquote(raw_path)
    for module in EXTENSIONS:
        for pattern, methods in module.ROUTES:
            match = pattern.match(path)
            if match:
                groups = match.groupdict()
                return Route(
                    methods.get(method),
                    groups.get('region'),
                    groups.get('instance'),
                    tuple(methods),
                    handler=module.execute,
                )
    for pattern, methods in TAG_ROUTES:
        match = pattern.match(path)
        if match:
            return Route(methods.get(method), match.group('region'), allowed=tuple(methods), service=tagging.SERVICE)
    for pattern, methods in ROUTES:
        match = pattern.match(path)
        if match:
            groups = match.groupdict()
            return Route(
                methods.get(method), groups['region'], groups.get('instance'), tuple(methods), groups.get('backup')
            )
    return None


def parse_body(body: bytes) -> dict:
    if not body.strip():
        return {}
    try:
        data = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise invalid_argument('request body is not valid JSON') from None
    if not isinstance(data, dict):
        raise invalid_argument('request body must be a JSON object')
    return validation.strip_nulls(data)


def execute(store: Store, settings: RuntimeSettings, target: Route, query: str, body: bytes):
    """Run one operation and return its ``result`` (None for operations that return none).

    The store lock is held throughout, so a result is never rendered from a half-applied change."""
    with store.lock:
        return _execute(store, settings, target, query, body)


def _execute(store: Store, settings: RuntimeSettings, target: Route, query: str, body: bytes):
    if target.handler is not None:
        return target.handler(store, settings, target, query, body)
    region = validation.region_or_error(target.region)
    op = target.operation
    if target.service == tagging.SERVICE:
        return tagging.execute(store, region.region_id, op, parse_body(body))
    if op in ('describeCacheInstances', 'describeInstanceClass', 'deleteWhiteListGroup', 'describeBackups'):
        params = listing.parse_query(query)
    else:
        params = (
            parse_body(body)
            if op
            in (
                'createCacheInstance',
                'modifyCacheInstanceAttribute',
                'modifyCacheInstanceClass',
                'resetCacheInstancePassword',
                'addWhiteListGroup',
                'modifyWhiteListGroup',
                'modifyInstanceConfig',
                'modifyBackupPolicy',
                'createBackup',
                'restoreInstance',
            )
            else {}
        )

    if op == 'createCacheInstance':
        spec = validation.validate_create(region, params)
        recycle.check_clone(store, region.region_id, spec)  # a clone from a backup: checked before the create
        return store.create(region.region_id, spec, settings.create_delay)
    if op == 'describeCacheInstances':
        return listing.describe(store, region.region_id, params)
    if op == 'describeCacheInstance':
        return {'cacheInstance': store.get(region.region_id, target.instance).render()}
    if op == 'modifyCacheInstanceAttribute':
        changes = validation.validate_attribute(params)
        store.modify_attribute(region.region_id, target.instance, changes)
        return None
    if op == 'deleteCacheInstance':
        recycle.delete(store, settings, region.region_id, target.instance)
        return None
    if op == 'modifyCacheInstanceClass':
        request = validation.validate_resize(params)
        return tasks.resize(store, settings, region.region_id, target.instance, request)
    if op == 'resetCacheInstancePassword':
        password = validation.validate_reset_password(params)
        store.reset_password(region.region_id, target.instance, password)
        return None
    if op == 'describeInstanceClass':
        version = validation.redis_version(region, params.get('redisVersion'), 'redisVersion')
        classes = [c.to_api() for c in region.classes(version)]
        return {'instanceClasses': classes, 'totalCount': len(classes)}
    if op == 'describeUserQuota':
        return {'quota': store.quota(region.region_id)}
    if op == 'describeAvailableResource':
        return {'availableResources': region.available_resources()}
    if op == 'describeWhiteListGroup':
        return {'whiteLists': store.white_lists(region.region_id, target.instance)}
    if op == 'addWhiteListGroup':
        store.add_white_list_group(region.region_id, target.instance, whitelist.validate_add(params))
        return None
    if op == 'modifyWhiteListGroup':
        store.modify_white_list_group(region.region_id, target.instance, whitelist.validate_modify(params))
        return None
    if op == 'deleteWhiteListGroup':
        store.delete_white_list_group(region.region_id, target.instance, whitelist.validate_delete(params))
        return None
    if op == 'describeInstanceConfig':
        return store.instance_config(region.region_id, target.instance)
    if op == 'modifyInstanceConfig':
        store.modify_instance_config(region.region_id, target.instance, params, settings.config_delay)
        return None
    if op == 'describeBackupPolicy':
        return store.backup_policy(region.region_id, target.instance)
    if op == 'modifyBackupPolicy':
        store.modify_backup_policy(region.region_id, target.instance, backups.validate_policy(params))
        return None
    if op == 'createBackup':
        name = backups.validate_create(params)
        return store.create_backup(region.region_id, target.instance, name, settings.backup_delay)
    if op == 'describeBackups':
        return store.backups(region.region_id, target.instance, backups.list_query(params))
    if op == 'describeBackupInfo':
        return store.backup_info(region.region_id, target.instance, target.backup)
    if op == 'restoreInstance':
        base_id = backups.validate_restore(params)
        store.restore(region.region_id, target.instance, base_id, settings.restore_delay)
        return None
    raise AssertionError('unrouted operation %s' % op)
