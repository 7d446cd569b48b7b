"""Shared pytest set-up: the collection's import path, a cache directory of this run, the emulator fixtures.

Each pytest-xdist worker imports this file on its own, so each has its own tree, cache directory and
emulators (on ports of their own).
"""

import atexit
import os
import shutil
import tempfile

import collection_tree

collection_tree.use_for_this_process()

# The modules' name locks live under $XDG_CACHE_HOME/jdcloud.cloud/locks: a directory of this run, removed
# at its end, rather than the user's ~/.cache.
_CACHE = tempfile.mkdtemp(prefix='jdcloud-test-cache-')
atexit.register(shutil.rmtree, _CACHE, True)
os.environ['XDG_CACHE_HOME'] = _CACHE

from emulator_fixtures import emulator, emulator_server  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
