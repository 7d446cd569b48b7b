"""jcs_redis_disabled_commands run for real against the emulator over HTTP; the commands are read back with the
official SDK, a client we did not write."""

from __future__ import annotations

import threading

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_disabled_commands'


def sdk_disabled(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.GetDisableCommandsRequest import GetDisableCommandsRequest

    response = sdk_client.client.send(
        GetDisableCommandsRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return sorted(c['commandName'] for c in response.result['disableCommandLists'])


def sdk_set(sdk_client, instance_id, **flags):
    from jdcloud_sdk.services.redis.apis.SetDisableCommandsRequest import SetDisableCommandsRequest

    items = [dict(commandName=name, isDisable=flag) for name, flag in flags.items()]
    response = sdk_client.client.send(
        SetDisableCommandsRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id, 'disableCommands': items})
    )
    assert response.error is None, vars(response.error)


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, emulator.connection(**args), check_mode=check_mode, diff=diff)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('dc_cache')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


def test_disable_then_unchanged_in_one_call(emulator, sdk_client, instance):
    first = run(emulator, instance_id=instance, commands=['flushall', 'KEYS', 'FlushAll'])
    assert not first.failed, first.result
    assert first.changed and first.result['changes'] == ['FLUSHALL', 'KEYS']
    assert first.result['disabled_commands'] == ['FLUSHALL', 'KEYS']
    # read, the catalogue (a command is to be disabled), the instance runs, one write, the read-back
    assert emulator.calls() == {
        'getDisableCommands': 2,
        'listDisableCommands': 1,
        'describeCacheInstance': 1,
        'setDisableCommands': 1,
    }
    assert sdk_disabled(sdk_client, instance) == ['FLUSHALL', 'KEYS']

    emulator.admin.reset(state=False)
    again = run(emulator, instance_id=instance, commands=['keys', 'flushall'])
    assert not again.failed and not again.changed and again.result['changes'] == []
    assert again.result['disabled_commands'] == ['FLUSHALL', 'KEYS']
    assert emulator.calls() == {'getDisableCommands': 1}
    # the one call is the read by id
    assert [r['operation'] for r in emulator.admin.requests()] == ['getDisableCommands']


def test_without_purge_others_stay_disabled(emulator, sdk_client, instance):
    sdk_set(sdk_client, instance, CONFIG=True)
    more = run(emulator, instance_id=instance, commands=['KEYS'])
    assert more.changed and more.result['changes'] == ['KEYS']
    assert more.result['disabled_commands'] == ['CONFIG', 'KEYS']
    assert sdk_disabled(sdk_client, instance) == ['CONFIG', 'KEYS']


def test_purge_disables_and_enables_in_one_call(emulator, sdk_client, instance):
    sdk_set(sdk_client, instance, CONFIG=True, KEYS=True, MONITOR=True)
    emulator.admin.reset(state=False)
    purged = run(emulator, instance_id=instance, commands=['keys', 'flushdb'], purge=True, diff=True)
    assert not purged.failed, purged.result
    assert purged.result['changes'] == ['CONFIG', 'FLUSHDB', 'MONITOR']
    assert purged.result['disabled_commands'] == ['FLUSHDB', 'KEYS']
    assert purged.result['diff'] == {
        'before': {'disabled_commands': ['CONFIG', 'KEYS', 'MONITOR']},
        'after': {'disabled_commands': ['FLUSHDB', 'KEYS']},
    }
    assert emulator.calls()['setDisableCommands'] == 1
    assert sdk_disabled(sdk_client, instance) == ['FLUSHDB', 'KEYS']

    emulator.admin.reset(state=False)
    everything = run(emulator, instance_id=instance, commands=[], purge=True)
    assert everything.changed and everything.result['disabled_commands'] == []
    # nothing to disable: the catalogue is not read
    assert emulator.calls() == {'getDisableCommands': 2, 'describeCacheInstance': 1, 'setDisableCommands': 1}
    assert sdk_disabled(sdk_client, instance) == []


def test_check_mode_predicts_and_writes_nothing(emulator, sdk_client, instance):
    sdk_set(sdk_client, instance, MONITOR=True)
    emulator.admin.reset(state=False)
    checked = run(emulator, instance_id=instance, commands=['FLUSHALL'], purge=True, check_mode=True, diff=True)
    assert not checked.failed and checked.changed, checked.result
    assert checked.result['changes'] == ['FLUSHALL', 'MONITOR']
    assert checked.result['disabled_commands'] == ['FLUSHALL']
    assert checked.result['diff']['before'] == {'disabled_commands': ['MONITOR']}
    assert emulator.writes() == 0
    assert sdk_disabled(sdk_client, instance) == ['MONITOR']
    # an unknown command is refused in check mode too
    unknown = run(emulator, instance_id=instance, commands=['FLUSHAL'], check_mode=True)
    assert unknown.failed and 'FLUSHAL' in unknown.result['msg']


def test_unknown_command_is_refused_naming_it_and_close_ones_before_any_write(emulator, sdk_client, instance):
    refused = run(emulator, instance_id=instance, commands=['FLUSHALL', 'flushal', 'SHUTDOWN'])
    assert refused.failed and not refused.changed, refused.result
    assert refused.result['error']['status'] == 'INVALID_ARGUMENT'
    message = refused.result['msg']
    assert 'FLUSHAL (did you mean FLUSHALL' in message and 'SHUTDOWN' in message, message
    assert 'the commands it can disable: CONFIG, EVAL' in message, message
    assert emulator.writes() == 0 and sdk_disabled(sdk_client, instance) == []


def test_catalogue_of_the_version_decides(emulator, sdk_client):
    old = sdk_client.create('dc_old', instance_class='redis.m1.micro.basic', redis_version='2.8')
    refused = run(emulator, instance_id=old, commands=['MEMORY'])
    assert refused.failed and 'cannot disable MEMORY' in refused.result['msg'], refused.result
    new = sdk_client.create('dc_new', redis_version='5.0')
    assert run(emulator, instance_id=new, commands=['MEMORY']).changed


@pytest.mark.parametrize('name', ['FLUSH ALL', '', 'CONFIG\n', '*'])
def test_bad_names_are_refused_before_any_call(emulator, instance, name):
    refused = run(emulator, instance_id=instance, commands=['KEYS', name])
    assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
    assert 'commands[1] must be a Redis command name' in refused.result['msg']
    assert emulator.calls() == {}


def test_by_name_and_missing_instance(emulator, sdk_client, instance):
    by_name = run(emulator, instance_name='dc_cache', commands=['KEYS'])
    assert by_name.changed and by_name.result['instance_id'] == instance
    missing = run(emulator, instance_id='redis-doesnotexist1', commands=['KEYS'])
    assert missing.failed and 'redis-doesnotexist1' in missing.result['msg']


def test_write_through_then_the_read_back_fails_reports_the_change(emulator, sdk_client, instance):
    emulator.admin.hold_requests('getDisableCommands', skip=1)  # the read passes, the read-back is held
    done = []
    thread = threading.Thread(
        target=lambda: done.append(run(emulator, instance_id=instance, commands=['KEYS'], api_retries=0))
    )
    thread.start()
    emulator.admin.wait_held_requests('getDisableCommands')
    emulator.admin.release_requests('getDisableCommands', answer='error')
    thread.join()
    failed = done[0]
    assert failed.failed, failed.result
    assert failed.result['changed'] is True and failed.result['changes'] == ['KEYS'], failed.result
    assert sdk_disabled(sdk_client, instance) == ['KEYS']


def test_read_back_that_lost_the_change_fails(emulator, sdk_client, instance):
    emulator.admin.hold_requests('getDisableCommands', skip=1)
    done = []
    thread = threading.Thread(target=lambda: done.append(run(emulator, instance_id=instance, commands=['KEYS'])))
    thread.start()
    emulator.admin.wait_held_requests('getDisableCommands')
    sdk_set(sdk_client, instance, KEYS=False)  # another writer, between the write and the read-back
    emulator.admin.release_requests('getDisableCommands')
    thread.join()
    lost = done[0]
    assert lost.failed and lost.result['error']['status'] == 'ABORTED', lost.result
    assert lost.result['changed'] is True and 'KEYS did not read back as written' in lost.result['msg']


def test_write_whose_answer_is_lost_counts_once_it_holds(emulator, sdk_client, instance):
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['setDisableCommands'])
    lost = run(emulator, instance_id=instance, commands=['CONFIG'], api_retries=1)
    emulator.admin.config(drop_response_rate=0.0)
    assert not lost.failed and lost.changed, lost.result
    assert sdk_disabled(sdk_client, instance) == ['CONFIG']
