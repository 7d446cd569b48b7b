"""jcs_redis_backup_info download_urls: the temporary links to a backup's files (describeDownloadUrl), run for real
against the emulator over HTTP and compared with what the official SDK gets (docs/dev/api-notes.md#recycle-bin)."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from jdcloud_sdk.services.redis.apis.DescribeDownloadUrlRequest import DescribeDownloadUrlRequest
from modrunner import run_module


def info(emulator, check_mode=False, **args):
    return run_module('jcs_redis_backup_info', emulator.connection(**args), check_mode=check_mode)


def sdk_links(sdk_client, instance_id, backup_id):
    response = sdk_client.client.send(
        DescribeDownloadUrlRequest({'regionId': 'cn-north-1', 'cacheInstanceId': instance_id, 'baseId': backup_id})
    )
    assert response.error is None, vars(response.error)
    return [dict(name=u['name'], link=u['link']) for u in response.result['downloadUrls']]


@pytest.fixture
def backed_up(sdk_client, emulator):
    """An instance with a failed backup (newest) and two successful ones; the clock frozen so that links repeat."""
    emulator.admin.freeze()
    instance_id = sdk_client.create('links_cache')
    emulator.admin.seed_backups(instance_id, 2, name_prefix='nightly')
    emulator.admin.fail_next_backup(instance_id)
    failed = run_module('jcs_redis_backup', emulator.connection(instance_id=instance_id, name='doomed'))
    assert failed.result['error']['status'] == 'BACKUP_FAILED', failed.result
    emulator.admin.reset(state=False)
    return instance_id


def test_links_only_when_asked_one_call_per_successful_backup(emulator, sdk_client, backed_up):
    plain = info(emulator, instance_id=backed_up)
    assert not plain.failed and all('download_urls' not in b for b in plain.result['backups'])
    assert emulator.calls() == {'describeBackups': 1}

    emulator.admin.reset(state=False)
    run = info(emulator, instance_id=backed_up, download_urls=True)
    assert not run.failed and not run.changed, run.result
    by_name = {b['name']: b for b in run.result['backups']}
    # a failed backup has no files, and is not asked about
    assert by_name['doomed']['status'] == 'failed' and by_name['doomed']['download_urls'] == []
    assert emulator.calls() == {'describeBackups': 1, 'describeDownloadUrl': 2}
    now = int(emulator.admin.clock()['now'])
    for backup in run.result['backups']:
        if backup['status'] != 'success':
            continue
        links = backup['download_urls']
        # exactly what the API gives another client, one file per shard of the master-slave instance
        assert links == sdk_links(sdk_client, backed_up, backup['id'])
        assert len(links) == 1 and links[0]['name'] == backup['name'] + '_shard00.rdb'
        url = urlsplit(links[0]['link'])
        assert url.scheme == 'https' and int(parse_qs(url.query)['Expires'][0]) == now + 3600
    # the links are the result: never in the arguments shown back, nor in a warning
    shown = str(run.result.get('invocation')) + str(run.result.get('warnings')) + run.stderr
    assert all(b['download_urls'][0]['link'] not in shown for b in run.result['backups'] if b['download_urls'])


def test_links_of_a_cluster_backup_one_per_shard_and_in_check_mode(emulator, sdk_client):
    emulator.admin.freeze()
    instance_id = sdk_client.create('links_cluster', instance_class='redis.c.small.basic')
    (backup_id,) = emulator.admin.seed_backups(instance_id, 1)
    emulator.admin.reset(state=False)
    run = info(emulator, check_mode=True, instance_name='links_cluster', backup_id=backup_id, download_urls=True)
    assert not run.failed and not run.changed, run.result
    (backup,) = run.result['backups']
    shards = backup['shard_count']
    assert shards > 1 and [u['name'][-12:] for u in backup['download_urls']] == [
        f'_shard{n:02d}.rdb' for n in range(shards)
    ]
    assert backup['download_urls'] == sdk_links(sdk_client, instance_id, backup_id)


def test_a_failure_after_some_links_shows_none(emulator, backed_up):
    first = info(emulator, instance_id=backed_up, download_urls=True)
    links = [u['link'] for b in first.result['backups'] for u in b['download_urls']]
    assert len(links) == 2
    # the second link read fails once the first is in hand (no retry)
    emulator.admin.hold_requests('describeDownloadUrl', count=1, skip=1)
    outcome = {}
    runner = threading.Thread(
        target=lambda: outcome.update(run=info(emulator, instance_id=backed_up, download_urls=True, api_retries=0))
    )
    runner.start()
    emulator.admin.wait_held_requests('describeDownloadUrl')
    emulator.admin.release_requests('describeDownloadUrl', answer='error')
    runner.join()
    run = outcome['run']
    assert run.failed and run.result['error']['code'] == 503, run.result
    assert 'Traceback' not in run.stdout + run.stderr
    # neither the link read before the failure nor any other is in the failure
    assert 'backups' not in run.result
    assert not any(link in run.stdout + run.stderr for link in links)


@pytest.mark.parametrize(
    ('options', 'message'),
    [
        (dict(download_urls='perhaps'), 'download_urls'),
        (dict(download_urls=True, backup_id='../../etc'), 'backup_id'),
    ],
)
def test_bad_options_are_refused_before_any_call(emulator, backed_up, options, message):
    run = info(emulator, instance_id=backed_up, **options)
    assert run.failed and message in run.result['msg'], run.result
    assert run.result['error']['status'] == 'INVALID_ARGUMENT'
    assert emulator.calls() == {}
