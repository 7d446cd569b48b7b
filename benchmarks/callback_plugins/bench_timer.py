# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Timestamps of task starts, loop items and task ends, for benchmarks/run.py. Not part of the collection.

The benchmark times a loop from the controller's own events (the task starting, its last result
arriving), so ansible-playbook's start-up and the other plays of the run are not counted.
"""

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Write task timestamps as JSON lines to the file named by E(BENCH_TIMER_FILE)
description: Used by the collection's benchmark only.
requirements: [enabled in callbacks_enabled]
author: Contributors to the jdcloud.cloud collection
'''

import json
import multiprocessing
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get('BENCH_TIMER_FILE')
        self._task = None

    def _write(self, event, **fields):
        if not self._path:
            return
        # cpu: the processor time of the controller and of its children that ended (each task's worker process
        # and, through it, the module processes), so that a span's figure on a loaded machine comes with the work
        # it cost
        if event in ('task_start', 'stats'):
            # the workers of the tasks before are joined first (each exits just after sending its last result), so
            # that their time is counted in their task's span, not when the strategy reuses their slot; never while
            # a task runs, whose worker goes on from item to item
            for child in multiprocessing.active_children():
                child.join(5)
        times = os.times()
        fields.update(
            event=event,
            t=time.time(),
            task=self._task,
            cpu=times.user + times.system + times.children_user + times.children_system,
        )
        with open(self._path, 'a') as handle:
            handle.write(json.dumps(fields) + '\n')

    def v2_playbook_on_play_start(self, play):
        self._write('play_start', play=play.get_name())

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task = task.get_name()
        self._write('task_start')

    def _end(self, status, result):
        self._write('task_end', status=status, changed=bool(result._result.get('changed')))

    def v2_runner_on_ok(self, result):
        self._end('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._end('failed', result)

    def v2_runner_retry(self, result):
        # an until/retries task ran its module once more: each attempt is a module run
        self._write('retry')

    def v2_runner_on_skipped(self, result):
        self._end('skipped', result)

    def _item(self, status, result):
        self._write('item', status=status, changed=bool(result._result.get('changed')))

    def v2_runner_item_on_ok(self, result):
        self._item('ok', result)

    def v2_runner_item_on_failed(self, result):
        self._item('failed', result)

    def v2_runner_item_on_skipped(self, result):
        self._item('skipped', result)

    def v2_playbook_on_stats(self, stats):
        self._write('stats')
