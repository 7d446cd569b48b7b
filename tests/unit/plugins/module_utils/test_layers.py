"""The import graph of plugins/module_utils as CONTRIBUTING.md draws it (The frame): a file imports only files of
its own layer or of the layers below, never one above (no arrow back). Read from the source, in process."""

import ast
import os

import pytest

MODULE_UTILS = os.path.join(os.path.dirname(__file__), *['..'] * 4, 'plugins', 'module_utils')
PACKAGE = 'ansible_collections.jdcloud.cloud.plugins.module_utils'

# lowest first; a file not listed counts as the top layer (nothing below may import it)
LAYERS = (
    ('client', {'_client', '_lock'}),
    ('api', {'_api', '_listing'}),
    (
        'components and planners',
        {
            '_component',
            '_whitelist',
            '_backup',
            '_parameters',
            '_tags',
            '_accounts',
            '_maintenance',
            '_tls',
            '_disabled_commands',
            '_posture',
            '_instance',
            '_shards',
            '_redis',
            '_fleet',
            '_recovery',
            '_schedule',
        },
    ),
    ('base', {'_base', '_settings', '_lifecycle', '_instance_settings', '_fleet_converge', '_deletion'}),
)
TOP = len(LAYERS)


def layer(name):
    return next((n for n, (_title, names) in enumerate(LAYERS) if name in names), TOP)


def imported(path):
    """The module_utils files ``path`` imports, at the top or inside a function."""
    with open(path, encoding='utf-8') as source:
        tree = ast.parse(source.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(PACKAGE + '.'):
                found.add(node.module[len(PACKAGE) + 1 :])
            elif node.module == PACKAGE:
                found.update(alias.name for alias in node.names)
    return found


FILES = sorted(
    f[:-3] for f in os.listdir(MODULE_UTILS) if f.startswith('_') and f.endswith('.py') and f != '__init__.py'
)


def test_the_layers_name_existing_files():
    listed = set().union(*(names for _title, names in LAYERS))
    assert listed - set(FILES) == set()


@pytest.mark.parametrize('name', FILES)
def test_no_import_from_a_layer_above(name):
    above = sorted(other for other in imported(os.path.join(MODULE_UTILS, name + '.py')) if layer(other) > layer(name))
    assert above == [], f'{name} ({LAYERS[layer(name)][0] if layer(name) < TOP else "top"}) imports {above} from above'


COMPOSED = {'InstanceLifecycle', 'InstanceSettings'}


def test_the_instance_lifecycle_and_settings_are_composed_not_mixed_in():
    """jcs_redis_instance and the fleet's EntryRun make these objects with explicit inputs: no class inherits them
    (a mixin would read the module's attributes again)."""
    plugins = os.path.join(MODULE_UTILS, '..')
    mixed = []
    for folder, _dirs, files in os.walk(plugins):
        for name in files:
            if not name.endswith('.py'):
                continue
            with open(os.path.join(folder, name), encoding='utf-8') as source:
                tree = ast.parse(source.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    bases = {getattr(base, 'id', getattr(base, 'attr', None)) for base in node.bases}
                    mixed.extend(f'{name}: {node.name}({base})' for base in sorted(bases & COMPOSED))
    assert mixed == []
