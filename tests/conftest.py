"""Shared pytest set-up: the collection's import path, a cache directory of this run, the emulator fixtures, and
the reliability suites' figures table.

Each pytest-xdist worker imports this file on its own, so each has its own tree, cache directory and
emulators (on ports of their own); the workers send their figures to the controller, which prints them.
"""

import atexit
import functools
import os
import re
import shutil
import sys
import tempfile

import collection_tree
import pytest

_TREE = collection_tree.use_for_this_process()

# The modules' name locks live under $XDG_CACHE_HOME/jdcloud.cloud/locks: a directory of this process, removed
# at its end, rather than the user's ~/.cache.
_CACHE = tempfile.mkdtemp(prefix='jdcloud-test-cache-')
atexit.register(shutil.rmtree, _CACHE, True)
os.environ['XDG_CACHE_HOME'] = _CACHE

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reliability'))
# pylint: disable=wrong-import-position
from emulator_fixtures import emulator, emulator_server  # noqa: E402,F401  pylint: disable=unused-import
from reliability_support import FIGURES  # noqa: E402


def pytest_unconfigure(config):  # pylint: disable=unused-argument
    # atexit does not run in pytest-xdist workers, which end with os._exit
    shutil.rmtree(_CACHE, ignore_errors=True)
    if _TREE != collection_tree.REPO and os.path.basename(_TREE).startswith('jdcloud-collections-'):
        shutil.rmtree(_TREE, ignore_errors=True)


_SHARED_FIXTURE = re.compile(r'''scope\s*=\s*['"](package|module|class)['"]''')


@functools.cache
def _shares_a_fixture(path):
    try:
        with open(path, encoding='utf-8') as handle:
            return bool(_SHARED_FIXTURE.search(handle.read()))
    except OSError:
        return True


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` (the unit session): the tests of a file that makes a fixture for all its tests (a
    playbook run, a built tarball, an emulator with TLS) stay on one worker, so that it is made once; every other
    test goes on its own to whichever worker is free, so that no long file keeps one worker busy at the end while
    the other waits. (pytest-xdist's loadgroup cannot do it under pytest 9: it renames node ids in a way pytest 9
    no longer reads.)"""
    if config.getvalue('dist') != 'loadscope':
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FixtureScopeScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split('::', 1)[0]
            return path if _shares_a_fixture(os.path.join(str(config.rootpath), path)) else nodeid

    return FixtureScopeScheduling(config, log)


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, 'workeroutput', None)
    if workeroutput is not None:  # a pytest-xdist worker: its figures go to the controller
        workeroutput['jdcloud_figures'] = FIGURES.export()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):  # pylint: disable=unused-argument
    FIGURES.merge(getattr(node, 'workeroutput', {}).get('jdcloud_figures', []))


def pytest_terminal_summary(terminalreporter):
    if not FIGURES.suites:
        return
    terminalreporter.write_sep('=', 'reliability figures')
    for line in FIGURES.lines():
        terminalreporter.write_line(line)
    report = os.environ.get('JDCLOUD_RELIABILITY_REPORT')
    if report:
        FIGURES.write(report)
        terminalreporter.write_line('figures written to %s' % report)
