"""White-list groups (docs/dev/api-notes.md#white-list-groups): parameter validation,
the backend (``WhiteLists``, ``store.whitelists``) and the handlers.

The SDK documents ``name`` (required) and ``ips``: IPs or CIDR blocks in ONE string, separated by
English commas, e.g. ``0.0.0.0/0,192.168.0.10``.  It documents no rule for group names; the
emulator's rule (``GROUP_NAME_RE``) is its own choice, stated in the README.  Blocks with host bits
set (``10.0.0.1/16``) are accepted, as the flat ``modifyIpWhiteList`` doc example sends one.
"""

from __future__ import annotations

import ipaddress
import re

from .errors import already_exists, failed_precondition, invalid_argument, not_found
from .registry import operation
from .validation import _string, check_known

DEFAULT_GROUP = {'name': 'default', 'ips': '0.0.0.0/0'}
GROUP_NAME_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_-]{0,31}$')
_PATH_PARAMS = ('regionId', 'cacheInstanceId')


def validate_name(value, field: str = 'name') -> str:
    if not GROUP_NAME_RE.match(value):
        raise invalid_argument(
            '%s must be 1-32 characters of letters, digits, underscores or hyphens, starting with a letter' % field
        )
    return value


def validate_ips(value: str, field: str = 'ips') -> str:
    for entry in value.split(','):
        if entry != entry.strip() or not entry:
            raise invalid_argument(
                '%s must be IPv4 addresses or CIDR blocks separated by commas, without spaces' % field
            )
        try:
            ipaddress.IPv4Network(entry, strict=False)
        except ValueError:
            raise invalid_argument('%s: %r is not an IPv4 address or CIDR block (x.x.x.x/x)' % (field, entry)) from None
    return value


def validate_add(body: dict) -> dict:
    check_known(body, _PATH_PARAMS + ('name', 'ips'))
    name = validate_name(_string(body, 'name', 'name', required=True))
    ips = _string(body, 'ips', 'ips')
    return {'name': name, 'ips': validate_ips(ips) if ips else ''}


def validate_modify(body: dict) -> dict:
    check_known(body, _PATH_PARAMS + ('name', 'ips'))
    name = validate_name(_string(body, 'name', 'name', required=True))
    return {'name': name, 'ips': validate_ips(_string(body, 'ips', 'ips', required=True))}


def validate_delete(query: dict) -> str:
    name = query.get('name')
    if not isinstance(name, str) or name == '':
        raise invalid_argument('name is required')
    return validate_name(name)


class WhiteLists:
    """The white-list groups of the store's instances (``store.whitelists``); under the store's lock."""

    def __init__(self, store):
        self.store = store

    def describe(self, region: str, instance_id: str) -> list:
        with self.store.lock:
            return [dict(g) for g in self.store.get(region, instance_id).white_lists]

    def _group_writable(self, region: str, instance_id: str, name: str):
        inst = self.store.get(region, instance_id)
        if inst.status != 'running':
            raise failed_precondition(
                "cacheInstance '%s' is %s; its white list can only be changed while running" % (inst.id, inst.status)
            )
        return inst, next((g for g in inst.white_lists if g['name'] == name), None)

    def add(self, region: str, instance_id: str, group: dict) -> None:
        with self.store.lock:
            inst, existing = self._group_writable(region, instance_id, group['name'])
            if existing is not None:
                raise already_exists("white list group '%s' already exists" % group['name'])
            inst.white_lists.append(dict(group))
            self.store.save()

    def modify(self, region: str, instance_id: str, group: dict) -> None:
        with self.store.lock:
            inst, existing = self._group_writable(region, instance_id, group['name'])
            if existing is None:
                raise not_found("white list group '%s' not found" % group['name'])
            existing['ips'] = group['ips']
            self.store.save()

    def delete(self, region: str, instance_id: str, name: str) -> None:
        with self.store.lock:
            inst, existing = self._group_writable(region, instance_id, name)
            if existing is None:
                raise not_found("white list group '%s' not found" % name)
            if name == DEFAULT_GROUP['name']:
                raise failed_precondition("white list group '%s' cannot be deleted" % name)
            inst.white_lists.remove(existing)
            self.store.save()


# ------------------------------------------------------------------------------------------ white-list groups
_WHITE_LIST = '/regions/{regionId}/cacheInstance/{cacheInstanceId}/whiteListGroup'


@operation('describeWhiteListGroup', 'GET', _WHITE_LIST)
def describe_white_list_group(store, settings, region, target, params):
    return {'whiteLists': store.whitelists.describe(region.region_id, target.instance)}


@operation('addWhiteListGroup', 'POST', _WHITE_LIST, 'body')
def add_white_list_group(store, settings, region, target, params):
    store.whitelists.add(region.region_id, target.instance, validate_add(params))


@operation('modifyWhiteListGroup', 'PUT', _WHITE_LIST, 'body')
def modify_white_list_group(store, settings, region, target, params):
    store.whitelists.modify(region.region_id, target.instance, validate_modify(params))


@operation('deleteWhiteListGroup', 'DELETE', _WHITE_LIST, 'query')
def delete_white_list_group(store, settings, region, target, params):
    store.whitelists.delete(region.region_id, target.instance, validate_delete(params))
