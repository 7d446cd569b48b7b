"""Run a module of the collection for real, the way Ansible runs it.

Each call starts ``python -m ansible_collections.jdcloud.cloud.plugins.modules.<name>``
in a subprocess with an arguments file, so the module goes through
AnsibleModule, the client and HTTP to the emulator exactly as in a playbook.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field


@dataclass
class ModuleRun:
    rc: int
    result: dict
    stdout: str
    stderr: str
    args: dict = field(repr=False, default_factory=dict)

    @property
    def failed(self):
        return bool(self.result.get('failed'))

    @property
    def changed(self):
        return bool(self.result.get('changed'))


def run_module(name, args, *, check_mode=False, diff=False, env=None, timeout=120):
    """Run module ``name`` with ``args``; returns a ModuleRun.

    ``env`` entries are added to a clean copy of the environment with every
    ``JDCLOUD_*`` variable removed, so a test only sees what it sets.
    """
    collections_path = os.environ['JDCLOUD_TEST_COLLECTIONS_PATH']
    payload = dict(args)
    payload['_ansible_check_mode'] = check_mode
    payload['_ansible_diff'] = diff
    run_env = {k: v for k, v in os.environ.items() if not k.startswith('JDCLOUD_')}
    run_env['PYTHONPATH'] = collections_path
    run_env.update(env or {})
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': payload}, handle)
        path = handle.name
    try:
        proc = subprocess.run(
            [sys.executable, '-m', 'ansible_collections.jdcloud.cloud.plugins.modules.' + name, path],
            capture_output=True,
            text=True,
            env=run_env,
            timeout=timeout,
            check=False,
        )
    finally:
        os.unlink(path)
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        result = {'failed': True, 'msg': 'module printed no JSON', 'unparsed': True}
    return ModuleRun(rc=proc.returncode, result=result, stdout=proc.stdout, stderr=proc.stderr, args=args)
