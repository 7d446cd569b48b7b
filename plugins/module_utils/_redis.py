# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""JD Cloud Redis operations, paging and result shapes.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import re
from urllib.parse import quote

from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError

PAGE_SIZE = 100
# How many times a listing is restarted when instances come or go while it pages.
LIST_ATTEMPTS = 3

# API rule (docs/dev/api-notes.md#validation): names are 2-32 digits, ASCII letters, '_' or Chinese characters (no '-',
# unlike other JD Cloud resources).
NAME_PATTERN = re.compile('[0-9A-Za-z_\u4e00-\u9fa5]{2,32}\\Z')
# \Z, not $: $ also matches before a final newline.
PASSWORD_PATTERN = re.compile(r'[A-Za-z0-9]{8,16}\Z')
DESCRIPTION_MAX = 256
VERSION_PATTERN = re.compile(r'(\d+)(?:\.(\d+))?(?:[.-].*)?\Z')
CHARGE_DURATION_MAX = {'month': 9, 'year': 3}
# The version the API documents as its default for createCacheInstance and describeInstanceClass,
# used when redis_version is not sent.
API_DEFAULT_VERSION = '2.8'
# Versions asked about, only when a class is refused, to tell the user which versions sell it; a
# version the region does not offer is skipped.
KNOWN_VERSIONS = ('2.8', '4.0', '5.0', '6.2', '7.2', '8.0')

# Instances in these statuses are on their way to another status; the
# module waits for them before acting.
TRANSITIONAL = ('creating', 'changing', 'deleting', 'configuring', 'restoring', 'upgrading')


def name_problem(value):
    if not NAME_PATTERN.match(value):
        return 'must be 2 to 32 characters of letters, digits, underscores or Chinese characters (no hyphens or spaces)'
    return None


def password_problem(value):
    if not PASSWORD_PATTERN.match(value) or not re.search('[A-Za-z]', value) or not re.search('[0-9]', value):
        return 'must be 8 to 16 characters of letters and digits, with at least one letter and one digit'
    return None


def description_problem(value):
    if len(value) > DESCRIPTION_MAX:
        return f'must be at most {DESCRIPTION_MAX} characters, got {len(value)}'
    return None


def normalize_version(value):
    """``4``, ``4.0``, ``4.0.14`` and ``4.0-1.3`` all mean Redis 4.0."""
    if value is None:
        return None
    match = VERSION_PATTERN.match(str(value).strip())
    if not match:
        return None
    return f'{int(match.group(1))}.{int(match.group(2) or 0)}'


def instance_to_result(api, region):
    """The one shape of an instance returned by every module of the collection."""
    az = api.get('azId') or {}
    charge = api.get('charge') or {}
    tags = api.get('tags') or []
    return dict(
        id=api.get('cacheInstanceId'),
        name=api.get('cacheInstanceName'),
        status=api.get('cacheInstanceStatus'),
        description=api.get('cacheInstanceDescription') or '',
        region=region,
        instance_class=api.get('cacheInstanceClass'),
        instance_type=api.get('cacheInstanceType'),
        memory_mb=api.get('cacheInstanceMemoryMB'),
        memory_mb_per_shard=api.get('memoryMBPerShard'),
        shard_number=api.get('shardNumber'),
        redis_version=api.get('redisVersion'),
        instance_version=api.get('instanceVersion'),
        vpc_id=api.get('vpcId'),
        subnet_id=api.get('subnetId'),
        master_az=az.get('master'),
        slave_az=az.get('slave'),
        connection_domain=api.get('connectionDomain'),
        port=api.get('port'),
        auth_enabled=bool(api.get('auth')),
        ipv6=bool(api.get('ipv6On')),
        charge_mode=charge.get('chargeMode'),
        charge_status=charge.get('chargeStatus'),
        charge_start_time=charge.get('chargeStartTime'),
        charge_expired_time=charge.get('chargeExpiredTime'),
        create_time=api.get('createTime'),
        tags={t.get('key'): t.get('value') for t in tags if isinstance(t, dict)},
    )


def instance_class_to_result(api):
    return dict(
        instance_class=api.get('instanceClass'),
        instance_type=api.get('instanceType'),
        cpu=api.get('cpu'),
        memory_mb=api.get('memoryMB'),
        disk_gb=api.get('diskGB'),
        max_connection=api.get('maxConnection'),
        bandwidth_mbps=api.get('bandwidthMbps'),
    )


def quota_to_result(api):
    used = api.get('used') or 0
    maximum = api.get('max') or 0
    return dict(name=api.get('name'), max=maximum, used=used, available=max(maximum - used, 0))


class RedisAPI:
    """The nine operations of the JD Cloud Redis API v1 for one region."""

    def __init__(self, client, region):
        self.client = client
        self.region = region

    def _path(self, *segments):
        return '/regions/{}/{}'.format(quote(self.region, safe=''), '/'.join(quote(s, safe='') for s in segments))

    def _instance_path(self, instance_id, action=None):
        path = self._path('cacheInstance', instance_id)
        return path + ':' + action if action else path

    # -- reads -------------------------------------------------------------------

    def get_instance(self, instance_id):
        """describeCacheInstance; None when the instance does not exist."""
        try:
            result = self.client.request('GET', self._instance_path(instance_id), self.region)
        except JDCloudAPIError as exc:
            if exc.code == 404:
                return None
            raise
        return result.get('cacheInstance')

    def list_page(self, page, filters=None, sorts=None, page_size=PAGE_SIZE):
        query = dict(pageNumber=page, pageSize=page_size, filters=filters or None, sorts=sorts or None)
        result = self.client.request('GET', self._path('cacheInstance'), self.region, query=query)
        return result.get('cacheInstances') or [], result.get('totalCount') or 0

    def list_instances(self, filters=None, sorts=None, concurrency=1, convert=None):
        """describeCacheInstances over every page, in the API's order.

        The first page tells the total; the other pages are then fetched on up
        to ``concurrency`` connections.  An instance created or deleted between
        pages shifts the later pages, which could hide an instance that exists:
        when the pages disagree on the total, the listing starts over (a few
        times at most), and results are de-duplicated by id in any case.
        ``convert`` is applied to each instance as its page arrives, so that on
        a large account the conversion overlaps with waiting for other pages.
        """
        for _dummy in range(LIST_ATTEMPTS):
            pages = self._all_pages(filters, sorts, concurrency, convert)
            if len({total for items, total in pages}) == 1:
                break
        seen = set()
        instances = []
        for items, _total in pages:
            for instance_id, instance in items:
                if instance_id not in seen:
                    seen.add(instance_id)
                    instances.append(instance)
        return instances

    def _all_pages(self, filters, sorts, concurrency, convert):
        def fetch(number):
            items, total = self.list_page(number, filters, sorts)
            return [(item.get('cacheInstanceId'), convert(item) if convert else item) for item in items], total

        pages = [fetch(1)]
        last_page = -(-pages[0][1] // PAGE_SIZE)
        if last_page > 1:
            numbers = range(2, last_page + 1)
            if concurrency > 1:
                # Imported here: only large listings need threads, and every module run pays for imports.
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(max_workers=min(concurrency, len(numbers))) as pool:
                    pages.extend(pool.map(fetch, numbers))
            else:
                pages.extend(fetch(n) for n in numbers)
        return pages

    def find_by_name(self, name):
        """Instances named exactly ``name``, whatever their status (the API's
        name filter is a substring match)."""
        candidates = self.list_instances(filters=[dict(name='cacheInstanceName', values=[name])])
        return [i for i in candidates if i.get('cacheInstanceName') == name]

    def quota(self):
        return self.client.request('GET', self._path('quota'), self.region).get('quota') or {}

    def instance_classes(self, redis_version=None):
        query = dict(redisVersion=redis_version) if redis_version else None
        return (
            self.client.request('GET', self._path('instanceClass'), self.region, query=query).get('instanceClasses')
            or []
        )

    # -- writes ------------------------------------------------------------------

    def create(self, spec, charge):
        body = dict(cacheInstance=spec)
        if charge:
            body['charge'] = charge
        return self.client.request('POST', self._path('cacheInstance'), self.region, body=body)

    def modify_attribute(self, instance_id, name=None, description=None):
        body = {
            k: v for k, v in (('cacheInstanceName', name), ('cacheInstanceDescription', description)) if v is not None
        }
        # Setting the same name/description twice has the same effect as once.
        return self.client.request('PATCH', self._instance_path(instance_id), self.region, body=body, idempotent=True)

    def modify_class(self, instance_id, instance_class):
        return self.client.request(
            'POST',
            self._instance_path(instance_id, 'modifyCacheInstanceClass'),
            self.region,
            body=dict(cacheInstanceClass=instance_class),
        )

    def reset_password(self, instance_id, password):
        # Resetting to the same password twice leaves the same password.
        return self.client.request(
            'POST',
            self._instance_path(instance_id, 'resetCacheInstancePassword'),
            self.region,
            body=dict(password=password),
            idempotent=True,
        )

    def delete(self, instance_id):
        return self.client.request('DELETE', self._instance_path(instance_id), self.region)
