"""Every documented example that creates an instance uses a class that its Redis version sells.

The class/version pairs of the module EXAMPLES, the README, the role README and the docsite are checked
against the emulator's catalogue, which follows the API reference (§9): a version left out is the API's
default, 2.8, whose classes have other codes than those of 4.0 and later."""

import ast
import pathlib
import re

import pytest
import yaml
from jdcloud_redis_emulator import catalogue

ROOT = pathlib.Path(__file__).resolve().parents[2]
API_DEFAULT_VERSION = '2.8'
GROUP = 'group/jdcloud.cloud.jcs'


def _module_examples():
    for path in sorted((ROOT / 'plugins' / 'modules').glob('*.py')):
        for node in ast.parse(path.read_text(encoding='utf-8')).body:
            if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'EXAMPLES' for t in node.targets):
                yield f'{path.name} EXAMPLES', ast.literal_eval(node.value)


def _markdown_blocks(path):
    for number, block in enumerate(re.findall(r'```yaml\n(.*?)```', path.read_text(encoding='utf-8'), re.S)):
        yield f'{path.relative_to(ROOT)} yaml block {number + 1}', block


def _rst_blocks(path):
    text = path.read_text(encoding='utf-8')
    pattern = r'\.\. code-block:: yaml(?:\+jinja)?\n\n((?:(?:[ ]{4,}.*)?\n)+)'
    for number, block in enumerate(re.findall(pattern, text)):
        lines = block.splitlines()
        indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
        yield f'{path.relative_to(ROOT)} code block {number + 1}', '\n'.join(line[indent:] for line in lines)


def documented_yaml():
    sources = list(_module_examples())
    for path in (ROOT / 'README.md', ROOT / 'roles' / 'redis_fleet' / 'README.md'):
        sources.extend(_markdown_blocks(path))
    for path in sorted((ROOT / 'docs' / 'docsite' / 'rst').glob('*.rst')):
        sources.extend(_rst_blocks(path))
    return sources


def _walk(node, region, found, where, instance_defaults=None):
    """Collect (where, region, class, version) of every create in ``node``; ``region`` and the defaults of
    jcs_redis_instance are inherited from module_defaults."""
    instance_defaults = instance_defaults or {}
    if isinstance(node, list):
        for item in node:
            _walk(item, region, found, where, instance_defaults)
        return
    if not isinstance(node, dict):
        return
    module_defaults = node.get('module_defaults') or {}
    defaults = module_defaults.get(GROUP) or {}
    region = defaults.get('region', region)
    if 'jdcloud.cloud.jcs_redis_instance' in module_defaults:
        instance_defaults = module_defaults['jdcloud.cloud.jcs_redis_instance']
    task = node.get('jdcloud.cloud.jcs_redis_instance')
    if isinstance(task, dict):
        task = dict(instance_defaults, **task)
    if isinstance(task, dict) and task.get('instance_class') and task.get('vpc_id'):
        version = task.get('redis_version', defaults.get('redis_version'))
        found.append((where, task.get('region', region), task['instance_class'], version))
    role = node.get('ansible.builtin.include_role') or node.get('ansible.builtin.import_role') or {}
    if role.get('name') == 'jdcloud.cloud.redis_fleet':
        variables = node.get('vars') or {}
        for entry in variables.get('redis_fleet_instances') or []:
            if entry.get('instance_class') and entry.get('state', 'present') == 'present':
                version = entry.get('redis_version', variables.get('redis_fleet_redis_version'))
                found.append((where, variables.get('redis_fleet_region', region), entry['instance_class'], version))
    for value in node.values():
        _walk(value, region, found, where, instance_defaults)


def documented_creates():
    found = []
    for where, text in documented_yaml():
        _walk(yaml.safe_load(text), 'cn-north-1', found, where)
    return found


def test_the_examples_are_found():
    # the module EXAMPLES, both READMEs, the guide and the AWX page each create at least one instance
    places = {found[0].split(' ')[0] for found in documented_creates()}
    assert {'jcs_redis_instance.py', 'roles/redis_fleet/README.md', 'docs/docsite/rst/guide.rst'} <= places, places
    assert 'docs/docsite/rst/awx.rst' in places, places


@pytest.mark.parametrize('where, region, instance_class, version', documented_creates())
def test_documented_class_is_sold_for_its_version(where, region, instance_class, version):
    version = str(version) if version is not None else API_DEFAULT_VERSION
    sold = catalogue.REGIONS[region].find_class(version, instance_class)
    assert sold is not None, f'{where}: {instance_class} is not sold for Redis {version} in {region}'
