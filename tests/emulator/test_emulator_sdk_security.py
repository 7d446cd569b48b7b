"""Fidelity of TLS (describeInstanceTLS, modifyInstanceTLS) and disabled commands (listDisableCommands,
getDisableCommands, setDisableCommands): the official jdcloud-sdk RedisClient against the emulator, signed both
ways, and the refusals (docs/dev/api-notes.md#tls, #disabled-commands)."""

from __future__ import annotations

import json
import re

import pytest
import sdk_signer
from jdcloud_sdk.services.redis.apis.DescribeInstanceTLSRequest import (
    DescribeInstanceTLSParameters,
    DescribeInstanceTLSRequest,
)
from jdcloud_sdk.services.redis.apis.GetDisableCommandsRequest import (
    GetDisableCommandsParameters,
    GetDisableCommandsRequest,
)
from jdcloud_sdk.services.redis.apis.ListDisableCommandsRequest import (
    ListDisableCommandsParameters,
    ListDisableCommandsRequest,
)
from jdcloud_sdk.services.redis.apis.ModifyInstanceTLSRequest import (
    ModifyInstanceTLSParameters,
    ModifyInstanceTLSRequest,
)
from jdcloud_sdk.services.redis.apis.SetDisableCommandsRequest import (
    SetDisableCommandsParameters,
    SetDisableCommandsRequest,
)
from jdcloud_sdk.services.redis.models.DisableCommands import DisableCommands
from test_emulator_sdk import REGION, create, describe, make_client

ISO = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')


@pytest.fixture(params=['JDCLOUD3', 'JDCLOUD2'])
def variant(request):
    with sdk_signer.variant(request.param):
        yield request.param


@pytest.fixture
def sdk(emulator):
    return make_client(emulator)


def ok(resp):
    assert resp.error is None, vars(resp.error)
    return resp.result


def err(resp):
    assert resp.error is not None, resp.result
    return resp.error.code, resp.error.status


def tls(sdk, instance_id):
    return ok(sdk.send(DescribeInstanceTLSRequest(DescribeInstanceTLSParameters(REGION, instance_id))))


def modify_tls(sdk, instance_id, status=None, tls_type=None, versions=None):
    params = ModifyInstanceTLSParameters(REGION, instance_id)
    if status is not None:
        params.setTlsStatus(status)
    if tls_type is not None:
        params.setTlsType(tls_type)
    if versions is not None:
        params.setTlsVersion(versions)
    return sdk.send(ModifyInstanceTLSRequest(params))


def test_tls_lifecycle(variant, sdk, emulator, wire):
    instance_id = create(sdk, version='6.2')
    before = describe(sdk, instance_id).result['cacheInstance']
    assert tls(sdk, instance_id) == {
        'tlsType': 'standard',
        'tlsStatus': 'disable',
        'featureSupport': True,
        'tlsVersion': [],
        'certExpiration': '',
        'ca': '',
        'caDownloadUrl': '',
    }
    assert ok(modify_tls(sdk, instance_id, 'enable', 'standard', ['TLSv1.2', 'TLSv1.3'])) is None
    sent = wire['sent'][-1]
    assert sent['method'] == 'POST' and sent['url'].endswith(instance_id + '/tls')
    assert json.loads(sent['body'])['tlsVersion'] == ['TLSv1.2', 'TLSv1.3']
    on = tls(sdk, instance_id)
    assert (on['tlsStatus'], on['tlsType'], on['tlsVersion']) == ('enable', 'standard', ['TLSv1.2', 'TLSv1.3'])
    assert (
        ISO.match(on['certExpiration'])
        and 'BEGIN CERTIFICATE' in on['ca']
        and on['caDownloadUrl'].startswith('https://')
    )
    # the port and the domain stay as they were
    after = describe(sdk, instance_id).result['cacheInstance']
    assert (after['port'], after['connectionDomain']) == (before['port'], before['connectionDomain'])
    # enabling again keeps the certificate; a new one ends later
    ok(modify_tls(sdk, instance_id, 'enable'))
    assert tls(sdk, instance_id)['certExpiration'] == on['certExpiration']
    ok(modify_tls(sdk, instance_id, 'updateCertificate'))
    renewed = tls(sdk, instance_id)
    assert renewed['certExpiration'] > on['certExpiration'] and renewed['tlsStatus'] == 'enable'
    # versions alone, the status kept
    ok(modify_tls(sdk, instance_id, versions=['TLSv1.3']))
    assert tls(sdk, instance_id)['tlsVersion'] == ['TLSv1.3']
    ok(modify_tls(sdk, instance_id, 'disable'))
    off = tls(sdk, instance_id)
    assert (off['tlsStatus'], off['certExpiration'], off['ca']) == ('disable', '', '')
    # updateCertificate ends enabled, whatever the status before
    ok(modify_tls(sdk, instance_id, 'updateCertificate'))
    assert tls(sdk, instance_id)['tlsStatus'] == 'enable'
    # the gm type takes no version
    ok(modify_tls(sdk, instance_id, 'enable', 'gm'))
    gm = tls(sdk, instance_id)
    assert (gm['tlsType'], gm['tlsVersion'], gm['tlsStatus']) == ('gm', [], 'enable')


def test_tls_refusals(sdk, emulator):
    instance_id = create(sdk, version='7.2')
    for kwargs, field in (
        (dict(status='on'), 'tlsStatus'),
        (dict(tls_type='sm'), 'tlsType'),
        (dict(status='enable', versions=['TLSv1.0']), 'tlsVersion'),
        (dict(status='enable', versions=['TLSv1.2', 'TLSv1.2']), 'tlsVersion'),
        (dict(status='enable', tls_type='gm', versions=['TLSv1.2']), 'tlsVersion'),
        (dict(), 'tlsType'),
    ):
        resp = modify_tls(sdk, instance_id, **kwargs)
        assert err(resp) == (400, 'INVALID_ARGUMENT') and resp.error.message.startswith(field), kwargs
    assert tls(sdk, instance_id)['tlsStatus'] == 'disable'
    emulator.admin.force_status(instance_id, 'configuring')
    assert err(modify_tls(sdk, instance_id, 'enable')) == (400, 'FAILED_PRECONDITION')
    assert tls(sdk, instance_id)['featureSupport'] is True  # reads in any status
    missing = sdk.send(DescribeInstanceTLSRequest(DescribeInstanceTLSParameters(REGION, 'redis-000000000000')))
    assert err(missing) == (404, 'NOT_FOUND')


def test_tls_feature_support_by_version(sdk, emulator):
    instance_id = create(sdk)  # Redis 4.0
    described = tls(sdk, instance_id)
    assert described['featureSupport'] is False and described['tlsStatus'] == 'disable'
    resp = modify_tls(sdk, instance_id, 'enable')
    assert err(resp) == (400, 'FAILED_PRECONDITION') and 'Redis 4.0' in resp.error.message
    emulator.admin.config(tls_versions=['4.0'])
    assert tls(sdk, instance_id)['featureSupport'] is True
    ok(modify_tls(sdk, instance_id, 'enable'))


def disabled(sdk, instance_id):
    return ok(sdk.send(GetDisableCommandsRequest(GetDisableCommandsParameters(REGION, instance_id))))[
        'disableCommandLists'
    ]


def set_disabled(sdk, instance_id, **flags):
    items = [DisableCommands(flag, name) for name, flag in flags.items()]
    return sdk.send(SetDisableCommandsRequest(SetDisableCommandsParameters(REGION, instance_id, items)))


def test_disabled_commands(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    offered = ok(sdk.send(ListDisableCommandsRequest(ListDisableCommandsParameters(REGION, instance_id))))
    assert wire['sent'][-1]['url'].endswith(instance_id + '/listDisableCommands')
    assert {'FLUSHALL', 'FLUSHDB', 'KEYS', 'CONFIG', 'SWAPDB'} <= set(offered['disableCommands'])
    assert disabled(sdk, instance_id) == []
    # case-insensitive names; one call both disables and enables
    assert ok(set_disabled(sdk, instance_id, flushall=True, KEYS=True, Config=True)) is None
    sent = wire['sent'][-1]
    assert sent['method'] == 'POST' and sent['url'].endswith(instance_id + '/disableCommands')
    assert json.loads(sent['body'])['disableCommands'][0] == {'isDisable': True, 'commandName': 'flushall'}
    first = disabled(sdk, instance_id)
    assert [c['commandName'] for c in first] == ['CONFIG', 'FLUSHALL', 'KEYS']
    assert all(ISO.match(c['disableTime']) for c in first)
    ok(set_disabled(sdk, instance_id, KEYS=False, FLUSHDB=True, FLUSHALL=True))
    second = disabled(sdk, instance_id)
    assert [c['commandName'] for c in second] == ['CONFIG', 'FLUSHALL', 'FLUSHDB']
    assert second[1] == first[1]  # disabling again keeps the time it was disabled
    ok(set_disabled(sdk, instance_id, KEYS=False))  # enabling one that is enabled: nothing to do
    assert len(disabled(sdk, instance_id)) == 3


def test_disabled_command_refusals(sdk, emulator):
    instance_id = create(sdk, version='2.8', cls='redis.m1.micro.basic')
    resp = set_disabled(sdk, instance_id, SWAPDB=True)  # not in Redis 2.8
    assert err(resp) == (400, 'INVALID_ARGUMENT') and 'listDisableCommands offers' in resp.error.message
    resp = set_disabled(sdk, instance_id, GET=True)
    assert err(resp) == (400, 'INVALID_ARGUMENT') and resp.error.message.startswith('disableCommands[0].commandName')
    twice = [DisableCommands(True, 'keys'), DisableCommands(False, 'KEYS')]
    assert err(sdk.send(SetDisableCommandsRequest(SetDisableCommandsParameters(REGION, instance_id, twice)))) == (
        400,
        'INVALID_ARGUMENT',
    )
    assert err(sdk.send(SetDisableCommandsRequest(SetDisableCommandsParameters(REGION, instance_id, [])))) == (
        400,
        'INVALID_ARGUMENT',
    )
    # all or nothing: a bad entry after a good one changes nothing
    mixed = [DisableCommands(True, 'KEYS'), DisableCommands(True, 'NOPE')]
    assert err(sdk.send(SetDisableCommandsRequest(SetDisableCommandsParameters(REGION, instance_id, mixed)))) == (
        400,
        'INVALID_ARGUMENT',
    )
    assert disabled(sdk, instance_id) == []
    emulator.admin.force_status(instance_id, 'changing')
    assert err(set_disabled(sdk, instance_id, KEYS=True)) == (400, 'FAILED_PRECONDITION')
    assert disabled(sdk, instance_id) == []
