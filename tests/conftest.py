"""Shared pytest set-up.

The collection is imported as ``ansible_collections.jdcloud.cloud`` exactly as
Ansible imports it, so the checkout is linked into a throw-away
``ansible_collections/jdcloud/cloud`` tree that is put first on ``sys.path``.
"""

import os
import sys
import tempfile

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _collection_root():
    # ansible-test already runs us from inside .../ansible_collections/jdcloud/cloud
    parts = _REPO.split(os.sep)
    if parts[-3:-1] == ['ansible_collections', 'jdcloud'] and parts[-1] == 'cloud':
        return os.sep.join(parts[:-3])
    base = tempfile.mkdtemp(prefix='jdcloud-collections-')
    os.makedirs(os.path.join(base, 'ansible_collections', 'jdcloud'))
    os.symlink(_REPO, os.path.join(base, 'ansible_collections', 'jdcloud', 'cloud'))
    return base


COLLECTIONS_PATH = _collection_root()
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)
os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'] = COLLECTIONS_PATH

# The emulator fixtures (``emulator_server``, ``emulator``) for every suite.
from emulator_fixtures import emulator, emulator_server  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
