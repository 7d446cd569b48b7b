"""The user guide's module_defaults example runs as written, and the mistake it warns about fails as it says.

The play is taken from docs/docsite/rst/guide.rst and run with ansible-playbook against the emulator."""

import os
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
GROUP = 'group/jdcloud.cloud.jcs'


def guide_play():
    text = (ROOT / 'docs' / 'docsite' / 'rst' / 'guide.rst').read_text(encoding='utf-8')
    section = text.split('.. _ansible_collections.jdcloud.cloud.docsite.guide.module_defaults:', 1)[1]
    block = re.search(r'\.\. code-block:: yaml\+jinja\n\n((?:(?:[ ]{4}.*)?\n)+)', section).group(1)
    return yaml.safe_load('\n'.join(line[4:] for line in block.splitlines()))


def run_play(emulator, tmp_path, play):
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump(play), encoding='utf-8')
    env = {k: v for k, v in os.environ.items() if not k.startswith(('JDCLOUD_', 'ANSIBLE_'))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.environ['JDCLOUD_TEST_COLLECTIONS_PATH'],
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'),
        ANSIBLE_HOME=str(tmp_path / 'home'),
        JDCLOUD_ENDPOINT=emulator.url,
        JDCLOUD_ACCESS_KEY=emulator.access_key,
        JDCLOUD_SECRET_KEY=emulator.secret_key,
    )
    return subprocess.run(
        [
            sys.executable,
            '-m',
            'ansible.cli.playbook',
            str(playbook),
            '-e',
            'vault_shop_sessions_password=Guide2026pass',
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_guide_example_runs_as_written(emulator, tmp_path):
    play = guide_play()
    defaults = play[0]['module_defaults']
    # the group holds connection options only, the create options are the module's own defaults
    assert set(defaults[GROUP]) <= {'region', 'api_timeout', 'access_key', 'secret_key', 'endpoint'}
    assert 'redis_version' in defaults['jdcloud.cloud.jcs_redis_instance']
    run = run_play(emulator, tmp_path, play)
    assert run.returncode == 0, run.stdout + run.stderr
    created = [e for e in emulator.admin.requests() if e['operation'] == 'createCacheInstance']
    assert [e['path'] for e in created] == ['/v1/regions/cn-east-2/cacheInstance']


def test_a_create_option_in_the_group_breaks_the_quota_module(emulator, tmp_path):
    play = guide_play()
    defaults = play[0]['module_defaults']
    defaults[GROUP].update(defaults.pop('jdcloud.cloud.jcs_redis_instance'))
    run = run_play(emulator, tmp_path, play)
    assert run.returncode != 0
    assert 'Unsupported parameters' in run.stdout and 'redis_version' in run.stdout, run.stdout
    assert not [e for e in emulator.admin.requests() if e['operation'] == 'createCacheInstance']
