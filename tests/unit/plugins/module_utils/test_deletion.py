"""The deletion planner, in process: from the instance found, its backups and the recycle bin to the steps of a
``state: absent`` run (the steps themselves run over HTTP in test_jcs_redis_instance_deletion.py)."""

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._deletion import (
    DESTROYED,
    RECYCLE_BIN,
    diff_after,
    final_backup_of,
    plan,
    validate,
)

LIVE = dict(id='redis-live00000001', name='orders', status='running')
DELETING = dict(LIVE, status='deleting')
BINNED = dict(LIVE, soft_deleted_time='2026-12-07T09:00:00Z')


def params(**extra):
    values = dict(state='absent', name='orders', instance_id=None, final_backup=None, force_delete=False, wait=True)
    values.update(extra)
    return values


def backup(backup_id, status, name='last'):
    return dict(id=backup_id, name=name, status=status)


def steps(found):
    return [step for step, _value in found.steps]


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'extra, problem',
    [
        (dict(state='present', final_backup='last'), 'final_backup only applies with state: absent'),
        (dict(state='present', force_delete=True), 'force_delete only applies with state: absent'),
        (dict(final_backup='with-hyphen'), "final_backup must be 1 to 32 letters, digits or underscores"),
        (dict(final_backup=''), 'final_backup must be'),
        (dict(final_backup='x' * 33), 'final_backup must be'),
        (dict(final_backup='last\n'), 'final_backup must be'),
    ],
)
def test_bad_options_are_named(extra, problem):
    problems = validate(params(**extra))
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_good_options_pass():
    assert validate(params(final_backup='before_delete_2026', force_delete=True)) == []
    assert validate(params(state='present', force_delete=False)) == []


# -- the final backup -----------------------------------------------------------------------------


def test_final_backup_is_found_by_name_newest_success_first():
    backups = [backup('b3', 'failed'), backup('b2', 'success'), backup('b1', 'success'), backup('x', 'success', 'o')]
    assert final_backup_of(backups, 'last') == (None, backups[1])
    assert final_backup_of([backup('b2', 'running'), backup('b1', 'failed')], 'last')[0] == 'wait_backup'
    # a failed backup does not count: another is taken
    assert final_backup_of([backup('b1', 'failed')], 'last') == ('take_backup', None)
    assert final_backup_of([backup('x', 'success', 'other')], 'last') == ('take_backup', None)


def test_delete_with_a_new_final_backup_checks_before_the_backup_and_before_the_delete():
    found = plan(LIVE, params(final_backup='last'))
    assert steps(found) == [
        'check_deletable',
        'take_backup',
        'wait_backup',
        'check_deletable',
        'delete',
        'wait_gone',
    ]
    assert found.changes == ['final_backup', 'delete'] and found.deletion == RECYCLE_BIN and found.backup is None


def test_a_successful_final_backup_is_reused():
    ready = backup('b1', 'success')
    found = plan(LIVE, params(final_backup='last'), backups=[ready])
    assert steps(found) == ['check_deletable', 'delete', 'wait_gone']
    assert found.changes == ['delete'] and found.backup is ready


def test_a_running_final_backup_is_waited_for():
    running = backup('b1', 'running')
    found = plan(LIVE, params(final_backup='last', wait=False), backups=[running])
    assert found.steps[0] == ('wait_backup', 'b1') and steps(found)[1:] == ['check_deletable', 'delete']
    assert found.changes == ['delete']


# -- the recycle bin ------------------------------------------------------------------------------


def test_plain_delete_goes_to_the_bin():
    found = plan(LIVE, params(wait=False))
    assert found.steps == [('check_deletable', LIVE['id']), ('delete', LIVE['id'])]
    assert found.changes == ['delete'] and found.deletion == RECYCLE_BIN


def test_force_delete_destroys_after_the_bin_took_it_even_without_wait():
    found = plan(LIVE, params(force_delete=True, wait=False))
    assert steps(found) == ['check_deletable', 'delete', 'wait_binned', 'destroy']
    assert found.changes == ['delete', 'destroy'] and found.deletion == DESTROYED


@pytest.mark.parametrize('force', [False, True])
def test_nothing_live_and_nothing_binned_is_unchanged(force):
    found = plan(None, params(force_delete=force, final_backup='last'))
    assert found.steps == [] and found.changes == [] and found.instance is None and found.deletion is None


def test_an_instance_in_the_bin_is_left_there_without_force_delete():
    found = plan(None, params(), binned=[BINNED])
    assert found.steps == [] and found.changes == []


def test_force_delete_destroys_an_instance_already_in_the_bin():
    found = plan(None, params(force_delete=True, final_backup='last'), binned=[BINNED])
    assert found.steps == [('destroy', BINNED['id'])] and found.changes == ['destroy'] and found.instance is BINNED
    assert diff_after(found.deletion, found.changes, 'last') == dict(deletion=DESTROYED)


def test_force_delete_refuses_to_choose_among_binned_instances_sharing_the_name():
    other = dict(BINNED, id='redis-live00000002', soft_deleted_time='2026-12-06T09:00:00Z')
    with pytest.raises(Refusal) as refused:
        plan(None, params(force_delete=True), binned=[BINNED, other])
    assert refused.value.status == 'AMBIGUOUS_NAME' and 'instance_id' in refused.value.message
    assert [c['id'] for c in refused.value.details['candidates']] == [BINNED['id'], other['id']]


def test_an_instance_being_deleted_is_waited_for_or_destroyed():
    assert plan(DELETING, params()).steps == [('wait_gone', LIVE['id'])]
    assert plan(DELETING, params(wait=False)).steps == []
    # the final backup was the deleting run's to take
    assert plan(DELETING, params(wait=False, final_backup='last')).changes == []
    forced = plan(DELETING, params(force_delete=True, wait=False))
    assert steps(forced) == ['wait_binned', 'destroy'] and forced.changes == ['destroy']


def test_diff_says_where_the_instance_goes_and_the_backup_name():
    found = plan(LIVE, params(final_backup='last'))
    assert diff_after(found.deletion, found.changes, 'last') == dict(deletion=RECYCLE_BIN, final_backup='last')
    assert diff_after(None, [], 'last') == {}
