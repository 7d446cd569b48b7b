"""The resource-tag service (``resourcetag``): TagResources and UnTagResources of Redis instances.

The real service has its own host (resourcetag.jdcloud-api.com) and signing service name; the emulator
serves it on the same server, routed by path (``/v1/regions/{regionId}/tags:tagResources``), and checks
that those requests are signed for ``resourcetag``.  Like the real service it answers 200 and lists the
resources it could not tag in ``failedResourcesMap``.  ``Tags`` is its backend (``store.tags``);
the handlers follow it.
"""

from __future__ import annotations

from .errors import invalid_argument
from .registry import operation

SERVICE = 'resourcetag'
# The product lines the service knows (jdcloud-sdk ResourcesMap); only redis resources exist here.
SERVICE_CODES = frozenset(
    [
        'vm',
        'disk',
        'sqlserver',
        'es',
        'mongodb',
        'ip',
        'memcached',
        'redis',
        'drds',
        'rds',
        'database',
        'db_ro',
        'percona',
        'percona_ro',
        'mariadb',
        'mariadb_ro',
        'pg',
        'cdn',
        'nativecontainer',
        'pod',
        'zfs',
        'jqs',
        'kubernetesNodegroup',
        'jcq',
    ]
)
# JD Cloud's tag rules: key 1-127 characters, value up to 255, at most 10 user tags on a resource, and the
# key prefixes kept for JD Cloud's own tags.
KEY_MAX = 127
VALUE_MAX = 255
TAGS_MAX = 10
RESERVED_PREFIXES = ('jrn:', 'jdc-')


def _validate(body: dict, wrapper: str):
    unknown = set(body) - {'regionId', wrapper}
    if unknown:
        raise invalid_argument('%s is not a known parameter' % sorted(unknown)[0])
    request = body.get(wrapper)
    if not isinstance(request, dict):
        raise invalid_argument('%s is required' % wrapper)
    unknown = set(request) - {'resources', 'tags'}
    if unknown:
        raise invalid_argument('%s.%s is not a known parameter' % (wrapper, sorted(unknown)[0]))
    resources = request.get('resources')
    if not isinstance(resources, list) or not resources:
        raise invalid_argument('%s.resources is required' % wrapper)
    codes, ids = set(), []
    for index, item in enumerate(resources):
        field = '%s.resources[%d]' % (wrapper, index)
        if not isinstance(item, dict) or set(item) - {'serviceCode', 'resourceId'}:
            raise invalid_argument('%s must have serviceCode and resourceId' % field)
        code = item.get('serviceCode')
        if code not in SERVICE_CODES:
            raise invalid_argument('%s.serviceCode %r is not a product line of the tag service' % (field, code))
        resource_ids = item.get('resourceId')
        if not isinstance(resource_ids, list) or not resource_ids or not all(isinstance(i, str) for i in resource_ids):
            raise invalid_argument('%s.resourceId must be a non-empty list of strings' % field)
        codes.add(code)
        ids.extend((code, i) for i in resource_ids)
    if len(codes) > 1:
        raise invalid_argument('%s.resources: only resources of one product line can be tagged at once' % wrapper)
    tags = request.get('tags')
    if not isinstance(tags, list) or not tags:
        raise invalid_argument('%s.tags is required' % wrapper)
    out = {}
    for index, tag in enumerate(tags):
        field = '%s.tags[%d]' % (wrapper, index)
        if not isinstance(tag, dict) or set(tag) - {'key', 'value'}:
            raise invalid_argument('%s must have key and value' % field)
        key, value = tag.get('key'), tag.get('value', '')
        if not isinstance(key, str) or not 1 <= len(key) <= KEY_MAX:
            raise invalid_argument('%s.key must be 1 to %d characters' % (field, KEY_MAX))
        if key.lower().startswith(RESERVED_PREFIXES):
            raise invalid_argument('%s.key must not start with %s' % (field, ' or '.join(RESERVED_PREFIXES)))
        if not isinstance(value, str) or len(value) > VALUE_MAX:
            raise invalid_argument('%s.value must be a string of at most %d characters' % (field, VALUE_MAX))
        out[key] = value
    return ids, out


def execute(store, region: str, operation: str, body: dict) -> dict:
    """Run TagResources or UnTagResources; the answer's ``data`` lists the resources that failed."""
    ids, tags = _validate(body, operation)
    failed, success = store.tags.change(region, ids, tags, bind=operation == 'tagResources', limit=TAGS_MAX)
    return {
        'data': {
            'pin': 'emulator',
            'region': region,
            'failedResourcesMap': [{'resourceId': i, 'msg': msg} for i, msg in failed],
            'successCount': success,
        }
    }


class Tags:
    """The tags of the store's instances as the tag service changes them (``store.tags``); under the store's
    lock. describeCacheInstance(s) show them (store.Instance.render)."""

    def __init__(self, store):
        self.store = store

    def set_failure(self, instance_id: str, message: str) -> None:
        """Admin: the tag service fails for this instance with this reason (an empty one ends that)."""
        with self.store.lock:
            self.store.get_any(instance_id).tag_failure = message
            self.store.save()

    def change(self, region: str, resources: list, tags: dict, bind: bool, limit: int) -> tuple:
        """Bind (or unbind) ``tags`` to each ``(serviceCode, id)``: ``([(id, reason)] failed, bindings made)``.
        Unbinding a tag the resource does not have with that value is not a failure."""
        store = self.store
        with store.lock:
            store.settle_due()
            failed, success = [], 0
            for code, resource_id in resources:
                inst = store.instances.get(resource_id)
                if code != 'redis' or inst is None or inst.region != region:
                    failed.append((resource_id, 'resource %s not found in %s' % (resource_id, region)))
                    continue
                if inst.tag_failure:
                    failed.append((resource_id, inst.tag_failure))
                    continue
                current = {t['key']: t['value'] for t in inst.tags or ()}
                if bind:
                    new = dict(current, **tags)
                    if len(new) > limit:
                        failed.append((resource_id, 'a resource has at most %d tags, %d requested' % (limit, len(new))))
                        continue
                else:
                    new = {k: v for k, v in current.items() if tags.get(k, object()) != v}
                success += len(tags)
                inst.tags = [{'key': k, 'value': v} for k, v in new.items()] or None
                store.changed(region, reorders=False)
            store.save()
            return failed, success


# ------------------------------------------------------------------------------------------ the resource-tag service
# signed for its own service name, served on the same server by path
@operation('tagResources', 'POST', '/regions/{regionId}/tags:tagResources', 'body', service=SERVICE)
def tag_resources(store, settings, region, target, params):
    return execute(store, region.region_id, 'tagResources', params)


@operation('unTagResources', 'POST', '/regions/{regionId}/tags:unTagResources', 'body', service=SERVICE)
def untag_resources(store, settings, region, target, params):
    return execute(store, region.region_id, 'unTagResources', params)
