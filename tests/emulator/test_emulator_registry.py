"""The registry of the core operations (issue 26): one entry and one handler each, the routes built from it."""

from __future__ import annotations

import pytest
from jdcloud_redis_emulator import operations, settings
from jdcloud_redis_emulator.names import READ_OPERATIONS, WRITE_OPERATIONS

FILLED = {'{regionId}': 'cn-north-1', '{cacheInstanceId}': 'redis-abcdefabcdef', '{baseId}': 'base-1'}


def concrete(path):
    for placeholder, value in FILLED.items():
        path = path.replace(placeholder, value)
    return '/v1' + path


def test_every_core_operation_is_registered_once_and_routed_to_itself():
    day2 = set(READ_OPERATIONS) | set(WRITE_OPERATIONS)
    assert set(operations.REGISTRY) == set(settings.OPERATIONS) - day2
    for op in operations.REGISTRY.values():
        found = operations.route(op.method, concrete(op.path))
        assert (found.operation, found.region, found.service) == (op.name, 'cn-north-1', op.service), op
        if '{cacheInstanceId}' in op.path:
            assert found.instance == 'redis-abcdefabcdef'
        # a write is what the fault and write counts treat as one
        assert (op.name in settings.WRITE_OPERATIONS) == (op.method != 'GET'), op


def test_a_known_path_with_another_method_lists_the_registered_ones():
    found = operations.route('PUT', '/v1/regions/cn-north-1/cacheInstance/redis-abcdefabcdef')
    assert found.operation is None and set(found.allowed) == {'GET', 'PATCH', 'DELETE'}
    assert operations.route('GET', '/v1/regions/cn-north-1/nowhere') is None


def test_registering_twice_or_with_unknown_params_is_refused():
    with pytest.raises(ValueError):
        operations.operation('describeUserQuota', 'GET', '/regions/{regionId}/quota2')(lambda *a: None)
    with pytest.raises(ValueError):
        operations.operation('someOperation', 'GET', '/regions/{regionId}/x', params='form')
