"""Time-driven transitions (docs/dev/api-notes.md#lifecycle), on the emulator's frozen clock: each test advances it
to just before and to exactly the end of a delay, so that no test waits in real time."""

from __future__ import annotations

import pytest

BASE = '/regions/cn-north-1/cacheInstance/'
DELAY = 30


@pytest.fixture(autouse=True)
def frozen(emulator):
    emulator.admin.freeze()


def _status(api, instance_id):
    resp = api.call('GET', BASE + instance_id)
    return resp.result['cacheInstance'] if resp.status == 200 else resp.status


def _advance_to_the_end(emulator, api, instance_id, status):
    """Just before the delay ends the instance is still ``status``; at its end the transition completes."""
    emulator.admin.advance(DELAY - 0.5)
    assert _status(api, instance_id)['cacheInstanceStatus'] == status
    emulator.admin.advance(0.5)


def test_creating_then_running(api, emulator, make_instance):
    emulator.admin.config(create_delay=DELAY)
    instance_id = make_instance()
    assert _status(api, instance_id)['cacheInstanceStatus'] == 'creating'
    listed = api.call('GET', '/regions/cn-north-1/cacheInstance').result['cacheInstances']
    assert listed[0]['cacheInstanceStatus'] == 'creating'
    _advance_to_the_end(emulator, api, instance_id, 'creating')
    assert _status(api, instance_id)['cacheInstanceStatus'] == 'running'


def test_changing_then_running_with_new_class(api, emulator, make_instance):
    emulator.admin.config(resize_delay=DELAY)
    instance_id = make_instance()
    resp = api.call(
        'POST', BASE + instance_id + ':modifyCacheInstanceClass', body={'cacheInstanceClass': 'redis.m.medium.basic'}
    )
    assert resp.status == 200
    inst = _status(api, instance_id)
    # the new class is applied when the change completes
    assert (inst['cacheInstanceStatus'], inst['cacheInstanceClass'], inst['cacheInstanceMemoryMB']) == (
        'changing',
        'redis.m.micro.basic',
        1024,
    )
    _advance_to_the_end(emulator, api, instance_id, 'changing')
    inst = _status(api, instance_id)
    assert (inst['cacheInstanceStatus'], inst['cacheInstanceClass'], inst['cacheInstanceMemoryMB']) == (
        'running',
        'redis.m.medium.basic',
        4096,
    )


def test_deleting_then_gone(api, emulator, make_instance):
    emulator.admin.config(delete_delay=DELAY)
    instance_id = make_instance()
    assert api.call('DELETE', BASE + instance_id).status == 200
    assert _status(api, instance_id)['cacheInstanceStatus'] == 'deleting'
    assert api.call('GET', '/regions/cn-north-1/quota').result['quota']['used'] == 1
    assert api.call('DELETE', BASE + instance_id).status == 400  # already deleting
    _advance_to_the_end(emulator, api, instance_id, 'deleting')
    assert _status(api, instance_id) == 404
    assert api.call('GET', '/regions/cn-north-1/quota').result['quota']['used'] == 0
    assert api.call('GET', '/regions/cn-north-1/cacheInstance').result['totalCount'] == 0
    assert emulator.admin.stats()['instances'] == 0


def test_zero_delays_are_instant(api, make_instance):
    instance_id = make_instance()
    assert _status(api, instance_id)['cacheInstanceStatus'] == 'running'
    assert api.call('DELETE', BASE + instance_id).status == 200
    assert _status(api, instance_id) == 404


def test_forced_status_stays(api, emulator, make_instance):
    emulator.admin.config(create_delay=DELAY)
    instance_id = make_instance()
    emulator.admin.force_status(instance_id, 'error')
    emulator.admin.advance(DELAY * 2)
    assert _status(api, instance_id)['cacheInstanceStatus'] == 'error'
    emulator.admin.force_status(instance_id, 'running')
    assert _status(api, instance_id)['cacheInstanceStatus'] == 'running'
