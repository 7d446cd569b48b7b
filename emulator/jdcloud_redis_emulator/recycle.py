"""The recycle bin, safe deletes, clones from a backup and backup download links
(docs/dev/api-notes.md#recycle-bin).

A deleted instance goes ``deleting`` as before, then, instead of vanishing, into ``Store.recycled`` for the
``recycle_retention`` setting's seconds (0: destroyed at once): from there it is in no describeCacheInstance(s)
answer, count or quota, only in recycledCacheInstance, until it is recovered, destroyed or its time is up.
``RecycleBin`` is the backend (``store.recycle_bin``); the handlers follow it.
"""

from __future__ import annotations

from . import backups as bk
from . import catalogue, day2, listing, validation
from .errors import failed_precondition, instance_not_found, invalid_argument, not_found, quota_exceeded
from .registry import operation

_INSTANCE = '/regions/{regionId}/cacheInstance/{cacheInstanceId}'


def _render(inst) -> dict:
    out = inst.render()
    out['softDeletedTime'] = day2.iso(inst.soft_deleted_at)
    out['retainExpireTime'] = day2.iso(inst.retain_until)
    return out


def validate_list(query: dict) -> dict:
    """The recycledCacheInstance query: that of describeCacheInstances, checked in the same order
    (listing.describe)."""
    return {
        'page_number': listing.int_param(query, 'pageNumber', 1, 1),
        'page_size': listing.int_param(query, 'pageSize', 10, 10, 100),
        'criteria': listing.build_filters(query)
        + listing.build_tag_filters(query)
        + listing.build_resource_groups(query),
        'order': listing.sort_order(query),
    }


class RecycleBin:
    """The recycle bin (``store.recycled``: id -> Instance, saved in the state file with the live instances) and
    the rules of deleting and cloning (``store.recycle_bin``); under the store's lock."""

    def __init__(self, store):
        self.store = store

    def admit(self, inst, done_at: float) -> None:
        """The store's hook: ``inst`` was deleted at ``done_at`` with a retention; it goes to the bin, showing the
        status it had before the delete."""
        inst.status = inst.status_before_delete or 'running'
        inst.soft_deleted_at = done_at
        inst.retain_until = done_at + inst.recycle_retention
        self.store.recycled[inst.id] = inst

    def _purge(self) -> None:
        """Destroy the instances whose time in the bin is up."""
        now = self.store.clock()
        recycled = self.store.recycled
        for instance_id in [i for i, inst in recycled.items() if inst.retain_until <= now]:
            del recycled[instance_id]

    def _settled(self) -> None:
        self.store.settle_due()
        self._purge()

    def _binned(self, region: str, instance_id: str, what: str):
        self._settled()
        inst = self.store.recycled.get(instance_id)
        if inst is not None and inst.region == region:
            return inst
        live = self.store.instances.get(instance_id)
        if live is not None and live.region == region:
            raise failed_precondition(
                "cacheInstance '%s' is not in the recycle bin (it is %s); %s" % (instance_id, live.status, what)
            )
        raise instance_not_found(instance_id)

    def delete(self, region: str, instance_id: str, delay: float, retention: float) -> None:
        """deleteCacheInstance: the rules of a delete, planned tasks stopped, then the instance goes (to the bin
        for ``retention`` seconds once gone; 0: destroyed)."""
        store = self.store
        with store.lock:
            inst = store.check_delete(region, instance_id)
            store.tasks.cancel_planned(inst, store.clock(), 'the instance was deleted')
            store.delete(region, instance_id, delay, retention)

    def check_deletable(self, inst) -> None:
        """checkDeletable: the rules of a delete, and no backup running (FAILED_PRECONDITION saying why)."""
        store = self.store
        with store.lock:
            store.check_delete(inst.region, inst.id)
            store.backups.settle(inst)
            if any(b['status'] == bk.STATUS_RUNNING for b in inst.backups):
                raise failed_precondition("cacheInstance '%s' has a backup running; delete it after" % inst.id)

    def list(self, region: str, query: dict) -> dict:
        """The answer of recycledCacheInstance for a checked query (validate_list)."""
        with self.store.lock:
            self._settled()
            instances = listing.sort_instances(
                [i for i in self.store.recycled.values() if i.region == region], query['order']
            )
            instances = [i for i in instances if all(predicate(i) for dummy, predicate in query['criteria'])]
            start = (query['page_number'] - 1) * query['page_size']
            return {
                'cacheInstances': [_render(i) for i in instances[start : start + query['page_size']]],
                'totalCount': len(instances),
            }

    def destroy(self, region: str, instance_id: str) -> None:
        """deleteRecycledCacheInstance: gone for good."""
        with self.store.lock:
            inst = self._binned(region, instance_id, 'deleteCacheInstance puts it there first')
            del self.store.recycled[inst.id]
            self.store.save()

    def recover(self, region: str, instance_id: str) -> None:
        """recoverInstance: live again, with the status it had before the delete, within the region's quota."""
        store = self.store
        with store.lock:
            inst = self._binned(region, instance_id, 'there is nothing to recover')
            if store.used(region) >= store.quota_max(region):
                raise quota_exceeded()
            del store.recycled[inst.id]
            inst.soft_deleted_at = inst.retain_until = inst.transition_at = None
            inst.recycle_retention, inst.held = 0.0, ''
            store.add(inst)
            store.save()

    def check_clone(self, region: str, spec: dict) -> None:
        """A create from a backup (``backupId`` + ``srcInstanceId``): the backup exists, succeeded and fits."""
        if not spec.get('backup_id'):
            return
        p = 'cacheInstance.'
        store = self.store
        with store.lock:
            self._settled()
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


@operation('recycledCacheInstance', 'GET', '/regions/{regionId}/recycledCacheInstance', 'query')
def recycled_cache_instance(store, settings, region, target, params):
    return store.recycle_bin.list(region.region_id, validate_list(params))


@operation('deleteRecycledCacheInstance', 'DELETE', '/regions/{regionId}/recycledCacheInstance/{cacheInstanceId}')
def delete_recycled_cache_instance(store, settings, region, target, params):
    store.recycle_bin.destroy(region.region_id, target.instance)


@operation('recoverInstance', 'POST', _INSTANCE + ':recoverInstance')
def recover_instance(store, settings, region, target, params):
    store.recycle_bin.recover(region.region_id, target.instance)


@operation('checkDeletable', 'POST', _INSTANCE + '/checkDeletable', instance_first=True, write=False)
def check_deletable(store, settings, region, target, params):
    store.recycle_bin.check_deletable(target.inst)


# the instance is looked up before the query is read (instance_first); the links are the backups' (backups.py)
@operation('describeDownloadUrl', 'GET', _INSTANCE + '/backup:describeDownloadUrl', 'query', instance_first=True)
def describe_download_url(store, settings, region, target, params):
    validation.check_known(params, day2.PATH_PARAMS + ('baseId',))
    base_id = validation._string(params, 'baseId', 'baseId', required=True)
    return {'downloadUrls': store.backups.download_urls(target.inst, base_id)}
