"""The recycle bin, safe deletes, clones from a backup and backup download links
(docs/dev/api-notes.md#recycle-bin).

A deleted instance goes ``deleting`` as before, then, instead of vanishing, into ``Store.recycled`` for the
``recycle_retention`` setting's seconds (0: destroyed at once): from there it is in no describeCacheInstance(s)
answer, count or quota, only in recycledCacheInstance, until it is recovered, destroyed or its time is up.
"""

from __future__ import annotations

import hashlib

from . import backups as bk
from . import catalogue, day2, listing, tasks, validation
from .errors import failed_precondition, instance_not_found, invalid_argument, not_found, quota_exceeded
from .registry import operation

_INSTANCE = '/regions/{regionId}/cacheInstance/{cacheInstanceId}'
DOWNLOAD_LINK_SECONDS = 3600  # the SDK: "1个小时有效期"


def _purge(store) -> None:
    """Destroy the instances whose time in the bin is up."""
    now = store.clock()
    for instance_id in [i for i, inst in store.recycled.items() if inst.retain_until <= now]:
        del store.recycled[instance_id]


def delete(store, settings, region: str, instance_id: str) -> None:
    """deleteCacheInstance: the rules of a delete, planned tasks stopped, then the instance goes (to the bin)."""
    with store.lock:
        inst = store.check_delete(region, instance_id)
        tasks.cancel_planned(inst, store.clock(), 'the instance was deleted')
        store.delete(region, instance_id, settings.delete_delay, settings.recycle_retention)


def _binned(store, region: str, instance_id: str, what: str):
    store._settle_due()  # pylint: disable=protected-access
    _purge(store)
    inst = store.recycled.get(instance_id)
    if inst is not None and inst.region == region:
        return inst
    live = store.instances.get(instance_id)
    if live is not None and live.region == region:
        raise failed_precondition(
            "cacheInstance '%s' is not in the recycle bin (it is %s); %s" % (instance_id, live.status, what)
        )
    raise instance_not_found(instance_id)


def _render(inst) -> dict:
    out = inst.render()
    out['softDeletedTime'] = day2.iso(inst.soft_deleted_at)
    out['retainExpireTime'] = day2.iso(inst.retain_until)
    return out


def listed(store, region: str, query: dict) -> dict:
    # the same query as describeCacheInstances, checked in the same order (listing.describe)
    page_number = listing.int_param(query, 'pageNumber', 1, 1)
    page_size = listing.int_param(query, 'pageSize', 10, 10, 100)
    criteria = listing.build_filters(query) + listing.build_tag_filters(query) + listing.build_resource_groups(query)
    order = listing.sort_order(query)
    store._settle_due()  # pylint: disable=protected-access
    _purge(store)
    instances = listing.sort_instances([i for i in store.recycled.values() if i.region == region], order)
    instances = [i for i in instances if all(predicate(i) for dummy, predicate in criteria)]
    start = (page_number - 1) * page_size
    return {'cacheInstances': [_render(i) for i in instances[start : start + page_size]], 'totalCount': len(instances)}


def check_clone(store, region: str, spec: dict) -> None:
    """A create from a backup (``backupId`` + ``srcInstanceId``): the backup exists, succeeded and fits."""
    if not spec.get('backup_id'):
        return
    p = 'cacheInstance.'
    with store.lock:
        store._settle_due()  # pylint: disable=protected-access
        _purge(store)
        source_id = spec['src_instance_id']
        # a backup outlives its instance's delete while the instance is in the recycle bin
        source = store.instances.get(source_id) or store.recycled.get(source_id)
        if source is None or source.region != region:
            raise not_found("%ssrcInstanceId: cacheInstance '%s' not found" % (p, source_id[:40]))
        backup = store.backups.find(source, spec['backup_id'])
        if backup['status'] != bk.STATUS_SUCCESS:
            raise failed_precondition(
                "%sbackupId: backup '%s' is %s; only a successful backup can be cloned"
                % (p, backup['id'], 'running' if backup['status'] == bk.STATUS_RUNNING else 'failed')
            )
        if spec['redis_version'] != source.redis_version:
            raise invalid_argument(
                '%sbackupId: the backup is of Redis %s; the new instance must have redisVersion %s, not %s'
                % (p, source.redis_version, source.redis_version, spec['redis_version'])
            )
        cls = catalogue.find_class_any_version(spec['instance_class'])
        backup_type = 'master-slave' if backup['shard_num'] == 1 else 'cluster'
        if cls.instance_type != backup_type:
            raise invalid_argument(
                '%sbackupId: the backup is of a %s instance; class %s is %s'
                % (p, backup_type, cls.code, cls.instance_type)
            )
        shards = spec['shard_number'] or cls.shards
        needed = backup['shard_memory_mb'] * backup['shard_num']
        if cls.total_memory_mb(shards) < needed:
            raise invalid_argument(
                '%sbackupId: the backup needs %d MB; class %s with %d shards has %d MB'
                % (p, needed, cls.code, shards, cls.total_memory_mb(shards))
            )


def download_urls(store, inst, params: dict) -> dict:
    validation.check_known(params, day2.PATH_PARAMS + ('baseId',))
    base_id = validation._string(params, 'baseId', 'baseId', required=True)
    backup = store.backups.find(inst, base_id)
    if backup['status'] != bk.STATUS_SUCCESS:
        raise failed_precondition("backup '%s' did not succeed; it has no files to download" % base_id)
    expires = int(store.clock()) + DOWNLOAD_LINK_SECONDS
    urls = []
    for shard in range(backup['shard_num']):
        name = '%s_shard%02d.rdb' % (backup['name'], shard)
        token = hashlib.sha256(('%s/%s/%d' % (backup['id'], name, expires)).encode('utf-8')).hexdigest()[:32]
        link = 'https://redis-backup.s3.%s.jdcloud-oss.com/%s/%s/%s?Expires=%d&Signature=%s' % (
            inst.region,
            inst.id,
            backup['id'],
            name,
            expires,
            token,
        )
        urls.append({'name': name, 'link': link})
    return {'downloadUrls': urls}


@operation('recycledCacheInstance', 'GET', '/regions/{regionId}/recycledCacheInstance', 'query')
def recycled_cache_instance(store, settings, region, target, params):
    return listed(store, region.region_id, params)


@operation('deleteRecycledCacheInstance', 'DELETE', '/regions/{regionId}/recycledCacheInstance/{cacheInstanceId}')
def delete_recycled_cache_instance(store, settings, region, target, params):
    inst = _binned(store, region.region_id, target.instance, 'deleteCacheInstance puts it there first')
    del store.recycled[inst.id]
    store.save()


@operation('recoverInstance', 'POST', _INSTANCE + ':recoverInstance')
def recover_instance(store, settings, region, target, params):
    inst = _binned(store, region.region_id, target.instance, 'there is nothing to recover')
    if store.used(region.region_id) >= store.quota_max(region.region_id):
        raise quota_exceeded()
    del store.recycled[inst.id]
    inst.soft_deleted_at = inst.retain_until = inst.transition_at = None
    inst.recycle_retention, inst.held = 0.0, ''
    store._add(inst)  # pylint: disable=protected-access
    store.save()


@operation('checkDeletable', 'POST', _INSTANCE + '/checkDeletable', instance_first=True)
def check_deletable(store, settings, region, target, params):
    inst = target.inst
    store.check_delete(region.region_id, inst.id)
    store.backups.settle(inst)
    if any(b['status'] == bk.STATUS_RUNNING for b in inst.backups):
        raise failed_precondition("cacheInstance '%s' has a backup running; delete it after" % inst.id)


# the instance is looked up before the query is read (instance_first)
@operation('describeDownloadUrl', 'GET', _INSTANCE + '/backup:describeDownloadUrl', 'query', instance_first=True)
def describe_download_url(store, settings, region, target, params):
    return download_urls(store, target.inst, params)
