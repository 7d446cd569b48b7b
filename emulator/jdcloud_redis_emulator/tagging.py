"""The resource-tag service (``resourcetag``): TagResources and UnTagResources of Redis instances.

The real service has its own host (resourcetag.jdcloud-api.com) and signing service name; the emulator
serves it on the same server, routed by path (``/v1/regions/{regionId}/tags:tagResources``), and checks
that those requests are signed for ``resourcetag``.  Like the real service it answers 200 and lists the
resources it could not tag in ``failedResourcesMap``.
"""

from __future__ import annotations

from .errors import invalid_argument

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
OPERATIONS = {'tagResources': 'tagResources', 'unTagResources': 'unTagResources'}


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
    failed, success = store.change_tags(region, ids, tags, bind=operation == 'tagResources', limit=TAGS_MAX)
    return {
        'data': {
            'pin': 'emulator',
            'region': region,
            'failedResourcesMap': [{'resourceId': i, 'msg': msg} for i, msg in failed],
            'successCount': success,
        }
    }
