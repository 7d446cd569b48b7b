"""jcs_redis_instance with its settings (whitelist, backup_policy, config) beside it, run for real against the
emulator over HTTP; the settings are read back with the official SDK, a client we did not write."""

from __future__ import annotations

import json

from modrunner import run_module
from test_jcs_redis_config import sdk_config

MODULE = 'jcs_redis_instance'
SETTINGS = dict(
    whitelist=[dict(name='default', ips=['10.0.1.0/24']), dict(name='bastion', ips=['10.0.9.10'])],
    backup_policy=dict(auto_backup=True, backup_days=['Monday', 'Thursday'], backup_window='01:00-02:00'),
    config={'maxmemory-policy': 'allkeys-lru', 'slowlog-log-slower-than': 5000},
)
SETTING_READS = ('describeWhiteListGroup', 'describeBackupPolicy', 'describeInstanceConfig')


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, args, check_mode=check_mode, diff=diff)


def sdk_whitelist(sdk_client, instance_id):
    """{group: ips as the API holds them}."""
    from jdcloud_sdk.services.redis.apis.DescribeWhiteListGroupRequest import DescribeWhiteListGroupRequest

    response = sdk_client.client.send(
        DescribeWhiteListGroupRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return {g['name']: g['ips'] for g in response.result['whiteLists']}


def read_ops(emulator):
    return {k: v for k, v in emulator.calls().items() if k.startswith('describe') or k.startswith('list')}


def test_create_with_settings_then_unchanged_by_id_in_four_concurrent_reads(emulator, sdk_client):
    created = run(emulator, diff=True, **emulator.instance_args('whole_one', **SETTINGS))
    assert not created.failed, created.result
    assert created.changed
    assert created.result['changes'] == [
        'create',
        'whitelist',
        'backup_policy',
        'config.maxmemory-policy',
        'config.slowlog-log-slower-than',
    ]
    instance_id = created.result['instance']['id']
    assert sdk_whitelist(sdk_client, instance_id) == {'default': '10.0.1.0/24', 'bastion': '10.0.9.10'}
    config = sdk_config(sdk_client, instance_id)
    assert config['maxmemory-policy'] == 'allkeys-lru' and config['slowlog-log-slower-than'] == '5000'
    assert created.result['backup_policy']['backup_days'] == ['Monday', 'Thursday']
    assert created.result['whitelist'] == [
        dict(name='default', ips=['10.0.1.0/24']),
        dict(name='bastion', ips=['10.0.9.10']),
    ]
    assert 'Secr3tPassw0rd' not in json.dumps(created.result)

    emulator.admin.reset(state=False)
    start = emulator.last_seq()
    again = run(emulator, diff=True, **emulator.connection(instance_id=instance_id, **SETTINGS))
    assert not again.failed, again.result
    assert not again.changed and again.result['changes'] == []
    # one process, 1 + 3 calls, no write
    assert emulator.calls() == {
        'describeCacheInstance': 1,
        'describeWhiteListGroup': 1,
        'describeBackupPolicy': 1,
        'describeInstanceConfig': 1,
    }
    assert emulator.writes() == 0
    assert len([r for r in emulator.admin.requests() if r['seq'] > start]) == 4
    assert again.result['config']['maxmemory-policy'] == 'allkeys-lru'


def test_check_mode_and_diff_name_every_setting_and_write_nothing(emulator, sdk_client):
    instance_id = sdk_client.create('whole_two')
    emulator.admin.reset(state=False)
    planned = run(
        emulator,
        check_mode=True,
        diff=True,
        **emulator.connection(instance_id=instance_id, description='new text', **SETTINGS),
    )
    assert not planned.failed, planned.result
    assert planned.changed
    assert planned.result['changes'] == [
        'description',
        'whitelist',
        'backup_policy',
        'config.maxmemory-policy',
        'config.slowlog-log-slower-than',
    ]
    assert emulator.writes() == 0
    diff = planned.result['diff']
    assert diff['before']['config'] == {'maxmemory-policy': 'volatile-lru', 'slowlog-log-slower-than': '10000'}
    assert diff['after']['config'] == {'maxmemory-policy': 'allkeys-lru', 'slowlog-log-slower-than': '5000'}
    assert [g['name'] for g in diff['after']['whitelist']] == ['default', 'bastion']
    assert diff['after']['backup_policy']['backup_days'] == ['Monday', 'Thursday']
    assert sdk_whitelist(sdk_client, instance_id) == {'default': '0.0.0.0/0'}


def test_one_setting_changed_names_only_it(emulator, sdk_client):
    instance_id = sdk_client.create('whole_three')
    first = run(emulator, **emulator.connection(instance_id=instance_id, **SETTINGS))
    assert not first.failed and first.changed, first.result
    emulator.admin.reset(state=False)
    changed = run(
        emulator,
        **emulator.connection(instance_id=instance_id, **dict(SETTINGS, config={'maxmemory-policy': 'noeviction'})),
    )
    assert not changed.failed, changed.result
    assert changed.result['changes'] == ['config.maxmemory-policy']
    assert emulator.writes() == 1 and emulator.calls()['modifyInstanceConfig'] == 1
    assert sdk_config(sdk_client, instance_id)['maxmemory-policy'] == 'noeviction'


def test_bad_settings_are_refused_naming_the_option_before_any_call(emulator, sdk_client):
    instance_id = sdk_client.create('whole_four')
    emulator.admin.reset(state=False)
    cases = [
        (dict(whitelist=[dict(name='9bad', ips=['10.0.0.1'])]), 'whitelist[0].name'),
        (dict(whitelist=[dict(name='ok', ips=['10.0.0.300'])]), 'whitelist[0].ips'),
        (dict(whitelist=['default']), 'whitelist must be a list of dictionaries'),
        # ansible-core itself fails on these with a message that names no option ("dictionary requested")
        (dict(accounts=[dict(name='app', password='Planted_Pw_82'), 'x']), 'accounts must be a list of dictionaries'),
        (dict(backup_policy='nonsense'), 'backup_policy must be a dictionary with the keys auto_backup'),
        (dict(tls='on'), 'tls must be a dictionary with the keys'),
        (dict(backup_policy=dict(backup_days=['Funday'])), 'backup_policy.backup_days'),
        (dict(backup_policy=dict(backup_window='25:00-26:00')), 'backup_policy.backup_window'),
        (dict(config={'maxmemory-policy': True}), 'config.maxmemory-policy'),
    ]
    for settings, option in cases:
        refused = run(emulator, **emulator.connection(instance_id=instance_id, **settings))
        assert refused.failed, settings
        assert option in refused.result['msg'], refused.result['msg']
        assert refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
        assert 'Traceback' not in refused.stderr
        assert 'Planted_Pw_82' not in refused.stdout + refused.stderr
    assert emulator.calls() == {}
    # a parameter the instance does not have is refused from its catalogue, before any write
    unknown = run(emulator, **emulator.connection(instance_id=instance_id, config={'maxmemory-polic': 'x'}))
    assert unknown.failed and unknown.result['msg'].startswith('config.maxmemory-polic:'), unknown.result
    assert emulator.writes() == 0
    absent = run(emulator, **emulator.connection(name='whole_four', state='absent', config={'a': 1}))
    assert absent.failed and 'only apply with state: present' in absent.result['msg']
    assert emulator.writes() == 0


def test_failure_after_a_setting_write_keeps_changed_and_changes(emulator, sdk_client):
    instance_id = sdk_client.create('whole_five')
    emulator.admin.reset(state=False)
    # the white list is written first; the write of the parameters then fails (an answer of 5xx)
    emulator.admin.config(error_rate=1.0, fault_operations=['modifyInstanceConfig'])
    try:
        result = run(
            emulator,
            **emulator.connection(
                instance_id=instance_id,
                api_retries=0,
                whitelist=[dict(name='default', ips=['10.0.1.0/24'])],
                config={'maxmemory-policy': 'allkeys-lru'},
            ),
        )
    finally:
        emulator.admin.config(error_rate=0.0, fault_operations=None)
    assert result.failed, result.result
    assert result.result['changed'] is True
    assert result.result['changes'][0] == 'whitelist', result.result
    assert emulator.calls()['modifyWhiteListGroup'] == 1
    assert sdk_whitelist(sdk_client, instance_id) == {'default': '10.0.1.0/24'}
