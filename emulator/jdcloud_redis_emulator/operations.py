"""Routing, execution and the core operations: the nine v1 operations (docs/dev/api-notes.md#operations), the
white-list groups, the engine parameters, the backups and the resource-tag service. Every operation, these and the
day-2 ones of accounts.py, security.py, tasks.py and recycle.py, is one entry of the registry (registry.py) and one
handler, registered with @operation where its resource lives; the routes are built from the registry. A handler
reaches the state through the store: the instances on ``store`` itself, the other resources through their backend
(``store.whitelists``, ``store.config``, ``store.backups``, ``store.tags``)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

# the modules of the day-2 operations: imported for their @operation entries
from . import accounts, backups, listing, recycle, security, tagging, tasks, validation, whitelist  # noqa: F401
from .registry import REGISTRY, Operation, operation, params_of, parse_body, routes  # noqa: F401
from .settings import RuntimeSettings
from .store import Store

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
    ):
        self.operation = operation
        self.service = service
        self.backup = backup
        self.region = region
        self.instance = instance
        self.allowed = allowed
        self.inst = None  # the instance of the path, for an operation that looks it up first

    def signing_region(self, query: str) -> str | None:
        """The region the request must be signed for: the path's, or for a path without one the ``regionId``
        parameter when given (the SDK signs with it) and ``jdcloud-api`` otherwise."""
        if self.region is not None:
            return self.region
        given = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == 'regionId']
        return given[0] if given and given[0] else REGIONLESS_SIGNING_REGION


def route(method: str, raw_path: str) -> Route | None:
    """Route by the decoded path, so ':action' and '%3Aaction' reach the same operation."""
    path = unquote(raw_path)
    for pattern, methods in routes():
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


def execute(store: Store, settings: RuntimeSettings, target: Route, query: str, body: bytes):
    """Run one operation and return its ``result`` (None for operations that return none).

    The store lock is held throughout, so a result is never rendered from a half-applied change."""
    with store.lock:
        return _execute(store, settings, target, query, body)


def _execute(store: Store, settings: RuntimeSettings, target: Route, query: str, body: bytes):
    op = REGISTRY[target.operation]
    region = validation.region_or_error(target.region) if op.regional else None
    if op.instance_first:
        target.inst = store.get(region.region_id, target.instance)
    return op.handler(store, settings, region, target, params_of(op, query, body))


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
    return {'whiteLists': store.whitelists.describe(region.region_id, target.instance)}


@operation('addWhiteListGroup', 'POST', _WHITE_LIST, 'body')
def add_white_list_group(store, settings, region, target, params):
    store.whitelists.add(region.region_id, target.instance, whitelist.validate_add(params))


@operation('modifyWhiteListGroup', 'PUT', _WHITE_LIST, 'body')
def modify_white_list_group(store, settings, region, target, params):
    store.whitelists.modify(region.region_id, target.instance, whitelist.validate_modify(params))


@operation('deleteWhiteListGroup', 'DELETE', _WHITE_LIST, 'query')
def delete_white_list_group(store, settings, region, target, params):
    store.whitelists.delete(region.region_id, target.instance, whitelist.validate_delete(params))


# ------------------------------------------------------------------------------------------ engine parameters
_CONFIG = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/instanceConfig'


@operation('describeInstanceConfig', 'GET', _CONFIG)
def describe_instance_config(store, settings, region, target, params):
    return store.config.describe(region.region_id, target.instance)


@operation('modifyInstanceConfig', 'POST', _CONFIG, 'body')
def modify_instance_config(store, settings, region, target, params):
    store.config.modify(region.region_id, target.instance, params, settings.config_delay)


# ------------------------------------------------------------------------------------------ backups
_BACKUP = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backup'


@operation('describeBackupPolicy', 'GET', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backupPolicy')
def describe_backup_policy(store, settings, region, target, params):
    return store.backups.policy(region.region_id, target.instance)


@operation('modifyBackupPolicy', 'PATCH', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/backupPolicy', 'body')
def modify_backup_policy(store, settings, region, target, params):
    store.backups.modify_policy(region.region_id, target.instance, backups.validate_policy(params))


@operation('createBackup', 'POST', _BACKUP, 'body')
def create_backup(store, settings, region, target, params):
    name = backups.validate_create(params)
    return store.backups.create(region.region_id, target.instance, name, settings.backup_delay)


@operation('describeBackups', 'GET', _BACKUP, 'query')
def describe_backups(store, settings, region, target, params):
    return store.backups.list(region.region_id, target.instance, backups.list_query(params))


@operation('describeBackupInfo', 'GET', _BACKUP + '/{baseId}')
def describe_backup_info(store, settings, region, target, params):
    return store.backups.info(region.region_id, target.instance, target.backup)


@operation('restoreInstance', 'POST', '/regions/{regionId}/cacheInstance/{cacheInstanceId}/restore', 'body')
def restore_instance(store, settings, region, target, params):
    store.backups.restore(region.region_id, target.instance, backups.validate_restore(params), settings.restore_delay)


# ------------------------------------------------------------------------------------------ the resource-tag service
# signed for its own service name, served on the same server by path
@operation('tagResources', 'POST', '/regions/{regionId}/tags:tagResources', 'body', service=tagging.SERVICE)
def tag_resources(store, settings, region, target, params):
    return tagging.execute(store, region.region_id, 'tagResources', params)


@operation('unTagResources', 'POST', '/regions/{regionId}/tags:unTagResources', 'body', service=tagging.SERVICE)
def untag_resources(store, settings, region, target, params):
    return tagging.execute(store, region.region_id, 'unTagResources', params)
