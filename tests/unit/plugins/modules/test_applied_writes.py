"""A run that fails after a write went through reports it: ``changed: true`` and the ``changes`` it applied, for
every writing module (issue 25). Each test lets the first write through and then makes something fail, with the
emulator's fault injection or its hold of a request (released with a 503, or after the test changed the state), so
nothing depends on timing. What the API holds is read with the official SDK or the emulator's store."""

from __future__ import annotations

import threading

from modrunner import run_module


def in_background(module, args):
    """Start the module in a thread; ``join()`` returns its ModuleRun."""
    runs = []
    thread = threading.Thread(target=lambda: runs.append(run_module(module, args)))
    thread.start()

    def join():
        thread.join()
        return runs[0]

    return join


def sdk_call(sdk_client, request_class, **params):
    import importlib

    module = importlib.import_module('jdcloud_sdk.services.redis.apis.' + request_class)
    response = sdk_client.client.send(getattr(module, request_class)(dict(regionId='cn-north-1', **params)))
    assert response.error is None, vars(response.error)
    return response.result


# -- jcs_redis_whitelist ---------------------------------------------------------------------------------


def test_whitelist_default_narrowed_then_the_add_of_a_second_group_fails(emulator, sdk_client):
    instance_id = sdk_client.create('wl_applied')
    emulator.admin.config(error_rate=1.0, fault_operations=['addWhiteListGroup'])
    groups = [{'name': 'default', 'ips': ['10.2.0.0/16']}, {'name': 'apps', 'ips': ['10.0.2.0/24']}]
    run = run_module('jcs_redis_whitelist', emulator.connection(instance_id=instance_id, groups=groups, api_retries=0))
    assert run.failed, run.result
    # the open default was narrowed: clients may be locked out, handlers must fire
    assert run.result['changed'] is True and run.result['changes'] == ['default'], run.result
    assert sdk_call(sdk_client, 'DescribeWhiteListGroupRequest', cacheInstanceId=instance_id)['whiteLists'] == [
        {'name': 'default', 'ips': '10.2.0.0/16'}
    ]


def test_whitelist_failure_before_any_write_is_unchanged(emulator, sdk_client):
    instance_id = sdk_client.create('wl_nothing')
    emulator.admin.config(error_rate=1.0, fault_operations=['addWhiteListGroup'])
    groups = [{'name': 'apps', 'ips': ['10.0.2.0/24']}]
    run = run_module('jcs_redis_whitelist', emulator.connection(instance_id=instance_id, groups=groups, api_retries=0))
    assert run.failed and not run.changed and 'changes' not in run.result, run.result


# -- jcs_redis_backup_policy --------------------------------------------------------------------------------


def test_backup_policy_write_applied_and_its_answer_lost_counts_as_applied(emulator, sdk_client):
    instance_id = sdk_client.create('bp_lost')
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['modifyBackupPolicy'])
    run = run_module(
        'jcs_redis_backup_policy', emulator.connection(instance_id=instance_id, backup_days=['Mon'], api_retries=0)
    )
    # the re-read shows the write went through: the run converged, and says it changed the days
    assert not run.failed and run.result['changed'] is True, run.result
    assert run.result['changes'] == ['backup_days']
    assert sdk_call(sdk_client, 'DescribeBackupPolicyRequest', cacheInstanceId=instance_id)['backupPeriod'] == 'Monday'


def test_backup_policy_read_back_fails_after_the_write(emulator, sdk_client):
    instance_id = sdk_client.create('bp_readback')
    emulator.admin.hold_requests('describeBackupPolicy', skip=1)  # the first read goes through, the read-back is held
    join = in_background(
        'jcs_redis_backup_policy', emulator.connection(instance_id=instance_id, backup_days=['Tue'], api_retries=0)
    )
    emulator.admin.wait_held_requests('describeBackupPolicy')
    emulator.admin.release_requests('describeBackupPolicy', answer='error')
    run = join()
    assert run.failed and run.result['error']['code'] == 503, run.result
    assert run.result['changed'] is True and run.result['changes'] == ['backup_days'], run.result
    assert sdk_call(sdk_client, 'DescribeBackupPolicyRequest', cacheInstanceId=instance_id)['backupPeriod'] == 'Tuesday'


# -- jcs_redis_backup -----------------------------------------------------------------------------------------


def test_backup_taken_then_failed(emulator, sdk_client):
    instance_id = sdk_client.create('bk_failed')
    emulator.admin.fail_next_backup(instance_id)
    run = run_module('jcs_redis_backup', emulator.connection(instance_id=instance_id, name='nightly'))
    assert run.failed and run.result['error']['status'] == 'BACKUP_FAILED', run.result
    # a failed backup record now exists
    assert run.result['changed'] is True and run.result['changes'] == ['backup'], run.result


def test_restore_accepted_then_the_instance_goes_to_error(emulator, sdk_client):
    instance_id = sdk_client.create('bk_restore')
    emulator.admin.seed_backups(instance_id, 1, name_prefix='good')
    # by id: one describe before the restore (is it running?), the next while waiting after it
    emulator.admin.hold_requests('describeCacheInstance', skip=1)
    join = in_background(
        'jcs_redis_backup', emulator.connection(instance_id=instance_id, name='good_00001', state='restored')
    )
    emulator.admin.wait_held_requests('describeCacheInstance')
    assert emulator.calls().get('restoreInstance') == 1
    emulator.admin.force_status(instance_id, 'error')
    emulator.admin.release_requests('describeCacheInstance')
    run = join()
    assert run.failed and run.result['error']['status'] == 'INSTANCE_ERROR', run.result
    assert run.result['changed'] is True and run.result['changes'] == ['restore'], run.result


# -- jcs_redis_config ---------------------------------------------------------------------------------------


def test_config_written_then_the_instance_goes_to_error_while_configuring(emulator, sdk_client):
    instance_id = sdk_client.create('cfg_error')
    emulator.admin.hold_requests('describeCacheInstance', skip=1)
    join = in_background(
        'jcs_redis_config',
        emulator.connection(instance_id=instance_id, parameters={'maxmemory-policy': 'allkeys-lru'}),
    )
    emulator.admin.wait_held_requests('describeCacheInstance')
    assert emulator.calls().get('modifyInstanceConfig') == 1
    emulator.admin.force_status(instance_id, 'error')
    emulator.admin.release_requests('describeCacheInstance')
    run = join()
    assert run.failed and run.result['error']['status'] == 'INSTANCE_ERROR', run.result
    assert run.result['changed'] is True and run.result['changes'] == ['maxmemory-policy'], run.result


def test_config_write_whose_answer_was_lost_then_the_wait_fails(emulator, sdk_client):
    instance_id = sdk_client.create('cfg_lost')
    # modifyInstanceConfig is not resent blindly: the re-read shows it applied; then the wait's describe fails
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['modifyInstanceConfig'])
    emulator.admin.hold_requests('describeCacheInstance', skip=1)
    join = in_background(
        'jcs_redis_config',
        emulator.connection(instance_id=instance_id, parameters={'maxmemory-policy': 'allkeys-lru'}, api_retries=0),
    )
    emulator.admin.wait_held_requests('describeCacheInstance')
    emulator.admin.release_requests('describeCacheInstance', answer='error')
    run = join()
    assert run.failed and run.result['error']['code'] == 503, run.result
    assert run.result['changed'] is True and run.result['changes'] == ['maxmemory-policy'], run.result
    assert emulator.calls()['modifyInstanceConfig'] == 1


# -- jcs_redis_instance --------------------------------------------------------------------------------------


def test_instance_renamed_then_the_resize_fails(emulator):
    made = run_module('jcs_redis_instance', emulator.instance_args('inst_applied'))
    assert not made.failed, made.result
    instance_id = made.result['instance']['id']
    emulator.admin.hold_requests('modifyCacheInstanceClass')
    join = in_background(
        'jcs_redis_instance',
        emulator.connection(
            instance_id=instance_id,
            description='resized soon',
            instance_class='redis.m.small.basic',
            api_retries=0,
        ),
    )
    emulator.admin.wait_held_requests('modifyCacheInstanceClass')
    emulator.admin.release_requests('modifyCacheInstanceClass', answer='error')
    run = join()
    assert run.failed, run.result
    assert run.result['changed'] is True and run.result['changes'] == ['description'], run.result
    assert emulator.instances()[instance_id]['description'] == 'resized soon'


def test_instance_tags_removed_then_the_binding_fails(emulator):
    made = run_module('jcs_redis_instance', emulator.instance_args('tags_applied', tags=dict(env='prod', team='a')))
    assert not made.failed, made.result
    instance_id = made.result['instance']['id']
    emulator.admin.hold_requests('tagResources')
    join = in_background(
        'jcs_redis_instance',
        emulator.connection(instance_id=instance_id, tags=dict(env='staging'), purge_tags=True, api_retries=0),
    )
    emulator.admin.wait_held_requests('tagResources')
    emulator.admin.release_requests('tagResources', answer='error')
    run = join()
    assert run.failed, run.result
    assert run.result['changed'] is True and run.result['changes'] == ['tags'], run.result
    stored = {t['key']: t['value'] for t in emulator.server.store.instances[instance_id].tags or ()}
    assert stored == {'env': 'prod'}  # team was unbound
