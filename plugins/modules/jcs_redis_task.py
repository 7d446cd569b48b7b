#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_task
short_description: Cancel or reschedule a planned task of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Cancels a task planned for the maintenance window of an instance (a resize or an upgrade), or moves it to another
    window. M(jdcloud.cloud.jcs_redis_info) with O(jdcloud.cloud.jcs_redis_info#module:include=tasks) lists the
    planned and running tasks of each instance.
  - Idempotent. A task already cancelled is unchanged with O(state=cancelled); a planned task already in the window
    asked for is unchanged with O(state=rescheduled). Only a planned task (status V(init)) can be cancelled or
    rescheduled; any other fails with C(error.status=FAILED_PRECONDITION), before any write.
  - An unchanged run makes one API call; a change makes two (the write, then the task read back).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.task_module
options:
  task_id:
    description:
      - The ID of the task, as RV(jdcloud.cloud.jcs_redis_info#module:instances[].tasks[].id) returns it.
    type: str
    required: true
  state:
    description:
      - V(cancelled) stops the planned task; the change it carries is not made.
      - V(rescheduled) moves the planned task to the window from O(start_time) to O(end_time).
    type: str
    choices: [cancelled, rescheduled]
    required: true
  start_time:
    description:
      - The start of the window the task moves to, V(HH:MM) with an optional UTC offset (V(+0800) without one, V(Z)
        for UTC), for example V(03:00 +0800). Required with O(state=rescheduled), only used with it.
      - The window lasts at least an hour and may cross midnight; the task runs at the next start of that window.
    type: str
  end_time:
    description:
      - The end of that window, in the same form as O(start_time) (its own offset, or V(+0800)).
    type: str
seealso:
  - module: jdcloud.cloud.jcs_redis_info
  - module: jdcloud.cloud.jcs_redis_instance
    description: O(jdcloud.cloud.jcs_redis_instance#module:maintenance_window) sets the window of an instance.
'''

EXAMPLES = r'''
- name: List the planned tasks of an instance
  jdcloud.cloud.jcs_redis_info:
    region: cn-north-1
    name: orders_cache
    include: [tasks]
  register: info

- name: Cancel the planned resize
  jdcloud.cloud.jcs_redis_task:
    region: cn-north-1
    task_id: "{{ info.instances[0].tasks[0].id }}"
    state: cancelled

- name: Move a planned task to the night between 03:00 and 05:00 in China
  jdcloud.cloud.jcs_redis_task:
    region: cn-north-1
    task_id: task-a1b2c3d4e5f6
    state: rescheduled
    start_time: 03:00 +0800
    end_time: 05:00 +0800
'''

RETURN = r'''
task:
  description: The task after the change (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    id: {description: The task ID., type: str, sample: task-a1b2c3d4e5f6}
    instance_id: {description: The instance the task changes., type: str, sample: redis-m0vcg462xe31}
    type: {description: "V(resize) or V(upgrade) (a type the collection does not know, by its id).", type: str}
    status:
      description: V(init) (planned), V(running), V(success), V(fail) or V(manual_stop) (cancelled or interrupted).
      type: str
    window: {description: "The window the task is planned in, in UTC; null when it has none.", type: str}
    planned_start: {description: When the task is planned to start (ISO 8601 UTC)., type: str}
  sample: {id: task-a1b2c3d4e5f6, instance_id: redis-m0vcg462xe31, type: resize, status: manual_stop}
changes:
  description: V(cancelled) or V(rescheduled) when the task changes (in check mode, would change); empty otherwise.
  returned: success
  type: list
  elements: str
'''

import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import TASK_TYPES, maintenance_window
from ansible_collections.jdcloud.cloud.plugins.module_utils._base import JCSModule
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown

TASK_ID = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z')
TIME = re.compile(r'\s*(\d{1,2}):(\d{2})\s*(?:(Z|UTC)|(?:UTC)?([+-])(\d{2}):?(\d{2}))?\s*\Z', re.IGNORECASE)
TIME_RULE = 'must be HH:MM with an optional UTC offset such as +0800 (the default) or Z, for example 03:00 +0800'
MIN_WINDOW = 60


def utc_minute(option, value):
    """The minute of the UTC day of ``HH:MM [offset]``; a ValueError names the option."""
    match = TIME.match(str(value))
    if not match:
        raise ValueError(f'{option} {TIME_RULE}, got {shown(value)}')
    hour, minute, utc, sign, zone_h, zone_m = match.groups()
    if int(hour) > 23 or int(minute) > 59:
        raise ValueError(f'{option} {TIME_RULE}, got {shown(value)}')
    offset = 0 if utc else 480 if not sign else (int(zone_h) * 60 + int(zone_m)) * (1 if sign == '+' else -1)
    return (int(hour) * 60 + int(minute) - offset) % 1440


def hhmm_z(minute):
    return f'{minute // 60:02d}:{minute % 60:02d}Z'


def task_result(api):
    return dict(
        id=api.get('taskId'),
        instance_id=api.get('instanceId'),
        type=TASK_TYPES.get(api.get('taskType'), str(api.get('taskType'))),
        status=api.get('taskStatus'),
        window=maintenance_window(api.get('maintenanceStartTime'), api.get('maintenanceEndTime')),
        planned_start=api.get('estimatedExecutionTime') or None,
    )


class JCSRedisTask(JCSModule):
    argument_spec = dict(
        task_id=dict(type='str', required=True),
        state=dict(type='str', choices=['cancelled', 'rescheduled'], required=True),
        start_time=dict(type='str'),
        end_time=dict(type='str'),
    )
    module_kwargs = dict(
        supports_check_mode=True,
        required_if=[('state', 'rescheduled', ('start_time', 'end_time'))],
        required_together=[('start_time', 'end_time')],
    )

    def wanted_window(self):
        """``(start, end)`` as ``HH:mmZ``, checked before any call."""
        params = self.params
        if params['state'] != 'rescheduled':
            if params['start_time'] is not None:
                self.fail('start_time and end_time only apply with state: rescheduled', status='INVALID_ARGUMENT')
            return None
        try:
            start, end = (utc_minute(option, params[option]) for option in ('start_time', 'end_time'))
        except ValueError as exc:
            self.fail(str(exc), status='INVALID_ARGUMENT')
        if (end - start) % 1440 < MIN_WINDOW:
            self.fail(
                f'start_time {params["start_time"]} to end_time {params["end_time"]}: the window must last at least '
                f'{MIN_WINDOW} minutes (it may cross midnight)',
                status='INVALID_ARGUMENT',
            )
        return hhmm_z(start), hhmm_z(end)

    def read(self, task_id):
        task = self.api.task(task_id)
        if task is None:
            self.fail(f'There is no task {task_id}', status='NOT_FOUND')
        return task

    def run(self):
        task_id = self.params['task_id']
        if not TASK_ID.match(task_id):
            self.fail(
                f'task_id must be a task ID such as task-a1b2c3d4e5f6, got {shown(task_id)}', status='INVALID_ARGUMENT'
            )
        window = self.wanted_window()
        state = self.params['state']
        task = self.read(task_id)
        status = task.get('taskStatus')
        if state == 'cancelled' and status == 'manual_stop':
            return dict(changed=False, changes=[], task=task_result(task))
        held = (task.get('maintenanceStartTime'), task.get('maintenanceEndTime'))
        if state == 'rescheduled' and status == 'init' and held == window:
            return dict(changed=False, changes=[], task=task_result(task))
        if status != 'init':
            self.fail(
                f'Task {task_id} is {status}; only a planned task (init) can be {state}', status='FAILED_PRECONDITION'
            )
        if self.check_mode:
            after = dict(task, taskStatus='manual_stop') if state == 'cancelled' else task
            if window:
                after = dict(after, maintenanceStartTime=window[0], maintenanceEndTime=window[1])
                after['estimatedExecutionTime'] = None  # the API plans it
            return dict(changed=True, changes=[state], task=task_result(after))
        if state == 'cancelled':

            def call():
                return self.api.cancel_task(task_id)

            def applied():
                return True if self.read(task_id).get('taskStatus') == 'manual_stop' else None
        else:

            def call():
                return self.api.modify_task_run_time(task_id, *window)

            def applied():
                found = self.read(task_id)
                return True if (found.get('maintenanceStartTime'), found.get('maintenanceEndTime')) == window else None

        try:
            self.write(call, applied, [state])
        except JDCloudAPIError as exc:
            self.fail_from(exc, f'Could not make task {task_id} {state}')
        return dict(changed=True, changes=[state], task=task_result(self.read(task_id)))


def main():
    JCSRedisTask().execute()


if __name__ == '__main__':
    main()
