"""Fidelity of the maintenance window, the tasks and the minor-version upgrades (maintenanceTime, listTasks,
listTask, listTaskTypes, modifyTaskRunTime, cancelTask, interruptTask, describeTaskProgressList,
describeUpgradeVersion, modifyInstanceMinorVersion, modifyCacheInstanceClass with effectiveTime): the official
jdcloud-sdk RedisClient against the emulator, signed both ways; windows arrive by advancing the emulator's clock
(docs/dev/api-notes.md#maintenance-and-tasks)."""

from __future__ import annotations

import time

import pytest
import sdk_signer
import sigv
from jdcloud_sdk.services.redis.apis.CancelTaskRequest import CancelTaskParameters, CancelTaskRequest
from jdcloud_sdk.services.redis.apis.DescribeTaskProgressListRequest import (
    DescribeTaskProgressListParameters,
    DescribeTaskProgressListRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeUpgradeVersionRequest import (
    DescribeUpgradeVersionParameters,
    DescribeUpgradeVersionRequest,
)
from jdcloud_sdk.services.redis.apis.InterruptTaskRequest import InterruptTaskParameters, InterruptTaskRequest
from jdcloud_sdk.services.redis.apis.ListTaskRequest import ListTaskParameters, ListTaskRequest
from jdcloud_sdk.services.redis.apis.ListTasksRequest import ListTasksParameters, ListTasksRequest
from jdcloud_sdk.services.redis.apis.ListTaskTypesRequest import ListTaskTypesParameters, ListTaskTypesRequest
from jdcloud_sdk.services.redis.apis.MaintenanceTimeRequest import MaintenanceTimeParameters, MaintenanceTimeRequest
from jdcloud_sdk.services.redis.apis.ModifyCacheInstanceClassRequest import (
    ModifyCacheInstanceClassParameters,
    ModifyCacheInstanceClassRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyInstanceMinorVersionRequest import (
    ModifyInstanceMinorVersionParameters,
    ModifyInstanceMinorVersionRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyTaskRunTimeRequest import (
    ModifyTaskRunTimeParameters,
    ModifyTaskRunTimeRequest,
)
from test_emulator_sdk import REGION, create, describe, make_client

TASK_FIELDS = {
    'taskId',
    'instanceId',
    'taskType',
    'taskTypeCn',
    'taskStatus',
    'startTime',
    'endTime',
    'regionId',
    'isSupportInterruptTask',
    'maintenanceStartTime',
    'maintenanceEndTime',
    'estimatedExecutionTime',
    'executionTime',
}


@pytest.fixture(params=['JDCLOUD3', 'JDCLOUD2'])
def variant(request):
    with sdk_signer.variant(request.param):
        yield request.param


@pytest.fixture
def sdk(emulator):
    return make_client(emulator)


def ok(resp):
    assert resp.error is None, vars(resp.error)
    return resp.result


def err(resp):
    assert resp.error is not None, resp.result
    return resp.error.code, resp.error.status


def hhmm(ts):
    return time.strftime('%H:%MZ', time.gmtime(ts))


def set_window(sdk, instance_id, start, end):
    return sdk.send(MaintenanceTimeRequest(MaintenanceTimeParameters(REGION, instance_id, start, end)))


def window_in(emulator, sdk, instance_id, hours=2):
    """A two-hour window that opens ``hours`` from the emulator's now (to the minute); its start time."""
    now = emulator.admin.clock()['now']
    start = now - now % 60 + hours * 3600
    ok(set_window(sdk, instance_id, hhmm(start), hhmm(start + 7200)))
    return start


def tasks(sdk, **filters):
    params = ListTasksParameters()
    for key, value in filters.items():
        getattr(params, 'set' + key[0].upper() + key[1:])(value)
    return ok(sdk.send(ListTasksRequest(params)))


def resize(sdk, instance_id, cls, effective=None):
    params = ModifyCacheInstanceClassParameters(REGION, instance_id, cls)
    if effective:
        params.setEffectiveTime(effective)
    return sdk.send(ModifyCacheInstanceClassRequest(params))


def test_maintenance_window_read_back(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['maintenanceStartTime'], inst['maintenanceEndTime'], inst['toBeExecutedTaskType']) == ('', '', '')
    assert ok(set_window(sdk, instance_id, '22:00Z', '02:00Z')) is None  # may cross midnight
    sent = wire['sent'][-1]
    assert sent['method'] == 'POST' and sent['url'].endswith(instance_id + '/maintenanceTime')
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['maintenanceStartTime'], inst['maintenanceEndTime']) == ('22:00Z', '02:00Z')
    for start, end in (('22:00', '23:00Z'), ('25:00Z', '02:00Z'), ('03:00Z', '03:30Z'), ('04:00Z', '04:00Z')):
        resp = set_window(sdk, instance_id, start, end)
        assert err(resp) == (400, 'INVALID_ARGUMENT'), (start, end)
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['maintenanceStartTime'], inst['maintenanceEndTime']) == ('22:00Z', '02:00Z')


def test_resize_in_the_window(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    # MaintainTime needs a window
    assert err(resize(sdk, instance_id, 'redis.m.small.basic', 'MaintainTime')) == (400, 'FAILED_PRECONDITION')
    opens = window_in(emulator, sdk, instance_id)
    answer = ok(resize(sdk, instance_id, 'redis.m.small.basic', 'MaintainTime'))
    assert answer['orderNum'].isdigit() and answer['buyId'].startswith('B')
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    # scheduled, not applied
    assert (inst['cacheInstanceStatus'], inst['cacheInstanceClass']) == ('running', 'redis.m.micro.basic')
    assert inst['toBeExecutedTaskType'] == 'resize'
    listed = tasks(sdk)
    assert 'regionId' not in wire['sent'][-1]['url'] and wire['sent'][-1]['url'].endswith('/v1/tasks')
    assert listed['isSupport'] is True and listed['total'] == 1
    task = listed['tasks'][0]
    assert set(task) == TASK_FIELDS
    assert (task['instanceId'], task['taskType'], task['taskStatus'], task['regionId']) == (
        instance_id,
        1,
        'init',
        REGION,
    )
    assert task['estimatedExecutionTime'] == time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(opens))
    assert (task['maintenanceStartTime'], task['maintenanceEndTime']) == (hhmm(opens), hhmm(opens + 7200))
    assert (task['startTime'], task['executionTime']) == ('', '')
    # one planned resize at a time
    assert err(resize(sdk, instance_id, 'redis.m.medium.basic', 'MaintainTime')) == (400, 'FAILED_PRECONDITION')
    detail = ok(sdk.send(ListTaskRequest(ListTaskParameters(task['taskId']))))
    assert wire['sent'][-1]['url'].endswith('/v1/task?taskId=' + task['taskId'])
    assert (detail['instanceId'], detail['taskType'], detail['taskStatus']) == (instance_id, 1, 'init')
    # TaskResult as the SDK models it; the changes named as the request's fields
    assert set(detail['taskResult']) == {'result', 'errorInfo', 'stepDetails', 'changeDetails'}
    assert detail['taskResult']['changeDetails'] == [
        {'name': 'cacheInstanceClass', 'before': 'redis.m.micro.basic', 'after': 'redis.m.small.basic'}
    ]

    # the window arrives: the resize runs (resize_delay 0: done at once)
    emulator.admin.advance(opens - emulator.admin.clock()['now'] + 60)
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['cacheInstanceStatus'], inst['cacheInstanceClass']) == ('running', 'redis.m.small.basic')
    assert inst['toBeExecutedTaskType'] == ''
    done = tasks(sdk, instanceId=instance_id)['tasks'][0]
    assert done['taskStatus'] == 'success' and done['executionTime'] == task['estimatedExecutionTime']


def test_window_start_with_a_resize_delay_and_progress(sdk, emulator):
    emulator.admin.config(resize_delay=600)
    emulator.admin.freeze()
    instance_id = create(sdk)
    opens = window_in(emulator, sdk, instance_id, hours=1)
    ok(resize(sdk, instance_id, 'redis.m.small.basic', 'MaintainTime'))
    emulator.admin.advance(opens - emulator.admin.clock()['now'] + 300)  # 5 minutes into the window
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert inst['cacheInstanceStatus'] == 'changing'
    progress = ok(sdk.send(DescribeTaskProgressListRequest(DescribeTaskProgressListParameters(REGION, instance_id))))[
        'taskProgresses'
    ]
    assert len(progress) == 1
    assert progress[0]['taskType'] == 'resize' and progress[0]['taskStatus'] == 'running'
    assert (progress[0]['progressPercent'], progress[0]['elapsedTimeSecond']) == (50, 300)
    emulator.admin.advance(300)
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceClass'] == 'redis.m.small.basic'
    params = DescribeTaskProgressListParameters(REGION, instance_id)
    params.setTaskType('upgrade')
    assert ok(sdk.send(DescribeTaskProgressListRequest(params))) == {'taskProgresses': []}
    params.setTaskType('backup')
    assert err(sdk.send(DescribeTaskProgressListRequest(params))) == (400, 'INVALID_ARGUMENT')


def test_cancel_reschedule_and_interrupt(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    opens = window_in(emulator, sdk, instance_id)
    ok(resize(sdk, instance_id, 'redis.m.small.basic', 'MaintainTime'))
    task_id = tasks(sdk)['tasks'][0]['taskId']
    # reschedule into another window, three hours later
    later = opens + 3 * 3600
    assert (
        ok(sdk.send(ModifyTaskRunTimeRequest(ModifyTaskRunTimeParameters(task_id, hhmm(later), hhmm(later + 3600)))))
        is None
    )
    assert wire['sent'][-1]['url'].endswith('/v1/modifyTaskRunTime')
    task = tasks(sdk)['tasks'][0]
    assert task['maintenanceStartTime'] == hhmm(later)
    assert task['estimatedExecutionTime'] == time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(later))
    bad = ModifyTaskRunTimeParameters(task_id, '10:00Z', '10:10Z')
    assert err(sdk.send(ModifyTaskRunTimeRequest(bad))) == (400, 'INVALID_ARGUMENT')
    # the first window passes: nothing happens
    emulator.admin.advance(opens - emulator.admin.clock()['now'] + 600)
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceClass'] == 'redis.m.micro.basic'
    assert ok(sdk.send(CancelTaskRequest(CancelTaskParameters(task_id)))) is None
    assert wire['sent'][-1]['url'].endswith('/v1/cancelTask')
    assert tasks(sdk, taskStatus='manual_stop')['tasks'][0]['taskId'] == task_id
    assert ok(describe(sdk, instance_id))['cacheInstance']['toBeExecutedTaskType'] == ''
    emulator.admin.advance(86400)
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceClass'] == 'redis.m.micro.basic'
    # a cancelled task cannot be cancelled or rescheduled again
    assert err(sdk.send(CancelTaskRequest(CancelTaskParameters(task_id)))) == (400, 'FAILED_PRECONDITION')
    assert err(sdk.send(CancelTaskRequest(CancelTaskParameters('task-000000000000')))) == (404, 'NOT_FOUND')

    # a running resize can be interrupted: the instance keeps its class
    emulator.admin.config(resize_delay=600)
    ok(resize(sdk, instance_id, 'redis.m.medium.basic'))
    running = tasks(sdk, taskStatus='running')['tasks'][0]
    assert running['isSupportInterruptTask'] is True and running['startTime']
    assert ok(sdk.send(InterruptTaskRequest(InterruptTaskParameters(running['taskId'])))) is None
    assert wire['sent'][-1]['url'].endswith('/v1/interruptTask')
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['cacheInstanceStatus'], inst['cacheInstanceClass']) == ('running', 'redis.m.micro.basic')
    emulator.admin.advance(3600)
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceClass'] == 'redis.m.micro.basic'
    assert err(sdk.send(InterruptTaskRequest(InterruptTaskParameters(running['taskId'])))) == (
        400,
        'FAILED_PRECONDITION',
    )


def test_list_tasks_filters_and_types(sdk, emulator):
    one, two = create(sdk), create(sdk, name='second')
    ok(resize(sdk, one, 'redis.m.small.basic'))
    ok(resize(sdk, two, 'redis.m.small.basic'))
    ok(resize(sdk, two, 'redis.m.medium.basic'))
    assert tasks(sdk)['total'] == 3
    assert tasks(sdk, instanceId=two)['total'] == 2
    assert tasks(sdk, regionId=REGION, taskType='resize')['total'] == 3
    assert tasks(sdk, taskType='2')['total'] == 0
    assert tasks(sdk, regionId='cn-south-1')['total'] == 0
    assert tasks(sdk, taskStatus='success', pageNumber=1, pageSize=10)['total'] == 3
    assert len(tasks(sdk, pageNumber=2, pageSize=10)['tasks']) == 0
    for bad in (dict(pageSize=5), dict(taskStatus='done'), dict(taskType='backup'), dict(startTime='yesterday')):
        params = ListTasksParameters()
        for key, value in bad.items():
            getattr(params, 'set' + key[0].upper() + key[1:])(value)
        assert err(sdk.send(ListTasksRequest(params))) == (400, 'INVALID_ARGUMENT'), bad
    types = ok(sdk.send(ListTaskTypesRequest(ListTaskTypesParameters())))['taskTypes']
    assert [(t['id'], t['name']) for t in types] == [(1, 'resize'), (2, 'upgrade')] and all(t['cnName'] for t in types)


def test_regionless_paths_are_signed_for_jdcloud_api(emulator):
    """The SDK signs /tasks, /task, ... for the region jdcloud-api (its default without a regionId parameter),
    and listTasks with regionId for that region; any other region is refused."""
    client = sigv.Client(emulator.url, emulator.access_key, emulator.secret_key)
    try:
        assert client.call('GET', '/taskTypes', 'jdcloud-api').status == 200
        assert client.call('GET', '/taskTypes', 'cn-north-1').status == 401
        assert client.call('GET', '/tasks?regionId=cn-north-1', 'cn-north-1').status == 200
        assert client.call('GET', '/tasks?regionId=cn-north-1', 'jdcloud-api').status == 401
        assert client.call('POST', '/cancelTask', 'cn-north-1', body={'taskId': 'task-x'}).status == 401
        assert client.call('POST', '/cancelTask', 'jdcloud-api', body={'taskId': 'task-x'}).status == 404
    finally:
        client.close()
    details = [r.get('detail') for r in emulator.admin.requests() if r['status'] == 401]
    assert details == ['scope region differs from the region in the path'] * 3


def test_minor_version_upgrades(variant, sdk, emulator, wire):
    instance_id = create(sdk, cls='redis.c.small.basic')  # a cluster: Redis and its proxy
    versions = ok(sdk.send(DescribeUpgradeVersionRequest(DescribeUpgradeVersionParameters(REGION, instance_id))))
    assert versions == {
        'releaseNodes': versions['releaseNodes'],
        'minorVersion': '4.0-1.3',
        'majorVersion': ['4.0-1.4', '4.0-1.5'],
        'proxyMinorVersion': '4.0-2.4',
        'proxyMajorVersions': ['4.0-2.5'],
    }

    def upgrade(redis=None, proxy=None, effective=None):
        params = ModifyInstanceMinorVersionParameters(REGION, instance_id)
        if redis:
            params.setMinorVersion(redis)
        if proxy:
            params.setProxyMinorVersion(proxy)
        if effective:
            params.setEffectiveTime(effective)
        return sdk.send(ModifyInstanceMinorVersionRequest(params))

    # both at once, neither, a version not offered: refused, naming what is offered
    assert err(upgrade('4.0-1.4', '4.0-2.5')) == (400, 'INVALID_ARGUMENT')
    assert err(upgrade()) == (400, 'INVALID_ARGUMENT')
    resp = upgrade('4.0-1.2')
    assert err(resp) == (400, 'INVALID_ARGUMENT') and '4.0-1.4, 4.0-1.5' in resp.error.message
    emulator.admin.config(upgrade_delay=120)
    emulator.admin.freeze()
    assert ok(upgrade('4.0-1.5')) is None
    assert wire['sent'][-1]['url'].endswith(instance_id + '/modifyInstanceMinorVersion')
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['cacheInstanceStatus'], inst['instanceVersion']) == ('upgrading', '4.0-1.3')
    assert err(upgrade(proxy='4.0-2.5')) == (400, 'FAILED_PRECONDITION')  # one change at a time
    emulator.admin.advance(120)
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['cacheInstanceStatus'], inst['instanceVersion']) == ('running', '4.0-1.5')
    # then the proxy, in the window
    opens = window_in(emulator, sdk, instance_id)
    assert ok(upgrade(proxy='4.0-2.5', effective='MaintainTime')) is None
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['toBeExecutedTaskType'], inst['instanceProxyVersion']) == ('upgrade', '4.0-2.4')
    planned = tasks(sdk, instanceId=instance_id, taskStatus='init')['tasks'][0]
    detail = ok(sdk.send(ListTaskRequest(ListTaskParameters(planned['taskId']))))
    assert detail['taskResult']['changeDetails'] == [
        {'name': 'proxyMinorVersion', 'before': '4.0-2.4', 'after': '4.0-2.5'}
    ]
    emulator.admin.advance(opens - emulator.admin.clock()['now'] + 121)
    inst = ok(describe(sdk, instance_id))['cacheInstance']
    assert (inst['cacheInstanceStatus'], inst['instanceProxyVersion']) == ('running', '4.0-2.5')
    after = ok(sdk.send(DescribeUpgradeVersionRequest(DescribeUpgradeVersionParameters(REGION, instance_id))))
    assert (after['majorVersion'], after['proxyMajorVersions']) == ([], [])
    upgrades = tasks(sdk, taskType='upgrade')['tasks']
    assert [t['taskStatus'] for t in upgrades] == ['success', 'success']


def test_master_slave_has_no_proxy_and_a_failed_window(sdk, emulator):
    instance_id = create(sdk)
    versions = ok(sdk.send(DescribeUpgradeVersionRequest(DescribeUpgradeVersionParameters(REGION, instance_id))))
    assert (versions['proxyMinorVersion'], versions['proxyMajorVersions']) == ('', [])
    params = ModifyInstanceMinorVersionParameters(REGION, instance_id)
    params.setProxyMinorVersion('4.0-2.5')
    assert err(sdk.send(ModifyInstanceMinorVersionRequest(params))) == (400, 'INVALID_ARGUMENT')
    # a task whose instance is busy when the window comes fails
    opens = window_in(emulator, sdk, instance_id)
    ok(resize(sdk, instance_id, 'redis.m.small.basic', 'MaintainTime'))
    emulator.admin.force_status(instance_id, 'error')
    emulator.admin.advance(opens - emulator.admin.clock()['now'] + 60)
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceClass'] == 'redis.m.micro.basic'
    task = tasks(sdk)['tasks'][0]
    assert task['taskStatus'] == 'fail'
    detail = ok(sdk.send(ListTaskRequest(ListTaskParameters(task['taskId']))))
    assert 'error' in detail['taskResult']['errorInfo'] and detail['taskResult']['result'] == 'fail'
