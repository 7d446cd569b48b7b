"""Backup policy, on-demand backups and restore (docs/dev/api-notes.md#backups): parameter validation,
the policy's next window and the Backup model.

What the SDK documents: ``backupTime`` is ``HH:mm-HH:mm <zone>`` (example ``01:00-02:00 +0800``),
``backupPeriod`` weekday names separated by commas, ``fileName`` letters, digits and underscores up to
32 characters, ``backupType`` 1 (manual, the only type a client may create), ``pageSize`` 10 to 100.
What it does not document, and the emulator assumes strictly (README): the window starts and ends on
the hour and is not empty, the zone is ``+hhmm`` or ``-hhmm`` up to 14 hours, ``startTime``/``endTime``
are ISO 8601 UTC times like every time the API returns.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from .errors import invalid_argument
from .validation import _boolean, _integer, _string, check_known

DAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
# Not documented: what a new instance starts with (README).
DEFAULT_POLICY = {'autoBackup': True, 'backupPeriod': ','.join(DAYS), 'backupTime': '01:00-02:00 +0800'}
WINDOW_RE = re.compile(r'^(\d{2}):(\d{2})-(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$')
FILE_NAME_RE = re.compile(r'^[A-Za-z0-9_]{1,32}$')
TIME_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
STATUS_RUNNING, STATUS_FAILED, STATUS_SUCCESS = 0, 1, 2
TYPE_AUTO, TYPE_MANUAL = 0, 1
_PATH_PARAMS = ('regionId', 'cacheInstanceId')


def parse_window(value: str, field: str = 'backupTime'):
    """``(start minute, end minute, offset minutes)`` of a valid window."""
    match = WINDOW_RE.match(value)
    if not match:
        raise invalid_argument('%s must be HH:mm-HH:mm followed by a zone such as +0800, got %r' % (field, value))
    start_h, start_m, end_h, end_m, sign, zone_h, zone_m = match.groups()
    if int(start_h) > 23 or int(end_h) > 23 or int(zone_h) > 14 or int(zone_m) > 59:
        raise invalid_argument('%s: hours must be 00 to 23 and the zone at most 14 hours, got %r' % (field, value))
    if start_m != '00' or end_m != '00':
        raise invalid_argument('%s must start and end on the hour, got %r' % (field, value))
    if start_h == end_h:
        raise invalid_argument('%s must end at another hour than it starts, got %r' % (field, value))
    offset = (int(zone_h) * 60 + int(zone_m)) * (1 if sign == '+' else -1)
    return int(start_h) * 60, int(end_h) * 60, offset


def validate_policy(body: dict) -> dict:
    check_known(body, _PATH_PARAMS + ('autoBackup', 'backupTime', 'backupPeriod'))
    auto = _boolean(body, 'autoBackup', 'autoBackup')
    window = _string(body, 'backupTime', 'backupTime', required=True)
    parse_window(window)
    period = _string(body, 'backupPeriod', 'backupPeriod', required=True)
    days = period.split(',')
    if any(day not in DAYS for day in days):
        raise invalid_argument(
            'backupPeriod must be weekday names separated by commas (%s), got %r' % (', '.join(DAYS), period)
        )
    if len(set(days)) != len(days):
        raise invalid_argument('backupPeriod names a day more than once: %r' % period)
    # modifyBackupPolicy "turns on or updates" the policy: without autoBackup it is on
    return {'autoBackup': True if auto is None else auto, 'backupPeriod': period, 'backupTime': window}


def iso(ts: float) -> str:
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(ts))


def next_window(policy: dict, now: float) -> str:
    """``start~end`` (UTC) of the next window on a day of the period, or '' when automatic backups are off."""
    if not policy.get('autoBackup') or not policy.get('backupPeriod') or not policy.get('backupTime'):
        return ''
    start, end, offset = parse_window(policy['backupTime'])
    length = (end - start) % 1440
    wanted = {DAYS.index(day) for day in policy['backupPeriod'].split(',')}
    local = now + offset * 60
    midnight = local - local % 86400
    for days_ahead in range(8):
        day_start = midnight + days_ahead * 86400
        # 1970-01-01 was a Thursday (index 3)
        if (int(day_start // 86400) + 3) % 7 in wanted and day_start + start * 60 > local:
            begin = day_start + start * 60 - offset * 60
            return '%s~%s' % (iso(begin), iso(begin + length * 60))
    raise AssertionError('no window within a week')


def render_policy(policy: dict, now: float) -> dict:
    return dict(policy, nextBackupTime=next_window(policy, now))


def validate_create(body: dict) -> str:
    check_known(body, _PATH_PARAMS + ('fileName', 'backupType'))
    name = _string(body, 'fileName', 'fileName', required=True)
    if not FILE_NAME_RE.match(name):
        raise invalid_argument('fileName must be 1-32 letters, digits or underscores')
    backup_type = _integer(body, 'backupType', 'backupType')
    if backup_type is None:
        raise invalid_argument('backupType is required')
    if backup_type != TYPE_MANUAL:
        raise invalid_argument('backupType must be 1 (manual): only manual backups can be created')
    return name


def validate_restore(body: dict) -> str:
    check_known(body, _PATH_PARAMS + ('baseId',))
    return _string(body, 'baseId', 'baseId', required=True)


def _time(query: dict, name: str):
    value = query.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not TIME_RE.match(value):
        raise invalid_argument('%s must be an ISO 8601 UTC time such as 2024-05-01T08:00:00Z' % name)
    try:
        return datetime.strptime(value, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise invalid_argument('%s is not a valid time: %r' % (name, value)) from None


def list_query(query: dict) -> dict:
    """The describeBackups query, checked in a fixed order (paging, times, id)."""
    from .listing import int_param

    check_known(query, ('pageNumber', 'pageSize', 'startTime', 'endTime', 'baseId'))
    page_number = int_param(query, 'pageNumber', 1, 1)
    page_size = int_param(query, 'pageSize', 10, 10, 100)
    start, end = _time(query, 'startTime'), _time(query, 'endTime')
    if start is not None and end is not None and start > end:
        raise invalid_argument('startTime must not be after endTime')
    base_id = query.get('baseId')
    if base_id is not None and not isinstance(base_id, str):
        raise invalid_argument('baseId must be a string')
    return {'page_number': page_number, 'page_size': page_size, 'start': start, 'end': end, 'base_id': base_id}


def render(backup: dict) -> dict:
    """The Backup model."""
    return {
        'baseId': backup['id'],
        'backupFileName': backup['name'],
        'cacheInstanceId': backup['instance_id'],
        'backupStartTime': iso(backup['start']),
        'backupEndTime': iso(backup['end']) if backup['end'] is not None else '',
        'backupType': backup['type'],
        'backupSize': backup['size'] if backup['status'] == STATUS_SUCCESS else 0,
        'backupStatus': backup['status'],
        'backupShardMemoryMB': backup['shard_memory_mb'],
        'backupShardNum': backup['shard_num'],
        'backupDownloadURL': '',
    }
