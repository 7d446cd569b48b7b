"""jcs_redis_info include: [tasks], run for real against the emulator over HTTP; the tasks are made with the official
SDK (a resize planned for the maintenance window, a resize made at once)."""

from __future__ import annotations

import importlib

from modrunner import run_module


def sdk(sdk_client, request_class, **params):
    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk_client.client.send(getattr(module, request_class)(dict(regionId='cn-north-1', **params)))
    assert response.error is None, vars(response.error)
    return response.result


def tasks_of(emulator, name):
    info = run_module('jcs_redis_info', emulator.connection(name=name, include=['tasks']))
    assert not info.failed, info.result
    return info.result['instances'][0]['tasks']


def test_planned_and_running_tasks_with_progress(emulator, sdk_client):
    planned_id = sdk_client.create('tasks_planned')
    running_id = sdk_client.create('tasks_running')
    # a resize runs for ten minutes of the emulator's clock, which no one advances here
    emulator.admin.config(resize_delay=600)
    for instance_id in (planned_id, running_id):
        sdk(sdk_client, 'MaintenanceTimeRequest', cacheInstanceId=instance_id, startTime='18:00Z', endTime='20:00Z')
    sdk(
        sdk_client,
        'ModifyCacheInstanceClassRequest',
        cacheInstanceId=planned_id,
        cacheInstanceClass='redis.m.small.basic',
        effectiveTime='MaintainTime',
    )
    sdk(
        sdk_client,
        'ModifyCacheInstanceClassRequest',
        cacheInstanceId=running_id,
        cacheInstanceClass='redis.m.small.basic',
    )

    emulator.admin.reset(state=False)
    planned = tasks_of(emulator, 'tasks_planned')
    # two listTasks (planned, running); no progress read when nothing runs
    assert emulator.calls() == {'describeCacheInstances': 1, 'listTasks': 2}
    assert len(planned) == 1
    task = planned[0]
    assert task['id'].startswith('task-') and (task['type'], task['status']) == ('resize', 'init')
    assert task['window'] == '18:00-20:00 +0000' and task['planned_start'].endswith(':00Z')
    assert task['started'] is None and task['progress_percent'] is None

    emulator.admin.reset(state=False)
    running = tasks_of(emulator, 'tasks_running')
    assert emulator.calls() == {'describeCacheInstances': 1, 'listTasks': 2, 'describeTaskProgressList': 1}
    assert [(t['type'], t['status']) for t in running] == [('resize', 'running')]
    assert running[0]['started'] and 0 <= running[0]['progress_percent'] <= 99
    assert running[0]['interruptible'] is True


def test_an_instance_without_tasks_has_an_empty_list(emulator, sdk_client):
    sdk_client.create('tasks_none')
    assert tasks_of(emulator, 'tasks_none') == []
