"""Concurrency: many hosts, each managing its own instance, in parallel against one emulator.

``playbooks/concurrency.yml`` runs over HOSTS inventory hosts (connection local) with as many
forks; the emulator adds latency and lifecycle delays so that requests and waits overlap.
Every host must succeed, get back only its own instance, and the emulator must end with
exactly the declared instances.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

import pytest
from emulator_fixtures import RunningEmulator
from reliability_support import FIGURES, HERE, env_int, run_playbook

SUITE = '6. concurrency (ansible-playbook)'
HOSTS = env_int('JDCLOUD_RELIABILITY_HOSTS', 12)
LATENCY_MS = 50
PASSWORD = 'Conc1Passw0rd'


def host(index):
    return 'host%02d' % index


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    base = str(tmp_path_factory.mktemp('concurrency'))
    results_dir = os.path.join(base, 'results')
    os.makedirs(results_dir)
    emu = RunningEmulator(quota=HOSTS + 10, create_delay=0.5, delete_delay=0.5)
    try:
        emu.admin.config(latency_ms=LATENCY_MS)
        bystanders = emu.admin.seed(2, name_prefix='conc_bystander')
        inventory = os.path.join(base, 'inventory.ini')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('[fleet]\n')
            for index in range(1, HOSTS + 1):
                handle.write(
                    '%s host_index=%d ansible_connection=local ansible_python_interpreter=%s\n'
                    % (host(index), index, sys.executable)
                )
        extra = dict(
            jdcloud_access_key=emu.access_key,
            jdcloud_secret_key=emu.secret_key,
            jdcloud_endpoint=emu.url,
            instance_password=PASSWORD,
            results_dir=results_dir,
        )
        extra_vars = os.path.join(base, 'extra-vars.json')
        with open(extra_vars, 'w', encoding='utf-8') as handle:
            json.dump(extra, handle)
        started = time.monotonic()
        proc = run_playbook(
            os.path.join(HERE, 'playbooks', 'concurrency.yml'),
            base,
            inventory,
            extra_args=['--forks', str(HOSTS), '-e', '@' + extra_vars],
        )
        seconds = time.monotonic() - started
        results = {}
        for name in os.listdir(results_dir):
            with open(os.path.join(results_dir, name), encoding='utf-8') as handle:
                results[name[: -len('.json')]] = json.load(handle)
        yield dict(
            proc=proc, results=results, emu=emu, bystanders=bystanders, seconds=seconds, log=emu.admin.requests()
        )
    finally:
        emu.stop()


def test_every_host_succeeds(fleet):
    proc = fleet['proc']
    FIGURES.set(SUITE, 'hosts / forks', '%d / %d' % (HOSTS, HOSTS))
    recap = dict(re.findall(r'^(host\d+)\s+:\s+(.*)$', proc.stdout, re.M))
    failed = {
        name: line for name, line in recap.items() if not re.search(r'failed=0\b', line) or 'unreachable=0' not in line
    }
    FIGURES.set(SUITE, 'hosts failed', len(failed) if recap else 'no recap')
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert len(recap) == HOSTS and not failed, recap
    assert sorted(fleet['results']) == [host(i) for i in range(1, HOSTS + 1)]


def test_no_cross_talk(fleet):
    results, ids, mixups = fleet['results'], {}, []
    for name, result in sorted(results.items()):
        index, own = int(name[4:]), 'conc_' + name
        created, modified, found = result['created'], result['modified'], result['found']
        instance_id = created['instance']['id']
        ids[name] = instance_id
        checks = [
            created['changed']
            and created['instance']['name'] == own
            and created['instance']['description'] == 'created by ' + name,
            modified['instance']['id'] == instance_id and modified['instance']['description'] == 'updated by ' + name,
            [(i['id'], i['name'], i['description']) for i in found['instances']]
            == [(instance_id, own, 'updated by ' + name)],
        ]
        if index % 2:
            checks.append(result['deleted']['changed'] and result['deleted']['instance']['id'] == instance_id)
        else:
            checks.append(result['deleted'].get('skipped') is True)
        if not all(checks):
            mixups.append((name, checks))
    FIGURES.set(SUITE, 'results naming another host\'s instance', len(mixups))
    assert not mixups, mixups
    assert len(set(ids.values())) == HOSTS, ids


def test_emulator_ends_with_the_declared_instances(fleet):
    emu = fleet['emu']
    final = emu.instances()
    expected = {'conc_' + host(i): 'updated by ' + host(i) for i in range(2, HOSTS + 1, 2)}
    ours = {d['name']: d['description'] for i, d in final.items() if i not in fleet['bystanders']}
    assert ours == expected
    assert all(i in final for i in fleet['bystanders'])
    assert all(d['status'] == 'running' for d in final.values())
    calls = emu.admin.stats()['calls']
    assert calls['createCacheInstance'] == HOSTS and calls['deleteCacheInstance'] == HOSTS // 2, calls
    assert calls['modifyCacheInstanceAttribute'] == HOSTS, calls
    errors = [
        e
        for e in fleet['log']
        if e['status'] != 200 and not (e['operation'] == 'describeCacheInstance' and e['status'] == 404)
    ]
    FIGURES.set(SUITE, 'API requests / errors', '%d / %d' % (len(fleet['log']), len(errors)))
    assert not errors, errors


def test_requests_really_overlapped(fleet):
    # Each request holds the emulator for LATENCY_MS; requests that start within that window
    # of each other were in flight together.
    starts = sorted(e['time'] for e in fleet['log'])
    window = LATENCY_MS / 1000.0
    peak = max(sum(1 for t in starts[i:] if t - start < window) for i, start in enumerate(starts))
    FIGURES.set(SUITE, 'peak requests in flight', peak)
    FIGURES.set(SUITE, 'playbook seconds', round(fleet['seconds'], 1))
    assert peak >= 3, 'the hosts did not run in parallel (peak %d)' % peak
