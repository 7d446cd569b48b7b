# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Waiting for many instances at once: one listing per poll, whatever their number.

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.
"""

import time

from ansible_collections.jdcloud.cloud.plugins.module_utils._api import TOWARDS_RUNNING

# While an instance is in one of these statuses, the wait goes on.
BUSY = {'running': TOWARDS_RUNNING, 'absent': ('deleting',)}


def _describe(instances):
    return '; '.join('{} ({}) is {}'.format(i['name'], i['id'], i['status']) for i in instances)


def wait_outcome(wait_for, instances, wanted_ids, names, timeout):
    """The failure message of a wait that ended with ``instances`` listed, or None when it succeeded.

    ``wanted_ids`` are the IDs asked for (None: whatever the filters select) and ``names`` the names
    seen by ID during the wait, to name an instance that is gone."""
    busy = [i for i in instances if i['status'] in BUSY[wait_for]]
    others = [i for i in instances if i['status'] not in BUSY[wait_for]]
    parts = []
    if wait_for == 'running':
        if busy:
            parts.append(f'Timed out after {timeout} seconds waiting for these instances to run: {_describe(busy)}.')
        seen = {i['id'] for i in instances}
        broken = [_describe([i]) for i in others if i['status'] != 'running']
        broken.extend(f'{names.get(i, i)} ({i}) no longer exists' for i in (wanted_ids or []) if i not in seen)
        if broken:
            parts.append('These instances will not run: {}.'.format('; '.join(broken)))
    else:
        if busy:
            parts.append(
                f'Timed out after {timeout} seconds waiting for these instances to be deleted: {_describe(busy)}.'
            )
        if others:
            parts.append(f'These instances were not deleted: {_describe(others)}.')
    return ' '.join(parts) or None


def wait_for_instances(listing, wait_for, timeout, interval, sleep=time.sleep):
    """List with ``listing()`` until no instance is busy on its way to ``wait_for``, or ``timeout``
    seconds have passed. Returns ``(last listing, number of listings, names seen by ID)``."""
    deadline = time.monotonic() + timeout
    polls = 0
    names = {}
    while True:
        instances = listing()
        polls += 1
        names.update((i['id'], i['name']) for i in instances)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not any(i['status'] in BUSY[wait_for] for i in instances):
            return instances, polls, names
        sleep(min(interval, remaining))
