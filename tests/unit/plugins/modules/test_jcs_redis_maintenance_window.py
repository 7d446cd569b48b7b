"""The maintenance window as an option of jcs_redis_instance and of each jcs_redis_fleet entry, run for real against
the emulator over HTTP; the window is read back with the official SDK, a client we did not write."""

from __future__ import annotations

import importlib

from modrunner import run_module


def sdk(sdk_client, request_class, **params):
    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk_client.client.send(getattr(module, request_class)(dict(regionId='cn-north-1', **params)))
    assert response.error is None, vars(response.error)
    return response.result


def sdk_window(sdk_client, instance_id):
    found = sdk(sdk_client, 'DescribeCacheInstanceRequest', cacheInstanceId=instance_id)['cacheInstance']
    return found.get('maintenanceStartTime'), found.get('maintenanceEndTime')


def run(emulator, *, check_mode=False, diff=False, module='jcs_redis_instance', **args):
    return run_module(module, args, check_mode=check_mode, diff=diff)


def test_window_set_in_check_mode_then_for_real_then_unchanged_in_another_zone(emulator, sdk_client):
    instance_id = sdk_client.create('window_one')
    emulator.admin.reset(state=False)
    planned = run(
        emulator,
        check_mode=True,
        diff=True,
        **emulator.connection(instance_id=instance_id, maintenance_window='02:00-04:00'),
    )
    assert not planned.failed, planned.result
    assert planned.changed and planned.result['changes'] == ['maintenance_window']
    assert planned.result['maintenance_window'] == '18:00-20:00 +0000'
    assert planned.result['diff']['before']['maintenance_window'] is None
    assert planned.result['diff']['after']['maintenance_window'] == '18:00-20:00 +0000'
    assert emulator.writes() == 0
    # the window is in the describe the module makes anyway: no read of its own
    assert emulator.calls() == {'describeCacheInstance': 1}

    made = run(emulator, **emulator.connection(instance_id=instance_id, maintenance_window='02:00-04:00 +0800'))
    assert not made.failed, made.result
    assert made.changed and made.result['changes'] == ['maintenance_window']
    assert sdk_window(sdk_client, instance_id) == ('18:00Z', '20:00Z')

    for same in ('18:00-20:00 +0000', '13:00-15:00 -0500', '18:00-20:00 UTC', '02:00-04:00'):
        emulator.admin.reset(state=False)
        again = run(emulator, diff=True, **emulator.connection(instance_id=instance_id, maintenance_window=same))
        assert not again.failed, again.result
        assert not again.changed and again.result['changes'] == [], same
        assert emulator.calls() == {'describeCacheInstance': 1}
        assert emulator.writes() == 0


def test_window_across_midnight_and_a_zone_with_minutes(emulator, sdk_client):
    instance_id = sdk_client.create('window_two')
    made = run(emulator, **emulator.connection(instance_id=instance_id, maintenance_window='05:00-07:00 +0530'))
    assert not made.failed, made.result
    assert sdk_window(sdk_client, instance_id) == ('23:30Z', '01:30Z')
    assert made.result['maintenance_window'] == '23:30-01:30 +0000'
    emulator.admin.reset(state=False)
    again = run(emulator, **emulator.connection(instance_id=instance_id, maintenance_window='07:00-09:00 +0730'))
    assert not again.failed and not again.changed, again.result
    assert emulator.writes() == 0
    moved = run(emulator, **emulator.connection(instance_id=instance_id, maintenance_window='08:00-09:00 +0730'))
    assert not moved.failed and moved.changed, moved.result
    assert sdk_window(sdk_client, instance_id) == ('00:30Z', '01:30Z')
    assert emulator.calls()['maintenanceTime'] == 1


def test_bad_window_is_refused_naming_the_option_before_any_call(emulator, sdk_client):
    instance_id = sdk_client.create('window_three')
    emulator.admin.reset(state=False)
    for bad in ('25:00-26:00', '01:00-01:00', '01:30-02:30', 'tonight', '01:00-02:00 +1500'):
        refused = run(emulator, **emulator.connection(instance_id=instance_id, maintenance_window=bad))
        assert refused.failed, bad
        assert refused.result['msg'].startswith('maintenance_window '), refused.result['msg']
        assert refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
        assert 'Traceback' not in refused.stderr
    assert emulator.calls() == {}


def test_create_with_a_window(emulator, sdk_client):
    created = run(emulator, **emulator.instance_args('window_four', maintenance_window='03:00-05:00 +0800'))
    assert not created.failed, created.result
    assert created.result['changes'] == ['create', 'maintenance_window']
    instance_id = created.result['instance']['id']
    assert sdk_window(sdk_client, instance_id) == ('19:00Z', '21:00Z')


def test_fleet_entry_takes_a_window(emulator, sdk_client):
    instance_id = sdk_client.create('window_five')
    entry = dict(name='window_five', maintenance_window='02:00-03:00 +0800')
    fleet = run(emulator, module='jcs_redis_fleet', **emulator.connection(instances=[entry]))
    assert not fleet.failed, fleet.result
    assert sdk_window(sdk_client, instance_id) == ('18:00Z', '19:00Z')
    assert fleet.result['instances'][0]['instance']['maintenance_window'] == '18:00-19:00 +0000'
    emulator.admin.reset(state=False)
    again = run(emulator, module='jcs_redis_fleet', **emulator.connection(instances=[entry]))
    assert not again.failed and not again.changed, again.result
    assert emulator.writes() == 0


def test_the_returned_instance_has_the_window_written(emulator, sdk_client):
    # `instance` is the instance as the run leaves it: a window written by the run is in it, not the one read before
    created = run(emulator, **emulator.instance_args('window_six', maintenance_window='03:00-05:00 +0800'))
    assert not created.failed, created.result
    assert created.result['instance']['maintenance_window'] == '19:00-21:00 +0000'
    instance_id = created.result['instance']['id']
    for check_mode in (True, False):
        moved = run(
            emulator,
            check_mode=check_mode,
            **emulator.connection(instance_id=instance_id, maintenance_window='04:00-05:00 +0800'),
        )
        assert not moved.failed and moved.changed, moved.result
        assert moved.result['instance']['maintenance_window'] == '20:00-21:00 +0000', check_mode
    assert sdk_window(sdk_client, instance_id) == ('20:00Z', '21:00Z')
