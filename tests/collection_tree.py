"""Makes the checkout importable as ``ansible_collections.jdcloud.cloud``, as Ansible imports it.

Imported once by tests/conftest.py. ansible-test already runs from inside
``.../ansible_collections/jdcloud/cloud``; otherwise the checkout is linked into a throw-away
``ansible_collections/jdcloud/cloud`` tree. The tree is put first on ``sys.path`` and exported as
``JDCLOUD_TEST_COLLECTIONS_PATH`` for the module and playbook runs in subprocesses.
"""

from __future__ import annotations

import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _collections_path():
    parts = REPO.split(os.sep)
    if parts[-3:] == ['ansible_collections', 'jdcloud', 'cloud']:
        return os.sep.join(parts[:-3])
    base = tempfile.mkdtemp(prefix='jdcloud-collections-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'jdcloud'))
    os.symlink(REPO, os.path.join(base, 'ansible_collections', 'jdcloud', 'cloud'))
    return base


COLLECTIONS_PATH = _collections_path()
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)
os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'] = COLLECTIONS_PATH
