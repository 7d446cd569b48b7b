# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Backups of an instance (docs/dev/api-notes.md#backups): the API calls, the normalised shapes, and
the parsing of weekdays, backup windows and times.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

Shared by jcs_redis_backup_policy, jcs_redis_backup and jcs_redis_backup_info; it imports nothing of
the instance operations (``_redis``), so that a run by instance id compiles no more than it uses.
"""

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._paging import read_all

DAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
_DAY_NAMES = {name.lower(): name for name in DAYS}
_DAY_NAMES.update((name[:3].lower(), name) for name in DAYS)
# The zone of a window given without one: China Standard Time, the zone of every JD Cloud region and
# of the API's own example ("01:00-02:00 +0800").
DEFAULT_ZONE = '+0800'
WINDOW_PATTERN = re.compile(
    r'\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(?:(Z|UTC)|(?:UTC)?([+-])(\d{2}):?(\d{2}))?\s*\Z', re.IGNORECASE
)
WINDOW_RULE = (
    'must be HH:MM-HH:MM on the hour, optionally followed by a UTC offset such as +0800 (the default), '
    'for example 01:00-02:00 or 17:00-18:00 +0000'
)
# The API's rule for fileName: English letters, digits and underscores, at most 32.
NAME_PATTERN = re.compile(r'[A-Za-z0-9_]{1,32}\Z')
# baseId is a UUID in every example; refusing other characters keeps the path safe to build.
BACKUP_ID_PATTERN = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z')
STATUSES = {0: 'running', 1: 'failed', 2: 'success'}
TYPES = {0: 'automatic', 1: 'manual'}
MANUAL = 1
WEEK = 7 * 1440


def name_problem(name):
    if not NAME_PATTERN.match(name or ''):
        return 'must be 1 to 32 letters, digits or underscores (the API\'s rule for backup file names)'
    return None


def backup_id_problem(backup_id):
    if not BACKUP_ID_PATTERN.match(backup_id or ''):
        return 'must be a backup ID such as a607efba-ff06-4d78-ba3c-b3119fce27fd'
    return None


# -- the policy ----------------------------------------------------------------------------------


def parse_days(values):
    """The weekday names of ``values`` (any case, full or three letters, any order, repeats allowed) in
    week order; raises ValueError naming the first that is not a weekday."""
    days = set()
    for value in values:
        day = _DAY_NAMES.get(str(value).strip().lower())
        if day is None:
            raise ValueError(f'{shown(value)} is not a weekday (Monday to Sunday, or Mon to Sun)')
        days.add(day)
    return [day for day in DAYS if day in days]


def parse_window(value, default_zone=DEFAULT_ZONE):
    """``(start minute, end minute, offset minutes)`` of a window; raises ValueError."""
    match = WINDOW_PATTERN.match(str(value))
    if not match:
        raise ValueError(WINDOW_RULE)
    start_h, start_m, end_h, end_m, utc, sign, zone_h, zone_m = match.groups()
    if utc:
        sign, zone_h, zone_m = '+', '00', '00'
    elif not sign:
        sign, zone_h, zone_m = default_zone[0], default_zone[1:3], default_zone[3:5]
    start_h, end_h, zone_h, zone_m = int(start_h), int(end_h), int(zone_h), int(zone_m)
    if start_h > 23 or end_h > 23 or start_m != '00' or end_m != '00':
        raise ValueError(WINDOW_RULE)
    if start_h == end_h:
        raise ValueError('must end at another hour than it starts')
    if zone_h > 14 or zone_m > 59:
        raise ValueError('has a UTC offset beyond 14 hours')
    offset = (zone_h * 60 + zone_m) * (1 if sign == '+' else -1)
    return start_h * 60, end_h * 60, offset


def render_window(window):
    start, end, offset = window
    sign = '+' if offset >= 0 else '-'
    return f'{start // 60:02d}:00-{end // 60:02d}:00 {sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}'


def schedule_key(days, window):
    """What a schedule means whatever the zone it is written in: the minutes of the week (UTC) its
    windows start at, and their length. ``01:00-02:00 +0800`` on Monday is ``17:00-18:00 +0000`` on
    Sunday. None when the window cannot be read."""
    try:
        start, end, offset = parse_window(window)
    except ValueError:
        return None
    starts = frozenset((DAYS.index(day) * 1440 + start - offset) % WEEK for day in days)
    return starts, (end - start) % 1440


def starts_utc(days, window):
    """The moments of the week the backups start at, as ``Sunday 17:00`` in UTC, in week order; None
    when the days or the window cannot be read."""
    if not window or any(day not in DAYS for day in days or ()):
        return None
    key = schedule_key(days, window)
    if key is None:
        return None
    return [f'{DAYS[m // 1440]} {m % 1440 // 60:02d}:{m % 60:02d}' for m in sorted(key[0])]


def day_shift(days, old_window, new_window):
    """``(days, moved, kept, zone)`` when ``new_window`` has another UTC offset than ``old_window`` and,
    with the same day names, its backups start on other days of the old zone than before: the days in
    week order, the days (of the old zone) the backups now start on, the day names that would keep
    them where they were, and the old zone (``+0800``). None
    otherwise. The day names are those of the window's zone, so a window rewritten in another zone
    silently moves the days."""
    if not old_window or not new_window or not days or any(day not in DAYS for day in days):
        return None
    try:
        dummy, dummy_end, old_offset = parse_window(old_window)
        new_start, dummy_end, new_offset = parse_window(new_window)
    except ValueError:
        return None
    shift = (new_start - new_offset + old_offset) // 1440
    if old_offset == new_offset or shift % 7 == 0:
        return None
    order = sorted({DAYS.index(day) for day in days})
    zone = render_window((0, 60, old_offset)).split(' ')[1]
    return (
        [DAYS[i] for i in order],
        [DAYS[(i + shift) % 7] for i in order],
        [DAYS[i] for i in sorted((i - shift) % 7 for i in order)],
        zone,
    )


def normalise_policy(api):
    """describeBackupPolicy as the modules return it."""
    period = api.get('backupPeriod') or ''
    window = api.get('backupTime') or ''
    auto = api.get('autoBackup')
    days = [day.strip() for day in period.split(',') if day.strip()]
    try:
        days = parse_days(days)
    except ValueError:
        pass  # a day this module cannot read is shown as the API gives it, never hidden
    return dict(
        # before autoBackup existed, a policy with no time and no period meant "off" (api-notes)
        auto_backup=bool(auto) if auto is not None else bool(period and window),
        backup_days=days,
        backup_window=window or None,
        next_backup_window=api.get('nextBackupTime') or None,
    )


def _instance_path(region, instance_id, tail):
    return '/regions/{}/cacheInstance/{}/{}'.format(quote(region, safe=''), quote(instance_id, safe=''), tail)


def describe_policy(client, region, instance_id):
    return normalise_policy(client.request('GET', _instance_path(region, instance_id, 'backupPolicy'), region))


def modify_policy(client, region, instance_id, auto_backup, days, window):
    body = dict(autoBackup=auto_backup, backupTime=window, backupPeriod=','.join(days))
    # Setting the same policy twice leaves the same policy.
    return client.request(
        'PATCH', _instance_path(region, instance_id, 'backupPolicy'), region, body=body, idempotent=True
    )


# -- backups ----------------------------------------------------------------------------------------


def backup_to_result(api):
    """The one shape of a backup, returned by jcs_redis_backup and jcs_redis_backup_info."""
    status, kind = api.get('backupStatus'), api.get('backupType')
    return dict(
        id=api.get('baseId'),
        name=api.get('backupFileName'),
        instance_id=api.get('cacheInstanceId'),
        status=STATUSES.get(status, str(status)),
        type=TYPES.get(kind, str(kind)),
        start_time=api.get('backupStartTime') or None,
        end_time=api.get('backupEndTime') or None,
        size_bytes=api.get('backupSize'),
        shard_memory_mb=api.get('backupShardMemoryMB'),
        shard_count=api.get('backupShardNum'),
    )


def list_backups(client, region, instance_id, start_time=None, end_time=None, backup_id=None):
    """Every backup of the instance (describeBackups, all pages, newest first): ``(backups, settled)``."""
    path = _instance_path(region, instance_id, 'backup')

    def fetch(number, size):
        query = dict(pageNumber=number, pageSize=size, startTime=start_time, endTime=end_time, baseId=backup_id)
        result = client.request('GET', path, region, query={k: v for k, v in query.items() if v is not None})
        return [backup_to_result(b) for b in result.get('backups') or []], result.get('totalCount') or 0

    return read_all(fetch, lambda backup: backup['id'])


def get_backup(client, region, instance_id, backup_id):
    """describeBackupInfo; None when the instance has no such backup."""
    try:
        result = client.request(
            'GET', _instance_path(region, instance_id, 'backup/' + quote(backup_id, safe='')), region
        )
    except JDCloudAPIError as exc:
        if exc.code == 404:
            return None
        raise
    return backup_to_result(result)


def create_backup(client, region, instance_id, name):
    """createBackup (a manual backup); the new backup's id."""
    body = dict(fileName=name, backupType=MANUAL)
    return client.request('POST', _instance_path(region, instance_id, 'backup'), region, body=body).get('baseId')


def restore(client, region, instance_id, backup_id):
    return client.request('POST', _instance_path(region, instance_id, 'restore'), region, body=dict(baseId=backup_id))


# -- times ----------------------------------------------------------------------------------------------

_TIME_FORMATS = ('%Y-%m-%dT%H:%M:%S%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%dT%H:%M%z', '%Y-%m-%d %H:%M%z', '%Y-%m-%d%z')
TIME_RULE = 'must be a time such as 2024-05-01T08:00:00Z, 2024-05-01 16:00:00+08:00 or 2024-05-01'
# The API's times are RFC 3339 UTC with four-digit years; a time whose UTC moment falls outside them
# cannot be sent (and Python cannot even represent year 0 or 10000).
TIME_RANGE_RULE = 'is out of range: in UTC it must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z'


def parse_time(value, end_of_day=False):
    """An ISO 8601 time (``2024-05-01T08:00:00Z``, ``2024-05-01 16:00:00+08:00``, ``2024-05-01``; UTC
    when no offset is given) as the API's UTC form ``YYYY-MM-DDTHH:MM:SSZ``. A date alone is the start
    of that day, or its last second with ``end_of_day``. Raises ValueError, also for a time whose UTC
    moment is before year 1 or after year 9999."""
    text = str(value).strip()
    if text[-1:] in ('Z', 'z'):
        text = text[:-1] + '+0000'
    elif not re.search(r'[+-]\d{2}:?\d{2}\Z', text):
        text += '+0000'
    text = re.sub(r'([+-]\d{2}):(\d{2})\Z', r'\1\2', text)
    for form in _TIME_FORMATS:
        try:
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        try:
            if form == '%Y-%m-%d%z' and end_of_day:
                moment += timedelta(days=1, seconds=-1)
            moment = moment.astimezone(timezone.utc)
        except OverflowError:
            raise ValueError(TIME_RANGE_RULE) from None
        # strftime's %Y drops leading zeros on some platforms (year 999 as "999")
        return f'{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z'
    raise ValueError(TIME_RULE)
