"""The planner of changes in the maintenance window and of minor-version upgrades (``_schedule.py``), in process: pure
functions of the instance, its planned tasks, the versions offered and the wish. The behaviour over HTTP is tested in
tests/unit/plugins/modules/test_jcs_redis_instance_schedule.py."""

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import (
    offered_versions,
    plan,
    planned_task,
    version_problems,
)

INSTANCE = dict(
    id='redis-1',
    instance_class='redis.m.micro.basic',
    shard_number=1,
    replica_number=2,
    instance_type='cluster',
    maintenance_window='18:00-20:00 +0000',
)
VERSIONS = offered_versions(
    dict(
        minorVersion='4.0-1.3',
        majorVersion=['4.0-1.4', '4.0-1.5'],
        proxyMinorVersion='4.0-2.4',
        proxyMajorVersions=['4.0-2.5'],
    )
)
SMALL = dict(instance_class='redis.m.small.basic', shard_number=None, replica_number=None)


def task(task_id, task_type, **changes):
    fields = dict(
        instance_class='cacheInstanceClass',
        shard_number='shardNumber',
        replica_number='replicaNumber',
        minor_version='minorVersion',
        proxy_minor_version='proxyMinorVersion',
    )
    detail = dict(
        taskResult=dict(changeDetails=[dict(name=fields[k], before='x', after=v) for k, v in changes.items()])
    )
    info = dict(taskId=task_id, taskType=1 if task_type == 'resize' else 2, maintenanceStartTime='18:00Z')
    return planned_task(dict(info, maintenanceEndTime='20:00Z', estimatedExecutionTime='2026-12-07T18:00:00Z'), detail)


def run(resize=None, declared=None, versions=None, tasks=(), apply_at='maintenance_window'):
    return plan(INSTANCE, resize, declared or {}, versions or {}, VERSIONS, list(tasks), apply_at)


def test_a_planned_task_reads_its_target_from_the_change_details():
    found = task('task-1', 'resize', instance_class='redis.m.small.basic', replica_number=3)
    assert found == dict(
        id='task-1',
        type='resize',
        window='18:00-20:00 +0000',
        planned_start='2026-12-07T18:00:00Z',
        changes=dict(instance_class='redis.m.small.basic', replica_number='3'),
    )
    # what the API does not say is unknown, never "no change"
    assert planned_task(dict(taskId='t', taskType=1), dict(taskResult={}))['changes'] is None
    assert planned_task(dict(taskId='t', taskType=1), None)['changes'] is None


def test_resize_scheduled_then_kept_then_a_different_wish_cancels_and_schedules():
    first = run(resize=SMALL, declared=dict(instance_class='redis.m.small.basic'))
    assert [a.kind for a in first.actions] == ['resize'] and first.actions[0].effective_time == 'MaintainTime'
    assert first.cancels == [] and first.needs_window
    assert first.changes == ['scheduled.instance_class']

    pending = task('task-1', 'resize', instance_class='redis.m.small.basic')
    again = run(resize=SMALL, declared=dict(instance_class='redis.m.small.basic'), tasks=[pending])
    assert not again.writes and again.kept == [pending] and again.changes == []

    medium = dict(SMALL, instance_class='redis.m.medium.basic')
    other = run(resize=medium, declared=dict(instance_class='redis.m.medium.basic'), tasks=[pending])
    assert other.cancels == [pending] and [a.request for a in other.actions] == [medium]
    assert other.changes == ['cancelled.task-1', 'scheduled.instance_class']


def test_the_instance_declared_as_it_is_cancels_a_task_that_would_change_it():
    pending = task('task-1', 'resize', instance_class='redis.m.small.basic')
    back = run(declared=dict(instance_class='redis.m.micro.basic'), tasks=[pending], apply_at='immediately')
    assert back.cancels == [pending] and back.actions == [] and back.changes == ['cancelled.task-1']
    # a task changing what is not declared is left alone
    replicas = task('task-2', 'resize', replica_number='3')
    assert not run(declared=dict(instance_class='redis.m.micro.basic'), tasks=[replicas]).writes


def test_immediately_cancels_the_planned_same_change_and_makes_it_now():
    pending = task('task-1', 'resize', instance_class='redis.m.small.basic')
    now = run(
        resize=SMALL, declared=dict(instance_class='redis.m.small.basic'), tasks=[pending], apply_at='immediately'
    )
    assert now.cancels == [pending] and now.actions[0].effective_time == 'Immediately'
    # the immediate resize is the lifecycle's to name
    assert now.changes == ['cancelled.task-1'] and now.resize_now and not now.needs_window


def test_a_task_whose_target_is_unknown_is_refused_not_guessed():
    unknown = planned_task(dict(taskId='task-9', taskType=1), None)
    with pytest.raises(Refusal, match='task-9 .*does not say what it changes') as caught:
        run(resize=SMALL, declared=dict(instance_class='redis.m.small.basic'), tasks=[unknown])
    assert caught.value.status == 'FAILED_PRECONDITION'


def test_redis_before_proxy_and_one_planned_upgrade_at_a_time():
    both = dict(minor_version='4.0-1.5', proxy_minor_version='4.0-2.5')
    now = run(versions=both, apply_at='immediately')
    assert [(a.kind, a.request) for a in now.actions] == [
        ('minor_version', dict(minor_version='4.0-1.5')),
        ('proxy_minor_version', dict(proxy_minor_version='4.0-2.5')),
    ]
    assert now.changes == ['minor_version', 'proxy_minor_version']

    window = run(versions=both)
    assert [a.kind for a in window.actions] == ['minor_version'] and [a.kind for a in window.waiting] == [
        'proxy_minor_version'
    ]
    redis = task('task-r', 'upgrade', minor_version='4.0-1.5')
    pending = run(versions=both, tasks=[redis])
    assert (
        not pending.writes and pending.kept == [redis] and [a.kind for a in pending.waiting] == ['proxy_minor_version']
    )


def test_versions_already_run_are_no_write_and_a_planned_other_version_is_cancelled():
    assert not run(versions=dict(minor_version='4.0-1.3')).writes
    redis = task('task-r', 'upgrade', minor_version='4.0-1.5')
    assert run(versions=dict(minor_version='4.0-1.3'), tasks=[redis]).cancels == [redis]
    other = run(versions=dict(minor_version='4.0-1.4'), tasks=[redis])
    assert other.cancels == [redis] and [a.request for a in other.actions] == [dict(minor_version='4.0-1.4')]
    # an upgrade of the proxy planned is not Redis's business
    proxy = task('task-p', 'upgrade', proxy_minor_version='4.0-2.5')
    kept = run(versions=dict(minor_version='4.0-1.4'), tasks=[proxy])
    assert kept.cancels == [] and kept.actions == [] and [a.kind for a in kept.waiting] == ['minor_version']
    assert run(versions=dict(minor_version='4.0-1.4'), tasks=[proxy], apply_at='immediately').actions


def test_version_refusals_name_the_version_and_those_offered():
    assert version_problems(INSTANCE, dict(minor_version='4.0-1.3', proxy_minor_version=None), VERSIONS) == []
    (problem,) = version_problems(INSTANCE, dict(minor_version='4.0-9.9'), VERSIONS)
    assert "minor_version '4.0-9.9' is not offered" in problem and '4.0-1.4, 4.0-1.5' in problem
    none = offered_versions(dict(minorVersion='4.0-1.5', majorVersion=[], proxyMinorVersion='', proxyMajorVersions=[]))
    problems = version_problems(INSTANCE, dict(minor_version='4.0-1.4', proxy_minor_version='4.0-2.5'), none)
    assert 'none (it runs the latest)' in problems[0] and 'has no proxy' in problems[1]


def test_versions_are_release_names_before_any_call():
    from ansible_collections.jdcloud.cloud.plugins.module_utils._schedule import option_problems

    assert option_problems(dict(minor_version='4.0-1.4', proxy_minor_version=None)) == []
    for bad in ('', 'x' * 65, '4.0-1.4\n', '../4.0', '4.0 1.4'):
        (problem,) = option_problems(dict(minor_version=bad))
        assert problem.startswith('minor_version must be a minor release') and len(problem) < 200
