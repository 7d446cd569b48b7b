"""Run the jcs_redis inventory plugin for real, the way a user or AWX runs it: ``ansible-inventory`` on an
inventory file, with the checkout as the collection, over HTTP to the emulator.

``run_inventory`` starts ``ansible-inventory`` as a process of its own. With ``in_process=True`` the same command
runs in the test's process: ansible-core's own ``InventoryCLI`` with the same arguments, environment and working
directory, its exit status and what it writes on stdout and stderr captured; the plugin, the InventoryManager,
the inventory cache plugin and the JSON encoder of ``--list``/``--host``/``--export`` are the ones the command
uses. Only the interpreter start and the imports of ansible-core, about a second per run, are saved.

ansible-core keeps state in its process that a command sets once; for each in-process run it is set as a fresh
process would have it and put back afterwards (see ``_ansible_process``):

* ``ansible.constants``: read from the configuration and the environment at import; read again from the run's
  environment (``ANSIBLE_INVENTORY_UNPARSED_FAILED``, ``ANSIBLE_HOME``, ...);
* ``context.CLIARGS`` and its singleton ``GlobalCLIArgs``; the vault secrets (``VaultSecretsContext``, set once
  per process); the ``Display`` singleton's verbosity and the
  warnings and errors it has shown (it shows each once per process);
* the collection loader that ``CLI.run`` installs in ``sys.meta_path``, with every ``ansible_collections``
  module imported through it (the plugin, its module_utils), and the plugin loaders' caches: each run imports
  the plugin afresh, and the test's own imports of the collection are as they were;
* ``ansible.module_utils._internal.is_controller``: importing ansible-core's controller turns the modules' own
  warnings into Display's; a module run in this process afterwards reports them in its result again.

A run is a subprocess where the process boundary is the point: ``in_process`` not asked for, ``env`` setting
``ANSIBLE_CONFIG`` (a configuration file read at the start of a process) or a ``PYTHON*`` variable, or a call
from a thread other than the main one. tests/unit/plugins/inventory/test_invrunner.py runs both ways and
compares.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field

import yaml
from modrunner import _ThreadStream, _track_sessions, call_as_main


@dataclass
class InventoryRun:
    rc: int
    stdout: str
    stderr: str
    in_process: bool = field(repr=False, default=False)

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


def run_inventory(
    workdir, config, *, env=None, args=('--list',), filename='redis.jcs_redis.yml', timeout=300, in_process=False
):
    """Write ``config`` (a dict, or YAML text) as the inventory file ``filename`` in ``workdir`` and run
    ``ansible-inventory -i <file> <args>``: a subprocess (killed after ``timeout`` seconds), or with
    ``in_process`` in this process (see above)."""
    workdir = str(workdir)
    path = os.path.join(workdir, filename)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False))
    if (
        in_process
        and not any(key == 'ANSIBLE_CONFIG' or key.startswith('PYTHON') for key in env or {})
        and threading.current_thread() is threading.main_thread()
    ):
        return _in_process(workdir, ['ansible-inventory', '-i', path, *args], inventory_env(workdir, env))
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


# ansible.module_utils._internal as ansible-core's controller sets it on import (see the docstring), kept from the
# first in-process run on to be set again for each run.
_CONTROLLER = None
# code objects of the collection's modules by (file, source); see _collection_loader
_COMPILED = {}


def _in_process(workdir, argv, run_env):
    _track_sessions()
    stdout, stderr = _ThreadStream(sys.stdout), _ThreadStream(sys.stderr)
    with contextlib.ExitStack() as stack:
        # the order matters: the first import of ansible-core's controller (by _controller) reads the constants
        # from the run's environment, and its Display patches the real sys.stdout and sys.stderr
        stack.enter_context(_process_environment(workdir, run_env))
        for state in (_controller, _constants, _cli_state, _collection_loader):
            stack.enter_context(state())
        from ansible.cli.inventory import InventoryCLI

        rc = call_as_main(functools.partial(InventoryCLI.cli_executor, argv), stdout, stderr)
    return InventoryRun(rc=rc, stdout=stdout.getvalue(), stderr=stderr.getvalue(), in_process=True)


@contextlib.contextmanager
def _process_environment(workdir, run_env):
    """os.environ and the working directory of the command's process for the length of the run."""
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(run_env)
    os.chdir(workdir)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


@contextlib.contextmanager
def _controller():
    """ansible.module_utils._internal as in a controller process for the run, then as it was (a module run in
    this process returns its warnings in its result, not to ansible-core's Display)."""
    global _CONTROLLER  # pylint: disable=global-statement
    from ansible.module_utils import _internal as target

    outside = (target.is_controller, target.get_controller_serialize_map, target.import_controller_module)
    import ansible.cli  # noqa: F401  pylint: disable=unused-import

    if _CONTROLLER is None:
        _CONTROLLER = (target.is_controller, target.get_controller_serialize_map, target.import_controller_module)
    target.is_controller, target.get_controller_serialize_map, target.import_controller_module = _CONTROLLER
    try:
        yield
    finally:
        target.is_controller, target.get_controller_serialize_map, target.import_controller_module = outside


@contextlib.contextmanager
def _constants():
    """ansible.constants read from the configuration and the run's environment, as at a process's start."""
    from ansible import constants as C
    from ansible.config import manager as config_manager

    names = list(C.config.get_configuration_definitions())
    saved = {name: vars(C)[name] for name in names if name in vars(C)}
    # the defaults that are templates ({{ ANSIBLE_HOME ~ "/tmp" }}, ...) compiled once, rendered each time
    native_environment, config_manager.NativeEnvironment = config_manager.NativeEnvironment, _compiled_once()
    try:
        for name in names:
            C.set_constant(name, C.config.get_config_value(name, variables=vars(C)))
        yield
    finally:
        config_manager.NativeEnvironment = native_environment
        for name, value in saved.items():
            C.set_constant(name, value)


@functools.cache
def _compiled_once():
    """jinja2's NativeEnvironment, compiling each template source once."""
    from jinja2.nativetypes import NativeEnvironment

    class CompiledOnce(NativeEnvironment):
        templates = {}

        def from_string(self, source, globals=None, template_class=None):  # pylint: disable=redefined-builtin
            if globals is not None or template_class is not None:
                return super().from_string(source, globals, template_class)
            if source not in self.templates:
                self.templates[source] = super().from_string(source)
            return self.templates[source]

    return CompiledOnce


@contextlib.contextmanager
def _cli_state():
    """What a command sets once per process: its arguments, the vault secrets, the variables of --extra-vars and
    of the options, the verbosity and the messages already shown (Display shows each once)."""
    from ansible import context
    from ansible.parsing.vault import VaultSecretsContext
    from ansible.utils import vars as ansible_vars
    from ansible.utils.context_objects import GlobalCLIArgs
    from ansible.utils.display import Display

    cliargs, instance = context.CLIARGS, GlobalCLIArgs._Singleton__instance
    secrets = VaultSecretsContext._current
    once = [(ansible_vars.load_extra_vars, 'extra_vars'), (ansible_vars.load_options_vars, 'options_vars')]
    read = [function.__dict__.pop(name, None) for function, name in once]
    display = Display()
    shown = (display.verbosity, display.log_verbosity, display._warns, display._deprecations, display._errors)
    GlobalCLIArgs._Singleton__instance = VaultSecretsContext._current = None
    display._warns, display._deprecations, display._errors = set(), set(), set()
    try:
        yield
    finally:
        display.verbosity, display.log_verbosity, display._warns, display._deprecations, display._errors = shown
        context.CLIARGS, GlobalCLIArgs._Singleton__instance = cliargs, instance
        VaultSecretsContext._current = secrets
        for (function, name), value in zip(once, read):
            function.__dict__.pop(name, None)
            if value is not None:
                setattr(function, name, value)


def _collection_modules():
    return [name for name in sys.modules if name == 'ansible_collections' or name.startswith('ansible_collections.')]


@contextlib.contextmanager
def _collection_loader():
    """No collection loader and no ansible_collections module imported, as at a process's start: CLI.run installs
    the loader, which imports the plugin and its module_utils afresh; afterwards the loader is removed, and the
    modules of the collection that this process imported before are back, the plugin loaders' caches empty."""
    from ansible.plugins import loader as plugin_loader
    from ansible.plugins.vars import host_group_vars
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import (
        _AnsibleCollectionFinder,
        _AnsibleCollectionPkgLoaderBase,
    )

    def clear_caches():
        for _name, loader in plugin_loader.get_all_plugin_loaders():
            loader._clear_caches()
        host_group_vars.FOUND.clear()
        host_group_vars.CANONICAL_PATHS.clear()

    compile_source = _AnsibleCollectionPkgLoaderBase.get_code

    def get_code(loader, fullname):
        # the collection loader compiles a module's source at each import (it writes no .pyc): a source compiled
        # before is not compiled again; the module is still run afresh
        key = (loader.get_filename(fullname), loader.get_source(fullname))
        if key not in _COMPILED:
            _COMPILED[key] = compile_source(loader, fullname)
        return _COMPILED[key]

    config = AnsibleCollectionConfig
    saved = (config._collection_finder, config._default_collection, set(config._on_collection_load._handlers))
    meta_path, path_hooks = list(sys.meta_path), list(sys.path_hooks)
    modules = {name: sys.modules.pop(name) for name in _collection_modules()}
    config._collection_finder = None
    _AnsibleCollectionPkgLoaderBase.get_code = get_code
    clear_caches()
    try:
        yield
    finally:
        _AnsibleCollectionPkgLoaderBase.get_code = compile_source
        _AnsibleCollectionFinder._remove()
        for name in _collection_modules():
            del sys.modules[name]
        sys.modules.update(modules)
        sys.meta_path[:], sys.path_hooks[:] = meta_path, path_hooks
        sys.path_importer_cache.clear()
        config._collection_finder, config._default_collection, config._on_collection_load._handlers = saved
        clear_caches()
