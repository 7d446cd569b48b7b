"""The numbers the user guide states are counted from what they count: modules, the variables the AWX
credential type injects, the emulator's operations."""

from __future__ import annotations

import pathlib
import re

import yaml
from jdcloud_redis_emulator import OPERATIONS
from jdcloud_redis_emulator import operations as emulator_operations
from jdcloud_redis_emulator.names import READ_OPERATIONS, WRITE_OPERATIONS

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
    # the core operations are those the modules use; the day-2 ones (names.py) come on top
    day2 = set(READ_OPERATIONS) | set(WRITE_OPERATIONS)
    used = [op for op in emulator_operations.REGISTRY.values() if op.name not in day2]
    assert stated(r'API: the (\w+) operations the modules use') == len(used)
    assert stated(r'\((\w+) of the Redis API') == len([op for op in used if op.service == 'redis'])
    assert stated(r'and the (\w+) of the resource-tag service') == len([op for op in used if op.service != 'redis'])
    assert stated(r'(\w+) operations in all') == len(set(OPERATIONS))
