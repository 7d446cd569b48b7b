# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading every page of a listing that only grows at its head (backups, newest first).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

The instance listing of ``_redis`` reads its pages again until two reads agree, because instances
come, go and are renamed at any place of the listing. A listing of backups changes only at its head
(a new backup is the newest), which shifts later pages by one: an item is then seen twice, never
missed. One read of ``ceil(total / page size)`` pages is enough when every page reports the same
total; when the total moves, the listing is read again, at most ``reads`` times; when it never holds still, the items
of all reads are kept, deduplicated by key.
"""

PAGE_SIZE = 100  # the API's largest page
READS = 3


def read_all(fetch, key, page_size=PAGE_SIZE, reads=READS):
    """``(items, settled)`` of a listing; ``fetch(page_number, page_size)`` returns ``(items, total)``.

    ``settled`` is False when the total kept moving over ``reads`` reads: the items are then every
    item seen, which may include some the listing no longer holds."""
    seen = {}
    for _attempt in range(reads):
        items, total = fetch(1, page_size)
        totals = {total}
        pages = max(-(-total // page_size), 1)
        read = list(items)
        for number in range(2, pages + 1):
            items, total = fetch(number, page_size)
            totals.add(total)
            read.extend(items)
        ordered = {}
        for item in read:
            ordered.setdefault(key(item), item)
        seen.update(ordered)
        if len(totals) == 1:
            return list(ordered.values()), True
    return list(seen.values()), False
