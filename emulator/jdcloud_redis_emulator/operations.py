"""Routing, execution and the operations of the instances: the nine v1 operations
(docs/dev/api-notes.md#operations). Every operation, these, those of the white-list groups (whitelist.py), the engine
parameters (parameters.py), the backups (backups.py), the resource-tag service (tagging.py) and the day-2 ones of
accounts.py, security.py, tasks.py and recycle.py, is one entry of the registry (registry.py) and one handler,
registered with @operation in the module of its resource; the routes are built from the registry. A handler
checks the parameters, calls the backend and renders the answer: the instances on ``store`` itself, the other
resources through their backend (``store.whitelists``, ``store.config``, ``store.backups``, ``store.tags``,
``store.accounts``, ``store.security``, ``store.tasks``, ``store.recycle_bin``)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, unquote

from . import accounts, backups, listing, parameters, recycle, security, tagging, tasks, validation, whitelist
from .errors import invalid_argument
from .registry import REGISTRY, Operation, operation, routes
from .settings import RuntimeSettings
from .store import Store

# The modules of the other resources, each of which adds its operations to the registry with @operation when it
# is imported: named here so that the registry is whole once this module is.
RESOURCE_MODULES = (accounts, backups, parameters, recycle, security, tagging, tasks, whitelist)

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


def parse_body(body: bytes) -> dict:
    """The JSON body as an object, nulls removed (they mean "not given", docs/dev/api-notes.md#request-encoding)."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise invalid_argument('request body is not valid JSON') from None
    if not isinstance(data, dict):
        raise invalid_argument('request body must be a JSON object')
    return validation.strip_nulls(data)


def params_of(op: Operation, query: str, body: bytes) -> dict:
    if op.params == 'body':
        return parse_body(body)
    if op.params == 'query':
        return listing.parse_query(query)
    return {}


# ------------------------------------------------------------------------------------------ instances
@operation('createCacheInstance', 'POST', '/regions/{regionId}/cacheInstance', 'body')
def create_cache_instance(store, settings, region, target, params):
    spec = validation.validate_create(region, params)
    store.recycle_bin.check_clone(region.region_id, spec)  # a clone from a backup: checked before the create
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
    store.recycle_bin.delete(region.region_id, target.instance, settings.delete_delay, settings.recycle_retention)


@operation(
    'modifyCacheInstanceClass',
    'POST',
    '/regions/{regionId}/cacheInstance/{cacheInstanceId}:modifyCacheInstanceClass',
    'body',
)
def modify_cache_instance_class(store, settings, region, target, params):
    request = validation.validate_resize(params)
    return store.tasks.resize(region.region_id, target.instance, request, settings.resize_delay)


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


# Every operation is registered once this module has run to here (the resource modules at its top, its own
# above): registry.names() and registry.writes() refuse to read the registry before.
ALL_REGISTERED = True
