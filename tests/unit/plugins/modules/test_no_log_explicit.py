"""Every option whose name ansible-core takes for a password says whether it is one.

AnsibleModule warns "Module did not set no_log for <option>" on every run of a module that leaves ``no_log`` unset
on such an option (``PASSWORD_MATCH``), defaults included: a warning in every playbook run that users can do
nothing about, and a sign that a real secret might not be hidden.
"""

from __future__ import annotations

import importlib
import pathlib

import pytest
from ansible.module_utils.basic import PASSWORD_MATCH

MODULES = sorted(p.stem for p in (pathlib.Path(__file__).resolve().parents[4] / 'plugins' / 'modules').glob('*.py'))


def unset_password_like(spec, prefix=''):
    for name, option in spec.items():
        if PASSWORD_MATCH.search(name) and 'no_log' not in option:
            yield prefix + name
        if option.get('options'):
            yield from unset_password_like(option['options'], prefix + name + '.')


def argument_specs(name):
    module = importlib.import_module('ansible_collections.jdcloud.cloud.plugins.modules.' + name)
    return [
        value.argument_spec
        for value in vars(module).values()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and isinstance(getattr(value, 'argument_spec', None), dict)
    ]


@pytest.mark.parametrize('name', MODULES)
def test_password_like_options_set_no_log(name):
    specs = argument_specs(name)
    assert specs, 'no argument spec found in ' + name
    assert [option for spec in specs for option in unset_password_like(spec)] == []


def test_a_run_of_jcs_redis_instance_has_no_no_log_warning(emulator):
    from modrunner import run_module

    run = run_module('jcs_redis_instance', emulator.instance_args('nolog_warning'), check_mode=True)
    assert not run.failed, run.result
    # ansible-core 2.19 returns each warning as a structure (a WarningSummary), earlier ones as a string
    assert [w for w in run.result.get('warnings', []) if 'no_log' in str(w)] == []
