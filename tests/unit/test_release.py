"""The release a team pins is the one the docs describe: no ``version_added`` (module, option, suboption,
return value, inventory plugin, doc fragment, role argument spec) newer than galaxy.yml's version, every
module, plugin and role in the changelog under the release that added it, and the version the same in
galaxy.yml, the User-Agent, the README's install snippet and the changelog.

When this fails after a new module or option: cut the release as CONTRIBUTING.md says ("Cutting a release")."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
VERSION = GALAXY['version']
CHANGELOG = yaml.safe_load((ROOT / 'changelogs' / 'changelog.yaml').read_text(encoding='utf-8'))


def version_key(version):
    return tuple(int(part) for part in str(version).split('.'))


def _doc_strings(path):
    """``{name: parsed YAML}`` of the DOCUMENTATION and RETURN strings of a plugin or doc fragment file."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                name = getattr(target, 'id', None)
                if name in ('DOCUMENTATION', 'RETURN') or (name and name.isupper() and 'fragment' in path.parent.name):
                    try:
                        text = ast.literal_eval(node.value)
                    except ValueError:
                        continue
                    if isinstance(text, str):
                        found[name] = yaml.safe_load(text)
    return found


def _version_added(node, where):
    """``(where, version_added)`` of ``node`` and of everything below it (options, suboptions, contains)."""
    if isinstance(node, dict):
        if 'version_added' in node and not isinstance(node['version_added'], (dict, list)):
            yield where, str(node['version_added'])
        for key, value in node.items():
            yield from _version_added(value, f'{where}.{key}')
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _version_added(value, f'{where}[{index}]')


def _plugin_files():
    for kind in ('modules', 'inventory', 'doc_fragments'):
        for path in sorted((ROOT / 'plugins' / kind).glob('*.py')):
            if path.name != '__init__.py':
                yield kind, path


def all_version_added():
    for _kind, path in _plugin_files():
        for name, doc in _doc_strings(path).items():
            yield from _version_added(doc, f'{path.relative_to(ROOT)} {name}')
    for specs in sorted((ROOT / 'roles').glob('*/meta/argument_specs.yml')):
        yield from _version_added(yaml.safe_load(specs.read_text(encoding='utf-8')), str(specs.relative_to(ROOT)))


def released(section):
    """``{name: release}`` of the modules (``modules``), plugins (``plugins/<type>``) or roles (``objects/role``)
    the changelog lists, each under the release that added it."""
    result = {}
    for release, data in CHANGELOG['releases'].items():
        entries = data
        for key in section.split('/'):
            entries = (entries or {}).get(key)
        for entry in entries or ():
            result[entry['name']] = release
    return result


def top_version_added(path):
    return str(_doc_strings(path)['DOCUMENTATION']['version_added'])


def test_every_plugin_documentation_is_valid_yaml():
    for _kind, path in _plugin_files():
        assert 'DOCUMENTATION' in _doc_strings(path), path


def test_no_version_added_is_newer_than_the_collection():
    found = list(all_version_added())
    assert len(found) > 20  # the walk sees the options, suboptions and role options
    newer = [f'{where}: {version}' for where, version in found if version_key(version) > version_key(VERSION)]
    assert not newer, f'newer than galaxy.yml version {VERSION}: {newer}'


def test_the_release_is_in_the_changelog():
    assert VERSION in CHANGELOG['releases'], f'galaxy.yml version {VERSION} was not released in changelog.yaml'
    assert re.search(rf'^v{re.escape(VERSION)}\n=+$', (ROOT / 'CHANGELOG.rst').read_text(encoding='utf-8'), re.M)
    assert CHANGELOG['releases'][VERSION]['changes'].get('release_summary')


@pytest.mark.parametrize(
    'kind, section',
    [('modules', 'modules'), ('inventory', 'plugins/inventory')],
)
def test_every_plugin_is_in_the_changelog_under_its_version_added(kind, section):
    listed = released(section)
    paths = sorted((ROOT / 'plugins' / kind).glob('*.py'))
    assert paths
    for path in paths:
        name = path.stem
        assert name in listed, f'{kind} {name} is in no release of changelogs/changelog.yaml'
        assert listed[name] == top_version_added(path), (
            f'{kind} {name}: version_added {top_version_added(path)}, but the changelog lists it in {listed[name]}'
        )


def test_every_role_is_in_the_changelog_under_its_version_added():
    listed = released('objects/role')
    for specs in sorted((ROOT / 'roles').glob('*/meta/argument_specs.yml')):
        name = specs.parents[1].name
        added = str(yaml.safe_load(specs.read_text(encoding='utf-8'))['argument_specs']['main']['version_added'])
        assert listed.get(name) == added, f'role {name}: version_added {added}, changelog {listed.get(name)}'


def test_the_version_is_the_same_everywhere():
    from ansible_collections.jdcloud.cloud.plugins.module_utils._client import COLLECTION_VERSION

    assert COLLECTION_VERSION == VERSION
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert set(re.findall(r'jdcloud-cloud-([0-9.]+)\.tar\.gz', readme)) == {VERSION}
    assert re.findall(r'version: "([^"]+)"', readme) == [f'>={VERSION},<{version_key(VERSION)[0] + 1}.0.0']
