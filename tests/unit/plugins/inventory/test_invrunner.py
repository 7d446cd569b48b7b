# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory runs of the tests (tests/invrunner.py): ``ansible-inventory`` run in the test's process writes what
the command writes as a process of its own, exits as it does, and leaves nothing behind in the test's process."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from invrunner import run_inventory
from modrunner import run_module

PLUGIN = 'jdcloud.cloud.jcs_redis'


def both(tmp_path, config, **options):
    """``ansible-inventory`` in this process and as a process of its own, on the same file and arguments."""
    inside = run_inventory(tmp_path, config, in_process=True, **options)
    outside = run_inventory(tmp_path, config, **options)
    assert inside.in_process and not outside.in_process
    return inside, outside


@pytest.fixture
def described(emulator):
    """Two instances, one whose description is a template (an untrusted string, ``__ansible_unsafe`` in the JSON),
    one without the tag of the host names (named by its ID, with a warning)."""
    for name, extra in (
        ('orders', dict(description="{{ lookup('env', 'HOME') }}", tags={'env': 'prod'})),
        ('sessions', dict(description='plain text')),
    ):
        created = run_module('jcs_redis_instance', emulator.instance_args(name, **extra))
        assert created.changed, created.result
    emulator.admin.reset(state=False)


def source(emulator, **options):
    config = dict(
        plugin=PLUGIN,
        endpoint=emulator.url,
        regions=['cn-north-1'],
        keyed_groups=[dict(prefix='v', key='jcs_redis.redis_version')],
        # a plain composed string, one that holds the instance's template, one from --extra-vars
        compose=dict(
            url="'redis://' ~ jcs_redis.connection_domain",
            about='jcs_redis.description',
            owner="owner | default('nobody')",
        ),
        hostnames='{{ jcs_redis.tags.env }}_{{ jcs_redis.name }}',
    )
    config.update(options)
    return config


def credentials(emulator):
    return dict(JDCLOUD_ACCESS_KEY=emulator.access_key, JDCLOUD_SECRET_KEY=emulator.secret_key)


@pytest.mark.parametrize(
    'runs',
    [
        # one after the other in this process: what a run sets (its arguments, its --extra-vars, the warnings shown
        # once per process, ...) is not the next run's; a relative path is the command's working directory's
        (('--list', '-e', '@extra.yml'), ('--list',)),
        (('--host', 'prod_orders'), ('--list', '--export')),
    ],
)
def test_list_export_and_host_write_what_the_command_writes(emulator, tmp_path, described, runs):
    (tmp_path / 'extra.yml').write_text('owner: ops\n', encoding='utf-8')
    for args in runs:
        inside, outside = both(tmp_path, source(emulator), env=credentials(emulator), args=args)
        assert inside.rc == outside.rc == 0, (args, inside.stderr, outside.stderr)
        assert inside.stdout == outside.stdout, args
        assert inside.stderr == outside.stderr, args
        assert 'the template failed for instance' in inside.warnings, args
        # the instance's description is untrusted, and --list writes it so (--host writes it as a plain string)
        unsafe = '"__ansible_unsafe": "{{ lookup(\'env\', \'HOME\') }}"' in inside.stdout
        assert unsafe is (args[0] == '--list'), args
        # a variable of --extra-vars is every host's, in this run only
        assert ('"owner": "ops"' in inside.stdout) is ('-e' in args), args


@pytest.mark.parametrize('unparsed_failed', ['1', '0'])
def test_a_failure_exits_as_the_command_does(emulator, tmp_path, unparsed_failed):
    # rejected by the plugin: ansible-core's warnings and, as configured in the environment (read by ansible-core
    # when a process starts), its error and exit status or an empty inventory
    env = dict(credentials(emulator), ANSIBLE_INVENTORY_UNPARSED_FAILED=unparsed_failed)
    inside, outside = both(tmp_path, source(emulator, statuses=[]), env=env)
    assert inside.rc == outside.rc == int(unparsed_failed)
    assert inside.stdout == outside.stdout
    assert inside.stderr == outside.stderr
    assert 'statuses must not be empty' in inside.warnings
    assert bool(inside.stdout) is (unparsed_failed == '0')
    assert emulator.calls() == {}


def test_a_run_leaves_the_process_as_it_was(emulator, tmp_path, described, monkeypatch):
    from ansible.module_utils import _internal

    # a module of the collection imported by this process before the run stays the one it imports afterwards
    assert run_module('jcs_redis_quota', emulator.connection()).rc == 0
    monkeypatch.setenv('JDCLOUD_ACCESS_KEY', 'not-the-runs')
    imported = {name: id(module) for name, module in sys.modules.items() if name.startswith('ansible_collections')}
    before = (dict(os.environ), os.getcwd(), list(sys.meta_path), list(sys.path_hooks), _internal.is_controller)
    run = run_inventory(tmp_path, source(emulator), env=credentials(emulator), args=('--list', '-vvv'), in_process=True)
    assert run.in_process and run.rc == 0, run.stderr
    after = (dict(os.environ), os.getcwd(), list(sys.meta_path), list(sys.path_hooks), _internal.is_controller)
    assert after == before
    assert {name: id(sys.modules[name]) for name in imported} == imported
    assert not [name for name in sys.modules if name.startswith('ansible_collections') and name not in imported]
    # a module run in this process afterwards reports its warnings in its result, not to ansible-core's Display
    proxy = dict(HTTP_PROXY=emulator.url, http_proxy=emulator.url, NO_PROXY='', no_proxy='')
    warned = run_module('jcs_redis_quota', emulator.connection(endpoint='http://redis.example.invalid'), env=proxy)
    assert warned.in_process and not warned.failed, warned.result
    assert 'not encrypted' in str(warned.result.get('warnings')), (warned.result, warned.stderr)


def test_a_configuration_file_makes_a_process(emulator, tmp_path):
    # ansible.cfg is found once, when a process starts
    config_file = tmp_path / 'ansible.cfg'
    config_file.write_text('[defaults]\nforks = 7\n', encoding='utf-8')
    run = run_inventory(
        tmp_path,
        source(emulator),
        env=dict(credentials(emulator), ANSIBLE_CONFIG=str(config_file)),
        args=('--list', '-v'),
        in_process=True,
    )
    assert not run.in_process and run.rc == 0, run.stderr
    assert f'Using {config_file} as config file' in run.stdout + run.stderr


def test_runs_from_other_threads_are_processes(emulator, tmp_path):
    runs = []
    thread = threading.Thread(
        target=lambda: runs.append(
            run_inventory(tmp_path, source(emulator, statuses=[]), env=credentials(emulator), in_process=True)
        )
    )
    thread.start()
    thread.join()
    assert not runs[0].in_process and runs[0].rc == 1
