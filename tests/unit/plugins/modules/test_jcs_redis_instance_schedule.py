"""Changes in the maintenance window (``apply_at``) and minor-version upgrades (``minor_version``,
``proxy_minor_version``) of jcs_redis_instance and of jcs_redis_fleet entries, run for real against the emulator over
HTTP. The window arrives by the emulator's clock (its admin API), never by waiting; what the API holds is read back with
the official SDK, a client we did not write; writes are counted with the emulator's counters."""

from __future__ import annotations

import importlib
import json
import threading

from modrunner import run_module

WINDOW = '02:00-04:00'  # +0800: 18:00-20:00 UTC


def sdk(sdk_client, request_class, **params):
    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk_client.client.send(getattr(module, request_class)(params))
    assert response.error is None, vars(response.error)
    return response.result


def described(sdk_client, instance_id):
    return sdk(sdk_client, 'DescribeCacheInstanceRequest', regionId='cn-north-1', cacheInstanceId=instance_id)[
        'cacheInstance'
    ]


def planned(sdk_client, instance_id):
    """The planned tasks of the instance with what each changes, as the SDK reads them."""
    listed = sdk(sdk_client, 'ListTasksRequest', instanceId=instance_id, taskStatus='init')['tasks']
    out = {}
    for task in listed:
        detail = sdk(sdk_client, 'ListTaskRequest', taskId=task['taskId'])
        out[task['taskId']] = {d['name']: d['after'] for d in detail['taskResult']['changeDetails']}
    return out


def task_status(sdk_client, task_id):
    return sdk(sdk_client, 'ListTaskRequest', taskId=task_id)['taskStatus']


def run(emulator, check_mode=False, diff=False, **args):
    return run_module('jcs_redis_instance', emulator.connection(**args), check_mode=check_mode, diff=diff)


def window_arrives(emulator):
    """Move the emulator's clock a day on: every window has opened, and a change with no delay is done."""
    emulator.admin.advance(86400)


def with_window(sdk_client, name, **create):
    instance_id = sdk_client.create(name, **create)
    sdk(
        sdk_client,
        'MaintenanceTimeRequest',
        regionId='cn-north-1',
        cacheInstanceId=instance_id,
        startTime='18:00Z',
        endTime='20:00Z',
    )
    return instance_id


# -- resizes -----------------------------------------------------------------------------------------------------------


def test_resize_scheduled_with_its_window_in_check_mode_then_for_real_then_pending_then_applied(emulator, sdk_client):
    instance_id = sdk_client.create('sched_resize')
    args = dict(
        instance_id=instance_id,
        instance_class='redis.m.small.basic',
        apply_at='maintenance_window',
        maintenance_window=WINDOW,
    )
    emulator.admin.reset(state=False)
    predicted = run(emulator, check_mode=True, diff=True, **args)
    assert not predicted.failed, predicted.result
    assert predicted.changed
    # named as the real run names them: the window is written first
    assert predicted.result['changes'] == ['maintenance_window', 'scheduled.instance_class']
    # never as if applied: the instance keeps its class
    assert predicted.result['instance']['instance_class'] == 'redis.m.micro.basic'
    assert predicted.result['scheduled'] == [
        dict(
            id=None,
            type='resize',
            window='18:00-20:00 +0000',
            planned_start=None,
            changes=dict(instance_class='redis.m.small.basic'),
        )
    ]
    assert predicted.result['diff']['after']['instance_class'] == 'redis.m.micro.basic'
    assert predicted.result['diff']['after']['scheduled'] == predicted.result['scheduled']
    assert emulator.writes() == 0

    made = run(emulator, diff=True, **args)
    assert not made.failed and made.changed, made.result
    assert made.result['changes'] == ['maintenance_window', 'scheduled.instance_class']
    assert made.result['instance']['instance_class'] == 'redis.m.micro.basic'
    (scheduled,) = made.result['scheduled']
    assert scheduled['id'].startswith('task-') and scheduled['type'] == 'resize'
    assert scheduled['window'] == '18:00-20:00 +0000' and scheduled['planned_start'].endswith('18:00:00Z')
    # the window is written before the change planned in it
    calls = emulator.calls()
    assert (calls['maintenanceTime'], calls['modifyCacheInstanceClass'], emulator.writes()) == (1, 1, 2)
    assert planned(sdk_client, instance_id) == {scheduled['id']: {'cacheInstanceClass': 'redis.m.small.basic'}}
    assert described(sdk_client, instance_id)['cacheInstanceClass'] == 'redis.m.micro.basic'

    # a re-run while it is pending: nothing written, the pending task reported
    emulator.admin.reset(state=False)
    again = run(emulator, **args)
    assert not again.failed and not again.changed, again.result
    assert again.result['changes'] == [] and again.result['scheduled'] == [scheduled]
    assert emulator.writes() == 0

    # the window arrives: the change is made by the API; the run is unchanged and nothing is pending
    window_arrives(emulator)
    emulator.admin.reset(state=False)
    done = run(emulator, **args)
    assert not done.failed and not done.changed, done.result
    assert done.result['instance']['instance_class'] == 'redis.m.small.basic' and done.result['scheduled'] == []
    assert emulator.writes() == 0
    assert task_status(sdk_client, scheduled['id']) == 'success'


def test_a_different_wish_cancels_the_pending_task_and_schedules_the_new_one(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'sched_other')
    args = dict(instance_id=instance_id, apply_at='maintenance_window')
    first = run(emulator, instance_class='redis.m.small.basic', **args)
    assert not first.failed and first.changed, first.result
    old = first.result['scheduled'][0]['id']

    emulator.admin.reset(state=False)
    predicted = run(emulator, check_mode=True, instance_class='redis.m.medium.basic', **args)
    assert not predicted.failed and predicted.changed, predicted.result
    # check mode says which: cancel the old task, schedule the new change
    assert predicted.result['changes'] == ['cancelled.' + old, 'scheduled.instance_class']
    assert predicted.result['cancelled_tasks'] == [old]
    assert predicted.result['scheduled'][0]['changes'] == dict(instance_class='redis.m.medium.basic')
    assert emulator.writes() == 0 and task_status(sdk_client, old) == 'init'

    made = run(emulator, instance_class='redis.m.medium.basic', **args)
    assert not made.failed and made.changed, made.result
    assert emulator.calls()['cancelTask'] == 1 and emulator.calls()['modifyCacheInstanceClass'] == 1
    new = made.result['scheduled'][0]['id']
    assert new != old and task_status(sdk_client, old) == 'manual_stop'
    assert planned(sdk_client, instance_id) == {new: {'cacheInstanceClass': 'redis.m.medium.basic'}}

    # declaring the class the instance has cancels the task that would change it
    back = run(emulator, instance_class='redis.m.micro.basic', **args)
    assert not back.failed and back.changed and back.result['changes'] == ['cancelled.' + new], back.result
    assert planned(sdk_client, instance_id) == {} and back.result['scheduled'] == []


def test_immediately_while_the_same_change_is_pending_cancels_it_and_applies_now(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'sched_now')
    first = run(emulator, instance_id=instance_id, instance_class='redis.m.small.basic', apply_at='maintenance_window')
    task_id = first.result['scheduled'][0]['id']
    emulator.admin.reset(state=False)
    now = run(emulator, instance_id=instance_id, instance_class='redis.m.small.basic')
    assert not now.failed and now.changed, now.result
    assert now.result['changes'] == ['cancelled.' + task_id, 'instance_class']
    assert now.result['instance']['instance_class'] == 'redis.m.small.basic' and now.result['scheduled'] == []
    assert task_status(sdk_client, task_id) == 'manual_stop' and planned(sdk_client, instance_id) == {}
    # the window arrives: nothing is left to run
    window_arrives(emulator)
    assert described(sdk_client, instance_id)['cacheInstanceClass'] == 'redis.m.small.basic'


def test_the_window_is_refused_on_an_instance_without_one_before_any_write(emulator, sdk_client):
    instance_id = sdk_client.create('sched_nowin')
    emulator.admin.reset(state=False)
    for check_mode in (True, False):
        refused = run(
            emulator,
            check_mode=check_mode,
            instance_id=instance_id,
            instance_class='redis.m.small.basic',
            description='changed too',
            apply_at='maintenance_window',
        )
        assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
        assert 'apply_at' in refused.result['msg'] and 'maintenance_window' in refused.result['msg']
    assert emulator.writes() == 0


def test_a_lost_answer_on_a_scheduled_change_never_creates_a_second_task(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'sched_lost')
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['modifyCacheInstanceClass'])
    lost = run(
        emulator,
        instance_id=instance_id,
        instance_class='redis.m.small.basic',
        apply_at='maintenance_window',
        api_retries=2,
    )
    assert not lost.failed and lost.changed, lost.result
    # the write went through and its answer was lost: the planned task is adopted, not planned again
    assert emulator.calls()['modifyCacheInstanceClass'] == 1
    assert list(planned(sdk_client, instance_id)) == [lost.result['scheduled'][0]['id']]


def test_wait_never_waits_for_the_window(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'sched_nowait')
    emulator.admin.freeze()
    made = run(
        emulator,
        instance_id=instance_id,
        instance_class='redis.m.small.basic',
        apply_at='maintenance_window',
        wait=True,
        wait_timeout=5,
    )
    assert not made.failed and made.changed, made.result
    assert made.result['instance']['status'] == 'running'
    assert emulator.calls()['describeCacheInstance'] <= 2


# -- minor versions --------------------------------------------------------------------------------------------------


def test_a_version_not_offered_is_refused_naming_it_and_those_offered(emulator, sdk_client):
    instance_id = sdk_client.create('ver_refused', instance_class='redis.c.small.basic')
    emulator.admin.reset(state=False)
    refused = run(emulator, instance_id=instance_id, minor_version='4.0-9.9', description='changed too')
    assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
    assert "minor_version '4.0-9.9' is not offered" in refused.result['msg']
    assert '4.0-1.4, 4.0-1.5' in refused.result['msg']
    assert emulator.writes() == 0
    ms = sdk_client.create('ver_noproxy')
    emulator.admin.reset(state=False)
    no_proxy = run(emulator, instance_id=ms, proxy_minor_version='4.0-2.5')
    assert no_proxy.failed and 'proxy_minor_version' in no_proxy.result['msg'], no_proxy.result
    assert no_proxy.result['error']['status'] == 'INVALID_ARGUMENT' and emulator.writes() == 0
    # a master-slave instance has no proxy: null, not an empty string
    shown = run(emulator, instance_id=ms)
    assert shown.result['instance']['instance_proxy_version'] is None, shown.result


def test_redis_then_proxy_upgraded_one_after_the_other_then_unchanged(emulator, sdk_client):
    instance_id = sdk_client.create('ver_both', instance_class='redis.c.small.basic')
    args = dict(instance_id=instance_id, minor_version='4.0-1.5', proxy_minor_version='4.0-2.5')
    emulator.admin.reset(state=False)
    predicted = run(emulator, check_mode=True, diff=True, **args)
    assert not predicted.failed and predicted.changed, predicted.result
    assert predicted.result['changes'] == ['minor_version', 'proxy_minor_version']
    # check mode predicts both versions, as the run makes them
    predicted_instance = predicted.result['instance']
    assert (predicted_instance['instance_version'], predicted_instance['instance_proxy_version']) == (
        '4.0-1.5',
        '4.0-2.5',
    )
    before = predicted.result['diff']['before']
    assert (before['instance_version'], before['instance_proxy_version']) == ('4.0-1.3', '4.0-2.4')
    assert emulator.writes() == 0

    # the second upgrade is held: by then Redis runs its new version and the proxy its old one
    emulator.admin.hold_requests('modifyInstanceMinorVersion', skip=1)
    runs = []
    thread = threading.Thread(target=lambda: runs.append(run(emulator, **args)))
    thread.start()
    emulator.admin.wait_held_requests('modifyInstanceMinorVersion')
    inst = described(sdk_client, instance_id)
    assert (inst['instanceVersion'], inst['instanceProxyVersion']) == ('4.0-1.5', '4.0-2.4')
    emulator.admin.release_requests('modifyInstanceMinorVersion')
    thread.join()
    made = runs[0]
    assert not made.failed and made.changed, made.result
    assert made.result['changes'] == ['minor_version', 'proxy_minor_version']
    assert emulator.calls()['modifyInstanceMinorVersion'] == 2
    inst = described(sdk_client, instance_id)
    assert (inst['instanceVersion'], inst['instanceProxyVersion']) == ('4.0-1.5', '4.0-2.5')
    assert made.result['instance']['instance_version'] == '4.0-1.5'
    assert made.result['instance']['instance_proxy_version'] == '4.0-2.5'

    emulator.admin.reset(state=False)
    again = run(emulator, **args)
    assert not again.failed and not again.changed, again.result
    # only the reads: the instance and the versions
    assert emulator.calls() == {'describeCacheInstance': 1, 'describeUpgradeVersion': 1}


def test_an_upgrade_waits_through_upgrading(emulator, sdk_client):
    instance_id = sdk_client.create('ver_wait', instance_class='redis.c.small.basic')
    emulator.admin.config(upgrade_delay=60)
    emulator.admin.freeze()
    # the clock moves past the upgrade once the module has seen the instance upgrading
    emulator.admin.advance(
        61, after=dict(operation='describeCacheInstance', answers=1, since='modifyInstanceMinorVersion')
    )
    made = run(emulator, instance_id=instance_id, minor_version='4.0-1.4')
    assert not made.failed and made.changed, made.result
    assert made.result['instance']['status'] == 'running'
    assert made.result['instance']['instance_version'] == '4.0-1.4'
    assert emulator.calls()['describeCacheInstance'] >= 3


def test_upgrades_in_the_window_redis_first_then_the_proxy(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'ver_window', instance_class='redis.c.small.basic')
    args = dict(
        instance_id=instance_id, minor_version='4.0-1.5', proxy_minor_version='4.0-2.5', apply_at='maintenance_window'
    )
    made = run(emulator, **args)
    assert not made.failed and made.changed, made.result
    assert made.result['changes'] == ['scheduled.minor_version']
    assert [s['changes'] for s in made.result['scheduled']] == [dict(minor_version='4.0-1.5')]
    # ansible-core 2.19 returns warnings as structured summaries
    assert 'proxy_minor_version 4.0-2.5 is not planned yet' in json.dumps(made.result.get('warnings', []))
    assert described(sdk_client, instance_id)['instanceVersion'] == '4.0-1.3'

    emulator.admin.reset(state=False)
    again = run(emulator, **args)
    assert not again.failed and not again.changed, again.result
    assert emulator.writes() == 0

    window_arrives(emulator)
    proxy = run(emulator, **args)
    assert not proxy.failed and proxy.changed and proxy.result['changes'] == ['scheduled.proxy_minor_version']
    window_arrives(emulator)
    emulator.admin.reset(state=False)
    done = run(emulator, **args)
    assert not done.failed and not done.changed and done.result['scheduled'] == [], done.result
    inst = described(sdk_client, instance_id)
    assert (inst['instanceVersion'], inst['instanceProxyVersion']) == ('4.0-1.5', '4.0-2.5')
    assert emulator.writes() == 0


def test_a_resize_and_an_upgrade_in_the_window_one_after_the_other(emulator, sdk_client):
    # the API starts the planned tasks of a window together, and a change cannot start while another runs: planned
    # together, the upgrade would fail when the window came (instance changing), so it is planned by a later run
    instance_id = with_window(sdk_client, 'resize_ver_window', redis_version='4.0')
    args = dict(
        instance_id=instance_id,
        instance_class='redis.m.small.basic',
        minor_version='4.0-1.5',
        apply_at='maintenance_window',
    )
    made = run(emulator, **args)
    assert not made.failed and made.changed, made.result
    assert made.result['changes'] == ['scheduled.instance_class']
    assert [s['type'] for s in made.result['scheduled']] == ['resize']
    assert 'minor_version 4.0-1.5 is not planned yet' in json.dumps(made.result.get('warnings', []))
    assert list(planned(sdk_client, instance_id).values()) == [{'cacheInstanceClass': 'redis.m.small.basic'}]

    window_arrives(emulator)
    upgrade = run(emulator, **args)
    assert not upgrade.failed and upgrade.changed, upgrade.result
    assert upgrade.result['changes'] == ['scheduled.minor_version']
    window_arrives(emulator)
    emulator.admin.reset(state=False)
    done = run(emulator, **args)
    assert not done.failed and not done.changed and done.result['scheduled'] == [], done.result
    inst = described(sdk_client, instance_id)
    assert (inst['cacheInstanceClass'], inst['instanceVersion']) == ('redis.m.small.basic', '4.0-1.5')


def test_a_resize_waits_for_an_upgrade_planned_in_the_window(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'ver_then_resize', redis_version='4.0')
    upgrade = run(emulator, instance_id=instance_id, minor_version='4.0-1.5', apply_at='maintenance_window')
    assert not upgrade.failed and upgrade.result['changes'] == ['scheduled.minor_version'], upgrade.result
    args = dict(instance_id=instance_id, instance_class='redis.m.small.basic', apply_at='maintenance_window')
    emulator.admin.reset(state=False)
    waiting = run(emulator, **args)
    assert not waiting.failed and not waiting.changed, waiting.result
    assert 'the resize to instance_class redis.m.small.basic is not planned yet' in json.dumps(
        waiting.result.get('warnings', [])
    )
    assert emulator.writes() == 0
    window_arrives(emulator)
    resize = run(emulator, **args)
    assert not resize.failed and resize.result['changes'] == ['scheduled.instance_class'], resize.result
    window_arrives(emulator)
    inst = described(sdk_client, instance_id)
    assert (inst['cacheInstanceClass'], inst['instanceVersion']) == ('redis.m.small.basic', '4.0-1.5')


def test_a_lost_answer_on_a_scheduled_upgrade_is_adopted(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'ver_lost')
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['modifyInstanceMinorVersion'])
    lost = run(emulator, instance_id=instance_id, minor_version='4.0-1.4', apply_at='maintenance_window', api_retries=2)
    assert not lost.failed and lost.changed, lost.result
    assert emulator.calls()['modifyInstanceMinorVersion'] == 1
    assert list(planned(sdk_client, instance_id).values()) == [{'minorVersion': '4.0-1.4'}]


def test_hostile_versions_are_refused_without_echoing_them_whole(emulator, sdk_client):
    instance_id = sdk_client.create('ver_hostile')
    emulator.admin.reset(state=False)
    for bad in ('x' * 5000, '4.0-1.4\n--proxy', "'; DROP TABLE", ''):
        refused = run(emulator, instance_id=instance_id, minor_version=bad)
        assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
        assert 'minor_version' in refused.result['msg'] and len(refused.result['msg']) < 600
    assert emulator.writes() == 0


# -- jcs_redis_fleet entries -----------------------------------------------------------------------------------------


def test_fleet_entries_plan_in_the_window_then_unchanged_while_pending(emulator, sdk_client):
    first = with_window(sdk_client, 'fleet_sched_a')
    second = with_window(sdk_client, 'fleet_sched_b', instance_class='redis.c.small.basic')
    entries = [
        dict(name='fleet_sched_a', instance_class='redis.m.small.basic', apply_at='maintenance_window'),
        dict(name='fleet_sched_b', minor_version='4.0-1.4', apply_at='maintenance_window'),
    ]

    def fleet(check_mode=False):
        return run_module(
            'jcs_redis_fleet',
            emulator.connection(instances=entries, poll_interval=0.2),
            check_mode=check_mode,
            diff=True,
        )

    emulator.admin.reset(state=False)
    predicted = fleet(check_mode=True)
    assert not predicted.failed and predicted.changed, predicted.result
    by_name = {r['name']: r for r in predicted.result['instances']}
    assert by_name['fleet_sched_a']['changes'] == ['scheduled.instance_class']
    assert by_name['fleet_sched_b']['changes'] == ['scheduled.minor_version']
    assert emulator.writes() == 0

    made = fleet()
    assert not made.failed and made.changed, made.result
    by_name = {r['name']: r for r in made.result['instances']}
    assert by_name['fleet_sched_a']['instance']['instance_class'] == 'redis.m.micro.basic'
    assert by_name['fleet_sched_a']['scheduled'][0]['id'] in planned(sdk_client, first)
    assert list(planned(sdk_client, second).values()) == [{'minorVersion': '4.0-1.4'}]
    assert by_name['fleet_sched_b']['diff']['after']['scheduled'] == by_name['fleet_sched_b']['scheduled']

    emulator.admin.reset(state=False)
    again = fleet()
    assert not again.failed and not again.changed, again.result
    assert emulator.writes() == 0
    assert all(r['scheduled'] for r in again.result['instances'])


def test_the_settings_checks_come_before_an_upgrade_or_a_planned_change(emulator, sdk_client):
    instance_id = with_window(sdk_client, 'sched_checks', redis_version='6.2')
    weak = [dict(name='orders_app', password='onlyletters')]
    for args in (
        dict(minor_version='6.2-1.2'),
        dict(minor_version='6.2-1.2', apply_at='maintenance_window'),
    ):
        emulator.admin.reset(state=False)
        refused = run(emulator, instance_id=instance_id, accounts=weak, **args)
        assert refused.failed and 'accounts[0].password' in refused.result['msg'], refused.result
        assert emulator.writes() == 0, args
    assert described(sdk_client, instance_id)['instanceVersion'] == '6.2-1.1'
