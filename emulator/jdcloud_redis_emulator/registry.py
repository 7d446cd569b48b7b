"""The one registry of the API operations (issue 26): each is one entry, declared with @operation on its handler
in the module of its resource, next to the resource's backend (operations.py for the instances and the catalogue;
whitelist.py, parameters.py, backups.py, tagging.py, accounts.py, security.py, tasks.py, recycle.py), and the
routes are built from it.

An entry says the operation's method, its path after /v1 with the parameters the path names, where its parameters
come from ('body': the JSON body, nulls removed; 'query': the parsed query; 'none': {}), its signing service and,
with ``instance_first``, that the instance of the path is looked up (NOT_FOUND) before the parameters are read,
and whether it is a write (``write``; by default every method but GET is one: a read the API makes with POST says
``write=False``). The lists of the operations' names that the admin checks, the counters, the faults and the
triggers read (``names()``, ``writes()``) are made from the entries, so a new operation is named nowhere else.
A handler gets (store, settings, region, target, params): region is the path's region (checked; None for a path
without one), target the operations.Route (instance and backup ids; ``target.inst`` the instance looked up first),
params as above. operations.execute runs it under the store lock. It checks the parameters, calls the backend of
its resource (``store.<resource>``, a class in the same module, made by store.Store) and renders the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

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
    write: bool = False  # what the write counts and drop_response_rate (applied, then no answer) take as a write

    @property
    def regional(self) -> bool:
        """Whether the path names the region (the others are signed as operations.Route.signing_region says)."""
        return '{regionId}' in self.path


REGISTRY: dict = {}  # name -> Operation, in the order registered


def operation(
    name: str,
    method: str,
    path: str,
    params: str = 'none',
    service: str = 'redis',
    instance_first: bool = False,
    write: bool | None = None,
):
    """Register the decorated function as the handler of ``name`` at ``method`` ``path``; ``write`` defaults to
    whether the method is not GET."""
    if params not in PARAMS_FROM:
        raise ValueError('params must be one of %s' % ', '.join(PARAMS_FROM))
    if instance_first and '{cacheInstanceId}' not in path:
        raise ValueError('instance_first needs a path with {cacheInstanceId}')

    def register(handler):
        if name in REGISTRY:
            raise ValueError('operation %s is registered twice' % name)
        global _ROUTES  # pylint: disable=global-statement
        is_write = method != 'GET' if write is None else write
        REGISTRY[name] = Operation(name, method, path, params, handler, service, instance_first, is_write)
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


def names() -> tuple:
    """The name of every operation, sorted: the order of the admin endpoint's messages and of the stats' ``calls``
    (the order of registration follows the order the modules happen to be imported in)."""
    return tuple(sorted(_whole()))


def writes() -> tuple:
    """The names of the operations that are writes, sorted."""
    return tuple(sorted(name for name, op in _whole().items() if op.write))


def _whole() -> dict:
    """REGISTRY, every operation in it."""
    # An entry is added when the module of its handler is imported, and operations.py imports them all. It is
    # imported here, when the names are read and not when this module is, so that the readers of the names
    # (settings.py, faults.py, clock.py, server.py, cli.py) may import this module at their top although
    # operations.py imports settings.py: this module imports nothing of the emulator at its top, so no order
    # of imports meets a half-made module, and a read at run time is whole whichever module was imported first.
    from . import operations  # pylint: disable=import-outside-toplevel

    if not getattr(operations, 'ALL_REGISTERED', False):
        # a read at the top of a module that operations.py imports would see only the entries made so far
        raise RuntimeError('the operation names were read while the operations were being registered')
    return REGISTRY
