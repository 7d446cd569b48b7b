"""The one way tests, benchmarks and CI start an emulator: on 127.0.0.1, a free port, a bounded wait.

>>> from jdcloud_redis_emulator.testing import emulator
>>> with emulator(create_delay=3) as emu:                 # doctest: +SKIP
...     emu.admin.seed(3)                                  # an AdminClient
...     subprocess.run(['ansible-playbook', ...], env={**os.environ, **emu.env})

``emulator(...)`` (a context manager) and ``RunningEmulator(...)`` take the options of ``Emulator``
(``create_delay=3``, ``quota=20``, ...). By default the emulator serves from a thread of this process,
which is cheapest and lets a test read its state (``server``). With ``process=True`` it runs as
``python -m jdcloud_redis_emulator`` instead (``python``, ``bytecode``, ``path`` choose the
interpreter, ``-B`` and the copy of the emulator), and raw command-line flags may be given as well.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time

from .admin import AdminClient
from .server import Emulator
from .settings import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY

REGION = 'cn-north-1'
START_TIMEOUT = 15.0
_ENDPOINT_LINE = re.compile(r'^JDCLOUD_ENDPOINT=(\S+)$', re.M)
# The directory that holds this package: what PYTHONPATH needs for ``-m jdcloud_redis_emulator``.
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _flags(options: dict) -> list:
    """Emulator(**options) as command-line flags of the same meaning."""
    flags = []
    for key, value in options.items():
        if key == 'verify_signatures':
            if not value:
                flags.append('--no-verify')
        elif key == 'credentials':
            raise ValueError('credentials: give a --credentials FILE flag to a process emulator')
        elif value is True:
            flags.append('--' + key.replace('_', '-'))
        elif value is False or value is None:
            continue
        elif isinstance(value, (list, tuple)):
            flags += ['--' + key.replace('_', '-'), ','.join(str(v) for v in value)]
        else:
            flags += ['--' + key.replace('_', '-'), str(value)]
    return flags


class RunningEmulator:
    """A started emulator: ``url``, ``access_key``, ``secret_key``, ``region``, ``admin`` (an AdminClient),
    ``env`` (the JDCLOUD_* variables that point the collection at it), ``log_path`` (a process's stderr),
    ``server`` (the Emulator object, in-process only) and ``stop()``."""

    region = REGION

    def __init__(
        self,
        *args: str,
        process: bool = False,
        python: str | None = None,
        bytecode: bool = True,
        path: str | None = None,
        workdir: str | None = None,
        timeout: float = START_TIMEOUT,
        admin_timeout: float = 10,
        **options,
    ):
        self.server = self.proc = self.log_path = None
        self._owned_workdir = None
        self.access_key = options.get('access_key') or DEFAULT_ACCESS_KEY
        self.secret_key = options.get('secret_key') or DEFAULT_SECRET_KEY
        if not process:
            if args:
                raise ValueError('command-line flags need process=True')
            self.server = Emulator(**options).start()
            self.url = self.server.url
        else:
            self.url = self._spawn(list(args) + _flags(options), python, bytecode, path, workdir, timeout)
        self.admin = AdminClient(self.url, self.access_key, self.secret_key, timeout=admin_timeout)
        self.env = dict(
            JDCLOUD_ENDPOINT=self.url,
            JDCLOUD_ACCESS_KEY=self.access_key,
            JDCLOUD_SECRET_KEY=self.secret_key,
            JDCLOUD_REGION=self.region,
        )

    def _spawn(self, flags, python, bytecode, path, workdir, timeout) -> str:
        if workdir is None:
            workdir = self._owned_workdir = tempfile.mkdtemp(prefix='jdcloud-emulator.')
        os.makedirs(workdir, exist_ok=True)
        # Several emulators may share a work directory: the files are named after this object.
        stem = os.path.join(workdir, 'emulator-%d-%x' % (os.getpid(), id(self)))
        out_path, self.log_path = stem + '.out', stem + '.log'
        env = dict(os.environ, PYTHONPATH=path or HERE)
        command = [python or sys.executable] + ([] if bytecode else ['-B'])
        command += ['-m', 'jdcloud_redis_emulator', '--host', '127.0.0.1', '--port', '0'] + flags
        with open(out_path, 'w') as out, open(self.log_path, 'w') as err:
            self.proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)  # pylint: disable=consider-using-with
        # The endpoint line comes once the port is bound; a crash or a hang ends the wait, never a fixed sleep.
        deadline = time.monotonic() + timeout
        while True:
            with open(out_path) as out:
                match = _ENDPOINT_LINE.search(out.read())
            if match:
                return match.group(1)
            if self.proc.poll() is not None or time.monotonic() > deadline:
                with open(self.log_path) as log:
                    tail = log.read()[-3000:]
                state = 'exited with status %s' % self.proc.returncode if self.proc.poll() is not None else 'hung'
                self.stop()
                raise RuntimeError('the emulator %s before it listened (%s):\n%s' % (state, ' '.join(command), tail))
            time.sleep(0.02)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._owned_workdir:
            import shutil  # pylint: disable=import-outside-toplevel

            shutil.rmtree(self._owned_workdir, ignore_errors=True)
            self._owned_workdir = None

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def emulator(*args: str, **options):
    """``with emulator(**options) as emu:`` a RunningEmulator, stopped on the way out."""
    running = RunningEmulator(*args, **options)
    try:
        yield running
    finally:
        running.stop()
