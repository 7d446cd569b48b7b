"""AWX job slicing over the jcs_redis inventory, emulated with ansible-runner (what AWX runs jobs with): the
playbook and group variables of docs/docsite/rst/awx.rst, run as N slices of the inventory's hosts (AWX gives slice
k of N every N-th host from the k-th on; here ``--limit``), with the environment the JD Cloud credential type
(extras/awx/credential_type.yml) injects. Each slice must converge exactly its own instances in one
jcs_redis_fleet run, and the slices together the whole inventory."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from emulator_fixtures import RunningEmulator
from invrunner import run_inventory

ansible_runner = pytest.importorskip('ansible_runner')

ROOT = Path(__file__).resolve().parents[4]
SECTION = '.. _ansible_collections.jdcloud.cloud.docsite.awx.slices:'
# keys of this test's emulator only: a module that signed with any other key would be refused
ACCESS_KEY = 'AWXSLICEACCESSKEY000000000000001'
SECRET_KEY = 'AWXSLICESECRETKEY00000000000000z7'
SLICES = 3
INSTANCES = 8
FLEET = 'jdcloud.cloud.jcs_redis_fleet'
INSTANCE_ID = re.compile(r'redis-[0-9a-z]+')


def documented_slice_job():
    """``(group_vars/all.yml, playbook)`` as the AWX page gives them."""
    text = (ROOT / 'docs' / 'docsite' / 'rst' / 'awx.rst').read_text(encoding='utf-8')
    section = text.split(SECTION, 1)[1].split('\n.. _', 1)[0]
    blocks = []
    for block in re.findall(r'\.\. code-block:: yaml(?:\+jinja)?\n\n((?:(?:[ ]{4,}.*)?\n)+)', section):
        lines = block.splitlines()
        indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
        blocks.append('\n'.join(line[indent:] for line in lines) + '\n')
    assert len(blocks) == 2, blocks
    return blocks


def credential_environment(inputs):
    """The variables a credential of the JD Cloud type injects into a job, rendered as AWX renders the
    injectors (each ``{{ field }}`` replaced by the field, an empty field by an empty string)."""
    credential_type = yaml.safe_load((ROOT / 'extras' / 'awx' / 'credential_type.yml').read_text(encoding='utf-8'))
    return {
        name: re.sub(r'\{\{\s*(\w+)\s*\}\}', lambda m: inputs.get(m.group(1), ''), template)
        for name, template in credential_type['injectors']['env'].items()
    }


@pytest.fixture
def awx_emulator():
    server = RunningEmulator(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    try:
        yield server
    finally:
        server.stop()


def test_each_slice_converges_its_instances_in_one_fleet_run(awx_emulator, tmp_path, monkeypatch):
    emulator = awx_emulator
    ids = emulator.admin.seed(INSTANCES, name_prefix='slice')
    names_by_id = {i: emulator.instances()[i]['name'] for i in ids}

    credential = credential_environment(
        dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region='cn-north-1', endpoint=emulator.url)
    )
    assert set(credential) == {
        'JDCLOUD_ACCESS_KEY',
        'JDCLOUD_SECRET_KEY',
        'JDCLOUD_REGION',
        'JDCLOUD_ENDPOINT',
        'JDCLOUD_TAG_ENDPOINT',
    }
    assert credential['JDCLOUD_TAG_ENDPOINT'] == ''  # a field left empty, as AWX injects it
    collections_path = os.environ['JDCLOUD_TEST_COLLECTIONS_PATH']
    # the job's environment is the credential's: nothing else of this process reaches the modules
    for name in list(os.environ):
        if name.startswith(('JDCLOUD_', 'ANSIBLE_')) and not name.startswith('JDCLOUD_TEST_'):
            monkeypatch.delenv(name)
    monkeypatch.setenv('PATH', os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    job_env = dict(
        credential,
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_HOME=str(tmp_path / 'ansible-home'),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
        ANSIBLE_INVENTORY_UNPARSED_FAILED='1',
        ANSIBLE_INVENTORY_ENABLED='auto',
        ANSIBLE_DEPRECATION_WARNINGS='0',
    )

    # the project: the documented playbook and group variables; the inventory source holds no key
    group_vars, playbook = documented_slice_job()
    private = tmp_path / 'runner'
    (private / 'project' / 'group_vars').mkdir(parents=True)
    (private / 'project' / 'site.yml').write_text(playbook, encoding='utf-8')
    (private / 'project' / 'group_vars' / 'all.yml').write_text(group_vars, encoding='utf-8')
    (private / 'inventory').mkdir()
    source = dict(plugin='jdcloud.cloud.jcs_redis')
    (private / 'inventory' / 'redis.jcs_redis.yml').write_text(yaml.safe_dump(source), encoding='utf-8')
    wanted = yaml.safe_load(group_vars)['redis_settings']

    hosts = sorted(run_inventory(tmp_path, source, env=job_env).hostvars)
    assert hosts == sorted(names_by_id.values())

    converged = []
    for index in range(SLICES):
        slice_hosts = hosts[index::SLICES]
        emulator.admin.reset(state=False)
        first = emulator.last_seq()
        run = ansible_runner.run(
            private_data_dir=str(private),
            playbook='site.yml',
            inventory=str(private / 'inventory' / 'redis.jcs_redis.yml'),
            limit=','.join(slice_hosts),
            envvars=job_env,
            quiet=True,
            ident=f'slice{index + 1}',
        )
        stdout = run.stdout.read()
        assert run.rc == 0 and run.status == 'successful', stdout
        assert SECRET_KEY not in stdout

        # one jcs_redis_fleet run, on the slice's first host, for every host of the slice
        fleet_runs = [
            e['event_data']
            for e in run.events
            if e['event'] == 'runner_on_ok' and e['event_data'].get('task_action') == FLEET
        ]
        assert len(fleet_runs) == 1, [e['event'] for e in run.events]
        results = fleet_runs[0]['res']['results']
        assert len(results) == 1  # the slice's hosts are all in one region
        fleet = results[0]
        assert sorted(r['name'] for r in fleet['instances']) == sorted(slice_hosts)
        assert fleet['updated'] == [r['name'] for r in fleet['instances']]
        assert all(r['config']['maxmemory-policy'] == 'allkeys-lru' for r in fleet['instances'])
        converged.extend(fleet['updated'])

        # the API saw the slice's instances only: the inventory's listing, the fleet's and those of its wait for
        # the instances whose parameters changed, then each instance's settings read and written
        requests = [r for r in emulator.admin.requests() if r['seq'] > first]
        touched = {names_by_id[i] for r in requests for i in INSTANCE_ID.findall(r['path'])}
        assert touched == set(slice_hosts)
        calls = emulator.calls()
        assert calls['describeCacheInstances'] == 2 + fleet['polls']
        assert calls['describeWhiteListGroup'] == calls['modifyInstanceConfig'] == len(slice_hosts)

    # the slices are disjoint and together the whole inventory, every instance as the group variables say
    assert sorted(converged) == hosts
    for instance_id in ids:
        instance = emulator.server.store.get(emulator.region, instance_id)
        assert instance.maxmemory_policy == wanted['config']['maxmemory-policy']
        assert [(g['name'], g['ips']) for g in instance.white_lists] == [('default', '10.0.1.0/24')]
