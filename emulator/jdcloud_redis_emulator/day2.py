"""What the day-2 operation modules (accounts, security, tasks, recycle) share: the checks they all make. Their
operations are entries of the one registry (registry.py), like the core ones."""

from __future__ import annotations

import re
import time

from .errors import failed_precondition, invalid_argument

PATH_PARAMS = ('regionId', 'cacheInstanceId')
HHMM_RE = re.compile(r'^([01]\d|2[0-3]):([0-5]\d)Z$')


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
