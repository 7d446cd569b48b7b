"""Run the jcs_redis inventory plugin for real, the way a user or AWX runs it: ``ansible-inventory``
in a subprocess on an inventory file, with the checkout as the collection."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import yaml


@dataclass
class InventoryRun:
    rc: int
    stdout: str
    stderr: str

    @property
    def data(self):
        """``ansible-inventory --list`` output."""
        assert self.rc == 0, self.stderr
        return json.loads(self.stdout)

    @property
    def hostvars(self):
        """The host variables, with the values that came from the API unwrapped (see plain())."""
        return plain(self.data['_meta']['hostvars'])

    def group(self, name):
        return sorted(self.data.get(name, {}).get('hosts', []))

    @property
    def groups(self):
        return {name for name in self.data if name != '_meta'}

    @property
    def warnings(self):
        return ' '.join(self.stderr.split())


def plain(value):
    """``ansible-inventory`` marks every string that is not trusted as a template, which is every
    string the plugin read from the API, as ``{"__ansible_unsafe": "..."}``; this removes the marks."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def ansible_inventory():
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible-inventory')
    return candidate if os.path.exists(candidate) else shutil.which('ansible-inventory')


def inventory_env(workdir, env=None):
    """A clean environment: no JDCLOUD_* or ANSIBLE_* variable of the caller, the checkout as the
    collection, and an inventory source that fails is an error (as AWX runs it)."""
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(('JDCLOUD_', 'ANSIBLE_'))}
    run_env.update(
        ANSIBLE_COLLECTIONS_PATH=os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'],
        ANSIBLE_HOME=os.path.join(workdir, 'ansible-home'),
        ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'ansible-tmp'),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_DEPRECATION_WARNINGS='0',
        ANSIBLE_INVENTORY_UNPARSED_FAILED='1',
        ANSIBLE_INVENTORY_ENABLED='auto',
    )
    run_env.update(env or {})
    return run_env


def run_inventory(workdir, config, *, env=None, args=('--list',), filename='redis.jcs_redis.yml', timeout=300):
    """Write ``config`` (a dict, or YAML text) as the inventory file ``filename`` in ``workdir`` and run
    ``ansible-inventory -i <file> <args>``."""
    workdir = str(workdir)
    path = os.path.join(workdir, filename)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False))
    proc = subprocess.run(
        [ansible_inventory(), '-i', path, *args],
        cwd=workdir,
        env=inventory_env(workdir, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return InventoryRun(rc=proc.returncode, stdout=proc.stdout, stderr=proc.stderr)


def run_playbook(workdir, play, config, *, env=None, filename='redis.jcs_redis.yml', timeout=300):
    """Run ``ansible-playbook`` with ``play`` (a list of plays) over the inventory file ``filename`` written from
    ``config``, in the environment of ``inventory_env`` (no interpreter or connection settings of the caller)."""
    workdir = str(workdir)
    path = os.path.join(workdir, filename)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False))
    playbook = os.path.join(workdir, 'play.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write(yaml.safe_dump(play, sort_keys=False))
    proc = subprocess.run(
        [os.path.join(os.path.dirname(ansible_inventory()), 'ansible-playbook'), '-i', path, playbook],
        cwd=workdir,
        env=inventory_env(workdir, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return InventoryRun(rc=proc.returncode, stdout=proc.stdout, stderr=proc.stderr)
