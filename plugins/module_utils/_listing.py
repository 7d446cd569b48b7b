# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The instance listing of the API layer: the pager that reads a listing that changes anywhere until two reads
agree, and the lookups built on it (by name, and the refusal of a class the region does not sell). Part of the
API layer: ``RedisAPI`` loads it when a listing or a lookup is first needed, so that a run by instance id
never compiles it (AnsiballZ compiles every file a module imports on every run, docs/performance.md).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import (
    API_DEFAULT_VERSION,
    KNOWN_VERSIONS,
    PAGE_SIZE,
    Refusal,
    page_count,
)
from ansible_collections.jdcloud.cloud.plugins.module_utils._client import JDCloudAPIError, shown

# How many complete reads an instance listing longer than one page may take to get two that agree.
LIST_READS = 4
# A lookup by name whose listing never settles (creates, renames, deletes among the instances whose names
# contain the name) is tried again after these pauses before the run refuses to decide; churn in bursts
# (a fleet being created) is then over (docs/reliability.md#consistency-under-concurrency).
LOOKUP_PAUSES = (1.0, 2.0, 4.0)


class _Read:
    """One complete read of the instance listing, page by page (items in the result shape)."""

    def __init__(self, pages, reverse):
        self.reverse = reverse
        totals = {total for _number, total, _items in pages}
        self.total = max(totals)
        self.ids = []
        self.by_id = {}
        keys = set()
        for _number, _total, items in pages:
            for item in items:
                if item['id'] not in self.by_id:
                    self.ids.append(item['id'])
                    self.by_id[item['id']] = item
                    keys.add((item['id'], item['name']))
        self.keys = frozenset(keys)
        # clean: every page told the same total, and the pages held exactly that many instances
        self.clean = len(totals) == 1 and len(self.ids) == self.total and len(pages) == page_count(self.total)

    def instances(self):
        return [self.by_id[i] for i in self.ids]


def list_instances(api, filters=None, sorts=None, concurrency=1, merge=True, tag_filters=None, page=None):
    """describeCacheInstances over every page, in the result shape: ``(instances, settled)``; with ``page``
    (``api.recycled_page``), another listing of instances that takes the same query (the recycle bin).

    Offset paging is not a snapshot: an instance that comes, goes or is renamed between two pages
    shifts the later ones, which can hide an instance that exists the whole time even when every
    page reports the same total. One page is one answer, so a listing of at most PAGE_SIZE costs
    one call and is settled. A longer listing is read again, the next read in the opposite page
    order (a shift that hides an instance from a forward read shows it to a backward one), until
    two consecutive clean reads hold the same instances with the same names, at most LIST_READS
    reads. When no two reads agree, ``settled`` is False and the instances are those of every
    read, the ones not seen by all reads checked again by id (with ``merge``; otherwise those of
    the last read). ``tag_filters`` is the API's ``tagFilters`` (``[{key, values}]``).
    """
    page = page or api.list_page
    query = dict(filters=filters, sorts=sorts, tag_filters=tag_filters)
    reads = [_read(page, query, concurrency)]
    if reads[0].clean and reads[0].total <= PAGE_SIZE:
        return reads[0].instances(), True
    while len(reads) < LIST_READS:
        reads.append(_read(page, query, concurrency, reverse_of=reads[-1]))
        previous, last = reads[-2], reads[-1]
        if previous.clean and last.clean and previous.keys == last.keys:
            return last.instances(), True
    return (_merge(page, reads, filters, tag_filters) if merge else reads[-1].instances()), False


def _read(page, query, concurrency, reverse_of=None):
    def fetch(number):
        items, total = page(number, **query)
        return number, total, items

    if reverse_of is None or reverse_of.reverse:
        pages = [fetch(1)]
        numbers = list(range(2, page_count(pages[0][1]) + 1))
        reverse = False
    else:
        # backwards, page 1 last, with the page count of the read before
        pages = []
        numbers = list(range(page_count(reverse_of.total), 0, -1))
        reverse = True
    if len(numbers) > 1 and concurrency > 1:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(numbers))) as pool:
            pages.extend(pool.map(fetch, numbers))
    else:
        pages.extend(fetch(n) for n in numbers)
    pages.sort(key=lambda page: page[0])
    return _Read(pages, reverse)


def _merge(page, reads, filters, tag_filters):
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
        items, dummy = page(1, others + [dict(name='cacheInstanceId', values=chunk)], tag_filters=tag_filters)
        confirmed.update((item['id'], item) for item in items)
    kept = [i for i in reads[-1].ids if i in everywhere or i in confirmed]
    kept += [i for i in doubtful if i in confirmed and i not in reads[-1].by_id]
    return [confirmed.get(instance_id) or latest[instance_id] for instance_id in kept]


def class_not_sold(api, instance_class, redis_version, classes, resize=False):
    """The Refusal of an instance class the region does not sell for ``redis_version`` (None: the API's
    default version), naming the versions that do sell it and the classes sold for this one. For a
    ``resize`` the version is the instance's own, which no option can change."""
    version = redis_version or API_DEFAULT_VERSION
    selling = []
    for candidate in KNOWN_VERSIONS:
        if candidate == version:
            continue
        try:
            offered = api.instance_classes(candidate)
        except JDCloudAPIError as exc:
            if exc.code != 400:
                raise
            continue
        if any(entry.get('instanceClass') == instance_class for entry in offered):
            selling.append(candidate)
    if resize:
        what = f'Redis {version}, the version of the instance'
    elif redis_version:
        what = f'Redis {version} (redis_version)'
    else:
        what = f"Redis {version}, the API's default version, used because redis_version is not set"
    if selling and resize:
        hint = 'it is sold for Redis {}, but the version of an existing instance cannot be changed'.format(
            ', '.join(selling)
        )
    elif selling:
        hint = 'it is sold for Redis {}: set redis_version to {}'.format(
            ', '.join(selling), selling[0] if len(selling) == 1 else 'one of them'
        )
    else:
        hint = 'no Redis version of the region sells it'
    return Refusal(
        'instance_class {} is not sold in region {} for {}; {}. Classes sold for Redis {}: {}'.format(
            shown(instance_class),
            api.region,
            what,
            hint,
            version,
            ', '.join(sorted(c.get('instanceClass') for c in classes)) or 'none',
        )
    )


def instances_named(api, name, sleep=time.sleep):
    """``(matches, deleting)``: the instances named exactly ``name`` that are not being deleted, and the
    ids of those that are (an instance being deleted is as good as gone)."""
    for pause in LOOKUP_PAUSES + (None,):
        found, settled = api.find_by_name(name)
        if settled:
            break
        if pause is None:
            pauses = ', '.join(f'{p:g} s' for p in LOOKUP_PAUSES[:-1]) + f' and {LOOKUP_PAUSES[-1]:g} s'
            # "absent" decides a create: never conclude it from a listing that changed under us
            raise Refusal(
                f'The instances whose names contain {shown(name)} kept changing while they were listed '
                f'({len(LOOKUP_PAUSES) + 1} attempts of {LIST_READS} reads each, with pauses of {pauses} between '
                f'them, never agreed), so whether an instance named {shown(name)} exists is not certain; '
                'nothing was changed. Set instance_id to address the instance without a listing, or make '
                f'fewer concurrent creates, renames and deletes of instances whose names contain {shown(name)}, '
                'then run the task again.',
                status='ABORTED',
            )
        sleep(pause)
    deleting = [m['id'] for m in found if m['status'] == 'deleting']
    return [m for m in found if m['status'] != 'deleting'], deleting
