"""The pure parts of recover and source_backup (_recovery.py), in process: the options' rules, the decision
between recovering and creating, and whether a backup fits the new instance. No HTTP: the lookups and the
module's behaviour are tested against the emulator in tests/unit/plugins/modules/test_jcs_redis_instance_recovery.py."""

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal, recycled_to_result
from ansible_collections.jdcloud.cloud.plugins.module_utils._recovery import (
    backup_type,
    bin_plan,
    clone_spec,
    fit_problem,
    source_backup_problems,
)

BACKUP = dict(id='b-1', name='nightly', status='success', shard_count=1, shard_memory_mb=1024)
SOURCE = dict(id='redis-src00001', name='orders', redis_version='5.0', instance_type='master-slave')
SMALL_MS = dict(instanceClass='redis.m.small.basic', instanceType='master-slave', memoryMB=2048)


def binned(instance_id, deleted='2026-12-01T10:00:00Z'):
    return recycled_to_result(
        dict(
            cacheInstanceId=instance_id,
            cacheInstanceName='orders',
            cacheInstanceStatus='running',
            softDeletedTime=deleted,
            retainExpireTime='2026-12-08T10:00:00Z',
        ),
        'cn-north-1',
    )


# -- source_backup's rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    'value, words',
    [
        ({}, ['instance_id or instance_name', 'backup_id or backup_name']),
        (dict(instance_id='redis-abc123', backup_name='x'), []),
        (dict(instance_name='orders', backup_id='b-1'), []),
        (dict(instance_id='redis-abc123', instance_name='orders', backup_id='b-1'), ['mutually exclusive']),
        (
            dict(instance_id='redis-abc123', backup_id='b-1', backup_name='x'),
            ['backup_id and source_backup.backup_name'],
        ),
        (dict(instance_id=None, instance_name=None, backup_id='b-1'), ['instance_id or instance_name', 'not null']),
        (dict(instance_id='redis-../../quota', backup_id='b-1'), ['source_backup.instance_id must']),
        (dict(instance_name='bad-name', backup_id='b-1'), ['source_backup.instance_name must']),
        (dict(instance_name='orders', backup_id='../x'), ['source_backup.backup_id must']),
        (dict(instance_name='orders', backup_name='has space'), ['source_backup.backup_name must']),
        (dict(instance_name='orders', backup_name=''), ['source_backup.backup_name must']),
    ],
)
def test_source_backup_rules(value, words):
    problems = source_backup_problems(value)
    assert bool(problems) == bool(words), problems
    text = '; '.join(problems)
    for word in words:
        assert word in text
    assert source_backup_problems(None) == []


# -- recover or create ---------------------------------------------------------------------------


def test_nothing_in_the_bin_creates_whatever_recover_says():
    assert bin_plan([], 'orders', False) == ('create', None)
    assert bin_plan([], 'orders', True) == ('create', None)


def test_one_in_the_bin_warns_or_is_recovered():
    one = binned('redis-old00001')
    action, warning = bin_plan([one], 'orders', False)
    assert action == 'create'
    assert 'redis-old00001' in warning and 'recover: true' in warning and '2026-12-08T10:00:00Z' in warning
    assert 'is created' in warning and 'would be created' in bin_plan([one], 'orders', False, check_mode=True)[1]
    assert bin_plan([one], 'orders', True) == ('recover', one)


def test_several_in_the_bin_are_never_guessed():
    two = [binned('redis-old00001'), binned('redis-old00002', '2026-12-02T10:00:00Z')]
    with pytest.raises(Refusal) as refused:
        bin_plan(two, 'orders', True)
    assert refused.value.status == 'AMBIGUOUS_NAME'
    assert [c['id'] for c in refused.value.details['candidates']] == ['redis-old00001', 'redis-old00002']
    assert 'instance_id' in refused.value.message
    action, warning = bin_plan(two, 'orders', False)
    assert action == 'create' and 'redis-old00001' in warning and 'redis-old00002' in warning


# -- whether a backup fits -----------------------------------------------------------------------


def test_a_fitting_backup_passes():
    assert fit_problem(BACKUP, SOURCE, '5', SMALL_MS) is None
    assert fit_problem(BACKUP, SOURCE, '5.0.14', {}) is None  # preflight: false, no class entry


@pytest.mark.parametrize(
    'backup, version, entry, status, words',
    [
        (dict(BACKUP, status='running'), '5.0', SMALL_MS, 'FAILED_PRECONDITION', ['running', 'wait']),
        (dict(BACKUP, status='failed'), '5.0', SMALL_MS, 'FAILED_PRECONDITION', ['failed', 'another']),
        (BACKUP, '6.2', SMALL_MS, 'INVALID_ARGUMENT', ['Redis 5.0', 'redis_version: "5.0"', 'is 6.2']),
        (BACKUP, None, SMALL_MS, 'INVALID_ARGUMENT', ['Redis 5.0', 'without redis_version it is 2.8']),
        (
            BACKUP,
            '5.0',
            dict(instanceClass='redis.c.small.basic', instanceType='cluster', memoryMB=8192),
            'INVALID_ARGUMENT',
            ['master-slave instance', 'redis.c.small.basic is cluster'],
        ),
        (
            dict(BACKUP, shard_memory_mb=4096),
            '5.0',
            SMALL_MS,
            'INVALID_ARGUMENT',
            ['4096 MB', 'redis.m.small.basic has 2048 MB'],
        ),
    ],
)
def test_a_backup_that_does_not_fit_is_refused_naming_both_sides(backup, version, entry, status, words):
    problem = fit_problem(backup, SOURCE, version, entry)
    assert problem is not None and problem.status == status
    for word in words:
        assert word in problem.message, problem.message
    assert problem.message.startswith('source_backup')


def test_an_unreadable_backup_is_checked_by_its_instance():
    # an instance in the bin whose backups the API does not list: version and architecture from the instance
    assert fit_problem(None, SOURCE, '5.0', SMALL_MS) is None
    problem = fit_problem(None, SOURCE, '4.0', SMALL_MS)
    assert 'the backup of redis-src00001' in problem.message
    cluster = dict(SOURCE, instance_type='cluster')
    assert 'cluster instance' in fit_problem(None, cluster, '5.0', SMALL_MS).message


def test_backup_type_and_spec():
    assert backup_type(dict(shard_count=8), SOURCE) == 'cluster'
    assert backup_type(dict(shard_count=1), dict(SOURCE, instance_type='cluster')) == 'master-slave'
    assert backup_type(None, SOURCE) == 'master-slave'
    assert clone_spec(SOURCE, 'b-1') == dict(backupId='b-1', srcInstanceId='redis-src00001')
