"""The recycle bin, safe deletes, clones from a backup and backup download links
(docs/dev/api-notes.md#recycle-bin)."""

from __future__ import annotations

from .errors import invalid_argument

ROUTES = ()


def execute(store, settings, target, raw_query, raw_body):
    raise AssertionError('unrouted operation %s' % target.operation)


def delete(store, settings, region: str, instance_id: str) -> None:
    store.delete(region, instance_id, settings.delete_delay)


def check_clone(store, region: str, spec: dict) -> None:
    if spec.get('backup_id'):
        raise invalid_argument('cacheInstance.backupId: cloning from a backup is not supported yet')
