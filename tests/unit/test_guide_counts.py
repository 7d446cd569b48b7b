"""The numbers the user guide states are counted from what they count: modules, the variables the AWX
credential type injects, the emulator's operations."""

from __future__ import annotations

import ast
import pathlib
import re

import yaml
from jdcloud_redis_emulator import OPERATIONS
from jdcloud_redis_emulator import operations as emulator_operations

ROOT = pathlib.Path(__file__).resolve().parents[2]
GUIDE = ' '.join((ROOT / 'docs' / 'docsite' / 'rst' / 'guide.rst').read_text(encoding='utf-8').split())
WORDS = dict(
    zip(
        ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve']
        + ['thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'],
        range(1, 21),
    )
)


def stated(pattern):
    match = re.search(pattern, GUIDE)
    assert match, pattern
    value = match.group(1)
    return int(value) if value.isdigit() else WORDS[value]


def test_modules():
    modules = [p for p in (ROOT / 'plugins' / 'modules').glob('*.py') if p.name != '__init__.py']
    assert stated(r'It has (\w+) modules') == len(modules)


def test_injected_variables():
    credential_type = yaml.safe_load((ROOT / 'extras' / 'awx' / 'credential_type.yml').read_text(encoding='utf-8'))
    injected = credential_type['injectors']['env']
    assert stated(r'credential type injects (\w+) environment variables') == len(injected) == 5


def test_emulator_operations():
    assert stated(r'(\w+) operations in all') == len(set(OPERATIONS)) == len(emulator_operations.REGISTRY)


def _called_operations():
    """The emulator's operations the plugins call: every ``_call``/``request`` of the plugins' source with a literal
    method, its path built by ``self.path(...)`` (directly or through a name in the same function) or given
    literally, matched against the emulator's method and path templates (a segment not known here matches any)."""
    templates = {}
    for op in emulator_operations.REGISTRY.values():
        templates.setdefault(op.method, []).append((op.name, re.sub(r'\{[^}]+\}', '{}', op.path)))

    def shape(node, names):
        if isinstance(node, ast.Name):
            return names.get(node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Call) and getattr(node.func, 'attr', None) == 'path':
            parts = [a.value if isinstance(a, ast.Constant) else '{}' for a in node.args]
            path = '/regions/{}/' + '/'.join(parts)
            for keyword in node.keywords:
                if keyword.arg == 'action':
                    path += ':' + (keyword.value.value if isinstance(keyword.value, ast.Constant) else '{}')
            return path
        return None

    def matches(pattern, template):
        regex = '^' + '[^/:]+'.join(re.escape(p) for p in pattern.split('{}')) + '$'
        return re.match(regex, template.replace('{}', 'x')) is not None

    called, unresolved = set(), []
    for source in (ROOT / 'plugins').rglob('*.py'):
        tree = ast.parse(source.read_text(encoding='utf-8'))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        nested = {id(inner) for f in functions for inner in ast.walk(f) if inner is not f and inner in functions}
        # the outermost functions only: a closure sees the names of the function around it
        for function in [f for f in functions if id(f) not in nested]:
            names = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    found = shape(node.value, {})
                    if found is not None:
                        names[node.targets[0].id] = found
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and getattr(node.func, 'attr', None) in ('_call', 'request')):
                    continue
                if len(node.args) < 2 or not isinstance(node.args[0], ast.Constant):
                    continue
                if function.name == '_call':
                    continue  # the one pass-through of every call
                path = shape(node.args[1], names)
                hits = [n for n, t in templates.get(node.args[0].value, []) if path and matches(path, t)]
                if not hits:
                    unresolved.append(f'{source.name}:{node.lineno}')
                called.update(hits)
    assert not unresolved, unresolved
    return called


def test_emulator_operations_the_modules_use():
    # counted from the calls in the plugins' source, not from the emulator's grouping of its operations
    used = _called_operations()
    tags = {name for name in used if emulator_operations.REGISTRY[name].service != 'redis'}
    assert stated(r'API: the (\w+) operations the modules use') == len(used), sorted(used)
    assert stated(r'\((\w+) of the Redis API') == len(used - tags)
    assert stated(r'and the (\w+) of the resource-tag service') == len(tags)
    unused = sorted(set(emulator_operations.REGISTRY) - used)
    assert stated(r'and (\w+) more of the task API') == len(unused)
    assert re.search(r'more of the task API \(' + ', '.join(f'``{name}``' for name in unused) + r'\)', GUIDE), unused
