# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Backups of an instance (docs/dev/api-notes.md#backups): the normalised policy and the parsing of weekdays,
backup windows and times (the calls and the backup's shape are in ``_api.py``).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import re
from datetime import datetime, timedelta, timezone

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

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
WEEK = 7 * 1440


def name_problem(name):
    if not NAME_PATTERN.match(name or ''):
        return 'must be 1 to 32 letters, digits or underscores (the API\'s rule for backup file names)'
    return None


def backup_id_problem(backup_id):
    if not BACKUP_ID_PATTERN.match(backup_id or ''):
        return 'must be a backup ID such as a607efba-ff06-4d78-ba3c-b3119fce27fd'
    return None


def vanished(backup_id, instance_id, what='Backup'):
    """The failure of a wait for a backup that is no longer listed while it ran (deleted meanwhile, or dropped
    by the API): one wording for jcs_redis_backup and the final backup of a delete (``what``)."""
    return f'{what} {backup_id} of instance {instance_id} disappeared while it ran'


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


PARTS = ('auto_backup', 'backup_days', 'backup_window')


class BackupPolicy(Component):
    """The automatic backup policy of an instance. ``wanted``: ``auto_backup``, ``backup_days`` and
    ``backup_window``, each None to keep the instance's."""

    key = 'backup_policy'
    what = 'backup policy'
    serialised = True
    argument_spec = dict(
        auto_backup=dict(type='bool'),
        backup_days=dict(type='list', elements='str'),
        backup_window=dict(type='str'),
    )

    def validate(self, wanted):
        """``{auto_backup, backup_days (week order), backup_window (rendered), window_given (as given)}``."""
        days = window = None
        if wanted['backup_days'] is not None:
            try:
                days = parse_days(wanted['backup_days'])
            except ValueError as exc:
                raise Refusal(f'backup_days: {exc}') from None
            if not days:
                raise Refusal(
                    'backup_days must name at least one weekday; to stop automatic backups, set auto_backup: false'
                )
        if wanted['backup_window'] is not None:
            try:
                window = render_window(parse_window(wanted['backup_window']))
            except ValueError as exc:
                raise Refusal(f'backup_window {exc}, got {shown(wanted["backup_window"])}') from None
        return dict(
            auto_backup=wanted['auto_backup'],
            backup_days=days,
            backup_window=window,
            window_given=wanted['backup_window'],
        )

    def read(self, api, instance_id):
        return normalise_policy(api.backup_policy(instance_id))

    def plan(self, current, wanted):
        auto = current['auto_backup'] if wanted['auto_backup'] is None else wanted['auto_backup']
        days = current['backup_days'] if wanted['backup_days'] is None else wanted['backup_days']
        window = current['backup_window'] if wanted['backup_window'] is None else wanted['backup_window']
        if not days or not window:
            if not auto and not current['auto_backup']:
                return Plan(current)  # off, and nothing to remember for later
            missing = ' and '.join(
                option for option, value in (('backup_days', days), ('backup_window', window)) if not value
            )
            raise Refusal(
                f'The instance has no automatic backup {missing.replace("backup_", "")} set; '
                f'set {missing} to turn automatic backups on'
            )
        if wanted['backup_days'] is None and wanted['backup_window'] is None:
            same_schedule = True
        else:
            key = schedule_key(days, window)
            same_schedule = key is not None and key == schedule_key(
                current['backup_days'], current['backup_window'] or ''
            )
        if auto == current['auto_backup'] and same_schedule:
            return Plan(current)
        if same_schedule:  # the API's own form of an unchanged schedule
            days, window = current['backup_days'], current['backup_window']
        warnings = []
        shift = day_shift(days, current['backup_window'], window) if wanted['backup_days'] is None else None
        if shift:
            warnings.append(
                'backup_window {} has another UTC offset than the current window, and backup_days is left out, '
                'so the day names stay and are now days of the new zone: the backups move from {} to {} in {}. To '
                'keep them on the same days, set backup_days: [{}]'.format(
                    shown(wanted['window_given']),
                    ', '.join(shift[0]),
                    ', '.join(shift[1]),
                    shift[3],
                    ', '.join(shift[2]),
                )
            )
        # only the API computes the next window of a changed policy
        after = dict(auto_backup=auto, backup_days=days, backup_window=window, next_backup_window=None)
        return Plan(after, [after], [part for part in PARTS if current.get(part) != after.get(part)], warnings)

    def apply(self, api, instance_id, write):
        return api.modify_backup_policy(instance_id, write['auto_backup'], write['backup_days'], write['backup_window'])

    def holds(self, current, write):
        return current['auto_backup'] == write['auto_backup'] and schedule_key(
            current['backup_days'], current['backup_window'] or ''
        ) == schedule_key(write['backup_days'], write['backup_window'])

    def settled(self, api, instance_id, after, waited):
        # the next window is the API's to compute
        return self.read(api, instance_id)

    def verify(self, instance_id, wanted, settled, written):
        """The API writes the whole policy: a run on another machine that wrote it after this run did may have
        put back a part this run changed. Refuse, saying so, rather than report a change the policy lost."""
        asked = [part for part in PARTS if wanted[part] is not None]
        if 'backup_days' in asked and 'backup_window' in asked:
            schedule = schedule_key(settled['backup_days'], settled['backup_window'] or '')
            kept = schedule is not None and schedule == schedule_key(written['backup_days'], written['backup_window'])
            lost = [] if kept else ['backup_days', 'backup_window']
        else:
            lost = [
                part for part in ('backup_days', 'backup_window') if part in asked and settled[part] != written[part]
            ]
        if 'auto_backup' in asked and settled['auto_backup'] != written['auto_backup']:
            lost.insert(0, 'auto_backup')
        if lost:
            raise Refusal(
                'Another writer changed the backup policy of instance {} at the same time as this run: {} {} not '
                'what this run wrote ({}) but {}. This run\'s change was applied and then overwritten; run the task '
                'again, and do not change one instance\'s backup policy from several machines at once'.format(
                    instance_id,
                    ' and '.join(lost),
                    'is' if len(lost) == 1 else 'are',
                    ', '.join(f'{part}: {written[part]}' for part in lost),
                    ', '.join(f'{part}: {settled[part]}' for part in lost),
                ),
                status='ABORTED',
                backup_policy=settled,
            )

    def diff(self, current, plan):
        # the moments in UTC show what a change of zone does to the days, which the names alone hide
        before, after = dict(current), dict(plan.after)
        for policy in (before, after):
            policy['backup_starts_utc'] = starts_utc(policy['backup_days'], policy['backup_window'])
        return before, after


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
