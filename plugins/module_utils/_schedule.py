# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Changes that may wait for the maintenance window (``apply_at``) and minor-version upgrades of Redis and its proxy
(``minor_version``, ``proxy_minor_version``): the options, and the pure planner that turns the instance, its planned
tasks, the versions the API offers and the wish into cancels, writes and the tasks reported as scheduled
(docs/dev/api-notes.md#maintenance-and-tasks).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

The rules (the guide's "Changes in the maintenance window"):

- a change the instance already has is no write; a planned task that would undo what is declared is cancelled;
- ``apply_at: maintenance_window``: a change is planned as a task (``effectiveTime: MaintainTime``) and reported in
  ``scheduled``, never as applied; a planned task that already makes the change is kept (no write); one that makes
  another change of the same kind is cancelled first;
- ``apply_at: immediately``: a planned task of the same kind is cancelled, then the change is made now (it would
  otherwise run again in the window, on an instance that has it already);
- Redis is upgraded before its proxy, one call each (the API refuses both in one call); in the window, one change
  is planned at a time (the API starts a window's tasks together, and a change cannot start while another runs): an
  upgrade is planned by a run after the planned resize, and the proxy's after Redis's, has run.
"""

import re

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import TASK_TYPES, Refusal, maintenance_window
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import shown

APPLY_AT = ['immediately', 'maintenance_window']
SCHEDULE_ARGUMENT_SPEC = dict(
    apply_at=dict(type='str', choices=APPLY_AT, default='immediately'),
    minor_version=dict(type='str'),
    proxy_minor_version=dict(type='str'),
)
EFFECTIVE_TIME = dict(immediately='Immediately', maintenance_window='MaintainTime')

# the options of a resize and of the upgrades, with the request fields that name them in a task's changeDetails
RESIZE_FIELDS = (
    ('instance_class', 'cacheInstanceClass'),
    ('shard_number', 'shardNumber'),
    ('replica_number', 'replicaNumber'),
)
UPGRADE_FIELDS = (('minor_version', 'minorVersion'), ('proxy_minor_version', 'proxyMinorVersion'))
_OPTION = {field: option for option, field in RESIZE_FIELDS + UPGRADE_FIELDS}
# the part upgraded by each version option, in the order they are upgraded
PARTS = (('minor_version', 'Redis'), ('proxy_minor_version', 'the proxy'))


VERSION = re.compile(r'[0-9A-Za-z][0-9A-Za-z._-]{0,63}\Z')


def option_problems(params):
    """Problems with the versions given that need no call: a version is a release name such as ``4.0-1.4``."""
    return [
        f'{option} must be a minor release such as 4.0-1.4 (letters, digits, dots, dashes), got {shown(params[option])}'
        for option, _part in PARTS
        if params.get(option) is not None and not VERSION.match(params[option])
    ]


def declared(params):
    """Whether ``params`` ask for anything this planner decides (a resize option or a version)."""
    return any(params.get(option) is not None for option, _f in RESIZE_FIELDS + UPGRADE_FIELDS)


def planned_task(info, detail):
    """A planned task from listTasks' TaskInfo and listTask's answer (``detail``, None when unread): ``{id, type,
    window, planned_start, changes}``, ``changes`` being ``{option: value as a string}`` of what it changes, or None
    when the API does not say (``taskResult.changeDetails``)."""
    details = ((detail or {}).get('taskResult') or {}).get('changeDetails')
    changes = None
    if isinstance(details, list) and details:
        changes = {
            _OPTION[d['name']]: str(d.get('after'))
            for d in details
            if isinstance(d, dict) and d.get('name') in _OPTION and d.get('after') is not None
        } or None
    return dict(
        id=info.get('taskId'),
        type=TASK_TYPES.get(info.get('taskType'), str(info.get('taskType'))),
        window=maintenance_window(info.get('maintenanceStartTime'), info.get('maintenanceEndTime')),
        planned_start=info.get('estimatedExecutionTime') or None,
        changes=changes,
    )


def offered_versions(answer):
    """describeUpgradeVersion's answer as ``{option: (current, [offered])}``; a proxy that does not exist is
    ``('', [])``."""
    return dict(
        minor_version=(answer.get('minorVersion') or '', list(answer.get('majorVersion') or [])),
        proxy_minor_version=(answer.get('proxyMinorVersion') or '', list(answer.get('proxyMajorVersions') or [])),
    )


def version_problems(instance, wanted, versions):
    """The refusals of the declared versions (``wanted``: ``{option: version or None}``) against ``versions``
    (``offered_versions``): a version neither run nor offered is named with those offered."""
    problems = []
    for option, _part in PARTS:
        version = wanted.get(option)
        if version is None:
            continue
        current, offered = versions[option]
        if option == 'proxy_minor_version' and not current and not offered:
            problems.append(
                'proxy_minor_version: instance {} ({}) has no proxy'.format(
                    instance['id'], instance.get('instance_type')
                )
            )
        elif version != current and version not in offered:
            problems.append(
                '{} {} is not offered for instance {} (it runs {}); describeUpgradeVersion offers: {}'.format(
                    option,
                    shown(version),
                    instance['id'],
                    current or 'an unknown version',
                    ', '.join(offered) or 'none (it runs the latest)',
                )
            )
    return problems


class Action:
    """One write: ``kind`` ``resize`` (``request`` ``{instance_class, shard_number, replica_number}``, None for what is
    not sent) or ``minor_version`` / ``proxy_minor_version`` (``request`` ``{option: version}``), at ``effective_time``
    (``Immediately`` or ``MaintainTime``)."""

    def __init__(self, kind, request, effective_time):
        self.kind = kind
        self.request = request
        self.effective_time = effective_time
        self.moves = ()  # the options that differ from the instance (set by the planner): the names of the change

    @property
    def scheduled(self):
        return self.effective_time == 'MaintainTime'

    @property
    def task_type(self):
        return 'resize' if self.kind == 'resize' else 'upgrade'

    def changes(self):
        """``{option: value as a string}`` as a task carrying it names them (``planned_task``)."""
        return {option: str(value) for option, value in self.request.items() if value is not None}

    def made_by(self, task):
        """Whether the planned ``task`` makes this change."""
        return (
            task['type'] == self.task_type
            and task['changes'] is not None
            and all(task['changes'].get(option) == value for option, value in self.changes().items())
        )

    def change_names(self):
        names = [option for option, value in self.request.items() if value is not None and option in self.moves]
        return ['scheduled.' + n for n in names] if self.scheduled else names

    def __repr__(self):
        return f'Action({self.kind!r}, {self.request!r}, {self.effective_time!r})'


class SchedulePlan:
    """``cancels`` (planned tasks to cancel, in order), ``actions`` (writes after them, in order), ``kept`` (planned
    tasks that already make a wanted change: reported, no write), ``waiting`` (upgrades that cannot be planned
    before another planned upgrade has run), ``changes`` (the result's names) and ``needs_window`` (a change is to
    be planned, so the instance must have a window)."""

    def __init__(self):
        self.cancels = []
        self.actions = []
        self.kept = []
        self.waiting = []

    @property
    def needs_window(self):
        return any(action.scheduled for action in self.actions)

    @property
    def cancel_changes(self):
        return ['cancelled.' + str(task['id']) for task in self.cancels]

    @property
    def action_changes(self):
        """The names of the actions but an immediate resize (the lifecycle's own, named by it)."""
        names = []
        for action in self.actions:
            if action.kind != 'resize' or action.scheduled:
                names.extend(action.change_names())
        return names

    @property
    def changes(self):
        return self.cancel_changes + self.action_changes

    @property
    def resize_now(self):
        return any(action.kind == 'resize' and not action.scheduled for action in self.actions)

    @property
    def upgrades_now(self):
        return [action for action in self.actions if action.kind != 'resize' and not action.scheduled]

    @property
    def writes(self):
        return bool(self.cancels or self.actions)

    def __repr__(self):
        return f'SchedulePlan(cancels={self.cancels!r}, actions={self.actions!r}, kept={self.kept!r})'


def _unreadable(task, instance):
    return Refusal(
        'task {} ({}) of instance {} is planned for the maintenance window, but the API does not say what it changes, '
        'so it cannot be compared with the declared state; cancel it (jdcloud.cloud.jcs_redis_task, state: '
        'cancelled) or let it run first'.format(task['id'], task['type'], instance['id']),
        status='FAILED_PRECONDITION',
        instance=instance,
    )


def plan(instance, resize, resize_declared, wanted_versions, versions, tasks, apply_at):
    """The plan of the scheduled and immediate changes of ``instance`` (the result shape).

    ``resize``: ``{instance_class, shard_number, replica_number}`` of the resize the options ask for (None for what is
    not sent), or None when the instance already has the class and counts declared; ``resize_declared``: ``{option:
    value}`` of the resize options given (what a planned resize must not contradict). ``wanted_versions``: ``{option:
    version}`` of the versions given; ``versions``: ``offered_versions`` (None when no version is given). ``tasks``:
    the planned tasks (``planned_task``). ``apply_at``: the option. Pure; the versions must have been checked
    (``version_problems``)."""
    effective = EFFECTIVE_TIME[apply_at]
    result = SchedulePlan()
    planned_resizes = [t for t in tasks if t['type'] == 'resize']
    planned_upgrades = [t for t in tasks if t['type'] == 'upgrade']

    # the resize
    if resize is not None:
        action = Action('resize', dict(resize), effective)
        action.moves = [o for o, _f in RESIZE_FIELDS if resize.get(o) is not None and resize[o] != instance.get(o)]
        for task in planned_resizes:
            if task['changes'] is None:
                raise _unreadable(task, instance)
            if action.scheduled and action.made_by(task):
                result.kept.append(task)
            else:
                result.cancels.append(task)
        if not result.kept:
            result.actions.append(action)
    elif resize_declared:
        for task in planned_resizes:
            if task['changes'] is None:
                raise _unreadable(task, instance)
            if any(
                option in task['changes'] and task['changes'][option] != str(value)
                for option, value in resize_declared.items()
            ):
                result.cancels.append(task)

    # the upgrades, Redis first
    kept_upgrade = None
    for option, _part in PARTS:
        version = wanted_versions.get(option)
        if version is None:
            continue
        mine = [t for t in planned_upgrades if t['changes'] is None or option in t['changes']]
        for task in mine:
            if task['changes'] is None:
                raise _unreadable(task, instance)
        current = versions[option][0]
        if version == current:
            result.cancels.extend(t for t in mine if t['changes'][option] != version)
            continue
        action = Action(option, {option: version}, effective)
        action.moves = [option]
        same = [t for t in mine if t['changes'][option] == version]
        result.cancels.extend(t for t in mine if t['changes'][option] != version or not action.scheduled)
        if action.scheduled and same:
            result.kept.append(same[0])
            kept_upgrade = same[0]
            continue
        if action.scheduled:
            cancelled = {t['id'] for t in result.cancels}
            other = (
                [t for t in planned_upgrades + planned_resizes if t['id'] not in cancelled]
                + ([kept_upgrade] if kept_upgrade else [])
                + [a for a in result.actions if a.scheduled]
            )
            if other:
                # one planned change at a time: the API starts a window's tasks together and a change cannot start
                # while another runs (the later task would fail), so this one is planned by a run after the other
                result.waiting.append(action)
                continue
        result.actions.append(action)
    cancelled = {t['id'] for t in result.cancels}
    if kept_upgrade or any(t['id'] not in cancelled for t in planned_upgrades):
        # a resize waits for a planned upgrade in the same way
        for action in [a for a in result.actions if a.kind == 'resize' and a.scheduled]:
            result.actions.remove(action)
            result.waiting.append(action)
    unique = {}
    for task in result.cancels:
        unique.setdefault(task['id'], task)
    result.cancels = list(unique.values())
    return result


def scheduled_result(task):
    """A planned task as the result's ``scheduled`` shows it."""
    return {key: task.get(key) for key in ('id', 'type', 'window', 'planned_start', 'changes')}


class Scheduler:
    """Reads, checks and applies the plan for one instance, given what the lifecycle holds: ``api``, ``write(call,
    applied, changes)`` (the module's write with its lost-answer rule), ``wait_running(instance_id, what)``,
    ``warn(text)``, ``check_mode`` and the options ``params``."""

    def __init__(self, api, write, wait_running, warn, check_mode, params):
        self.api = api
        self.write = write
        self.wait_running = wait_running
        self.warn = warn
        self.check_mode = check_mode
        self.params = params
        self.scheduled = []  # the result's ``scheduled``
        self.cancelled = []  # the ids of the tasks cancelled (in check mode, that would be)
        self.upgraded = False  # an upgrade was asked for at once
        self.before = []  # the planned tasks read, as ``scheduled`` shows them

    def result(self):
        """The result's ``scheduled`` and ``cancelled_tasks``."""
        return dict(scheduled=list(self.scheduled), cancelled_tasks=list(self.cancelled))

    def wanted_versions(self):
        return {option: self.params[option] for option, _p in PARTS if self.params.get(option) is not None}

    def prepare(self, instance, resize, resize_declared, window_declared):
        """The plan for ``instance``, read and checked before any write (in check mode too); a ``Refusal`` names
        the option. ``window_declared``: the run also sets a maintenance window (written before any planned change)."""
        wanted = self.wanted_versions()
        versions = None
        if wanted:
            versions = offered_versions(self.api.upgrade_versions(instance['id']))
            problems = version_problems(instance, wanted, versions)
            if problems:
                raise Refusal('; '.join(problems), instance=instance)
        later = self.params['apply_at'] == 'maintenance_window' and (resize is not None or wanted)
        tasks = []
        if instance.get('scheduled_task_type') or later:
            tasks = self.planned_tasks(instance['id'])
        # what the diff shows before: the planned tasks of the kinds declared
        kinds = {'resize'} if resize is not None or resize_declared else set()
        kinds |= {'upgrade'} if wanted else set()
        self.before = [scheduled_result(t) for t in tasks if t['type'] in kinds]
        result = plan(instance, resize, resize_declared, wanted, versions, tasks, self.params['apply_at'])
        if result.needs_window and not instance.get('maintenance_window') and not window_declared:
            raise Refusal(
                'apply_at: maintenance_window needs a maintenance window, and instance {} has none; set '
                'maintenance_window in the same task, or use apply_at: immediately'.format(instance['id']),
                instance=instance,
            )
        return result

    def planned_tasks(self, instance_id):
        """The planned resizes and upgrades of the instance, with what each changes (listTasks, then listTask)."""
        found = []
        for info in self.api.list_tasks(instance_id, 'init'):
            if TASK_TYPES.get(info.get('taskType')) in ('resize', 'upgrade'):
                found.append(planned_task(info, self.api.task(info.get('taskId'))))
        return found

    def cancel(self, instance, schedule):
        """Cancel the planned tasks the plan cancels (before any other write: a task left would undo it)."""
        for task in schedule.cancels:
            self.cancelled.append(task['id'])
            if self.check_mode:
                continue

            def applied(task_id=task['id']):
                found = self.api.task(task_id)
                return found if found is None or found.get('taskStatus') != 'init' else None

            self.write(
                lambda task_id=task['id']: self.api.cancel_task(task_id), applied, ['cancelled.' + str(task['id'])]
            )

    def apply(self, instance, schedule, window):
        """The plan's planned changes and upgrades (an immediate resize is the lifecycle's); ``window``: the instance's
        maintenance window once written (what a new task is planned in, shown in check mode)."""
        self.scheduled = [scheduled_result(task) for task in schedule.kept]
        for action in schedule.waiting:
            if action.kind == 'resize':
                what = 'the resize to ' + ', '.join(f'{o} {v}' for o, v in action.changes().items())
            else:
                what = f'{action.kind} {action.request[action.kind]}'
            self.warn(
                '{} is not planned yet: one change is planned for the maintenance window of instance {} at a time '
                '(the API starts them together when the window opens, and one cannot start while another runs); a run '
                'after the planned change has run plans it'.format(what, instance['id'])
            )
        busy = instance.get('status') != 'running'
        for action in schedule.actions:
            if action.kind == 'resize' and not action.scheduled:
                busy = True  # made by the lifecycle before
                continue
            if self.check_mode:
                if action.scheduled:
                    self.scheduled.append(
                        dict(
                            id=None, type=action.task_type, window=window, planned_start=None, changes=action.changes()
                        )
                    )
                continue
            if action.scheduled:
                self.scheduled.append(scheduled_result(self.schedule(instance, action)))
                continue
            if busy:
                # the API takes one change at a time, while the instance runs: waited for even with wait: false
                self.wait_running(instance['id'], f'to run before {dict(PARTS)[action.kind]} is upgraded')
            self.upgrade_now(instance, action)
            self.upgraded = busy = True

    def schedule(self, instance, action):
        """Plan ``action`` for the window; a lost answer is looked for among the planned tasks, never sent twice."""
        instance_id = instance['id']

        def found():
            return next((t for t in self.planned_tasks(instance_id) if action.made_by(t)), None)

        if action.kind == 'resize':
            request = action.request

            def call():
                return self.api.modify_class(
                    instance_id,
                    request['instance_class'],
                    request['shard_number'],
                    request['replica_number'],
                    effective_time=action.effective_time,
                )
        else:

            def call():
                parts = dict(redis=action.request.get('minor_version'), proxy=action.request.get('proxy_minor_version'))
                return self.api.modify_minor_version(instance_id, effective_time=action.effective_time, **parts)

        dummy, adopted = self.write(call, found, action.change_names())
        return (
            adopted
            or found()
            or dict(id=None, type=action.task_type, window=None, planned_start=None, changes=action.changes())
        )

    def upgrade_now(self, instance, action):
        instance_id, version = instance['id'], action.request[action.kind]

        def applied():
            now = self.api.describe(instance_id)
            if now is not None and now.get('status') == 'upgrading':
                return now
            current = offered_versions(self.api.upgrade_versions(instance_id))[action.kind][0]
            return now if current == version else None

        parts = dict(redis=action.request.get('minor_version'), proxy=action.request.get('proxy_minor_version'))
        self.write(lambda: self.api.modify_minor_version(instance_id, **parts), applied, action.change_names())
