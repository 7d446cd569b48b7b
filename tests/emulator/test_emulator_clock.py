"""The admin controls of time (/_emulator/clock, /hold, /release, "after"), over HTTP with the admin client and a
signing API client: transitions complete when the test says so, never after a real wait."""

from __future__ import annotations

import json
import urllib.request

import pytest
import sigv
from emu_helpers import create_body
from jdcloud_redis_emulator import AdminClient, Emulator
from jdcloud_redis_emulator.admin import AdminError, after

BASE = '/regions/cn-north-1/cacheInstance'
ALL = ['create', 'resize', 'delete', 'config', 'restore', 'backup', 'upgrade']


def status(api, instance_id):
    resp = api.call('GET', BASE + '/' + instance_id)
    return resp.result['cacheInstance']['cacheInstanceStatus'] if resp.status == 200 else resp.status


def backup_status(api, instance_id, base_id):
    return api.call('GET', '%s/%s/backup/%s' % (BASE, instance_id, base_id)).result['backupStatus']


def test_a_frozen_clock_stands_still_and_advances_only_when_told(api, emulator, make_instance):
    start = emulator.admin.freeze()
    assert set(start) == {'now', 'time', 'offset', 'frozen'} and start['frozen'] is True
    assert emulator.admin.clock()['now'] == start['now']
    moved = emulator.admin.advance(7200)
    assert moved['now'] == start['now'] + 7200 and moved['offset'] == 7200
    # the emulator's times come from its clock; signatures are still checked against the machine's clock
    instance_id = make_instance()
    created = api.call('GET', BASE + '/' + instance_id).result['cacheInstance']['createTime']
    assert created == moved['time']
    thawed = emulator.admin.freeze(False)
    assert thawed['frozen'] is False and thawed['now'] >= moved['now']
    emulator.admin.reset(state=True)
    assert emulator.admin.clock()['offset'] == 0 and emulator.admin.clock()['frozen'] is False


def test_advancing_the_clock_completes_each_delayed_transition_exactly_at_its_delay(api, emulator, make_instance):
    emulator.admin.freeze()
    emulator.admin.config(create_delay=600, resize_delay=60, delete_delay=30)
    instance_id = make_instance()
    emulator.admin.advance(599.5)
    assert status(api, instance_id) == 'creating'
    emulator.admin.advance(0.5)
    assert status(api, instance_id) == 'running'
    body = {'cacheInstanceClass': 'redis.m.small.basic'}
    assert api.call('POST', BASE + '/' + instance_id + ':modifyCacheInstanceClass', body=body).status == 200
    emulator.admin.advance(59)
    assert status(api, instance_id) == 'changing'
    emulator.admin.advance(1)
    assert status(api, instance_id) == 'running'
    assert api.call('DELETE', BASE + '/' + instance_id).status == 200
    emulator.admin.advance(29)
    assert status(api, instance_id) == 'deleting'
    emulator.admin.advance(1)
    assert status(api, instance_id) == 404


def test_held_transitions_wait_for_release_whatever_their_delay(api, emulator, make_instance):
    assert emulator.admin.hold() == {'transitions': ALL, 'held': [], 'scheduled': []}
    first, second = make_instance(), make_instance(cacheInstanceName='second')
    assert (status(api, first), status(api, second)) == ('creating', 'creating')
    held = emulator.admin.held()['held']
    assert sorted(held, key=lambda h: h['id'] != first) == [
        {'id': first, 'region': 'cn-north-1', 'transition': 'create', 'status': 'creating'},
        {'id': second, 'region': 'cn-north-1', 'transition': 'create', 'status': 'creating'},
    ]
    assert emulator.admin.release('resize')['released'] == []  # only the kinds named
    released = emulator.admin.release(ids=[first])['released']
    assert [h['id'] for h in released] == [first]
    assert (status(api, first), status(api, second)) == ('running', 'creating')
    assert emulator.admin.release()['released'][0]['id'] == second
    assert status(api, second) == 'running'

    # every kind of transition: resize, config, backup, restore, delete
    resize = {'cacheInstanceClass': 'redis.m.small.basic'}
    assert api.call('POST', BASE + '/' + first + ':modifyCacheInstanceClass', body=resize).status == 200
    assert status(api, first) == 'changing'
    emulator.admin.release('resize')
    instance = api.call('GET', BASE + '/' + first).result['cacheInstance']
    assert (instance['cacheInstanceStatus'], instance['cacheInstanceClass']) == ('running', 'redis.m.small.basic')

    config = {'instanceConfig': [{'configName': 'maxmemory-policy', 'configValue': 'allkeys-lru'}]}
    assert api.call('POST', BASE + '/' + first + '/instanceConfig', body=config).status == 200
    assert status(api, first) == 'configuring'
    emulator.admin.release('config')
    assert status(api, first) == 'running'

    base_id = api.call('POST', BASE + '/' + first + '/backup', body={'fileName': 'held', 'backupType': 1})
    base_id = base_id.result['baseId']
    assert backup_status(api, first, base_id) == 0
    assert emulator.admin.held()['held'] == [
        {'id': first, 'region': 'cn-north-1', 'transition': 'backup', 'status': 'running', 'baseId': base_id}
    ]
    emulator.admin.release('backup')
    assert backup_status(api, first, base_id) == 2

    assert api.call('POST', BASE + '/' + first + '/restore', body={'baseId': base_id}).status == 200
    assert status(api, first) == 'restoring'
    emulator.admin.release('restore')
    assert status(api, first) == 'running'

    assert api.call('DELETE', BASE + '/' + first).status == 200
    assert status(api, first) == 'deleting'
    emulator.admin.release('delete')
    assert status(api, first) == 404


def test_holding_only_some_kinds_and_stopping(api, emulator, make_instance):
    emulator.admin.hold('delete')
    instance_id = make_instance()
    assert status(api, instance_id) == 'running'  # creates are not held
    assert api.call('DELETE', BASE + '/' + instance_id).status == 200
    assert status(api, instance_id) == 'deleting'
    assert emulator.admin.hold_none()['transitions'] == []
    # stopping holds releases nothing: what is held stays so until released
    assert status(api, instance_id) == 'deleting'
    emulator.admin.release()
    assert status(api, instance_id) == 404


def test_a_release_after_the_nth_answer_is_seen_by_the_next_answer(api, emulator, make_instance):
    emulator.admin.hold('create')
    instance_id = make_instance()
    scheduled = emulator.admin.release('create', after=after('describeCacheInstance', 2))
    assert scheduled == {
        'scheduled': {
            'release': {'transitions': ['create'], 'ids': None},
            'after': {'operation': 'describeCacheInstance', 'answers': 2, 'since': None, 'since_answers': 1},
        }
    }
    assert emulator.admin.held()['scheduled'] == [
        {
            'release': {'transitions': ['create'], 'ids': None},
            'after': {
                'operation': 'describeCacheInstance',
                'answers_to_come': 2,
                'waiting_for': None,
                'since_answers_to_come': 1,
            },
        }
    ]
    api.call('GET', BASE)  # another operation does not count
    assert [status(api, instance_id) for dummy in range(3)] == ['creating', 'creating', 'running']
    assert emulator.admin.held() == {'transitions': ['create'], 'held': [], 'scheduled': []}


def test_since_counts_only_the_answers_after_another_operation(api, emulator, make_instance):
    instance_id = make_instance()
    emulator.admin.hold('resize')
    emulator.admin.release(after=after('describeCacheInstance', since='modifyCacheInstanceClass'))
    assert emulator.admin.held()['scheduled'][0]['after']['waiting_for'] == 'modifyCacheInstanceClass'
    assert [status(api, instance_id) for dummy in range(2)] == ['running', 'running']  # before the resize
    resize = {'cacheInstanceClass': 'redis.m.small.basic'}
    assert api.call('POST', BASE + '/' + instance_id + ':modifyCacheInstanceClass', body=resize).status == 200
    assert [status(api, instance_id) for dummy in range(2)] == ['changing', 'running']


def test_since_answers_counts_from_the_nth_answer_of_the_other_operation(api, emulator, make_instance):
    """The first listing after the third describe, however many listings came between the describes."""
    instance_id = make_instance()
    emulator.admin.hold('create')
    emulator.admin.release(after=after('describeCacheInstances', since='describeCacheInstance', since_answers=3))
    held = make_instance()
    for _dummy in range(2):
        assert status(api, held) == 'creating'
        api.call('GET', BASE)  # listings between the describes do not count
    assert emulator.admin.held()['scheduled'][0]['after']['since_answers_to_come'] == 1
    assert status(api, instance_id) == 'running'  # the third describe
    assert status(api, held) == 'creating'  # describes do not count, and the listing has not come yet
    api.call('GET', BASE)
    assert status(api, held) == 'running'
    assert emulator.admin.held()['scheduled'] == []


def test_advance_and_forced_status_after_an_answer(api, emulator, make_instance):
    emulator.admin.freeze()
    emulator.admin.config(create_delay=60)
    instance_id = make_instance()
    emulator.admin.advance(60, after=after('describeCacheInstances'))
    assert status(api, instance_id) == 'creating'
    api.call('GET', BASE)
    assert status(api, instance_id) == 'running'

    emulator.admin.force_status_after(instance_id, 'error', after('describeCacheInstance'))
    assert [status(api, instance_id) for dummy in range(2)] == ['running', 'error']
    with pytest.raises(AdminError) as refused:
        emulator.admin.force_status_after('redis-000000000000', 'error', after('describeCacheInstance'))
    assert refused.value.code == 404


def test_a_status_forced_by_name_reaches_an_instance_created_after_it_was_asked(api, emulator, make_instance):
    emulator.admin.hold('create')
    emulator.admin.force_status_named('not_yet', 'deleting', after('describeCacheInstance'))
    instance_id = make_instance(cacheInstanceName='not_yet')
    assert [status(api, instance_id) for dummy in range(2)] == ['creating', 'deleting']
    assert emulator.admin.held()['held'] == []  # a forced status ends the held transition
    assert emulator.admin.force_status_named('not_yet', 'running') == {'ids': [instance_id]}
    assert emulator.admin.force_status_named('nobody', 'running') == {'ids': []}


def test_an_answer_refused_before_the_operation_does_not_count(api, emulator, make_instance):
    emulator.admin.hold('create')
    instance_id = make_instance()
    emulator.admin.release(after=after('describeCacheInstance'))
    api.send_raw('GET', '/v1' + BASE + '/' + instance_id, b'', {})  # unsigned: 401 before the operation
    emulator.admin.config(error_rate=1.0, fault_operations=['describeCacheInstance'])
    assert api.call('GET', BASE + '/' + instance_id).status in (500, 502, 503)
    emulator.admin.config(error_rate=0.0)
    assert [status(api, instance_id) for dummy in range(2)] == ['creating', 'running']


def test_reset_ends_holds_and_scheduled_actions(api, emulator, make_instance):
    emulator.admin.hold()
    instance_id = make_instance()
    emulator.admin.release(after=after('describeCacheInstance', 5))
    emulator.admin.reset(state=False)
    assert emulator.admin.held() == {
        'transitions': [],
        'held': [{'id': instance_id, 'region': 'cn-north-1', 'transition': 'create', 'status': 'creating'}],
        'scheduled': [],
    }
    emulator.admin.reset(state=True)
    assert emulator.admin.held() == {'transitions': [], 'held': [], 'scheduled': []}


@pytest.mark.parametrize(
    'path, body, message',
    [
        ('hold', {'transitions': ['reboot']}, 'transitions must be a list of: create, resize'),
        ('hold', {'kinds': ['create']}, 'unknown member kinds'),
        ('release', {'ids': 'redis-abc'}, 'ids must be a list'),
        ('release', {'after': {'operation': 'describeEverything'}}, 'after.operation must be one of'),
        ('release', {'after': {'operation': 'describeCacheInstance', 'answers': 0}}, 'after.answers must be'),
        ('release', {'after': 'describeCacheInstance'}, 'after must be an object'),
        ('release', {'after': {'operation': 'describeCacheInstance', 'since': 'x'}}, 'after.since must be one of'),
        (
            'release',
            {'after': {'operation': 'describeCacheInstance', 'since': 'createCacheInstance', 'since_answers': 0}},
            'after.since_answers must be',
        ),
        ('release', {'after': {'operation': 'describeCacheInstance', 'since_answers': 2}}, 'needs after.since'),
        ('clock', {'advance': -1}, 'advance must be a non-negative number'),
        ('clock', {'advance': True}, 'advance must be a non-negative number'),
        ('clock', {'frozen': 'yes'}, 'frozen must be a boolean'),
        ('instances/redis-abc/status', {'status': 'running', 'at': 3}, 'unknown member at'),
        ('status', {'status': 'running'}, 'name must be an instance name'),
        ('status', {'name': 'x', 'status': 'sleeping'}, 'status must be one of'),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(emulator, path, body, message):
    before = (emulator.admin.clock()['offset'], emulator.admin.held())
    with pytest.raises(AdminError) as refused:
        emulator.admin.call('POST', path, body)
    assert refused.value.code == 400 and message in refused.value.message, refused.value.message
    assert (emulator.admin.clock()['offset'], emulator.admin.held()) == before


def test_the_admin_endpoints_over_plain_http(emulator):
    request = urllib.request.Request(
        emulator.url + '/_emulator/hold',
        data=json.dumps({'transitions': ['create', 'delete']}).encode(),
        method='POST',
        headers={'Content-Type': 'application/json'},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {'transitions': ['create', 'delete'], 'held': [], 'scheduled': []}
    with urllib.request.urlopen(emulator.url + '/_emulator/clock', timeout=10) as response:
        assert json.loads(response.read())['frozen'] is False


def test_a_held_transition_completes_after_a_restart_from_the_state_file(tmp_path):
    state = str(tmp_path / 'state.json')
    with Emulator(state_file=state) as emu:
        AdminClient(emu.url).hold()
        api = sigv.Client(emu.url, emu.access_key, emu.secret_key)
        instance_id = api.call('POST', BASE, body=create_body()).result['cacheInstanceId']
        assert status(api, instance_id) == 'creating'
        api.close()
    # holds belong to the process that set them
    with Emulator(state_file=state) as emu:
        api = sigv.Client(emu.url, emu.access_key, emu.secret_key)
        assert status(api, instance_id) == 'running'
        assert AdminClient(emu.url).held() == {'transitions': [], 'held': [], 'scheduled': []}
        api.close()
