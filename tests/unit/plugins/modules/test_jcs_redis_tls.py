"""jcs_redis_tls run for real against the emulator over HTTP; TLS is read back with the official SDK, a client we
did not write."""

from __future__ import annotations

import threading
import time

import pytest
from modrunner import run_module

MODULE = 'jcs_redis_tls'
DAY = 86400


def sdk_tls(sdk_client, instance_id):
    from jdcloud_sdk.services.redis.apis.DescribeInstanceTLSRequest import DescribeInstanceTLSRequest

    response = sdk_client.client.send(
        DescribeInstanceTLSRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id})
    )
    assert response.error is None, vars(response.error)
    return response.result


def sdk_modify(sdk_client, instance_id, **body):
    from jdcloud_sdk.services.redis.apis.ModifyInstanceTLSRequest import ModifyInstanceTLSRequest

    response = sdk_client.client.send(
        ModifyInstanceTLSRequest(dict(regionId='cn-north-1', cacheInstanceId=instance_id, **body))
    )
    assert response.error is None, vars(response.error)


def run(emulator, *, check_mode=False, diff=False, **args):
    return run_module(MODULE, emulator.connection(**args), check_mode=check_mode, diff=diff)


@pytest.fixture
def instance(sdk_client, emulator):
    instance_id = sdk_client.create('tls_cache', redis_version='6.2')
    emulator.admin.reset(state=False)  # counters only: each test counts its own calls
    return instance_id


def expire_in(emulator, instance_id, days):
    """Stage a certificate that expires in ``days`` (the emulator's certificates last a year)."""
    store = emulator.server.store
    with store.lock:
        store.get('cn-north-1', instance_id).tls['expires'] = time.time() + days * DAY


def test_enable_then_unchanged_in_one_call(emulator, sdk_client, instance):
    first = run(emulator, instance_id=instance, enabled=True, versions=['tlsv1.3', '1.2', 'TLSv1.2'])
    assert not first.failed, first.result
    assert first.changed and first.result['changes'] == ['enabled', 'versions']
    tls = first.result['tls']
    assert tls['enabled'] is True and tls['supported'] is True and tls['type'] == 'standard'
    assert tls['versions'] == ['TLSv1.2', 'TLSv1.3']
    # read, the instance runs, one write, the read-back
    assert emulator.calls() == {'describeInstanceTLS': 2, 'describeCacheInstance': 1, 'modifyInstanceTLS': 1}
    held = sdk_tls(sdk_client, instance)
    assert tls['certificate_expires'] == held['certExpiration'] and tls['ca'] == held['ca'] and tls['ca']
    assert tls['ca_download_url'] == held['caDownloadUrl']
    assert (held['tlsStatus'], sorted(held['tlsVersion'])) == ('enable', ['TLSv1.2', 'TLSv1.3'])

    emulator.admin.reset(state=False)
    again = run(
        emulator,
        instance_id=instance,
        enabled=True,
        type='standard',
        versions=['TLSv1.3', 'TLSv1.2'],
        renew_certificate_before_days=30,
    )
    assert not again.failed and not again.changed and again.result['changes'] == [], again.result
    assert again.result['tls'] == tls
    assert [r['operation'] for r in emulator.admin.requests()] == ['describeInstanceTLS']


def test_certificate_renewed_only_when_it_expires_sooner(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, enabled=True)
    old = sdk_tls(sdk_client, instance)['certExpiration']
    emulator.admin.reset(state=False)
    assert not run(emulator, instance_id=instance, renew_certificate_before_days=364).changed
    expire_in(emulator, instance, 20)
    soon = sdk_tls(sdk_client, instance)['certExpiration']
    assert soon < old
    assert not run(emulator, instance_id=instance, renew_certificate_before_days=19).changed
    emulator.admin.reset(state=False)
    renewed = run(emulator, instance_id=instance, renew_certificate_before_days=30, diff=True)
    assert not renewed.failed and renewed.changed and renewed.result['changes'] == ['certificate'], renewed.result
    new = sdk_tls(sdk_client, instance)['certExpiration']
    assert new > soon and renewed.result['tls']['certificate_expires'] == new
    assert renewed.result['diff']['before']['tls']['certificate_expires'] == soon
    assert emulator.calls()['modifyInstanceTLS'] == 1
    again = run(emulator, instance_id=instance, renew_certificate_before_days=30)
    assert not again.changed and sdk_tls(sdk_client, instance)['certExpiration'] == new


def test_check_mode_predicts_and_writes_nothing(emulator, sdk_client, instance):
    checked = run(emulator, instance_id=instance, enabled=True, versions=['TLSv1.3'], check_mode=True, diff=True)
    assert not checked.failed and checked.changed, checked.result
    assert checked.result['changes'] == ['enabled', 'versions']
    assert checked.result['tls']['enabled'] is True and checked.result['tls']['certificate_expires'] is None
    assert checked.result['diff']['before']['tls']['enabled'] is False
    assert checked.result['diff']['after']['tls']['versions'] == ['TLSv1.3']
    assert emulator.writes() == 0 and sdk_tls(sdk_client, instance)['tlsStatus'] == 'disable'
    expire_in_check = run(emulator, instance_id=instance, renew_certificate_before_days=30, check_mode=True)
    assert not expire_in_check.changed  # TLS is off: no certificate to renew


def test_type_change_clears_versions_and_disable_drops_the_certificate(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, enabled=True, versions=['TLSv1.2'])
    gm = run(emulator, instance_id=instance, type='gm')
    assert gm.changed and gm.result['changes'] == ['type', 'versions'], gm.result
    assert gm.result['tls']['type'] == 'gm' and gm.result['tls']['versions'] == []
    assert sdk_tls(sdk_client, instance)['tlsType'] == 'gm'
    off = run(emulator, instance_id=instance, enabled=False)
    assert off.changed and off.result['changes'] == ['enabled']
    assert off.result['tls']['certificate_expires'] is None and off.result['tls']['ca'] is None
    assert sdk_tls(sdk_client, instance)['tlsStatus'] == 'disable'
    assert not run(emulator, instance_id=instance, enabled=False).changed


def test_instance_without_tls_is_refused_before_any_write(emulator, sdk_client):
    old = sdk_client.create('tls_old', redis_version='4.0')
    emulator.admin.reset(state=False)
    refused = run(emulator, instance_id=old, enabled=True)
    assert refused.failed and not refused.changed, refused.result
    assert refused.result['error']['status'] == 'FAILED_PRECONDITION'
    assert f'instance {old} does not support TLS' in refused.result['msg']
    assert 'featureSupport: false' in refused.result['msg']
    assert emulator.calls() == {'describeInstanceTLS': 1}
    off = run(emulator, instance_id=old, enabled=False)
    assert not off.failed and not off.changed and off.result['tls']['supported'] is False


@pytest.mark.parametrize(
    'args, message',
    [
        (dict(versions=['TLSv1.1']), 'versions[0] must be one of TLSv1.2, TLSv1.3'),
        (dict(type='gm', versions=['TLSv1.2']), 'versions must be empty with type gm'),
        (dict(renew_certificate_before_days=0), 'renew_certificate_before_days must be between 1 and 364'),
        (dict(renew_certificate_before_days=365), 'renew_certificate_before_days must be between 1 and 364'),
        (dict(enabled=False, renew_certificate_before_days=30), 'renew_certificate_before_days needs TLS on'),
    ],
)
def test_bad_input_is_refused_before_any_call(emulator, instance, args, message):
    refused = run(emulator, instance_id=instance, **args)
    assert refused.failed and refused.result['error']['status'] == 'INVALID_ARGUMENT', refused.result
    assert message in refused.result['msg']
    assert emulator.calls() == {}


def test_versions_given_to_gm_afterwards_refused(emulator, sdk_client, instance):
    run(emulator, instance_id=instance, enabled=True, type='gm')
    refused = run(emulator, instance_id=instance, versions=['TLSv1.2'])
    assert refused.failed and 'versions must be empty with type gm' in refused.result['msg']


def test_write_through_then_the_read_back_fails_reports_the_change(emulator, sdk_client, instance):
    emulator.admin.hold_requests('describeInstanceTLS', skip=1)
    done = []
    thread = threading.Thread(
        target=lambda: done.append(run(emulator, instance_id=instance, enabled=True, api_retries=0))
    )
    thread.start()
    emulator.admin.wait_held_requests('describeInstanceTLS')
    emulator.admin.release_requests('describeInstanceTLS', answer='error')
    thread.join()
    failed = done[0]
    assert failed.failed, failed.result
    assert failed.result['changed'] is True and failed.result['changes'] == ['enabled'], failed.result
    assert sdk_tls(sdk_client, instance)['tlsStatus'] == 'enable'


def test_read_back_that_lost_the_change_fails(emulator, sdk_client, instance):
    emulator.admin.hold_requests('describeInstanceTLS', skip=1)
    done = []
    thread = threading.Thread(target=lambda: done.append(run(emulator, instance_id=instance, enabled=True)))
    thread.start()
    emulator.admin.wait_held_requests('describeInstanceTLS')
    sdk_modify(sdk_client, instance, tlsStatus='disable')  # another writer, between the write and the read-back
    emulator.admin.release_requests('describeInstanceTLS')
    thread.join()
    lost = done[0]
    assert lost.failed and lost.result['error']['status'] == 'ABORTED', lost.result
    assert lost.result['changed'] is True and 'enabled is not as written' in lost.result['msg']


def test_by_name(emulator, sdk_client, instance):
    by_name = run(emulator, instance_name='tls_cache', enabled=True)
    assert by_name.changed and by_name.result['instance_id'] == instance
