# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The maintenance window of an instance (docs/dev/api-notes.md#maintenance-and-tasks): the wanted window in the
grammar of ``backup_window``, compared with the window the API holds (``HH:mmZ``) by its moments in UTC.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal, maintenance_window
from ansible_collections.jdcloud.cloud.plugins.module_utils._backup import parse_window
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown
from ansible_collections.jdcloud.cloud.plugins.module_utils._component import Component, Plan

DAY = 1440
# The window as the result shape holds it (``maintenance_window()`` of _api.py): UTC, any minute.
_HELD = re.compile(r'(\d{2}):(\d{2})-(\d{2}):(\d{2}) \+0000\Z')


def utc_minutes(window):
    """``(start, end)`` in minutes of the UTC day of a window as the result shape holds it; None for none."""
    match = _HELD.match(window or '')
    if not match:
        return None
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    return start_h * 60 + start_m, end_h * 60 + end_m


def hhmm_z(minutes):
    return f'{minutes // 60:02d}:{minutes % 60:02d}Z'


class MaintenanceWindow(Component):
    """The maintenance window. ``wanted``: ``window`` as given. ``current``: the instance's
    ``maintenance_window`` (``HH:MM-HH:MM +0000`` or None), which the describe of the instance already holds:
    ``from_instance`` reads it at no call of its own."""

    key = 'maintenance_window'
    what = 'maintenance window'
    in_instance = True
    argument_spec = dict(window=dict(type='str'))

    def validate(self, wanted):
        """``{window: (start, end) in UTC minutes, given}``; the shortest window is an hour (on the hour)."""
        given = wanted['window']
        try:
            start, end, offset = parse_window(given)
        except ValueError as exc:
            raise Refusal(f'window {exc}, got {shown(given)}') from None
        return dict(window=((start - offset) % DAY, (end - offset) % DAY), given=given)

    def read(self, api, instance_id):
        instance = api.describe(instance_id)
        return None if instance is None else self.from_instance(instance)

    def from_instance(self, instance):
        return instance.get('maintenance_window')

    def plan(self, current, wanted):
        if utc_minutes(current) == wanted['window']:
            return Plan(current)
        start, end = wanted['window']
        after = maintenance_window(hhmm_z(start), hhmm_z(end))
        return Plan(after, [dict(start_time=hhmm_z(start), end_time=hhmm_z(end))], ['maintenance_window'])

    def apply(self, api, instance_id, write):
        return api.modify_maintenance_window(instance_id, write['start_time'], write['end_time'])

    def holds(self, current, write):
        return current == maintenance_window(write['start_time'], write['end_time'])
