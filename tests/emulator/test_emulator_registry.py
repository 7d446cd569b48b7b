"""The one registry of the operations (issue 26): one entry and one handler each, core and day-2, the routes built
from it."""

from __future__ import annotations

import pytest
from jdcloud_redis_emulator import operations, settings

FILLED = {'{regionId}': 'cn-north-1', '{cacheInstanceId}': 'redis-abcdefabcdef', '{baseId}': 'base-1'}


def concrete(path):
    for placeholder, value in FILLED.items():
        path = path.replace(placeholder, value)
    return '/v1' + path


# reads that the API makes with POST
POSTED_READS = {'checkPasswordValid', 'checkDeletable'}


def test_every_operation_is_registered_once_and_routed_to_itself():
    assert set(operations.REGISTRY) == set(settings.OPERATIONS)
    for op in operations.REGISTRY.values():
        found = operations.route(op.method, concrete(op.path))
        region = 'cn-north-1' if op.regional else None
        assert (found.operation, found.region, found.service) == (op.name, region, op.service), op
        if '{cacheInstanceId}' in op.path:
            assert found.instance == 'redis-abcdefabcdef'
        # a write is what the fault and write counts treat as one
        assert (op.name in settings.WRITE_OPERATIONS) == (op.method != 'GET' and op.name not in POSTED_READS), op


def test_a_known_path_with_another_method_lists_the_registered_ones():
    found = operations.route('PUT', '/v1/regions/cn-north-1/cacheInstance/redis-abcdefabcdef')
    assert found.operation is None and set(found.allowed) == {'GET', 'PATCH', 'DELETE'}
    assert operations.route('GET', '/v1/regions/cn-north-1/nowhere') is None


def test_registering_twice_or_with_unknown_params_is_refused():
    with pytest.raises(ValueError):
        operations.operation('describeUserQuota', 'GET', '/regions/{regionId}/quota2')(lambda *a: None)
    with pytest.raises(ValueError):
        operations.operation('someOperation', 'GET', '/regions/{regionId}/x', params='form')


# The operations that look their instance up before they read their parameters (registry instance_first): an
# unknown instance is NOT_FOUND whatever the body or query; the others refuse bad parameters first.
LOOKED_UP_FIRST = {
    'modifyInstanceTLS',
    'setDisableCommands',
    'maintenanceTime',
    'describeTaskProgressList',
    'modifyInstanceMinorVersion',
    'describeDownloadUrl',
}


def test_an_unknown_instance_or_bad_parameters_come_first_as_each_operation_says(api):
    checked = set()
    for op in operations.REGISTRY.values():
        if '{cacheInstanceId}' not in op.path or op.params == 'none':
            continue
        path = concrete(op.path)[len('/v1') :].replace('redis-abcdefabcdef', 'redis-unknown00000')
        if op.params == 'body':
            resp = api.call(op.method, path, body=['not', 'an', 'object'])
        else:
            resp = api.call(op.method, path, query={'a..b': '1'})
        expected = 'NOT_FOUND' if op.name in LOOKED_UP_FIRST else 'INVALID_ARGUMENT'
        assert resp.error['status'] == expected, (op.name, resp)
        checked.add(op.name)
    assert checked >= LOOKED_UP_FIRST and len(checked) > 2 * len(LOOKED_UP_FIRST)
