"""--state-file: the state survives a restart, without passwords in clear."""

from __future__ import annotations

import json
import os

import sigv
from emu_helpers import PASSWORD, create_body
from jdcloud_redis_emulator import AdminClient, Emulator

BASE = '/regions/cn-north-1/cacheInstance'


def _client(emu):
    return sigv.Client(emu.url, emu.access_key, emu.secret_key)


def test_state_survives_restart(tmp_path):
    state = str(tmp_path / 'state.json')
    with Emulator(state_file=state, create_delay=60) as emu:
        api = _client(emu)
        plain = api.call('POST', BASE, body=create_body(cacheInstanceName='kept')).result['cacheInstanceId']
        prepaid = api.call(
            'POST',
            BASE,
            body=create_body(
                cacheInstanceName='prepaid',
                password='',
                charge={'chargeMode': 'prepaid_by_duration', 'chargeDuration': 2},
            ),
        )
        prepaid = prepaid.result['cacheInstanceId']
        AdminClient(emu.url).set_quota('cn-east-2', 7)
        before = {i: api.call('GET', BASE + '/' + i).result['cacheInstance'] for i in (plain, prepaid)}
        assert before[plain]['cacheInstanceStatus'] == 'creating'
        api.close()
    assert not [f for f in os.listdir(str(tmp_path)) if f != 'state.json']  # atomic rename leaves no temp file
    with open(state, encoding='utf-8') as handle:
        text = handle.read()
    assert PASSWORD not in text
    json.loads(text)

    with Emulator(state_file=state) as emu:
        api = _client(emu)
        # the pending creating -> running transition is kept as a time, and falls due when that time comes
        assert api.call('GET', BASE + '/' + plain).result['cacheInstance']['cacheInstanceStatus'] == 'creating'
        AdminClient(emu.url).advance(60)
        after = {i: api.call('GET', BASE + '/' + i).result['cacheInstance'] for i in (plain, prepaid)}
        for instance_id in (plain, prepaid):
            assert after[instance_id] == dict(before[instance_id], cacheInstanceStatus='running')
        admin = AdminClient(emu.url)
        assert admin.check_password(plain, PASSWORD) and not admin.check_password(plain, 'Wrong1234')
        assert admin.check_password(prepaid, '')
        assert api.call('GET', '/regions/cn-east-2/quota', 'cn-east-2').result['quota']['max'] == 7
        assert api.call('DELETE', BASE + '/' + plain).status == 200
        api.close()
    with Emulator(state_file=state) as emu:
        api = _client(emu)
        assert api.call('GET', BASE + '/' + plain).status == 404
        assert api.call('GET', BASE).result['totalCount'] == 1
        api.close()


def test_seed_only_fills_an_empty_state(tmp_path):
    state = str(tmp_path / 'state.json')
    with Emulator(state_file=state, seed=12) as emu:
        assert AdminClient(emu.url).stats()['instances'] == 12
    with Emulator(state_file=state, seed=12) as emu:
        assert AdminClient(emu.url).stats()['instances'] == 12


def test_without_state_file_nothing_survives():
    with Emulator() as emu:
        api = _client(emu)
        assert api.call('POST', BASE, body=create_body()).status == 200
        api.close()
    with Emulator() as emu:
        api = _client(emu)
        assert api.call('GET', BASE).result['totalCount'] == 0
        api.close()


def test_white_list_groups_survive_restart(tmp_path):
    state = str(tmp_path / 'state.json')
    with Emulator(state_file=state) as emu:
        api = _client(emu)
        instance_id = api.call('POST', BASE, body=create_body()).result['cacheInstanceId']
        groups = BASE + '/' + instance_id + '/whiteListGroup'
        assert api.call('POST', groups, body={'name': 'apps', 'ips': '10.0.0.0/8'}).status == 200
        assert api.call('PUT', groups, body={'name': 'default', 'ips': '192.168.1.1'}).status == 200
        api.close()
    with Emulator(state_file=state) as emu:
        api = _client(emu)
        assert api.call('GET', groups).result['whiteLists'] == [
            {'name': 'default', 'ips': '192.168.1.1'},
            {'name': 'apps', 'ips': '10.0.0.0/8'},
        ]
        api.close()


def test_engine_parameters_survive_restart(tmp_path):
    state = str(tmp_path / 'state.json')
    with Emulator(state_file=state) as emu:
        api = _client(emu)
        instance_id = api.call('POST', BASE, body=create_body()).result['cacheInstanceId']
        config = BASE + '/' + instance_id + '/instanceConfig'
        items = [
            {'configName': 'maxmemory-policy', 'configValue': 'allkeys-lfu'},
            {'configName': 'notify-keyspace-events', 'configValue': 'Ex'},
        ]
        assert api.call('POST', config, body={'instanceConfig': items}).status == 200
        api.close()
    with Emulator(state_file=state) as emu:
        api = _client(emu)
        values = {i['configName']: i['configValue'] for i in api.call('GET', config).result['instanceConfig']}
        assert (values['maxmemory-policy'], values['notify-keyspace-events']) == ('allkeys-lfu', 'xE')
        assert api.call('GET', BASE + '/' + instance_id).result['cacheInstance']['maxmemoryPolicy'] == 'allkeys-lfu'
        api.close()
