"""jcs_redis_config run for real against the emulator over HTTP; the parameters are read back with the
official SDK, a client we did not write."""

from __future__ import annotations

import json

import pytest
from jdcloud_redis_emulator.admin import after
from modrunner import run_module

MODULE = 'jcs_redis_config'


def sdk_config(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeInstanceConfigRequest import DescribeInstanceConfigRequest

    response = sdk_client.client.send(
        DescribeInstanceConfigRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return {i['configName']: i['configValue'] for i in response.result['instanceConfig']}


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, emulator.connection(**args), check_mode=check_mode, diff=diff)


def writes(emulator):
    return emulator.calls().get('modifyInstanceConfig', 0)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('cfg_cache')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


TUNED = {'maxmemory-policy': 'allkeys-lru', 'slowlog-log-slower-than': 5000, 'hash-max-ziplist-entries': '1024'}


def test_set_one_parameter_then_unchanged_in_one_call(emulator, sdk_client, instance):
    first = run(emulator, instance_id=instance, parameters={'maxmemory-policy': 'allkeys-lru'})
    assert not first.failed, first.result
    assert first.changed and first.result['changes'] == ['maxmemory-policy']
    assert first.result['config']['maxmemory-policy'] == 'allkeys-lru'
    assert first.result['config']['hash-max-ziplist-entries'] == '512'  # the full configuration
    # read, check the instance runs, one write, wait for it to run again, read the values in the API's form
    assert emulator.calls() == {'describeInstanceConfig': 2, 'describeCacheInstance': 2, 'modifyInstanceConfig': 1}
    assert sdk_config(sdk_client, instance)['maxmemory-policy'] == 'allkeys-lru'

    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, parameters={'maxmemory-policy': 'allkeys-lru'})
    assert not again.failed and not again.changed and again.result['changes'] == []
    assert emulator.calls() == {'describeInstanceConfig': 1}


def test_several_parameters_in_one_write(emulator, sdk_client, instance):
    changed = run(emulator, instance_id=instance, parameters=TUNED)
    assert changed.changed and changed.result['changes'] == sorted(TUNED)
    assert writes(emulator) == 1
    log = [e for e in emulator.admin.requests() if e['operation'] == 'modifyInstanceConfig']
    assert [e['status'] for e in log] == [200]
    config = sdk_config(sdk_client, instance)
    assert (config['maxmemory-policy'], config['slowlog-log-slower-than'], config['hash-max-ziplist-entries']) == (
        'allkeys-lru',
        '5000',
        '1024',
    )
    assert changed.result['config'] == config
    emulator.admin.reset(state=False)
    # numbers as strings or ints, any case of an allowed value, leading zeros: all the same values
    same = {'maxmemory-policy': 'ALLKEYS-LRU', 'slowlog-log-slower-than': '05000', 'hash-max-ziplist-entries': 1024}
    again = run(emulator, instance_id=instance, parameters=same)
    assert not again.failed and not again.changed, again.result
    assert emulator.calls() == {'describeInstanceConfig': 1}


def test_only_changed_parameters_are_written(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, parameters=TUNED)
    emulator.admin.reset(state=False)
    changed = run(emulator, instance_id=instance, parameters=dict(TUNED, **{'list-compress-depth': 2}))
    assert changed.changed and changed.result['changes'] == ['list-compress-depth']
    sent = emulator.server.store.config.describe('cn-north-1', instance)
    assert {i['configName']: i['configValue'] for i in sent['instanceConfig']}['list-compress-depth'] == '2'


def test_keyspace_events_compare_as_sets_of_flags(emulator, sdk_client, instance):
    first = run(emulator, instance_id=instance, parameters={'notify-keyspace-events': 'KEA'})
    assert first.changed and first.result['config']['notify-keyspace-events'] == 'AKE'  # read again once running
    assert sdk_config(sdk_client, instance)['notify-keyspace-events'] == 'AKE'  # the API's own form
    emulator.admin.reset(state=False)
    for same in ('AKE', 'EKA', 'KEg$lshzxe', 'KEAg', 'KKEEA'):
        again = run(emulator, instance_id=instance, parameters={'notify-keyspace-events': same})
        assert not again.failed and not again.changed, (same, again.result)
    assert writes(emulator) == 0
    fewer = run(emulator, instance_id=instance, parameters={'notify-keyspace-events': 'Ex'})
    assert fewer.changed and sdk_config(sdk_client, instance)['notify-keyspace-events'] == 'xE'
    off = run(emulator, instance_id=instance, parameters={'notify-keyspace-events': ''})
    assert off.changed and sdk_config(sdk_client, instance)['notify-keyspace-events'] == ''
    assert not run(emulator, instance_id=instance, parameters={'notify-keyspace-events': ''}).changed


def test_output_buffer_compares_only_the_classes_given(emulator, sdk_client):
    instance = sdk_client.create('cfg_six', redis_version='6.2')
    first = run(emulator, instance_id=instance, parameters={'client-output-buffer-limit': 'pubsub 64mb 16mb 120'})
    assert first.changed, first.result
    assert sdk_config(sdk_client, instance)['client-output-buffer-limit'] == (
        'normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 120'
    )
    assert (
        first.result['config']['client-output-buffer-limit']
        == sdk_config(sdk_client, instance)['client-output-buffer-limit']
    )
    for same in ('pubsub 67108864 16777216 120', 'PUBSUB 65536kb 16384KB 120', 'replica 256mb 64mb 60'):
        again = run(emulator, instance_id=instance, parameters={'client-output-buffer-limit': same})
        assert not again.failed and not again.changed, (same, again.result)


def test_unchanged_by_name_costs_two_calls(emulator, instance):
    assert run(emulator, instance_name='cfg_cache', parameters=TUNED).changed
    emulator.admin.reset(state=False)
    again = run(emulator, instance_name='cfg_cache', parameters=TUNED)
    assert not again.changed and again.result['instance_id'] == instance
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeInstanceConfig': 1}


def test_check_mode_predicts_and_writes_nothing(emulator, sdk_client, instance):
    predicted = run(emulator, instance_id=instance, parameters=TUNED, check_mode=True, diff=True)
    assert not predicted.failed and predicted.changed
    assert predicted.result['changes'] == sorted(TUNED)
    assert predicted.result['config']['slowlog-log-slower-than'] == '5000'
    assert predicted.result['diff'] == {
        'before': {
            'config': {
                'hash-max-ziplist-entries': '512',
                'maxmemory-policy': 'volatile-lru',
                'slowlog-log-slower-than': '10000',
            }
        },
        'after': {
            'config': {
                'hash-max-ziplist-entries': '1024',
                'maxmemory-policy': 'allkeys-lru',
                'slowlog-log-slower-than': '5000',
            }
        },
    }
    assert writes(emulator) == 0 and emulator.calls() == {'describeInstanceConfig': 1}
    assert sdk_config(sdk_client, instance)['maxmemory-policy'] == 'volatile-lru'


# Values the API reports in another form than they are given: check mode must predict that form.
REPORTED_FORMS = [
    ('4.0', 'notify-keyspace-events', 'KEA'),
    ('4.0', 'notify-keyspace-events', 'KEg$lshzxe'),
    ('4.0', 'notify-keyspace-events', 'xEg'),
    ('5.0', 'notify-keyspace-events', 'EKtg$lshzxe'),
    ('6.2', 'notify-keyspace-events', 'mAK'),
    ('6.2', 'notify-keyspace-events', 'dmEt'),
    ('7.2', 'notify-keyspace-events', 'EnKg'),
    ('7.2', 'notify-keyspace-events', 'mnEA'),
    ('4.0', 'maxmemory-policy', 'ALLKEYS-LRU'),
    ('4.0', 'slowlog-log-slower-than', '+05000'),
    ('6.2', 'client-output-buffer-limit', 'PUBSUB 64mb 16MB 120 replica 1gb 1k 0'),
]


@pytest.mark.parametrize('version, name, value', REPORTED_FORMS)
def test_check_mode_predicts_the_value_as_the_api_reports_it(emulator, sdk_client, version, name, value):
    instance = sdk_client.create('cfg_forms', redis_version=version)
    parameters = {name: value}
    predicted = run(emulator, instance_id=instance, parameters=parameters, check_mode=True, diff=True)
    assert not predicted.failed and predicted.changed, predicted.result
    assert writes(emulator) == 0
    quick = run(emulator, instance_id=instance, parameters=parameters, wait=False, diff=True)
    assert not quick.failed and quick.changed, quick.result
    reported = sdk_config(sdk_client, instance)[name]
    assert predicted.result['diff']['after']['config'][name] == reported, (value, reported)
    assert predicted.result['config'][name] == reported
    # without wait the module does not read again: its result is the prediction, which must hold too
    assert quick.result['config'][name] == quick.result['diff']['after']['config'][name] == reported
    assert run(emulator, instance_id=instance, parameters=parameters, check_mode=True).changed is False


def test_new_key_events_beside_all_classes_are_set_once_with_a_warning(emulator, sdk_client):
    # Redis 7 does not report n beside A: the value is compared as it can be read back
    instance = sdk_client.create('cfg_seven', redis_version='7.2')
    first = run(emulator, instance_id=instance, parameters={'notify-keyspace-events': 'AKEn'})
    assert first.changed and first.result['config']['notify-keyspace-events'] == 'AKE'
    assert 'does not report n beside A' in json.dumps(first.result.get('warnings', [])), first.result.get('warnings')
    sent = [e for e in emulator.admin.requests() if e['operation'] == 'modifyInstanceConfig']
    assert len(sent) == 1
    again = run(emulator, instance_id=instance, parameters={'notify-keyspace-events': 'AKEn'})
    assert not again.failed and not again.changed, again.result
    assert writes(emulator) == 1
    assert sdk_config(sdk_client, instance)['notify-keyspace-events'] == 'AKE'


def test_diff_shows_only_the_changed_parameters(emulator, instance):
    run(emulator, instance_id=instance, parameters=TUNED)
    changed = run(emulator, instance_id=instance, parameters=dict(TUNED, **{'zset-max-ziplist-value': 128}), diff=True)
    assert changed.result['diff'] == {
        'before': {'config': {'zset-max-ziplist-value': '64'}},
        'after': {'config': {'zset-max-ziplist-value': '128'}},
    }
    unchanged = run(emulator, instance_id=instance, parameters=TUNED, diff=True)
    assert unchanged.result['diff'] == {'before': {'config': {}}, 'after': {'config': {}}}


def test_reset_unlisted_sets_other_parameters_to_their_defaults(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, parameters=dict(TUNED, **{'notify-keyspace-events': 'Ex'}))
    emulator.admin.reset(state=False)
    reset = run(emulator, instance_id=instance, reset_unlisted=True, parameters={'maxmemory-policy': 'allkeys-lru'})
    assert reset.changed and reset.result['changes'] == [
        'hash-max-ziplist-entries',
        'notify-keyspace-events',
        'slowlog-log-slower-than',
    ]
    assert writes(emulator) == 1
    config = sdk_config(sdk_client, instance)
    assert config['maxmemory-policy'] == 'allkeys-lru' and config['slowlog-log-slower-than'] == '10000'
    assert config['notify-keyspace-events'] == '' and config['hash-max-ziplist-entries'] == '512'
    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, reset_unlisted=True, parameters={'maxmemory-policy': 'allkeys-lru'})
    assert not again.changed and emulator.calls() == {'describeInstanceConfig': 1}


@pytest.mark.parametrize(
    'parameters, words',
    [
        (
            {'maxmemory-polcy': 'allkeys-lru'},
            ['parameters.maxmemory-polcy', 'did you mean maxmemory-policy', 'supports:'],
        ),
        ({'maxmemory': '1gb'}, ['parameters.maxmemory', 'does not support', 'maxmemory-policy']),
        ({'list-max-ziplist-entries': 10}, ['parameters.list-max-ziplist-entries', 'does not support']),
        ({'maxmemory-policy': 'lru'}, ['parameters.maxmemory-policy', 'one of', 'allkeys-lfu']),
        ({'hash-max-ziplist-entries': 10001}, ['parameters.hash-max-ziplist-entries', 'between 0 and 10000']),
        ({'list-max-ziplist-size': '-6'}, ['parameters.list-max-ziplist-size', 'between -5 and 10000']),
        ({'slowlog-log-slower-than': 1.5}, ['parameters.slowlog-log-slower-than', 'whole number']),
        ({'slowlog-log-slower-than': '10 ms'}, ['parameters.slowlog-log-slower-than', 'whole number']),
        ({'notify-keyspace-events': 'KEt'}, ['parameters.notify-keyspace-events', "'t'", 'combination']),
        ({'set-max-intset-entries': 1, 'zset-max-ziplist-value': 'x'}, ['parameters.zset-max-ziplist-value']),
        ({'x' * 5000: 1}, ['parameters.', 'has no such parameter']),
    ],
)
def test_bad_names_and_values_are_refused_before_any_write(emulator, instance, parameters, words):
    refused = run(emulator, instance_id=instance, parameters=parameters)
    assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
    assert all(word in refused.result['msg'] for word in words), refused.result['msg']
    assert len(refused.result['msg']) < 2000
    assert 'Traceback' not in refused.stdout + refused.stderr
    assert writes(emulator) == 0 and emulator.calls() == {'describeInstanceConfig': 1}


@pytest.mark.parametrize(
    'parameters, option',
    [
        ({'maxmemory-policy': None}, 'parameters.maxmemory-policy must have a value'),
        (
            {'notify-keyspace-events': True},
            'parameters.notify-keyspace-events must be a string or a number, got a boolean',
        ),
        ({'slowlog-log-slower-than': [1]}, 'parameters.slowlog-log-slower-than must be a string or a number'),
        ({'slowlog-log-slower-than': {'a': 1}}, 'parameters.slowlog-log-slower-than must be a string or a number'),
    ],
)
def test_values_of_no_parameter_are_refused_before_any_call(emulator, instance, parameters, option):
    refused = run(emulator, instance_id=instance, parameters=parameters)
    assert refused.failed and option in refused.result['msg'], refused.result
    assert emulator.admin.stats()['total_calls'] == 0


def test_null_instance_options_are_refused_before_any_call(emulator, instance):
    for module, extra in (('jcs_redis_config', dict(parameters=TUNED)), ('jcs_redis_whitelist', dict(groups=[]))):
        refused = run_module(module, emulator.connection(instance_name=None, **extra))
        assert refused.failed and 'instance_id and instance_name' in refused.result['msg'], refused.result
    assert emulator.admin.stats()['total_calls'] == 0


def test_2_8_instance_has_its_own_catalogue(emulator, sdk_client):
    old = sdk_client.create('cfg_old', instance_class='redis.m1.micro.basic', redis_version='2.8')
    refused = run(emulator, instance_id=old, parameters={'notify-keyspace-events': 'Ex'})
    assert refused.failed and 'does not support' in refused.result['msg']
    refused = run(emulator, instance_id=old, parameters={'maxmemory-policy': 'allkeys-lfu'})
    assert refused.failed and 'one of' in refused.result['msg']
    assert run(emulator, instance_id=old, parameters={'list-max-ziplist-entries': 256}).changed


def test_a_parameter_jd_manages_is_not_mistaken_for_a_misspelling(emulator, instance):
    refused = run(emulator, instance_id=instance, parameters={'maxmemory': '2gb'})
    assert refused.failed and 'does not support' in refused.result['msg']
    assert 'did you mean' not in refused.result['msg']


def test_7_2_instance_names_the_listpack_parameters(emulator, sdk_client):
    newest = sdk_client.create('cfg_newest', redis_version='7.2')
    refused = run(emulator, instance_id=newest, parameters={'hash-max-ziplist-entries': 256})
    assert refused.failed and 'does not support' in refused.result['msg']
    assert 'did you mean hash-max-listpack-entries?' in refused.result['msg']
    changed = run(emulator, instance_id=newest, parameters={'hash-max-listpack-entries': 256})
    assert changed.changed and changed.result['config']['hash-max-listpack-entries'] == '256'


def test_instance_not_found(emulator):
    by_id = run(emulator, instance_id='redis-000000000000', parameters=TUNED)
    assert by_id.failed and by_id.result['error']['status'] == 'NOT_FOUND'
    assert 'redis-000000000000' in by_id.result['msg']
    by_name = run(emulator, instance_name='no_such_cache', parameters=TUNED)
    assert by_name.failed and by_name.result['error']['status'] == 'NOT_FOUND'
    assert writes(emulator) == 0


def test_busy_instance_without_wait_fails_with_its_status(emulator, instance):
    emulator.admin.force_status(instance, 'changing')
    refused = run(emulator, instance_id=instance, parameters=TUNED, wait=False)
    assert refused.failed and 'changing' in refused.result['msg'] and 'wait' in refused.result['msg']
    assert refused.result['error']['status'] == 'INSTANCE_NOT_RUNNING' and writes(emulator) == 0


def test_busy_instance_is_waited_for_then_changed(emulator, sdk_client, instance):
    emulator.admin.force_status(instance, 'changing')
    # running again once the module has seen it changing
    emulator.admin.force_status_after(instance, 'running', after('describeCacheInstance'))
    changed = run(emulator, instance_id=instance, parameters=TUNED, wait_timeout=60)
    assert not changed.failed and changed.changed, changed.result
    log = [e for e in emulator.admin.requests() if e['operation'] == 'modifyInstanceConfig']
    assert [e['status'] for e in log] == [200]  # not one refused write
    assert sdk_config(sdk_client, instance)['maxmemory-policy'] == 'allkeys-lru'


def test_waits_while_configuring(emulator, instance):
    emulator.admin.hold('config')
    emulator.admin.release(after=after('describeCacheInstance', since='modifyInstanceConfig'))
    changed = run(emulator, instance_id=instance, parameters=TUNED)
    assert not changed.failed and changed.changed
    log = [e for e in emulator.admin.requests() if e['operation']]
    after_write = [e['operation'] for e in log][[e['operation'] for e in log].index('modifyInstanceConfig') :]
    assert after_write.count('describeCacheInstance') >= 2  # it polled until running
    assert emulator.instances()[instance]['status'] == 'running'  # it runs when the module returns

    # wait: false returns as soon as the change is accepted
    emulator.admin.reset(state=False)
    emulator.admin.hold('config')
    quick = run(
        emulator,
        instance_id=instance,
        parameters={'list-compress-depth': 1, 'notify-keyspace-events': 'KEA'},
        wait=False,
    )
    assert quick.changed and emulator.instances()[instance]['status'] == 'configuring'
    assert quick.result['config']['notify-keyspace-events'] == 'AKE'  # not read again: as the API will report it
    assert emulator.calls() == {'describeInstanceConfig': 1, 'describeCacheInstance': 1, 'modifyInstanceConfig': 1}
    # a second change waits for the first to finish, and times out here
    late = run(emulator, instance_id=instance, parameters={'list-compress-depth': 2}, wait_timeout=1)
    assert late.failed and late.result['error']['status'] == 'WAIT_TIMEOUT' and 'configuring' in late.result['msg']
    assert writes(emulator) == 1


def test_unchanged_run_by_id_imports_no_instance_code(emulator, instance):
    assert run(emulator, instance_id=instance, parameters=TUNED).changed
    again = run_module(
        MODULE, emulator.connection(instance_id=instance, parameters=TUNED), env={'PYTHONPROFILEIMPORTTIME': '1'}
    )
    assert not again.failed and not again.changed, again.result
    assert 'module_utils._parameters' in again.stderr
    assert 'module_utils._instance' not in again.stderr


# -- jcs_redis_info include: [config] ------------------------------------------------


def test_info_includes_the_config_in_the_module_shape(emulator, sdk_client, instance):
    old = sdk_client.create('cfg_old', instance_class='redis.m1.micro.basic', redis_version='2.8')
    set_by_module = run(emulator, instance_id=instance, parameters=TUNED).result['config']
    old_config = sdk_config(sdk_client, old)
    emulator.admin.seed(10, name_prefix='cfg_seed')
    emulator.admin.reset(state=False)
    info = run_module('jcs_redis_info', emulator.connection(include=['config']))
    assert not info.failed, info.result
    by_id = {i['id']: i for i in info.result['instances']}
    assert len(by_id) == 12
    assert by_id[instance]['config'] == set_by_module
    assert by_id[old]['config'] == old_config and 'notify-keyspace-events' not in by_id[old]['config']
    assert all('whitelist' not in i for i in by_id.values())
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeInstanceConfig': 12}

    emulator.admin.reset(state=False)
    both = run_module('jcs_redis_info', emulator.connection(name='cfg_cache', include=['config', 'whitelist']))
    found = both.result['instances'][0]
    assert found['config'] == set_by_module and found['whitelist'] == [{'name': 'default', 'ips': ['0.0.0.0/0']}]
    assert emulator.calls() == {'describeCacheInstances': 1, 'describeInstanceConfig': 1, 'describeWhiteListGroup': 1}
