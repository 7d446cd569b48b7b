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
# How many complete reads a listing longer than one page may take to get two that agree.
LIST_READS = 4

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


def _page_count(total):
    return max(-(-total // PAGE_SIZE), 1)


class _Read:
    """One complete read of a listing, page by page."""

    def __init__(self, pages, reverse):
        self.reverse = reverse
        totals = {total for _number, total, _items in pages}
        self.total = max(totals)
        self.ids = []
        self.by_id = {}
        keys = set()
        for _number, _total, items in pages:
            for instance_id, name, item in items:
                if instance_id not in self.by_id:
                    self.ids.append(instance_id)
                    self.by_id[instance_id] = item
                    keys.add((instance_id, name))
        self.keys = frozenset(keys)
        # clean: every page told the same total, and the pages held exactly that many instances
        self.clean = len(totals) == 1 and len(self.ids) == self.total and len(pages) == _page_count(self.total)

    def instances(self):
        return [self.by_id[i] for i in self.ids]


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
        replica_number=api.get('replicaNumber'),
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

    def list_page(self, page, filters=None, sorts=None, page_size=PAGE_SIZE, tag_filters=None):
        query = dict(
            pageNumber=page,
            pageSize=page_size,
            filters=filters or None,
            sorts=sorts or None,
            tagFilters=tag_filters or None,
        )
        result = self.client.request('GET', self._path('cacheInstance'), self.region, query=query)
        return result.get('cacheInstances') or [], result.get('totalCount') or 0

    def list_instances(self, filters=None, sorts=None, concurrency=1, convert=None, merge=True, tag_filters=None):
        """describeCacheInstances over every page: ``(instances, settled)``.

        Offset paging is not a snapshot: an instance that comes, goes or is renamed between two pages
        shifts the later ones, which can hide an instance that exists the whole time even when every
        page reports the same total. One page is one answer, so a listing of at most PAGE_SIZE costs
        one call and is settled. A longer listing is read again, the next read in the opposite page
        order (a shift that hides an instance from a forward read shows it to a backward one), until
        two consecutive clean reads hold the same instances with the same names, at most LIST_READS
        reads. When no two reads agree, ``settled`` is False and the instances are those of every
        read, the ones not seen by all reads checked again by id (with ``merge``; otherwise those of
        the last read). ``convert`` is applied to each
        instance as its page arrives. ``tag_filters`` is the API's ``tagFilters`` (``[{key, values}]``).
        """
        query = dict(filters=filters, sorts=sorts, tag_filters=tag_filters)
        reads = [self._read(query, concurrency, convert)]
        if reads[0].clean and reads[0].total <= PAGE_SIZE:
            return reads[0].instances(), True
        while len(reads) < LIST_READS:
            reads.append(self._read(query, concurrency, convert, reverse_of=reads[-1]))
            previous, last = reads[-2], reads[-1]
            if previous.clean and last.clean and previous.keys == last.keys:
                return last.instances(), True
        return (self._merge(reads, filters, tag_filters, convert) if merge else reads[-1].instances()), False

    def _read(self, query, concurrency, convert, reverse_of=None):
        def fetch(number):
            items, total = self.list_page(number, **query)
            return (
                number,
                total,
                [
                    (item.get('cacheInstanceId'), item.get('cacheInstanceName'), convert(item) if convert else item)
                    for item in items
                ],
            )

        if reverse_of is None or reverse_of.reverse:
            pages = [fetch(1)]
            numbers = list(range(2, _page_count(pages[0][1]) + 1))
            reverse = False
        else:
            # backwards, page 1 last, with the page count of the read before
            pages = []
            numbers = list(range(_page_count(reverse_of.total), 0, -1))
            reverse = True
        if len(numbers) > 1 and concurrency > 1:
            # Imported here: only large listings need threads, and every module run pays for imports.
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(concurrency, len(numbers))) as pool:
                pages.extend(pool.map(fetch, numbers))
        else:
            pages.extend(fetch(n) for n in numbers)
        pages.sort(key=lambda page: page[0])
        return _Read(pages, reverse)

    def _merge(self, reads, filters, tag_filters, convert):
        """The instances of reads that never agreed: those every read saw, and those some read missed
        that one more listing by id still finds (with the caller's filters, so a renamed or deleted
        one drops out). The order is that of the last read, the rechecked ones after."""
        everywhere = set.intersection(*(set(read.ids) for read in reads))
        latest = {}
        for read in reads:
            latest.update(read.by_id)
        doubtful = [i for i in latest if i not in everywhere]
        confirmed = {}
        others = [f for f in filters or () if f.get('name') != 'cacheInstanceId']
        for start in range(0, len(doubtful), PAGE_SIZE):
            chunk = doubtful[start : start + PAGE_SIZE]
            items, dummy = self.list_page(
                1, others + [dict(name='cacheInstanceId', values=chunk)], tag_filters=tag_filters
            )
            confirmed.update((item.get('cacheInstanceId'), item) for item in items)
        kept = [i for i in reads[-1].ids if i in everywhere or i in confirmed]
        kept += [i for i in doubtful if i in confirmed and i not in reads[-1].by_id]
        result = []
        for instance_id in kept:
            raw = confirmed.get(instance_id)
            if raw is not None:
                result.append(convert(raw) if convert else raw)
            else:
                result.append(latest[instance_id])
        return result

    def find_by_name(self, name):
        """``(instances named exactly name, settled)``, whatever their status (the API's name filter
        is a substring match); see list_instances for ``settled``."""
        candidates, settled = self.list_instances(filters=[dict(name='cacheInstanceName', values=[name])], merge=False)
        return [i for i in candidates if i.get('cacheInstanceName') == name], settled

    def quota(self):
        return self.client.request('GET', self._path('quota'), self.region).get('quota') or {}

    def available_resources(self):
        """describeAvailableResource: what the region sells, by architecture, version and memory size, with the
        shard counts of each class and the replica counts of each architecture."""
        return self.client.request('GET', self._path('availableResource'), self.region).get('availableResources') or []

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

    def modify_class(self, instance_id, instance_class, shard_number=None, replica_number=None):
        # cacheInstanceClass is required even when only the shard or replica count changes
        body = dict(cacheInstanceClass=instance_class)
        if shard_number is not None:
            body['shardNumber'] = shard_number
        if replica_number is not None:
            body['replicaNumber'] = replica_number
        return self.client.request(
            'POST', self._instance_path(instance_id, 'modifyCacheInstanceClass'), self.region, body=body
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
