"""Fidelity of the recycle bin and deletion safety (deleteCacheInstance into the bin, recycledCacheInstance,
recoverInstance, deleteRecycledCacheInstance, checkDeletable), clones at create (backupId + srcInstanceId) and
describeDownloadUrl: the official jdcloud-sdk RedisClient against the emulator, signed both ways
(docs/dev/api-notes.md#recycle-bin)."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import sdk_signer
from jdcloud_sdk.services.charge.models.ChargeSpec import ChargeSpec
from jdcloud_sdk.services.common.models.Filter import Filter
from jdcloud_sdk.services.redis.apis.CheckDeletableRequest import CheckDeletableParameters, CheckDeletableRequest
from jdcloud_sdk.services.redis.apis.CreateBackupRequest import CreateBackupParameters, CreateBackupRequest
from jdcloud_sdk.services.redis.apis.CreateCacheInstanceRequest import (
    CreateCacheInstanceParameters,
    CreateCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DeleteCacheInstanceRequest import (
    DeleteCacheInstanceParameters,
    DeleteCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DeleteRecycledCacheInstanceRequest import (
    DeleteRecycledCacheInstanceParameters,
    DeleteRecycledCacheInstanceRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeCacheInstancesRequest import (
    DescribeCacheInstancesParameters,
    DescribeCacheInstancesRequest,
)
from jdcloud_sdk.services.redis.apis.DescribeDownloadUrlRequest import (
    DescribeDownloadUrlParameters,
    DescribeDownloadUrlRequest,
)
from jdcloud_sdk.services.redis.apis.RecoverInstanceRequest import RecoverInstanceParameters, RecoverInstanceRequest
from jdcloud_sdk.services.redis.apis.RecycledCacheInstanceRequest import (
    RecycledCacheInstanceParameters,
    RecycledCacheInstanceRequest,
)
from test_emulator_sdk import REGION, create, describe, make_client, spec

ISO = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
WEEK = 7 * 86400


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


def delete(sdk, instance_id):
    return sdk.send(DeleteCacheInstanceRequest(DeleteCacheInstanceParameters(REGION, instance_id)))


def binned(sdk, **filters):
    params = RecycledCacheInstanceParameters(REGION)
    if filters:
        params.setFilters([Filter(name, values) for name, values in filters.items()])
    return ok(sdk.send(RecycledCacheInstanceRequest(params)))


def live(sdk):
    return ok(sdk.send(DescribeCacheInstancesRequest(DescribeCacheInstancesParameters(REGION))))['totalCount']


def iso_to_ts(value):
    return time.mktime(time.strptime(value, '%Y-%m-%dT%H:%M:%SZ')) - time.timezone


def test_delete_goes_to_the_bin_and_recovers(variant, sdk, emulator, wire):
    emulator.admin.freeze()
    instance_id = create(sdk, name='precious')
    keep = create(sdk, name='other')
    ok(delete(sdk, instance_id))
    # gone from every describe, as before the bin existed
    assert err(describe(sdk, instance_id)) == (404, 'NOT_FOUND')
    assert live(sdk) == 1 and emulator.admin.stats()['instances'] == 1
    listed = binned(sdk)
    assert wire['sent'][-1]['url'].endswith('/v1/regions/%s/recycledCacheInstance' % REGION)
    assert listed['totalCount'] == 1
    inst = listed['cacheInstances'][0]
    assert (inst['cacheInstanceId'], inst['cacheInstanceName'], inst['cacheInstanceStatus']) == (
        instance_id,
        'precious',
        'running',
    )
    assert ISO.match(inst['softDeletedTime']) and ISO.match(inst['retainExpireTime'])
    assert iso_to_ts(inst['retainExpireTime']) - iso_to_ts(inst['softDeletedTime']) == WEEK
    assert binned(sdk, cacheInstanceName=['preci'])['totalCount'] == 1
    assert binned(sdk, cacheInstanceId=[keep])['totalCount'] == 0
    # a bin entry is not deletable again, nor checked
    assert err(delete(sdk, instance_id)) == (404, 'NOT_FOUND')

    assert ok(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, instance_id)))) is None
    assert wire['sent'][-1]['url'].endswith(instance_id + ':recoverInstance')
    back = ok(describe(sdk, instance_id))['cacheInstance']
    assert (back['cacheInstanceName'], back['cacheInstanceStatus']) == ('precious', 'running')
    assert binned(sdk)['totalCount'] == 0 and live(sdk) == 2
    # recovering what is not in the bin
    assert err(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, instance_id)))) == (
        400,
        'FAILED_PRECONDITION',
    )
    assert err(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, 'redis-000000000000')))) == (
        404,
        'NOT_FOUND',
    )


def test_destroy_retention_and_quota(variant, sdk, emulator, wire):
    emulator.admin.freeze()
    one, two = create(sdk, name='one'), create(sdk, name='two')
    ok(delete(sdk, one))
    ok(delete(sdk, two))
    # destroyed for good
    destroy = DeleteRecycledCacheInstanceRequest(DeleteRecycledCacheInstanceParameters(REGION, one))
    assert ok(sdk.send(destroy)) is None
    sent = wire['sent'][-1]
    assert sent['method'] == 'DELETE' and sent['url'].endswith('/recycledCacheInstance/' + one)
    assert [i['cacheInstanceId'] for i in binned(sdk)['cacheInstances']] == [two]
    assert err(sdk.send(destroy)) == (404, 'NOT_FOUND')
    assert err(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, one)))) == (404, 'NOT_FOUND')
    # a live instance is not destroyed from the bin
    three = create(sdk, name='three')
    live_destroy = DeleteRecycledCacheInstanceRequest(DeleteRecycledCacheInstanceParameters(REGION, three))
    assert err(sdk.send(live_destroy)) == (400, 'FAILED_PRECONDITION')
    # the bin holds no quota; recovering needs it
    emulator.admin.set_quota(REGION, 1)
    assert err(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, two)))) == (429, 'QUOTA_EXCEEDED')
    emulator.admin.set_quota(REGION, 20)
    # the time is up: gone for good
    emulator.admin.advance(WEEK + 1)
    assert binned(sdk)['totalCount'] == 0
    assert err(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, two)))) == (404, 'NOT_FOUND')


def test_retention_zero_destroys_at_once(sdk, emulator):
    emulator.admin.config(recycle_retention=0)
    instance_id = create(sdk)
    ok(delete(sdk, instance_id))
    assert err(describe(sdk, instance_id)) == (404, 'NOT_FOUND')
    assert binned(sdk)['totalCount'] == 0


def test_delete_with_a_delay_then_the_bin(sdk, emulator):
    emulator.admin.freeze()
    emulator.admin.config(delete_delay=30)
    instance_id = create(sdk)
    ok(delete(sdk, instance_id))
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceStatus'] == 'deleting'
    assert binned(sdk)['totalCount'] == 0
    emulator.admin.advance(30)
    assert err(describe(sdk, instance_id)) == (404, 'NOT_FOUND')
    assert binned(sdk)['cacheInstances'][0]['cacheInstanceStatus'] == 'running'


def test_check_deletable(variant, sdk, emulator, wire):
    instance_id = create(sdk)
    check = CheckDeletableRequest(CheckDeletableParameters(REGION, instance_id))
    assert ok(sdk.send(check)) is None
    assert wire['sent'][-1]['method'] == 'POST' and wire['sent'][-1]['url'].endswith(instance_id + '/checkDeletable')
    emulator.admin.force_status(instance_id, 'changing')
    resp = sdk.send(check)
    assert err(resp) == (400, 'FAILED_PRECONDITION') and 'changing' in resp.error.message
    emulator.admin.force_status(instance_id, 'running')
    emulator.admin.config(backup_delay=60)
    ok(sdk.send(CreateBackupRequest(CreateBackupParameters(REGION, instance_id, 'nightly', 1))))
    resp = sdk.send(check)
    assert err(resp) == (400, 'FAILED_PRECONDITION') and 'backup' in resp.error.message
    assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceStatus'] == 'running'  # no side effect
    assert err(sdk.send(CheckDeletableRequest(CheckDeletableParameters(REGION, 'redis-000000000000')))) == (
        404,
        'NOT_FOUND',
    )


def clone(sdk, name, backup_id, source_id, cls='redis.m.micro.basic', version='4.0'):
    cache = spec(name=name, cls=cls, version=version)
    cache.backupId, cache.srcInstanceId = backup_id, source_id
    params = CreateCacheInstanceParameters(REGION, cache)
    params.setCharge(ChargeSpec(chargeMode='postpaid_by_duration'))
    return sdk.send(CreateCacheInstanceRequest(params))


def test_clone_from_a_backup(variant, sdk, emulator, wire):
    source = create(sdk, name='source', cls='redis.m.small.basic')
    backup_id = emulator.admin.seed_backups(source, 1)[0]
    made = ok(clone(sdk, 'copy', backup_id, source, cls='redis.m.medium.basic'))
    assert '"backupId": "%s"' % backup_id in wire['sent'][-1]['body']
    assert ok(describe(sdk, made['cacheInstanceId']))['cacheInstance']['cacheInstanceName'] == 'copy'
    # what of the backup the clone has (the emulator holds no data)
    assert emulator.server.store.instances[made['cacheInstanceId']].cloned_from == dict(
        baseId=backup_id, srcInstanceId=source
    )
    assert emulator.server.store.instances[source].cloned_from is None
    # the backup outlives its instance in the bin
    ok(delete(sdk, source))
    ok(clone(sdk, 'copy_two', backup_id, source, cls='redis.m.small.basic'))
    count = live(sdk)
    # refusals, each before any create
    cases = [
        (dict(backup_id=backup_id, source_id=None), (400, 'INVALID_ARGUMENT'), 'srcInstanceId'),
        (dict(backup_id=None, source_id=source), (400, 'INVALID_ARGUMENT'), 'backupId'),
        (dict(backup_id='nope', source_id=source), (404, 'NOT_FOUND'), 'nope'),
        (dict(backup_id=backup_id, source_id='redis-000000000000'), (404, 'NOT_FOUND'), 'srcInstanceId'),
        (dict(backup_id=backup_id, source_id=source, version='6.2'), (400, 'INVALID_ARGUMENT'), 'Redis 4.0'),
        (dict(backup_id=backup_id, source_id=source, cls='redis.c.small.basic'), (400, 'INVALID_ARGUMENT'), 'cluster'),
        (dict(backup_id=backup_id, source_id=source, cls='redis.m.micro.basic'), (400, 'INVALID_ARGUMENT'), 'MB'),
    ]
    for kwargs, expected, word in cases:
        resp = clone(sdk, 'refused', **kwargs)
        assert err(resp) == expected and word in resp.error.message, kwargs
    failing = create(sdk, name='failing')
    emulator.admin.fail_next_backup(failing)
    failed_id = ok(sdk.send(CreateBackupRequest(CreateBackupParameters(REGION, failing, 'bad', 1))))['baseId']
    resp = clone(sdk, 'refused', failed_id, failing)
    assert err(resp) == (400, 'FAILED_PRECONDITION') and 'failed' in resp.error.message
    assert live(sdk) == count + 1  # only 'failing' was added


def test_download_urls(variant, sdk, emulator, wire):
    emulator.admin.freeze()
    cluster = create(sdk, name='sharded', cls='redis.c.small.basic')
    backup_id = emulator.admin.seed_backups(cluster, 1, name_prefix='night')[0]
    urls = ok(sdk.send(DescribeDownloadUrlRequest(DescribeDownloadUrlParameters(REGION, cluster, backup_id))))
    sent = wire['sent'][-1]
    assert sent['method'] == 'GET' and sent['url'].endswith('/backup:describeDownloadUrl?baseId=' + backup_id)
    links = urls['downloadUrls']
    assert len(links) == 8  # one per shard file
    assert len({u['name'] for u in links}) == 8 and all(u['link'].startswith('https://') for u in links)
    expires = {int(parse_qs(urlsplit(u['link']).query)['Expires'][0]) for u in links}
    assert expires == {int(emulator.admin.clock()['now']) + 3600}
    emulator.admin.config(backup_delay=60)
    running = ok(sdk.send(CreateBackupRequest(CreateBackupParameters(REGION, cluster, 'busy', 1))))['baseId']
    resp = sdk.send(DescribeDownloadUrlRequest(DescribeDownloadUrlParameters(REGION, cluster, running)))
    assert err(resp) == (400, 'FAILED_PRECONDITION')
    resp = sdk.send(DescribeDownloadUrlRequest(DescribeDownloadUrlParameters(REGION, cluster, 'unknown')))
    assert err(resp) == (404, 'NOT_FOUND')


def test_the_bin_survives_a_restart(tmp_path):
    from emulator_fixtures import RunningEmulator

    state = str(tmp_path / 'state.json')
    first = RunningEmulator(state_file=state)
    try:
        sdk = make_client(first)
        instance_id = create(sdk, name='kept')
        ok(delete(sdk, instance_id))
        assert binned(sdk)['totalCount'] == 1
    finally:
        first.stop()
    second = RunningEmulator(state_file=state)
    try:
        sdk = make_client(second)
        assert [i['cacheInstanceId'] for i in binned(sdk)['cacheInstances']] == [instance_id]
        ok(sdk.send(RecoverInstanceRequest(RecoverInstanceParameters(REGION, instance_id))))
        assert ok(describe(sdk, instance_id))['cacheInstance']['cacheInstanceName'] == 'kept'
    finally:
        second.stop()
