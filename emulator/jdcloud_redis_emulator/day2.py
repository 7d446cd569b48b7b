"""What the day-2 operation modules (accounts, security, tasks, recycle) share: request parsing, routes and the
checks they all make."""

from __future__ import annotations

import json
import re
import time

from . import listing, validation
from .errors import failed_precondition, invalid_argument

REGION = r'/v1/regions/(?P<region>[^/]+)'
INSTANCE = REGION + r'/cacheInstance/(?P<instance>[^/:]+)'
PATH_PARAMS = ('regionId', 'cacheInstanceId')
HHMM_RE = re.compile(r'^([01]\d|2[0-3]):([0-5]\d)Z$')


def route(pattern: str, methods: dict) -> tuple:
    return re.compile('^' + pattern + '$'), methods


def body(raw: bytes) -> dict:
    """The JSON body as an object, nulls removed (they mean "not given", docs/dev/api-notes.md#request-encoding)."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise invalid_argument('request body is not valid JSON') from None
    if not isinstance(data, dict):
        raise invalid_argument('request body must be a JSON object')
    return validation.strip_nulls(data)


def query(raw: str) -> dict:
    return listing.parse_query(raw)


def region_id(target) -> str:
    return validation.region_or_error(target.region).region_id


def iso(ts: float) -> str:
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


def require_running(inst, what: str) -> None:
    if inst.status != 'running':
        raise failed_precondition("cacheInstance '%s' is %s; %s only while running" % (inst.id, inst.status, what))


def hhmm(value, field: str) -> int:
    """Minutes after midnight UTC of an ``HH:mmZ`` time (the SDK's format for maintenance windows)."""
    if not isinstance(value, str) or not HHMM_RE.match(value):
        raise invalid_argument('%s must be HH:mmZ (UTC, e.g. 03:00Z), got %r' % (field, value))
    return int(value[:2]) * 60 + int(value[3:5])
