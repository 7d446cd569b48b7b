# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drift guard for ``meta/runtime.yml`` ``action_groups``.

A module left out of the group is silently ignored by ``module_defaults: group/jdcloud.cloud.jcs``
(five of six studied cloud collections shipped such a gap), so the group must list exactly the modules
in ``plugins/modules/``, and every module must say so in its documentation through the shared
attribute fragment rather than an inline copy that can drift on its own.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
MODULES_DIR = REPO / 'plugins' / 'modules'
COLLECTION = 'jdcloud.cloud'
GROUP = 'jcs'
FQ_GROUP = '%s.%s' % (COLLECTION, GROUP)


def module_names():
    return sorted(path.stem for path in MODULES_DIR.glob('*.py') if path.name != '__init__.py')


def group_entries():
    runtime = yaml.safe_load((REPO / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    return runtime['action_groups'][GROUP]


def short_name(entry):
    prefix = COLLECTION + '.'
    return entry[len(prefix) :] if entry.startswith(prefix) else entry


def raw_documentation(name):
    """DOCUMENTATION as written in the module file, before doc fragments are merged in."""
    tree = ast.parse((MODULES_DIR / (name + '.py')).read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(target, 'id', None) == 'DOCUMENTATION' for target in node.targets
        ):
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError('%s has no DOCUMENTATION' % name)


@pytest.fixture(scope='module')
def rendered_docs():
    """Documentation as ansible-doc renders it, with every doc fragment resolved."""
    names = module_names()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'])
    proc = subprocess.run(
        [sys.executable, '-m', 'ansible.cli.doc', '--json', '-t', 'module']
        + ['%s.%s' % (COLLECTION, n) for n in names],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_group_entries_are_plain_module_names():
    entries = group_entries()
    assert all(isinstance(entry, str) for entry in entries), entries
    short = [short_name(entry) for entry in entries]
    assert len(short) == len(set(short)), 'duplicate entries in action_groups.%s: %s' % (GROUP, short)


def test_group_lists_exactly_the_modules():
    modules = set(module_names())
    group = {short_name(entry) for entry in group_entries()}
    assert modules, 'plugins/modules/ holds no modules'
    assert not modules - group, 'modules missing from action_groups.%s in meta/runtime.yml: %s' % (
        GROUP,
        sorted(modules - group),
    )
    assert not group - modules, 'action_groups.%s names modules that do not exist: %s' % (
        GROUP,
        sorted(group - modules),
    )


@pytest.mark.parametrize('name', module_names())
def test_module_docs_declare_group_membership_via_fragment(name, rendered_docs):
    inline_attributes = raw_documentation(name).get('attributes') or {}
    assert 'action_group' not in inline_attributes, (
        '%s documents action_group inline; extend the shared attribute doc fragment instead' % name
    )

    doc = rendered_docs['%s.%s' % (COLLECTION, name)]['doc']
    action_group = (doc.get('attributes') or {}).get('action_group')
    assert action_group, '%s does not document the action_group attribute' % name
    assert action_group.get('support') == 'full', action_group
    assert FQ_GROUP in (action_group.get('membership') or []), action_group
