"""Routing and the core operations: the nine v1 operations (docs/dev/api-notes.md#operations), the white-list
groups, the engine parameters, the backups and the resource-tag service, each one entry of REGISTRY and one handler;
then the day-2 modules (EXTENSIONS), which keep their own routes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl, unquote

from . import accounts, backups, listing, recycle, security, tagging, tasks, validation, whitelist
from .errors import invalid_argument
from .settings import RuntimeSettings
from .store import Store

# The core operations: each is one entry of REGISTRY (its method, its path after /v1 with the parameters the
# path names, where its parameters come from) and one handler, registered with @operation below. A handler gets
# (store, settings, region, target, params): region is the path's region (checked), target the Route (instance and
# backup ids), params the JSON body ('body'), the parsed query ('query') or {} ('none'). Routes are built from the
# registry, so a new operation is one decorated function.
_PATH_PARAMS = {
    '{regionId}': r'(?P<region>[^/]+)',
    '{cacheInstanceId}': r'(?P<instance>[^/:]+)',
    '{baseId}': r'(?P<backup>[^/:]+)',
}
PARAMS_FROM = ('body', 'query', 'none')


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    params: str
    handler: Callable
    service: str = 'redis'


REGISTRY: dict = {}  # name -> Operation, in the order registered


def operation(name: str, method: str, path: str, params: str = 'none', service: str = 'redis'):
    """Register the decorated function as the handler of ``name`` at ``method`` ``path``."""
    if params not in PARAMS_FROM:
        raise ValueError('params must be one of %s' % ', '.join(PARAMS_FROM))

    def register(handler):
        if name in REGISTRY:
            raise ValueError('operation %s is registered twice' % name)
        REGISTRY[name] = Operation(name, method, path, params, handler, service)
        return handler

    return register


def _pattern(path: str):
    regex = re.escape(path)
    for placeholder, group in _PATH_PARAMS.items():
        regex = regex.replace(re.escape(placeholder), group)
    return re.compile('^/v1' + regex + '$')


_ROUTES = None  # [(pattern, {method: Operation})], built from REGISTRY on first use


def _routes() -> list:
    global _ROUTES  # pylint: disable=global-statement
    if _ROUTES is None:
        by_path = {}
        for op in REGISTRY.values():
            by_path.setdefault(op.path, {})[op.method] = op
        _ROUTES = [(_pattern(path), methods) for path, methods in by_path.items()]
    return _ROUTES


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
    for pattern, methods in _routes():
        match = pattern.match(path)
        if match:
            groups = match.groupdict()
            found = methods.get(method)
            return Route(
                found.name if found else None,
                groups.get('region'),
                groups.get('instance'),
                tuple(methods),
                groups.get('backup'),
                service=next(iter(methods.values())).service,
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
    op = REGISTRY[target.operation]
    if op.params == 'body':
        params = parse_body(body)
    elif op.params == 'query':
        params = listing.parse_query(query)
    else:
        params = {}
    return op.handler(store, settings, region, target, params)


# ------------------------------------------------------------------------------------------ instances
@operation('createCacheInstance', 'POST', '/regions/{regionId}/cacheInstance', 'body')
def create_cache_instance(store, settings, region, target, params):
    spec = validation.validate_create(region, params)
    recycle.check_clone(store, region.region_id, spec)  # a clone from a backup: checked before the create
    return store.create(region.region_id, spec, settings.create_delay)


@operation('describeCacheInstances', 'GET', '/regions/{regionId}/cacheInstance', 'query')
def describe_cache_instances(store, settings, region, target, params):
    return listing.describe(store, region.region_id, params)


@operation('describeCacheInstance', 'GET', '/regions/{regionId}/cacheInstance/{cacheInstanceId}')
def describe_cache_instance(store, settings, region, target, params):
    return {'cacheInstance': store.get(region.region_id, target.instance).render()}


@operation('modifyCacheInstanceAttribute', 'PATCH', '/regions/{regionId}/cacheInstance/{cacheInstanceId}', 'body')
def modify_cache_instance_attribute(store, settings, region, target, params):
    store.modify_attribute(region.region_id, target.instance, validation.validate_attribute(params))


@operation('deleteCacheInstance', 'DELETE', '/regions/{regionId}/cacheInstance/{cacheInstanceId}')
def delete_cache_instance(store, settings, region, target, params):
    recycle.delete(store, settings, region.region_id, target.instance)


@operation(
    'modifyCacheInstanceClass',
    'POST',
    '/regions/{regionId}/cacheInstance/{cacheInstanceId}:modifyCacheInstanceClass',
    'body',
)
def modify_cache_instance_class(store, settings, region, target, params):
    return tasks.resize(store, settings, region.region_id, target.instance, validation.validate_resize(params))


@operation(
    'resetCacheInstancePassword',
    'POST',
    '/regions/{regionId}/cacheInstance/{cacheInstanceId}:resetCacheInstancePassword',
    'body',
)
def reset_cache_instance_password(store, settings, region, target, params):
    store.reset_password(region.region_id, target.instance, validation.validate_reset_password(params))


# ------------------------------------------------------------------------------------------ the region's catalogue
@operation('describeInstanceClass', 'GET', '/regions/{regionId}/instanceClass', 'query')
def describe_instance_class(store, settings, region, target, params):
    version = validation.redis_version(region, params.get('redisVersion'), 'redisVersion')
    classes = [c.to_api() for c in region.classes(version)]
    return {'instanceClasses': classes, 'totalCount': len(classes)}


@operation('describeUserQuota', 'GET', '/regions/{regionId}/quota')
def describe_user_quota(store, settings, region, target, params):
    return {'quota': store.quota(region.region_id)}


@operation('describeAvailableResource', 'GET', '/regions/{regionId}/availableResource')
def describe_available_resource(store, settings, region, target, params):
    return {'availableResources': region.available_resources()}


# ------------------------------------------------------------------------------------------ white-list groups
_WHITE_LIST = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/whiteListGroup'


@operation('describeWhiteListGroup', 'GET', _WHITE_LIST)
def describe_white_list_group(store, settings, region, target, params):
    return {'whiteLists': store.white_lists(region.region_id, target.instance)}


@operation('addWhiteListGroup', 'POST', _WHITE_LIST, 'body')
def add_white_list_group(store, settings, region, target, params):
    store.add_white_list_group(region.region_id, target.instance, whitelist.validate_add(params))


@operation('modifyWhiteListGroup', 'PUT', _WHITE_LIST, 'body')
def modify_white_list_group(store, settings, region, target, params):
    store.modify_white_list_group(region.region_id, target.instance, whitelist.validate_modify(params))


@operation('deleteWhiteListGroup', 'DELETE', _WHITE_LIST, 'query')
def delete_white_list_group(store, settings, region, target, params):
    store.delete_white_list_group(region.region_id, target.instance, whitelist.validate_delete(params))


# ------------------------------------------------------------------------------------------ engine parameters
_CONFIG = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/instanceConfig'


@operation('describeInstanceConfig', 'GET', _CONFIG)
def describe_instance_config(store, settings, region, target, params):
    return store.instance_config(region.region_id, target.instance)


@operation('modifyInstanceConfig', 'POST', _CONFIG, 'body')
def modify_instance_config(store, settings, region, target, params):
    store.modify_instance_config(region.region_id, target.instance, params, settings.config_delay)


# ------------------------------------------------------------------------------------------ backups
_BACKUP = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backup'


@operation('describeBackupPolicy', 'GET', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backupPolicy')
def describe_backup_policy(store, settings, region, target, params):
    return store.backup_policy(region.region_id, target.instance)


@operation('modifyBackupPolicy', 'PATCH', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backupPolicy', 'body')
def modify_backup_policy(store, settings, region, target, params):
    store.modify_backup_policy(region.region_id, target.instance, backups.validate_policy(params))


@operation('createBackup', 'POST', _BACKUP, 'body')
def create_backup(store, settings, region, target, params):
    name = backups.validate_create(params)
    return store.create_backup(region.region_id, target.instance, name, settings.backup_delay)


@operation('describeBackups', 'GET', _BACKUP, 'query')
def describe_backups(store, settings, region, target, params):
    return store.backups(region.region_id, target.instance, backups.list_query(params))


@operation('describeBackupInfo', 'GET', _BACKUP + '/{baseId}')
def describe_backup_info(store, settings, region, target, params):
    return store.backup_info(region.region_id, target.instance, target.backup)


@operation('restoreInstance', 'POST', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/restore', 'body')
def restore_instance(store, settings, region, target, params):
    store.restore(region.region_id, target.instance, backups.validate_restore(params), settings.restore_delay)


# ------------------------------------------------------------------------------------------ the resource-tag service
# signed for its own service name, served on the same server by path
@operation('tagResources', 'POST', '/regions/{regionId}/tags:tagResources', 'body', service=tagging.SERVICE)
def tag_resources(store, settings, region, target, params):
    return tagging.execute(store, region.region_id, 'tagResources', params)


@operation('unTagResources', 'POST', '/regions/{regionId}/tags:unTagResources', 'body', service=tagging.SERVICE)
def untag_resources(store, settings, region, target, params):
    return tagging.execute(store, region.region_id, 'unTagResources', params)
