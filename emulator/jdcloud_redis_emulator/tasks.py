"""Maintenance windows, tasks and minor-version upgrades (docs/dev/api-notes.md#maintenance-and-tasks).

A change that can wait (``effectiveTime: MaintainTime`` on modifyCacheInstanceClass and
modifyInstanceMinorVersion) becomes a task in ``init`` planned for the next start of the instance's window;
a change made at once is a task too, ``running`` until the instance's transition ends, which gives
describeTaskProgressList something to report. Tasks live on their instance; the store runs a planned task
when its time comes (``Instance.task_due_at`` is in the store's heap like any transition), by the store's clock,
which the admin endpoint can advance, so a test makes a window arrive without waiting. ``Tasks`` is the backend
(``store.tasks``); the handlers follow it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from . import catalogue, day2, listing, validation
from .errors import failed_precondition, invalid_argument, not_found
from .registry import operation

_INSTANCE = '/regions/{regionId}/cacheInstance/{cacheInstanceId}'
TASK_TYPES = (
    {'id': 1, 'name': 'resize', 'cnName': '变配'},
    {'id': 2, 'name': 'upgrade', 'cnName': '小版本升级'},
)
_TYPE_IDS = {t['name']: t['id'] for t in TASK_TYPES}
_TYPE_CN = {t['name']: t['cnName'] for t in TASK_TYPES}
TASK_STATUSES = ('init', 'running', 'fail', 'success', 'manual_stop', 'rollback', 'rollback_fail', 'rollback_finish')
MIN_WINDOW_MINUTES = 60
# the minor releases of each version, oldest first; the first is what a new instance runs (catalogue)
REDIS_RELEASES = {
    '2.8': ('2.8-2.1',),
    '4.0': ('4.0-1.3', '4.0-1.4', '4.0-1.5'),
    '5.0': ('5.0-1.2', '5.0-1.3'),
    '6.2': ('6.2-1.1', '6.2-1.2', '6.2-1.3'),
    '7.2': ('7.2-1.0', '7.2-1.1'),
}
PROXY_RELEASES = {
    '2.8': (),
    '4.0': ('4.0-2.4', '4.0-2.5'),
    '5.0': ('5.0-2.4', '5.0-2.5'),
    '6.2': ('6.2-2.4', '6.2-2.5'),
    '7.2': ('7.2-2.4', '7.2-2.5'),
}
RELEASE_NOTES = 'emulated minor releases: stability fixes'


# ----------------------------------------------------------------- rules and renderings
def to_be_executed(inst) -> str:
    """``toBeExecutedTaskType``: the type of the instance's next planned task, '' when none."""
    planned = [t for t in inst.tasks if t['status'] == 'init']
    return min(planned, key=lambda t: t['planned'])['type'] if planned else ''


def _window(params: dict) -> tuple:
    start = day2.hhmm(validation._string(params, 'startTime', 'startTime', required=True), 'startTime')
    end = day2.hhmm(validation._string(params, 'endTime', 'endTime', required=True), 'endTime')
    if (end - start) % 1440 < MIN_WINDOW_MINUTES:
        raise invalid_argument(
            'startTime %s to endTime %s: a window lasts at least %d minutes (it may cross midnight)'
            % (params['startTime'], params['endTime'], MIN_WINDOW_MINUTES)
        )
    return params['startTime'], params['endTime']


def next_start(window_start: str, now: float) -> float:
    """The next moment after ``now`` at which a window starting at ``HH:mmZ`` opens."""
    minutes = day2.hhmm(window_start, 'startTime')
    midnight = now - now % 86400
    start = midnight + minutes * 60
    return start if start > now else start + 86400


def _iso(ts) -> str:
    return day2.iso(ts) if ts is not None else ''


def render(task: dict) -> dict:
    """The TaskInfo model of listTasks."""
    return {
        'taskId': task['id'],
        'instanceId': task['instance_id'],
        'taskType': _TYPE_IDS[task['type']],
        'taskTypeCn': _TYPE_CN[task['type']],
        'taskStatus': task['status'],
        'startTime': _iso(task['started']),
        'endTime': _iso(task['ended']),
        'regionId': task['region'],
        'isSupportInterruptTask': task['type'] == 'resize' and task['status'] == 'running',
        'maintenanceStartTime': task['window_start'],
        'maintenanceEndTime': task['window_end'],
        'estimatedExecutionTime': _iso(task['planned']),
        'executionTime': _iso(task['started']),
    }


# the request's keys as the API's request fields name them (TaskChangeDetail.name)
_FIELDS = {'class': 'cacheInstanceClass', 'shard_number': 'shardNumber', 'replica_number': 'replicaNumber'}


def _text(value):
    return None if value is None else str(value)


def _changes(task: dict) -> list:
    """TaskResult.changeDetails: ``[{name, before, after}]`` (strings), named as the request that made the task."""
    request = task['request']
    if task['type'] == 'upgrade':
        name = 'minorVersion' if request['component'] == 'redis' else 'proxyMinorVersion'
        return [{'name': name, 'before': request['before'], 'after': request['version']}]
    before = task.get('before') or {}
    return [
        {'name': _FIELDS[key], 'before': _text(before.get(key)), 'after': _text(value)}
        for key, value in sorted(request.items())
        if value is not None
    ]


def _result(task: dict) -> dict:
    """The TaskResult model of listTask: ``result``, ``errorInfo``, ``stepDetails``, ``changeDetails``."""
    failed = task['status'] == 'fail'
    return {
        'result': task['status'],
        'errorInfo': task['message'] if failed else '',
        'stepDetails': [],
        'changeDetails': _changes(task),
    }


def _releases(inst, component: str) -> tuple:
    if component == 'redis':
        return REDIS_RELEASES[inst.redis_version], inst.minor_version or catalogue.INSTANCE_VERSIONS[inst.redis_version]
    if inst.cls.instance_type != 'cluster':
        return (), ''
    return PROXY_RELEASES[inst.redis_version], inst.proxy_minor_version or catalogue.PROXY_VERSIONS[inst.redis_version]


def offered(inst, component: str) -> list:
    releases, current = _releases(inst, component)
    return list(releases[releases.index(current) + 1 :]) if current in releases else []


def _check_upgrade(inst, request: dict) -> None:
    component, version = request['component'], request['version']
    field = 'minorVersion' if component == 'redis' else 'proxyMinorVersion'
    if component == 'proxy' and inst.cls.instance_type != 'cluster':
        raise invalid_argument('%s: a %s instance has no proxy' % (field, inst.cls.instance_type))
    versions = offered(inst, component)
    if version not in versions:
        raise invalid_argument(
            '%s %r is not offered for this instance; describeUpgradeVersion offers: %s'
            % (field, version[:40], ', '.join(versions) or 'none (it runs the latest)')
        )


def _time(params: dict, name: str):
    value = params.get(name)
    if value is None:
        return None
    try:
        return datetime.strptime(value, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        raise invalid_argument('%s must be an ISO 8601 UTC time such as 2024-05-01T08:00:00Z' % name) from None


def validate_list(params: dict) -> dict:
    """The checked listTasks query: paging and the criteria (None: any)."""
    validation.check_known(
        params, ('regionId', 'taskType', 'taskStatus', 'instanceId', 'startTime', 'endTime', 'pageNumber', 'pageSize')
    )
    page_number = listing.int_param(params, 'pageNumber', 1, 1)
    page_size = listing.int_param(params, 'pageSize', 10, 10, 100)
    region = params.get('regionId')
    if region is not None:
        region = validation.region_or_error(region).region_id
    task_type = params.get('taskType')
    if task_type is not None:
        by_id = {str(t['id']): t['name'] for t in TASK_TYPES}
        if task_type not in _TYPE_IDS and task_type not in by_id:
            raise invalid_argument(
                'taskType must be a task type of listTaskTypes (id or name), got %r' % task_type[:40]
            )
        task_type = by_id.get(task_type, task_type)
    status = validation._choice(params, 'taskStatus', 'taskStatus', TASK_STATUSES)
    start, end = (_time(params, name) for name in ('startTime', 'endTime'))
    return {
        'page_number': page_number,
        'page_size': page_size,
        'region': region,
        'type': task_type,
        'status': status,
        'instance_id': params.get('instanceId'),
        'start': start,
        'end': end,
    }


def _task_id(params: dict) -> str:
    task_id = params.get('taskId')
    if not isinstance(task_id, str) or task_id == '':
        raise invalid_argument('taskId is required')
    return task_id


def validate_upgrade(params: dict) -> tuple:
    """``(component, version, effectiveTime or None)`` of a modifyInstanceMinorVersion body."""
    validation.check_known(params, day2.PATH_PARAMS + ('minorVersion', 'proxyMinorVersion', 'effectiveTime'))
    redis = validation._string(params, 'minorVersion', 'minorVersion')
    proxy = validation._string(params, 'proxyMinorVersion', 'proxyMinorVersion')
    effective = validation._choice(params, 'effectiveTime', 'effectiveTime', ('Immediately', 'MaintainTime'))
    if (redis is None) == (proxy is None):
        # the SDK: "不支持和Proxy同时升级" (Redis and proxy are upgraded one after the other)
        raise invalid_argument('exactly one of minorVersion and proxyMinorVersion is required (not both in one call)')
    return ('redis' if redis is not None else 'proxy'), redis or proxy, effective


class Tasks:
    """The maintenance windows, tasks and minor versions of the store's instances (``store.tasks``); under the
    store's lock.  A task is a dict in its instance's ``tasks`` (oldest first), live or in the recycle bin; the
    store calls ``run_due`` when a planned task's time comes and ``finished`` when a transition ends."""

    def __init__(self, store):
        self.store = store

    # ------------------------------------------------------------- hooks of the store's lifecycle
    def run_due(self, inst, now: float) -> None:
        """Start the planned tasks whose time has come, each at its planned time (the clock may have jumped past
        it)."""
        store = self.store
        inst.task_due_at = None
        for task in sorted((t for t in inst.tasks if t['status'] == 'init'), key=lambda t: t['planned']):
            if task['planned'] > now:
                continue
            start = task['planned']
            try:
                if inst.status != 'running':
                    raise failed_precondition("cacheInstance '%s' was %s when the window came" % (inst.id, inst.status))
                if task['type'] == 'resize':
                    store.apply_resize(inst, store.check_resize(inst, task['request']), start, task['duration'])
                else:
                    _check_upgrade(inst, task['request'])
                    self._start_upgrade(inst, start, task['duration'])
            except Exception as exc:  # pylint: disable=broad-except
                task.update(status='fail', started=start, ended=start, message=getattr(exc, 'message', str(exc)))
                continue
            task.update(status='running', started=start)
        self._plan(inst)

    @staticmethod
    def finished(inst, when: float) -> None:
        """The instance's transition ended at ``when``: its running task succeeded (an upgrade takes effect now)."""
        for task in inst.tasks:
            if task['status'] == 'running':
                if task['type'] == 'upgrade':
                    component, version = task['request']['component'], task['request']['version']
                    if component == 'redis':
                        inst.minor_version = version
                    else:
                        inst.proxy_minor_version = version
                task.update(status='success', ended=when)

    @staticmethod
    def cancel_planned(inst, now: float, why: str) -> None:
        """Stop the planned tasks of an instance that goes away (the recycle bin's delete)."""
        for task in inst.tasks:
            if task['status'] == 'init':
                task.update(status='manual_stop', ended=now, message=why)
        inst.task_due_at = None

    # ------------------------------------------------------------- helpers
    def _plan(self, inst) -> None:
        """Have the store wake the instance at its next planned task."""
        planned = [t['planned'] for t in inst.tasks if t['status'] == 'init']
        inst.task_due_at = min(planned) if planned else None
        if inst.task_due_at is not None:
            self.store.wake_at(inst, inst.task_due_at)
        self.store.changed(inst.region)

    def _new_task(self, inst, task_type: str, request, duration: float, planned: float | None) -> dict:
        store = self.store
        now = store.clock()
        task = {
            'id': 'task-' + ''.join(store.rng.choice('abcdefghijklmnopqrstuvwxyz0123456789') for dummy in range(12)),
            'instance_id': inst.id,
            'region': inst.region,
            'type': task_type,
            'status': 'init' if planned is not None else 'running',
            'created': now,
            'planned': planned if planned is not None else now,
            'window_start': inst.maintenance_start if planned is not None else '',
            'window_end': inst.maintenance_end if planned is not None else '',
            'started': None if planned is not None else now,
            'ended': None,
            'request': request,
            # what a resize changes from (TaskResult.changeDetails)
            'before': {
                'class': inst.instance_class,
                'shard_number': inst.shards,
                'replica_number': inst.replica_number,
            },
            'duration': duration,
            'message': '',
        }
        inst.tasks.append(task)
        return task

    @staticmethod
    def _schedulable(inst, task_type: str) -> None:
        if not inst.maintenance_start:
            raise failed_precondition(
                "cacheInstance '%s' has no maintenance window: set one (maintenanceTime) before effectiveTime "
                'MaintainTime' % inst.id
            )
        pending = next((t for t in inst.tasks if t['status'] == 'init' and t['type'] == task_type), None)
        if pending is not None:
            raise failed_precondition(
                "cacheInstance '%s' already has a %s task planned (%s); cancel it (cancelTask) first"
                % (inst.id, task_type, pending['id'])
            )

    def _start_upgrade(self, inst, start: float, delay: float) -> None:
        inst.status = 'upgrading'
        self.store.schedule(inst, start + delay, 'upgrade')

    def _all_tasks(self):
        for inst in list(self.store.instances.values()) + list(self.store.recycled.values()):
            yield from inst.tasks

    # ------------------------------------------------------------- resize and upgrades
    def resize(self, region: str, instance_id: str, request: dict, delay: float) -> dict:
        """modifyCacheInstanceClass: at once (a running task) or in the maintenance window (a planned task)."""
        store = self.store
        with store.lock:
            inst = store.get(region, instance_id)
            wanted = {k: request[k] for k in ('class', 'shard_number', 'replica_number')}
            if request['effective_time'] == 'MaintainTime':
                store.check_resize(inst, wanted)
                self._schedulable(inst, 'resize')
                self._new_task(inst, 'resize', wanted, delay, next_start(inst.maintenance_start, store.clock()))
                self._plan(inst)
                store.save()
                return store.order()
            answer = store.resize(region, instance_id, wanted, delay)
            self._new_task(inst, 'resize', wanted, delay, None)
            store.save()
            return answer

    def upgrade(self, inst, component: str, version: str, effective: str | None, delay: float) -> None:
        """modifyInstanceMinorVersion of ``component`` ('redis' or 'proxy') to ``version``."""
        store = self.store
        with store.lock:
            request = {'component': component, 'version': version, 'before': _releases(inst, component)[1]}
            _check_upgrade(inst, request)
            if effective == 'MaintainTime':
                day2.require_running(inst, 'an upgrade can be planned')
                self._schedulable(inst, 'upgrade')
                self._new_task(inst, 'upgrade', request, delay, next_start(inst.maintenance_start, store.clock()))
                self._plan(inst)
            else:
                day2.require_running(inst, 'it can be upgraded')
                now = store.clock()
                self._new_task(inst, 'upgrade', request, delay, None)
                self._start_upgrade(inst, now, delay)
                store.settle(inst, now)
            store.save()

    @staticmethod
    def upgrade_versions(inst) -> dict:
        """The answer of describeUpgradeVersion: the versions the instance runs and those it may upgrade to."""
        return {
            'releaseNodes': RELEASE_NOTES,
            'minorVersion': _releases(inst, 'redis')[1],
            'majorVersion': offered(inst, 'redis'),
            'proxyMinorVersion': _releases(inst, 'proxy')[1],
            'proxyMajorVersions': offered(inst, 'proxy'),
        }

    # ------------------------------------------------------------- windows and tasks
    def set_window(self, inst, window: tuple) -> None:
        """maintenanceTime: the instance's window is ``(start, end)`` (``HH:mmZ``) from now on."""
        with self.store.lock:
            if inst.status in ('creating', 'deleting'):
                raise failed_precondition(
                    "cacheInstance '%s' is %s; its maintenance window cannot be changed now" % (inst.id, inst.status)
                )
            inst.maintenance_start, inst.maintenance_end = window
            self.store.changed(inst.region)
            self.store.save()

    def list(self, query: dict) -> dict:
        """The answer of listTasks for a checked query (validate_list): newest first."""
        with self.store.lock:
            self.store.settle_due()
            matched = [
                t
                for t in self._all_tasks()
                if (query['region'] is None or t['region'] == query['region'])
                and (query['type'] is None or t['type'] == query['type'])
                and (query['status'] is None or t['status'] == query['status'])
                and (query['instance_id'] is None or t['instance_id'] == query['instance_id'])
                and (query['start'] is None or int(t['planned']) >= query['start'])
                and (query['end'] is None or int(t['planned']) <= query['end'])
            ]
            matched.sort(key=lambda t: (-t['created'], t['id']))
            first = (query['page_number'] - 1) * query['page_size']
            return {
                'isSupport': True,
                'total': len(matched),
                'tasks': [render(t) for t in matched[first : first + query['page_size']]],
            }

    def find(self, task_id: str) -> tuple:
        """``(instance, task)`` of a task of a live or recycled instance (NOT_FOUND if there is none)."""
        with self.store.lock:
            self.store.settle_due()
            for inst in list(self.store.instances.values()) + list(self.store.recycled.values()):
                for task in inst.tasks:
                    if task['id'] == task_id:
                        return inst, task
            raise not_found("task '%s' not found" % task_id[:40])

    def planned(self, task_id: str, what: str) -> tuple:
        """``(instance, task)`` of a planned task (status init) that can be ``what`` ('rescheduled', 'cancelled')."""
        with self.store.lock:
            inst, task = self.find(task_id)
            if task['status'] != 'init':
                raise failed_precondition(
                    "task '%s' is %s; only a planned task (init) can be %s" % (task['id'], task['status'], what)
                )
            return inst, task

    def reschedule(self, inst, task: dict, window: tuple) -> None:
        """modifyTaskRunTime of a planned task: it runs at the next start of ``window`` (``(start, end)``)."""
        with self.store.lock:
            task['window_start'], task['window_end'] = window
            task['planned'] = next_start(task['window_start'], self.store.clock())
            self._plan(inst)
            self.store.save()

    def cancel(self, task_id: str) -> None:
        with self.store.lock:
            inst, task = self.planned(task_id, 'cancelled')
            task.update(status='manual_stop', ended=self.store.clock(), message='cancelled')
            self._plan(inst)
            self.store.save()

    def interrupt(self, task_id: str) -> None:
        """interruptTask: a running resize is abandoned; the instance keeps its class and is running again."""
        store = self.store
        with store.lock:
            inst, task = self.find(task_id)
            now = store.clock()
            if task['status'] != 'running' or task['type'] != 'resize':
                raise failed_precondition(
                    "task '%s' is a %s task in %s; only a running resize can be interrupted"
                    % (task['id'], task['type'], task['status'])
                )
            inst.status, inst.transition_at, inst.held = 'running', None, ''
            inst.pending_class = inst.pending_shard_number = inst.pending_replica_number = None
            task.update(status='manual_stop', ended=now, message='interrupted')
            store.changed(inst.region)
            store.save()

    def progress(self, inst, task_type: str | None) -> list:
        """describeTaskProgressList: the running tasks of the instance (of ``task_type``, None: any)."""
        now = self.store.clock()
        out = []
        for task in inst.tasks:
            if task['status'] != 'running' or task_type not in (None, task['type']):
                continue
            elapsed = max(0.0, now - task['started'])
            percent = min(99, int(elapsed * 100 / task['duration'])) if task['duration'] else 99
            out.append(
                {
                    'taskType': task['type'],
                    'taskId': task['id'],
                    'taskStatus': task['status'],
                    'progressPercent': percent,
                    'elapsedTimeSecond': int(elapsed),
                    'startTime': day2.iso(task['started']),
                }
            )
        return out


# ----------------------------------------------------------------- the operations
# The task service's operations have no region in their path: signed for the region jdcloud-api (or the regionId
# given), operations.Route.signing_region.
@operation('listTasks', 'GET', '/tasks', 'query')
def list_tasks(store, settings, region, target, params):
    return store.tasks.list(validate_list(params))


@operation('listTask', 'GET', '/task', 'query')
def list_task(store, settings, region, target, params):
    validation.check_known(params, ('taskId',))
    dummy, task = store.tasks.find(_task_id(params))
    info = render(task)
    result = {k: info[k] for k in ('instanceId', 'taskType', 'taskStatus', 'startTime', 'endTime')}
    result.update({k: info[k] for k in ('maintenanceStartTime', 'maintenanceEndTime')})
    result.update(estimatedExecutionTime=info['estimatedExecutionTime'], executionTime=info['executionTime'])
    result['taskResult'] = _result(task)
    return result


@operation('listTaskTypes', 'GET', '/taskTypes', 'query')
def list_task_types(store, settings, region, target, params):
    return {'taskTypes': [dict(t) for t in TASK_TYPES]}


@operation('modifyTaskRunTime', 'POST', '/modifyTaskRunTime', 'body')
def modify_task_run_time(store, settings, region, target, params):
    validation.check_known(params, ('taskId', 'startTime', 'endTime'))
    inst, task = store.tasks.planned(_task_id(params), 'rescheduled')
    # the API's order: the task and its status are checked before the new window
    store.tasks.reschedule(inst, task, _window(params))


@operation('cancelTask', 'POST', '/cancelTask', 'body')
def cancel_task(store, settings, region, target, params):
    validation.check_known(params, ('taskId',))
    store.tasks.cancel(_task_id(params))


@operation('interruptTask', 'POST', '/interruptTask', 'body')
def interrupt_task(store, settings, region, target, params):
    validation.check_known(params, ('taskId',))
    store.tasks.interrupt(_task_id(params))


# The instance is looked up before the body or query is read (instance_first): an unknown instance is NOT_FOUND
# whatever the parameters.
@operation('maintenanceTime', 'POST', _INSTANCE + '/maintenanceTime', 'body', instance_first=True)
def maintenance_time(store, settings, region, target, params):
    validation.check_known(params, day2.PATH_PARAMS + ('startTime', 'endTime'))
    store.tasks.set_window(target.inst, _window(params))


@operation('describeTaskProgressList', 'GET', _INSTANCE + '/taskProgress', 'query', instance_first=True)
def describe_task_progress_list(store, settings, region, target, params):
    validation.check_known(params, day2.PATH_PARAMS + ('taskType',))
    task_type = validation._choice(params, 'taskType', 'taskType', tuple(_TYPE_IDS))
    return {'taskProgresses': store.tasks.progress(target.inst, task_type)}


@operation('describeUpgradeVersion', 'GET', _INSTANCE + '/describeUpgradeVersion', instance_first=True)
def describe_upgrade_version(store, settings, region, target, params):
    return store.tasks.upgrade_versions(target.inst)


@operation('modifyInstanceMinorVersion', 'POST', _INSTANCE + '/modifyInstanceMinorVersion', 'body', instance_first=True)
def modify_instance_minor_version(store, settings, region, target, params):
    component, version, effective = validate_upgrade(params)
    store.tasks.upgrade(target.inst, component, version, effective, settings.upgrade_delay)
