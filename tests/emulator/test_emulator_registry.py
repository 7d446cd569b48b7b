"""The one registry of the operations (issue 26): one entry and one handler each, core and day-2, the routes and
every list of the operations' names (admin checks, counters, faults, triggers, the CLI) built from it."""

from __future__ import annotations

import pytest
from jdcloud_redis_emulator import OPERATIONS, WRITE_OPERATIONS, cli, operations, registry

FILLED = {'{regionId}': 'cn-north-1', '{cacheInstanceId}': 'redis-abcdefabcdef', '{baseId}': 'base-1'}


def concrete(path):
    for placeholder, value in FILLED.items():
        path = path.replace(placeholder, value)
    return '/v1' + path


# reads that the API makes with POST
POSTED_READS = {'checkPasswordValid', 'checkDeletable'}


def test_every_operation_is_registered_once_and_routed_to_itself():
    assert OPERATIONS == registry.names() == tuple(sorted(operations.REGISTRY))
    assert (
        WRITE_OPERATIONS == registry.writes() == tuple(sorted(n for n, op in operations.REGISTRY.items() if op.write))
    )
    for op in operations.REGISTRY.values():
        found = operations.route(op.method, concrete(op.path))
        region = 'cn-north-1' if op.regional else None
        assert (found.operation, found.region, found.service) == (op.name, region, op.service), op
        if '{cacheInstanceId}' in op.path:
            assert found.instance == 'redis-abcdefabcdef'
        # a write (what drop_response_rate and the write counts take as one) is every method but GET, unless the
        # entry says write=False
        assert op.write == (op.method != 'GET' and op.name not in POSTED_READS), op


def test_a_known_path_with_another_method_lists_the_registered_ones():
    found = operations.route('PUT', '/v1/regions/cn-north-1/cacheInstance/redis-abcdefabcdef')
    assert found.operation is None and set(found.allowed) == {'GET', 'PATCH', 'DELETE'}
    assert operations.route('GET', '/v1/regions/cn-north-1/nowhere') is None


def test_registering_twice_or_with_unknown_params_is_refused():
    with pytest.raises(ValueError):
        operations.operation('describeUserQuota', 'GET', '/regions/{regionId}/quota2')(lambda *a: None)
    with pytest.raises(ValueError):
        operations.operation('someOperation', 'GET', '/regions/{regionId}/x', params='form')


@pytest.fixture
def probes():
    """Two operations registered for the test only, as a resource module registers its own: a write (POST) and a
    read made with POST (write=False). The list holds the parameters of each probeWrite applied."""
    applied = []

    @registry.operation('probeWrite', 'POST', '/regions/{regionId}/probeWrite', 'body')
    def probe_write(store, settings, region, target, params):
        applied.append(params)
        return {'applied': len(applied)}

    @registry.operation('probeRead', 'POST', '/regions/{regionId}/probeRead', write=False)
    def probe_read(store, settings, region, target, params):
        return {'applied': len(applied)}

    try:
        yield applied
    finally:
        for name in ('probeWrite', 'probeRead'):
            registry.REGISTRY.pop(name, None)
        registry._ROUTES = None  # built again without them


def test_a_registered_operation_is_known_to_every_reader_of_the_names(api, emulator, probes):
    """Registering an operation is all it takes: the settings, the counters, the faults, the holds, the triggers
    and the CLI know it (before, each read a list of names written by hand)."""
    assert {'probeWrite', 'probeRead'} <= set(registry.names())
    assert 'probeWrite' in registry.writes() and 'probeRead' not in registry.writes()
    args = cli.build_parser().parse_args(['--fault-operations', 'probeWrite,probeRead'])
    assert cli.options_from_args(args)['fault_operations'] == ['probeWrite', 'probeRead']
    assert set(emulator.admin.stats()['calls']) == set(registry.REGISTRY)

    # the faults apply to the operations fault_operations names, and to no other
    emulator.admin.config(error_rate=1.0, fault_operations=['probeRead'])
    assert api.call('POST', '/regions/cn-north-1/probeRead').status in (500, 502, 503)
    assert api.call('GET', '/regions/cn-north-1/quota').status == 200
    # a trigger counts its answers
    emulator.admin.config(error_rate=0.0, fault_operations=None)
    assert emulator.admin.release(after={'operation': 'probeWrite', 'since': 'probeRead'})['scheduled']
    assert api.call('POST', '/regions/cn-north-1/probeRead').status == 200
    assert api.call('POST', '/regions/cn-north-1/probeWrite', body={'n': 1}).result == {'applied': 1}
    assert emulator.admin.held()['scheduled'] == []
    # a write is applied and its answer dropped; a read made with POST is answered
    emulator.admin.config(drop_response_rate=1.0, fault_operations=['probeWrite', 'probeRead'])
    with pytest.raises(ConnectionResetError):
        api.call('POST', '/regions/cn-north-1/probeWrite', body={'n': 2})
    assert api.call('POST', '/regions/cn-north-1/probeRead').result == {'applied': 2}
    assert probes == [{'n': 1}, {'n': 2}]
    # requests of it can be held and released
    emulator.admin.hold_requests('probeRead', count=1, skip=5)
    assert emulator.admin.release_requests('probeRead') == {}
    calls = emulator.admin.stats()['calls']
    assert (calls['probeRead'], calls['probeWrite']) == (3, 2)
    assert emulator.writes() == 2


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
