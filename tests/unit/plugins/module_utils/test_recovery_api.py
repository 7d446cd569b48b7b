"""The recycle-bin operations of the API layer and the lookups of source_backup (_recovery.py) against the
emulator over HTTP: the bin listed by exact name and by id, recoverInstance, and the source instance and backup
found live or in the bin, refused when missing or ambiguous, all without a write."""

from __future__ import annotations

import pytest
from emulator_fixtures import INSTANCE_PASSWORD, REGION

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import RedisAPI, Refusal
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudClient
from ansible_collections.jdcloud.cloud.plugins.module_utils._recovery import find_backup, find_source, plan_clone


@pytest.fixture
def api(emulator):
    emulator.admin.freeze()
    return RedisAPI(JDCloudClient(emulator.access_key, emulator.secret_key, endpoint=emulator.url, timeout=10), REGION)


def make(api, name, cls='redis.m.small.basic', version='5.0'):
    spec = dict(
        cacheInstanceName=name,
        cacheInstanceClass=cls,
        redisVersion=version,
        vpcId='vpc-test0001',
        subnetId='subnet-test0001',
        azId=dict(master=REGION + 'a', slave=REGION + 'b'),
        password=INSTANCE_PASSWORD,
    )
    return api.create(spec, None)['cacheInstanceId']


def test_the_bin_by_exact_name_and_by_id(api, emulator):
    first, other, kept = make(api, 'orders'), make(api, 'orders_v2'), make(api, 'orders')
    api.delete(first)
    api.delete(other)
    binned = api.find_recycled(name='orders')  # the API's filter also matches orders_v2
    assert [i['id'] for i in binned] == [first]
    assert binned[0]['soft_deleted_time'] and binned[0]['retain_expire_time']
    assert binned[0]['name'] == 'orders' and binned[0]['redis_version'] == '5.0'
    assert api.find_recycled(instance_id=other)[0]['name'] == 'orders_v2'
    assert api.find_recycled(instance_id=kept) == []
    assert emulator.writes() == 3 + 2
    api.recover(first)
    assert api.describe(first)['status'] == 'running'
    assert api.find_recycled(name='orders') == []


def test_source_and_backup_found_live_and_in_the_bin(api, emulator):
    source = make(api, 'orders')
    backup_id = emulator.admin.seed_backups(source, 2, name_prefix='nightly')[0]
    writes = emulator.writes()
    found, in_bin = find_source(api, dict(instance_name='orders'))
    assert (found['id'], in_bin) == (source, False)
    backup, warning = find_backup(api, found, in_bin, dict(backup_id=backup_id))
    assert backup['id'] == backup_id and backup['status'] == 'success' and warning is None
    by_name, dummy = find_backup(api, found, in_bin, dict(backup_name=backup['name']))
    assert by_name['id'] == backup_id
    fields, result, warnings = plan_clone(
        api,
        dict(source_backup=dict(instance_name='orders', backup_id=backup_id), redis_version='5.0'),
        dict(instanceClass='redis.m.small.basic', instanceType='master-slave', memoryMB=2048),
    )
    assert fields == dict(backupId=backup_id, srcInstanceId=source) and warnings == []
    assert result['in_recycle_bin'] is False and result['backup_name'] == backup['name']
    api.delete(source)
    found, in_bin = find_source(api, dict(instance_name='orders'))
    assert (found['id'], in_bin) == (source, True)
    assert find_source(api, dict(instance_id=source))[1] is True
    # the API lists no backup of a binned instance: by id with a warning, by name refused
    backup, warning = find_backup(api, found, in_bin, dict(backup_id=backup_id))
    assert backup is None and 'recycle bin' in warning
    with pytest.raises(Refusal) as refused:
        find_backup(api, found, in_bin, dict(backup_name='nightly_00001'))
    assert refused.value.status == 'FAILED_PRECONDITION' and 'backup_id' in refused.value.message
    assert emulator.writes() == writes + 1  # the delete only


def test_missing_and_ambiguous_sources_and_backups(api, emulator):
    one, two = make(api, 'twin'), make(api, 'twin')
    with pytest.raises(Refusal) as refused:
        find_source(api, dict(instance_name='twin'))
    assert refused.value.status == 'AMBIGUOUS_NAME'
    assert {c['id'] for c in refused.value.details['candidates']} == {one, two}
    api.delete(one)
    api.delete(two)
    with pytest.raises(Refusal) as refused:
        find_source(api, dict(instance_name='twin'))
    assert refused.value.status == 'AMBIGUOUS_NAME' and 'recycle bin' in refused.value.message
    for wanted in (dict(instance_name='nobody'), dict(instance_id='redis-000000000000')):
        with pytest.raises(Refusal) as refused:
            find_source(api, wanted)
        assert refused.value.status == 'NOT_FOUND'
    source = make(api, 'single')
    found, dummy = find_source(api, dict(instance_name='single'))
    api.create_backup(source, 'same')
    api.create_backup(source, 'same')
    for wanted, status in ((dict(backup_id='nope'), 'NOT_FOUND'), (dict(backup_name='nope'), 'NOT_FOUND')):
        with pytest.raises(Refusal) as refused:
            find_backup(api, found, False, wanted)
        assert refused.value.status == status and 'source_backup.backup_' in refused.value.message
    with pytest.raises(Refusal) as refused:
        find_backup(api, found, False, dict(backup_name='same'))
    assert refused.value.status == 'AMBIGUOUS_NAME' and len(refused.value.details['candidates']) == 2
