"""One backend per resource (issue 26): each resource module's backend is made by Store and reaches the store only
through its public part, so that the store's internals can change without touching the backends."""

from __future__ import annotations

import ast
import pathlib
import re

import jdcloud_redis_emulator
from jdcloud_redis_emulator import (
    accounts,
    backups,
    operations,
    parameters,
    recycle,
    security,
    tagging,
    tasks,
    whitelist,
)
from jdcloud_redis_emulator.store import Store

BACKENDS = {
    'whitelists': whitelist,
    'config': parameters,
    'backups': backups,
    'tags': tagging,
    'accounts': accounts,
    'security': security,
    'tasks': tasks,
    'recycle_bin': recycle,
}
PACKAGE = pathlib.Path(jdcloud_redis_emulator.__file__).parent


def test_every_resource_module_has_one_backend_made_by_the_store():
    assert set(BACKENDS.values()) == set(operations.RESOURCE_MODULES)
    store = Store()
    for attribute, module in BACKENDS.items():
        backend = getattr(store, attribute)
        assert type(backend).__module__ == module.__name__, attribute
        assert backend.store is store


def private_uses_of_the_store(source: str) -> list:
    """``store._x`` and ``self.store._x`` in ``source``: the store's internals reached from outside it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith('_') or node.attr.startswith('__'):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id == 'store') or (
            isinstance(owner, ast.Attribute) and owner.attr == 'store'
        ):
            found.append('%s (line %d)' % (node.attr, node.lineno))
    return found


def test_the_checker_sees_a_private_use():
    assert private_uses_of_the_store('store._settle_due()\nself.store._ids.choice("a")\nstore.get()') == [
        '_settle_due (line 1)',
        '_ids (line 2)',
    ]


def test_no_module_outside_the_store_uses_its_private_helpers():
    uses = {
        path.name: private_uses_of_the_store(path.read_text(encoding='utf-8'))
        for path in sorted(PACKAGE.glob('*.py'))
        if path.name != 'store.py'
    }
    assert {name: found for name, found in uses.items() if found} == {}


def test_the_readme_shows_an_operation_and_a_backend_as_the_code_has_them():
    """The README's examples of a handler and a backend are the white-list ones, line for line (``# ...`` marks
    what they leave out)."""
    readme = (PACKAGE.parent / 'README.md').read_text(encoding='utf-8')
    section = readme[readme.index('**Adding an operation') : readme.index('Answers are `{"requestId"')]
    blocks = re.findall(r'^```python\n(.*?)^```', section, re.S | re.M)
    assert len(blocks) == 2
    source = (PACKAGE / 'whitelist.py').read_text(encoding='utf-8').splitlines()
    for block in blocks:
        position = 0
        for line in block.splitlines():
            if not line.strip() or line.strip().startswith('# ...'):
                continue
            assert line in source[position:], line
            position = source.index(line, position) + 1
