"""The one registry of the API operations (issue 26): each is one entry, declared with @operation on its handler
in the module of its resource, next to the resource's backend (operations.py for the instances and the catalogue;
whitelist.py, parameters.py, backups.py, tagging.py, accounts.py, security.py, tasks.py, recycle.py), and the
routes are built from it.

An entry says the operation's method, its path after /v1 with the parameters the path names, where its parameters
come from ('body': the JSON body, nulls removed; 'query': the parsed query; 'none': {}), its signing service and,
with ``instance_first``, that the instance of the path is looked up (NOT_FOUND) before the parameters are read.
A handler gets (store, settings, region, target, params): region is the path's region (checked; None for a path
without one), target the operations.Route (instance and backup ids; ``target.inst`` the instance looked up first),
params as above. operations.execute runs it under the store lock. It checks the parameters, calls the backend of
its resource (``store.<resource>``, a class in the same module, made by store.Store) and renders the answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

from . import listing, validation
from .errors import invalid_argument

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
    instance_first: bool = False

    @property
    def regional(self) -> bool:
        """Whether the path names the region (the others are signed as operations.Route.signing_region says)."""
        return '{regionId}' in self.path


REGISTRY: dict = {}  # name -> Operation, in the order registered


def operation(
    name: str, method: str, path: str, params: str = 'none', service: str = 'redis', instance_first: bool = False
):
    """Register the decorated function as the handler of ``name`` at ``method`` ``path``."""
    if params not in PARAMS_FROM:
        raise ValueError('params must be one of %s' % ', '.join(PARAMS_FROM))
    if instance_first and '{cacheInstanceId}' not in path:
        raise ValueError('instance_first needs a path with {cacheInstanceId}')

    def register(handler):
        if name in REGISTRY:
            raise ValueError('operation %s is registered twice' % name)
        global _ROUTES  # pylint: disable=global-statement
        REGISTRY[name] = Operation(name, method, path, params, handler, service, instance_first)
        _ROUTES = None
        return handler

    return register


def _pattern(path: str):
    regex = re.escape(path)
    for placeholder, group in _PATH_PARAMS.items():
        regex = regex.replace(re.escape(placeholder), group)
    return re.compile('^/v1' + regex + '$')


_ROUTES = None  # [(pattern, {method: Operation})], built from REGISTRY on first use


def routes() -> list:
    global _ROUTES  # pylint: disable=global-statement
    if _ROUTES is None:
        by_path = {}
        for op in REGISTRY.values():
            by_path.setdefault(op.path, {})[op.method] = op
        _ROUTES = [(_pattern(path), methods) for path, methods in by_path.items()]
    return _ROUTES


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
