# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host lock (jcs_redis_instance's creates, the settings modules' writes), in-process: the lock file goes
once released, and a waiter that had opened it before then still ends up holding the lock of the file at the
path (issue 32.9)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ansible_collections.jdcloud.cloud.plugins.module_utils import _lock


@pytest.fixture
def locks(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    monkeypatch.setattr(_lock, 'LOCK_POLL', 0.01)
    return tmp_path / 'jdcloud.cloud' / 'locks'


def name_lock(timeout=5):
    warnings = []
    return _lock.HostLock('endpoint\ncn-north-1\norders', timeout, warnings.append, 'parallel creates'), warnings


def open_descriptors(path):
    """How many descriptors of this process point at ``path``."""
    count = 0
    for fd in os.listdir('/proc/self/fd'):
        try:
            count += os.readlink('/proc/self/fd/' + fd) == str(path)
        except OSError:
            continue
    return count


def test_a_released_lock_leaves_no_file(locks):
    lock, warnings = name_lock()
    assert lock.acquire()
    assert [p.name for p in locks.iterdir()] == [os.path.basename(lock.path)]
    lock.release()
    lock.release()  # a second release (create() and the caller both release) changes nothing
    assert not list(locks.iterdir())
    assert not warnings


def test_a_lock_that_is_not_got_in_time_leaves_the_holders_file(locks):
    holder, dummy = name_lock()
    assert holder.acquire()
    late, dummy = name_lock(timeout=0)
    assert not late.acquire()
    assert os.path.exists(holder.path)  # the late one never held it, so it removed nothing
    holder.release()


def test_a_waiter_that_opened_the_removed_file_locks_the_new_one(locks):
    first, dummy = name_lock()
    assert first.acquire()
    second, dummy = name_lock()
    got = []
    waiter = threading.Thread(target=lambda: got.append(second.acquire()))
    waiter.start()
    # The waiter has opened the file the first holder is about to remove (bounded: it opens it at once).
    deadline = time.monotonic() + 30
    while open_descriptors(first.path) < 2:
        assert time.monotonic() < deadline, 'the waiter never opened the lock file'
        time.sleep(0.01)
    first.release()
    waiter.join(30)
    assert got == [True]
    # It holds the lock of the file now at the path, so a third run must wait for it.
    assert os.fstat(second.fd).st_ino == os.stat(second.path).st_ino
    third, dummy = name_lock(timeout=0)
    assert not third.acquire()
    second.release()
    assert not list(locks.iterdir())
