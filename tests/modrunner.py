"""Run a module of the collection for real: AnsibleModule, the client and HTTP to the emulator, as in a playbook.

By default a run is in this process, the way ansible-core's own unit tests run a module: the arguments go where
AnsibleModule reads them (``ansible.module_utils.basic._ANSIBLE_ARGS``, with the ``legacy`` serialization profile,
as ``python -m <module> <file>`` uses), ``main()`` is called, its ``SystemExit`` gives the return code and the
JSON it prints on stdout is the result. Nothing of the collection is replaced: only the interpreter start and the
imports, which cost 0.5-1.5 s per run under load, are saved.

A run is a subprocess, ``python -m ansible_collections.jdcloud.cloud.plugins.modules.<name> <args file>``, where the
process boundary is the point:

* ``subprocess=True``: the test asks for it (a crash, exit status or output of the interpreter itself);
* ``timeout`` given: a run that may have to be killed;
* ``env`` sets a ``PYTHON*`` variable: an interpreter setting (e.g. PYTHONPROFILEIMPORTTIME) needs a new one;
* the call is not made from the main thread: runs at the same time (several forks of a play, their HostLock,
  races staged with the emulator's holds) are separate processes, as in Ansible.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import subprocess as _subprocess
import sys
import tempfile
import threading
import traceback
import warnings
import weakref
from dataclasses import dataclass, field

MODULES = 'ansible_collections.jdcloud.cloud.plugins.modules.'
DEFAULT_TIMEOUT = 120
# os.environ is changed for the length of an in-process run; a subprocess started meanwhile by another thread
# copies the environment from before that run (_OUTSIDE), under this lock.
_ENVIRON_LOCK = threading.Lock()
_OUTSIDE = None


@dataclass
class ModuleRun:
    rc: int
    result: dict
    stdout: str
    stderr: str
    args: dict = field(repr=False, default_factory=dict)
    in_process: bool = field(repr=False, default=False)

    @property
    def failed(self):
        return bool(self.result.get('failed'))

    @property
    def changed(self):
        return bool(self.result.get('changed'))


def run_module(name, args, *, check_mode=False, diff=False, env=None, timeout=None, subprocess=False):
    """Run module ``name`` with ``args``; returns a ModuleRun.

    The module sees the environment of this process with every ``JDCLOUD_*`` variable removed, plus ``env``, so a
    test only sees what it sets. See the module docstring for when the run is a subprocess.
    """
    payload = dict(args)
    payload['_ansible_check_mode'] = check_mode
    payload['_ansible_diff'] = diff
    env = dict(env or {})
    if (
        subprocess
        or timeout is not None
        or any(key.startswith('PYTHON') for key in env)
        or threading.current_thread() is not threading.main_thread()
    ):
        return _in_subprocess(name, args, payload, env, DEFAULT_TIMEOUT if timeout is None else timeout)
    return _in_process(name, args, payload, env)


def _environment():
    with _ENVIRON_LOCK:
        outside = os.environ if _OUTSIDE is None else _OUTSIDE
        run_env = {k: v for k, v in outside.items() if not k.startswith('JDCLOUD_')}
        run_env['PYTHONPATH'] = outside['JDCLOUD_TEST_COLLECTIONS_PATH']
    return run_env


def _result(stdout):
    try:
        return json.loads(stdout)
    except ValueError:
        return {'failed': True, 'msg': 'module printed no JSON', 'unparsed': True}


def _in_subprocess(name, args, payload, env, timeout):
    run_env = _environment()
    run_env.update(env)
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': payload}, handle)
        path = handle.name
    try:
        proc = _subprocess.run(
            [sys.executable, '-m', MODULES + name, path],
            capture_output=True,
            text=True,
            env=run_env,
            timeout=timeout,
            check=False,
        )
    finally:
        os.unlink(path)
    return ModuleRun(rc=proc.returncode, result=_result(proc.stdout), stdout=proc.stdout, stderr=proc.stderr, args=args)


class _ThreadStream(io.TextIOBase):
    """sys.stdout or sys.stderr during an in-process run: what the module writes is kept, what the threads of the
    HTTP servers of the test (the emulator's, a fault proxy's) write goes on to the real stream."""

    def __init__(self, real):
        super().__init__()
        self.real = real
        self.buffer_ = io.StringIO()

    def _ours(self):
        return 'process_request_thread' not in threading.current_thread().name

    def write(self, text):
        if self._ours():
            return self.buffer_.write(text)
        return self.real.write(text)

    def flush(self):
        if not self._ours():
            self.real.flush()

    def writable(self):
        return True

    def getvalue(self):
        return self.buffer_.getvalue()


# requests sessions opened by a run, closed after it as the end of its process would: no keep-alive connection
# (and emulator thread) outlives the run.
_SESSIONS = weakref.WeakSet()
_SESSION_HOOKED = False


def _track_sessions():
    global _SESSION_HOOKED  # pylint: disable=global-statement
    if _SESSION_HOOKED:
        return
    import requests

    original = requests.Session.__init__

    def init(self, *a, **kw):
        original(self, *a, **kw)
        _SESSIONS.add(self)

    requests.Session.__init__ = init
    _SESSION_HOOKED = True


@contextlib.contextmanager
def _module_state(payload):
    """The process-wide state of ansible-core that a module run sets or fills, set for this run and reset after."""
    from ansible.module_utils import basic
    from ansible.module_utils.common import warnings as module_warnings

    saved = (basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS)
    basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': payload}).encode('utf-8')
    basic._ANSIBLE_PROFILE = 'legacy'
    module_warnings._global_warnings.clear()
    module_warnings._global_deprecations.clear()
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE, basic._PARSED_MODULE_ARGS = saved
        module_warnings._global_warnings.clear()
        module_warnings._global_deprecations.clear()


@contextlib.contextmanager
def _environ(env):
    """os.environ as a subprocess would have it for the length of the run, then back as it was."""
    global _OUTSIDE  # pylint: disable=global-statement
    with _ENVIRON_LOCK:
        _OUTSIDE = saved = dict(os.environ)
        for key in [k for k in os.environ if k.startswith('JDCLOUD_')]:
            del os.environ[key]
        os.environ.update(env)
    try:
        yield
    finally:
        with _ENVIRON_LOCK:
            os.environ.clear()
            os.environ.update(saved)
            _OUTSIDE = None


def call_as_main(entry, stdout, stderr) -> int:
    """ENTRY() run as the main of a process would be, its exit status returned: with STDOUT and STDERR as its
    streams, SystemExit as the status, an uncaught exception printed as the interpreter prints it, Python
    warnings printed, and the HTTP sessions it opened closed (tests/invrunner.py runs ansible-inventory so too)."""
    before = set(_SESSIONS)
    rc = 0
    with warnings.catch_warnings(record=True) as caught:
        real_out, real_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr
        try:
            entry()
        except SystemExit as exc:
            code = exc.code
            rc = code if isinstance(code, int) else (0 if code is None else 1)
            if not isinstance(code, (int, type(None))):
                stderr.write('%s\n' % (code,))
        except Exception:  # pylint: disable=broad-except
            # what the interpreter does with an uncaught exception
            stderr.write(traceback.format_exc())
            rc = 1
        finally:
            sys.stdout, sys.stderr = real_out, real_err
            # Python warnings (urllib3's InsecureRequestWarning, ...) go where the interpreter prints them
            for found in caught:
                stderr.write(warnings.formatwarning(found.message, found.category, found.filename, found.lineno))
            for session in set(_SESSIONS) - before:
                session.close()
    return rc


def _in_process(name, args, payload, env):
    _track_sessions()
    module = importlib.import_module(MODULES + name)
    stdout, stderr = _ThreadStream(sys.stdout), _ThreadStream(sys.stderr)
    with _environ(env), _module_state(payload):
        rc = call_as_main(module.main, stdout, stderr)
    out = stdout.getvalue()
    return ModuleRun(rc=rc, result=_result(out), stdout=out, stderr=stderr.getvalue(), args=args, in_process=True)
