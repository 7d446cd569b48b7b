"""Fault injection on the resource-tag service and on shard resizes: tasks ride the faults out or fail
with a transport status, a re-run once the network behaves converges, and the re-run after that is
unchanged with one call.

Tag calls are safe to resend (binding or unbinding the same tags twice leaves the same tags), so the
client retries them like reads, dropped answers included.
"""

from __future__ import annotations

import pytest
from emulator_fixtures import RunningEmulator
from modrunner import run_module
from reliability_support import assert_clean_run

FAULTS = {
    'mixed': dict(error_rate=0.2, throttle_rate=0.1, retry_after=0, reset_rate=0.1, drop_response_rate=0.5),
    'lost answers': dict(drop_response_rate=1.0),
}
TRANSPORT_STATUSES = {
    'CONNECTION_ERROR',
    'TIMEOUT',
    'OUTCOME_UNKNOWN',
    'INTERNAL',
    'UNAVAILABLE',
    'TOO_MANY_REQUESTS',
    'HTTP_502',
    'BAD_GATEWAY',
}
CLUSTER = dict(
    name='rel_tags',
    instance_class='redis.s.small.basic',
    redis_version='5.0',
    vpc_id='vpc-fault0001',
    subnet_id='subnet-fault0001',
    master_az='cn-north-1a',
    slave_az='cn-north-1b',
    password='Tags1Passw0rd',
)
STEPS = [
    dict(shard_number=4, tags=dict(team='payments', env='prod')),
    dict(shard_number=4, tags=dict(env='staging', owner='alice')),
    dict(shard_number=8, tags=dict(env='staging'), purge_tags=True),
]


def held(emu, step):
    found = [i for i in emu.server.store.list('cn-north-1') if i.name == CLUSTER['name']]
    if len(found) != 1:
        return None
    inst = found[0]
    return inst.status, inst.shards, {t['key']: t['value'] for t in inst.tags or ()}


@pytest.mark.parametrize('profile', sorted(FAULTS))
@pytest.mark.parametrize('seed', [1, 2])
def test_tag_and_shard_changes_converge_under_faults(profile, seed):
    emu = RunningEmulator()
    try:
        expected_tags = {}
        faulted = set()
        for step in STEPS:
            args = emu.connection(api_retries=3, api_timeout=10, wait_timeout=60, **CLUSTER, **step)
            if step.get('purge_tags'):
                expected_tags = dict(step['tags'])
            else:
                expected_tags.update(step['tags'])
            emu.admin.config(
                fault_seed=seed,
                fault_operations=['tagResources', 'unTagResources', 'modifyCacheInstanceClass'],
                **FAULTS[profile],
            )
            run = run_module('jcs_redis_instance', args)
            faulted.update(e['operation'] for e in emu.admin.requests() if e.get('fault'))
            assert_clean_run(run, profile)
            if run.failed:
                assert run.result['error']['status'] in TRANSPORT_STATUSES, run.result
            emu.admin.config(error_rate=0.0, throttle_rate=0.0, reset_rate=0.0, drop_response_rate=0.0)
            emu.admin.reset(state=False)
            recovery = run_module('jcs_redis_instance', args)
            assert not recovery.failed, recovery.result
            assert held(emu, step) == ('running', step['shard_number'], expected_tags)
            emu.admin.reset(state=False)
            again = run_module('jcs_redis_instance', args)
            assert not again.changed, again.result
            assert emu.calls() == {'describeCacheInstances': 1}
        assert len(emu.instances()) == 1
        assert {'tagResources', 'unTagResources'} <= faulted
    finally:
        emu.stop()
