# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lock that serialises the runs of one machine that must not interleave: the look-up and create of one
name (jcs_redis_instance), the read-modify-write of one setting of one instance (jcs_redis_backup_policy).

FOR INTERNAL COLLECTION USE ONLY: this file may change in any release without notice.

It imports nothing of the collection, so that a module pays only for this file.
"""

import hashlib
import os
import time

LOCK_POLL = 0.1


def lock_directory():
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(cache, 'jdcloud.cloud', 'locks')


class HostLock:
    """An exclusive lock on one key (endpoint, region and what the runs share), held by whichever process on this
    machine is in the section that must not interleave: forks of one play then take turns. Runs on other machines
    do not see it. A lock file that cannot be made leaves the run unlocked, with a warning that says which
    runs (``what``) are then not serialised."""

    def __init__(self, key, timeout, warn, what):
        self.path = os.path.join(lock_directory(), hashlib.sha256(key.encode('utf-8')).hexdigest()[:32] + '.lock')
        self.timeout = timeout
        self.warn = warn
        self.what = what
        self.fd = None

    def acquire(self):
        """True once held (or when locking is impossible here); False after ``timeout`` seconds."""
        import fcntl  # only runs that write need it

        deadline = time.monotonic() + self.timeout
        while True:
            try:
                os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                self.warn(f'Could not make the lock file {self.path} ({exc}); {self.what} are not serialised')
                return True
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        os.close(fd)  # never held: the file stays for whoever holds it
                        return False
                    time.sleep(LOCK_POLL)
            # The holder before removes the file when it releases it; a lock taken on that removed file, which
            # this run may have opened before, guards nothing: only the file still at the path counts.
            held = os.fstat(fd)
            try:
                current = os.stat(self.path)
            except OSError:
                current = None
            if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
                self.fd = fd
                return True
            os.close(fd)

    def release(self):
        if self.fd is not None:
            # Removed while still held, so that lock files do not pile up; a run waiting on this file finds it
            # gone once it gets the lock, and starts again with a new file (acquire).
            try:
                os.unlink(self.path)
            except OSError:
                pass
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None
