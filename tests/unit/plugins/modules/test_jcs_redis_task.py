"""jcs_redis_task run for real against the emulator over HTTP, on tasks planned with the official SDK (a resize for the
maintenance window); the task is read back with the SDK."""

from __future__ import annotations

import importlib

from modrunner import run_module


def sdk(sdk_client, request_class, params):
    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk_client.client.send(getattr(module, request_class)(params))
    assert response.error is None, vars(response.error)
    return response.result


def planned_task(sdk_client, name):
    instance_id = sdk_client.create(name)
    region = dict(regionId='cn-north-1', cacheInstanceId=instance_id)
    sdk(sdk_client, 'MaintenanceTimeRequest', dict(region, startTime='18:00Z', endTime='20:00Z'))
    sdk(
        sdk_client,
        'ModifyCacheInstanceClassRequest',
        dict(region, cacheInstanceClass='redis.m.small.basic', effectiveTime='MaintainTime'),
    )
    listed = sdk(sdk_client, 'ListTasksRequest', dict(instanceId=instance_id, taskStatus='init'))
    return listed['tasks'][0]['taskId']


def sdk_task(sdk_client, task_id):
    return sdk(sdk_client, 'ListTaskRequest', dict(taskId=task_id))


def run(emulator, check_mode=False, **args):
    return run_module('jcs_redis_task', emulator.connection(**args), check_mode=check_mode)


def test_cancel_in_check_mode_then_for_real_then_unchanged(emulator, sdk_client):
    task_id = planned_task(sdk_client, 'task_cancel')
    emulator.admin.reset(state=False)
    planned = run(emulator, check_mode=True, task_id=task_id, state='cancelled')
    assert not planned.failed, planned.result
    assert planned.changed and planned.result['changes'] == ['cancelled']
    assert planned.result['task']['status'] == 'manual_stop'
    assert emulator.writes() == 0 and sdk_task(sdk_client, task_id)['taskStatus'] == 'init'

    emulator.admin.reset(state=False)
    done = run(emulator, task_id=task_id, state='cancelled')
    assert not done.failed and done.changed, done.result
    assert emulator.calls().get('cancelTask') == 1
    assert sdk_task(sdk_client, task_id)['taskStatus'] == 'manual_stop'

    emulator.admin.reset(state=False)
    again = run(emulator, task_id=task_id, state='cancelled')
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'listTask': 1} and emulator.writes() == 0
    # a cancelled task cannot be moved
    moved = run(emulator, task_id=task_id, state='rescheduled', start_time='03:00', end_time='05:00')
    assert moved.failed and moved.result['error']['status'] == 'FAILED_PRECONDITION', moved.result
    assert emulator.writes() == 0


def test_reschedule_then_unchanged_in_another_zone(emulator, sdk_client):
    task_id = planned_task(sdk_client, 'task_move')
    emulator.admin.reset(state=False)
    moved = run(emulator, task_id=task_id, state='rescheduled', start_time='03:00 +0800', end_time='05:00 +0800')
    assert not moved.failed and moved.changed, moved.result
    assert moved.result['task']['window'] == '19:00-21:00 +0000'
    found = sdk_task(sdk_client, task_id)
    assert (found['maintenanceStartTime'], found['maintenanceEndTime']) == ('19:00Z', '21:00Z')
    emulator.admin.reset(state=False)
    again = run(emulator, task_id=task_id, state='rescheduled', start_time='19:00Z', end_time='21:00 +0000')
    assert not again.failed and not again.changed, again.result
    assert emulator.writes() == 0


def test_bad_input_refused_before_any_call(emulator, sdk_client):
    emulator.admin.reset(state=False)
    cases = [
        (dict(task_id='task/../x', state='cancelled'), 'task_id'),
        (dict(task_id='task-a', state='rescheduled', start_time='25:00', end_time='02:00'), 'start_time'),
        (dict(task_id='task-a', state='rescheduled', start_time='01:00', end_time='1am'), 'end_time'),
        (dict(task_id='task-a', state='rescheduled', start_time='01:00', end_time='01:30'), 'at least 60 minutes'),
        (dict(task_id='task-a', state='cancelled', start_time='01:00', end_time='02:00'), 'start_time'),
    ]
    for args, named in cases:
        refused = run(emulator, **args)
        assert refused.failed, args
        assert named in refused.result['msg'], refused.result['msg']
        assert refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
    assert emulator.calls() == {}
    missing = run(emulator, task_id='task-zzzzzzzzzzzz', state='cancelled')
    assert missing.failed and missing.result['error']['status'] == 'NOT_FOUND', missing.result
