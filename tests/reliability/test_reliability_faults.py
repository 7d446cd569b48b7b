"""Fault-injection suite: the whole instance lifecycle against an emulator that misbehaves.

Every run starts a fresh emulator with a fault profile and a fault seed, puts two bystander
instances in it that nothing declares, then plays the lifecycle of three instances (create,
re-run, modify, resize, password, info/quota/classes, delete, re-run) task by task, the way a
playbook with ``ignore_errors`` would.  The invariants are checked after every task, then a
clean re-run of the declared state (what a user does after a failure) must converge.

The fault sequence depends only on the seed and the order of requests, so with instant
lifecycle transitions a run is repeatable request for request (``test_runs_are_repeatable``).
"""

from __future__ import annotations

import collections
import os
import time

import pytest
from emulator_fixtures import REGION, RunningEmulator
from modrunner import run_module
from reliability_support import FIGURES, assert_clean_run, env_int, instance_id_of, retries_in

SUITE = '1. fault injection'
PASSWORD_1 = 'Fault1Passw0rd'
PASSWORD_2 = 'Fault2Passw0rd'
MICRO, SMALL = 'redis.m.micro.basic', 'redis.m.small.basic'
# The white list declared for the first instance (with purge), and how the API then holds it.
WHITELIST = [dict(name='default', ips=['10.0.1.0/24']), dict(name='apps', ips=['10.0.9.10', '10.0.2.0/24'])]
WHITELIST_HELD = [dict(name='default', ips='10.0.1.0/24'), dict(name='apps', ips='10.0.2.0/24,10.0.9.10')]
# The engine parameters declared for the first instance, and how the API then reports them.
CONFIG = {'maxmemory-policy': 'allkeys-lru', 'notify-keyspace-events': 'KEA', 'slowlog-log-slower-than': 2000}
CONFIG_HELD = {'maxmemory-policy': 'allkeys-lru', 'notify-keyspace-events': 'AKE', 'slowlog-log-slower-than': '2000'}
BYSTANDERS = 2

MIXED = dict(error_rate=0.1, throttle_rate=0.05, retry_after=1, reset_rate=0.05, drop_response_rate=0.3, latency_ms=5)
PROFILES = {
    # every fault kind at once, default retry budget: tasks should ride it out
    'mixed': dict(faults=MIXED, api_retries=5),
    # more faults than a budget of one retry can absorb: tasks fail, the re-run must recover
    'harsh': dict(
        faults=dict(error_rate=0.3, throttle_rate=0.1, retry_after=0, reset_rate=0.15, drop_response_rate=0.6),
        api_retries=1,
    ),
    # transitions take time, so the waiters poll through the faults too
    'slow': dict(
        faults=MIXED,
        api_retries=5,
        delays=dict(create_delay=0.6, resize_delay=0.6, delete_delay=0.4, config_delay=0.4),
    ),
}
# Client-side statuses and server-side statuses a task may end with once its retries are spent;
# anything else (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND...) would be a logic error that
# the faults merely exposed.
EXPECTED_FAILURE_STATUSES = {
    'CONNECTION_ERROR',
    'TIMEOUT',
    'OUTCOME_UNKNOWN',
    'WAIT_TIMEOUT',
    'INTERNAL',
    'UNAVAILABLE',
    'TOO_MANY_REQUESTS',
    'BAD_GATEWAY',
    'GATEWAY_TIMEOUT',
    'HTTP_500',
    'HTTP_502',
    'HTTP_503',
}


def _runs():
    spec = os.environ.get('JDCLOUD_RELIABILITY_RUNS', '').strip()
    names = sorted(PROFILES)
    if not spec:
        return [(name, seed) for seed, name in enumerate(['mixed', 'harsh', 'slow'], 1)]
    if spec.isdigit():
        return [(names[(seed - 1) % len(names)], seed) for seed in range(1, int(spec) + 1)]
    runs = []
    for item in spec.split(','):
        name, seed = (item.strip().split(':', 1) + [''])[:2]
        assert name in PROFILES, 'unknown fault profile %r in JDCLOUD_RELIABILITY_RUNS' % name
        runs.append((name, int(seed)))
    return runs


Task = collections.namedtuple('Task', 'step target run entries')  # entries: the task's requests in the emulator log


class Declared:
    """One instance's declared state at some step of the scenario."""

    def __init__(
        self,
        name,
        state='present',
        instance_class=MICRO,
        description='v1',
        password=PASSWORD_1,
        update_password='on_create',
    ):
        self.name, self.state, self.instance_class, self.description = name, state, instance_class, description
        self.password, self.update_password = password, update_password

    def args(self, emu, api_retries):
        args = emu.connection(
            name=self.name, state=self.state, api_retries=api_retries, api_timeout=10, wait_timeout=120
        )
        if self.state == 'present':
            args.update(
                instance_class=self.instance_class,
                description=self.description,
                password=self.password,
                update_password=self.update_password,
                redis_version='4.0',
                vpc_id='vpc-fault0001',
                subnet_id='subnet-fault0001',
                master_az='cn-north-1a',
                slave_az='cn-north-1b',
            )
        return args


class Scenario:
    """Plays the lifecycle under one profile and seed and keeps the figures of the run."""

    def __init__(self, profile, seed, instances=('a', 'b', 'c')):
        self.profile, self.seed = PROFILES[profile], seed
        self.names = ['rel%d_%s' % (seed, letter) for letter in instances]
        self.api_retries = self.profile['api_retries']
        self.emu = RunningEmulator(quota=50, **self.profile.get('delays', {}))
        seeded = self.emu.admin.seed(BYSTANDERS, name_prefix='bystander')
        self.bystanders = {i: d for i, d in self.emu.instances().items() if i in seeded}
        self.seen = {}  # every instance id ever seen -> name
        self.absent_names = set()  # names declared absent at some point
        self.tasks = []  # Task tuples
        self.failures = collections.Counter()
        self.problems = []

    # -- running ---------------------------------------------------------------------------------

    def faults_on(self):
        self.emu.admin.config(fault_seed=self.seed, **self.profile['faults'])

    def faults_off(self):
        self.emu.admin.config(error_rate=0.0, throttle_rate=0.0, reset_rate=0.0, drop_response_rate=0.0, latency_ms=0.0)

    def snapshot(self):
        now = self.emu.instances()
        for instance_id, data in now.items():
            self.seen.setdefault(instance_id, data['name'])
        return now

    def task(self, step, module, args, target=None):
        before_seq = self.emu.last_seq()
        run = run_module(module, args)
        entries = [e for e in self.emu.admin.requests() if e['seq'] > before_seq]
        assert_clean_run(run, '%s/%s %s' % (step, module, target or ''))
        if run.failed:
            status = (run.result.get('error') or {}).get('status')
            self.failures[status or '(none)'] += 1
            if not status:
                self.problems.append(
                    '%s %s failed without error.status: %s' % (step, target or module, run.result.get('msg'))
                )
        self.tasks.append(Task(step, target, run, entries))
        return run

    def apply(self, step, declared, check=True):
        """Run jcs_redis_instance for each declared instance and check the task's invariants."""
        for item in declared:
            before = self.snapshot()
            if item.state == 'absent':
                self.absent_names.add(item.name)
            run = self.task(step, 'jcs_redis_instance', item.args(self.emu, self.api_retries), item.name)
            after = self.snapshot()
            if check:
                self.check_task(step, item, before, after, run, self.tasks[-1].entries)

    def check_task(self, step, item, before, after, run, entries):
        where = '%s %s' % (step, item.name)
        writes = [e for e in entries if e['operation'] in WRITES and e['status'] == 200]
        held_before = self.holds(item, before, check_password=False)
        # the declared state already held: a successful task changes nothing and writes nothing
        held = held_before and not run.failed and item.update_password == 'on_create'
        if held and (run.changed or writes):
            self.problems.append(
                '%s: state already held but changed=%s with writes %s'
                % (where, run.changed, [e['operation'] for e in writes])
            )
        if not run.failed:
            if not self.holds(
                item,
                after,
                check_password=item.update_password == 'always' or 'create' in run.result.get('changes', []),
            ):
                self.problems.append(
                    '%s: task succeeded but the declared state does not hold: %s' % (where, self.matching(item, after))
                )
            returned = run.result.get('instance')
            if item.state == 'present' and (
                not returned
                or returned.get('name') != item.name
                or returned.get('instance_class') != item.instance_class
            ):
                self.problems.append('%s: returned instance does not match the declared one: %s' % (where, returned))

    def matching(self, item, instances):
        return {i: d for i, d in instances.items() if d['name'] == item.name}

    def holds(self, item, instances, check_password=True):
        found = self.matching(item, instances)
        if item.state == 'absent':
            return not found
        if len(found) != 1:
            return False
        ((instance_id, data),) = found.items()
        if (data['status'], data['instance_class'], data['description']) != (
            'running',
            item.instance_class,
            item.description,
        ):
            return False
        return not check_password or self.emu.admin.check_password(instance_id, item.password)

    def white_list(self, name):
        """The white-list groups the emulator holds for the instance named ``name``, or None."""
        found = [i for i in self.emu.server.store.list(REGION) if i.name == name]
        return [dict(g) for g in found[0].white_lists] if len(found) == 1 else None

    def whitelist_task(self, step, check=True):
        """jcs_redis_whitelist on the first instance, by name, when it exists (its create may have failed)."""
        name = self.names[0]
        before = self.white_list(name)
        if before is None:
            return None
        args = self.emu.connection(
            instance_name=name,
            groups=WHITELIST,
            purge=True,
            api_retries=self.api_retries,
            api_timeout=10,
            wait_timeout=120,
        )
        run = self.task(step, 'jcs_redis_whitelist', args, name + ' whitelist')
        after = self.white_list(name)
        writes = [e for e in self.tasks[-1].entries if e['operation'] in WHITELIST_WRITES and e['status'] == 200]
        if before == WHITELIST_HELD and (run.changed or writes):
            self.problems.append('%s: white list already held but changed=%s, writes %s' % (step, run.changed, writes))
        if after is not None and len({g['name'] for g in after}) != len(after):
            self.problems.append('%s: a white-list group exists twice: %s' % (step, after))
        if check and not run.failed and after != WHITELIST_HELD:
            self.problems.append('%s: task succeeded but the white list is %s' % (step, after))
        return run

    def config_held(self, name):
        """Whether the instance named ``name`` reports the declared parameters; None when it does not exist."""
        found = [i for i in self.emu.server.store.list(REGION) if i.name == name]
        if len(found) != 1:
            return None
        values = {
            i['configName']: i['configValue']
            for i in self.emu.server.store.config.describe(REGION, found[0].id)['instanceConfig']
        }
        return all(values.get(k) == v for k, v in CONFIG_HELD.items())

    def config_task(self, step, check=True):
        """jcs_redis_config on the first instance, by name, when it exists."""
        name = self.names[0]
        before = self.config_held(name)
        if before is None:
            return None
        args = self.emu.connection(
            instance_name=name, parameters=CONFIG, api_retries=self.api_retries, api_timeout=10, wait_timeout=120
        )
        run = self.task(step, 'jcs_redis_config', args, name + ' config')
        writes = [e for e in self.tasks[-1].entries if e['operation'] == 'modifyInstanceConfig' and e['status'] == 200]
        if before and (run.changed or writes):
            self.problems.append('%s: parameters already held but changed=%s, writes %s' % (step, run.changed, writes))
        if len(writes) > 1:
            self.problems.append('%s: %d parameter writes applied for one change' % (step, len(writes)))
        if check and not run.failed:
            if not self.config_held(name):
                self.problems.append('%s: task succeeded but the parameters do not hold' % step)
            if self.snapshot_of(name) != 'running':
                self.problems.append('%s: task succeeded but the instance is %s' % (step, self.snapshot_of(name)))
        return run

    def snapshot_of(self, name):
        found = [d['status'] for d in self.snapshot().values() if d['name'] == name]
        return found[0] if len(found) == 1 else None

    def read_tasks(self, step):
        """info, quota and class listing; their answers must agree with the emulator's state."""
        prefix = 'rel%d_' % self.seed
        run = self.task(
            step,
            'jcs_redis_info',
            self.emu.connection(name=prefix, name_match='contains', api_retries=self.api_retries, api_timeout=10),
        )
        state = self.snapshot()
        if not run.failed:
            listed = {i['id']: (i['name'], i['instance_class']) for i in run.result['instances']}
            expected = {i: (d['name'], d['instance_class']) for i, d in state.items() if d['name'].startswith(prefix)}
            if listed != expected:
                self.problems.append('%s: info listed %s, the emulator holds %s' % (step, listed, expected))
        run = self.task(step, 'jcs_redis_quota', self.emu.connection(api_retries=self.api_retries, api_timeout=10))
        if not run.failed and run.result['quota']['used'] != len(state):
            self.problems.append(
                '%s: quota says %s used, the emulator holds %d' % (step, run.result['quota']['used'], len(state))
            )
        run = self.task(
            step,
            'jcs_redis_instance_class_info',
            self.emu.connection(redis_version='4.0', api_retries=self.api_retries, api_timeout=10),
        )
        if not run.failed and MICRO not in [c['instance_class'] for c in run.result['instance_classes']]:
            self.problems.append('%s: class listing lacks %s' % (step, MICRO))

    def play(self):
        a, b, c = self.names
        final = [
            Declared(a, instance_class=SMALL, description='v2'),
            Declared(b, description='v2', password=PASSWORD_2, update_password='always'),
            Declared(c, state='absent'),
        ]
        self.faults_on()
        self.apply('create', [Declared(a), Declared(b), Declared(c)])
        self.apply('re-run', [Declared(a), Declared(b), Declared(c)])
        self.apply('modify', [Declared(a, description='v2'), Declared(b, description='v2')])
        self.apply('resize', [Declared(a, instance_class=SMALL, description='v2')])
        self.apply('password', [Declared(b, description='v2', password=PASSWORD_2, update_password='always')])
        self.whitelist_task('whitelist')
        self.whitelist_task('re-run whitelist')
        self.config_task('config')
        self.config_task('re-run config')
        self.read_tasks('read')
        self.apply('delete', [Declared(c, state='absent')])
        self.apply('re-run delete', [Declared(c, state='absent')])
        self.log = self.emu.admin.requests()
        self.stats = self.emu.admin.stats()
        self.failed_tasks = sum(1 for task in self.tasks if task.run.failed)
        converged = all(self.holds(item, self.snapshot()) for item in final)
        if not self.failed_tasks and not converged:
            self.problems.append('every task succeeded but the final state differs from the declared state')
        # recovery: the user re-runs the declared state once the network behaves
        self.faults_off()
        recovery_start = len(self.tasks)
        self.apply('recovery', final, check=False)
        self.whitelist_task('recovery', check=False)
        self.config_task('recovery', check=False)
        for task in self.tasks[recovery_start:]:
            if task.run.failed:
                self.problems.append('recovery of %s failed: %s' % (task.target, task.run.result.get('msg')))
        self.final = self.snapshot()
        self.final_holds = {item.name: self.holds(item, self.final) for item in final}
        self.final_holds[a + ' whitelist'] = self.white_list(a) == WHITELIST_HELD
        self.final_holds[a + ' config'] = self.config_held(a) is True

    # -- the figures -------------------------------------------------------------------------------

    def duplicates(self):
        names = collections.Counter(self.seen.values())
        return sum(count - 1 for count in names.values())

    def creates_applied(self):
        return sum(
            1 for e in self.emu.admin.requests() if e['operation'] == 'createCacheInstance' and e['status'] == 200
        )

    def unintended_deletions(self):
        deleted = set()
        for entry in self.emu.admin.requests():
            if entry['operation'] == 'deleteCacheInstance' and entry['status'] == 200:
                deleted.add(instance_id_of(entry['path']))
        vanished = {i for i in self.seen if i not in self.final}
        return sorted(i for i in deleted | vanished if self.seen.get(i) not in self.absent_names)

    def retries(self):
        return sum(retries_in(task.entries) for task in self.tasks)

    def stop(self):
        self.emu.stop()


WRITES = (
    'createCacheInstance',
    'modifyCacheInstanceAttribute',
    'modifyCacheInstanceClass',
    'resetCacheInstancePassword',
    'deleteCacheInstance',
)
WHITELIST_WRITES = ('addWhiteListGroup', 'modifyWhiteListGroup', 'deleteWhiteListGroup')


@pytest.mark.parametrize('profile, seed', _runs(), ids=str)
def test_lifecycle_under_faults(profile, seed):
    started = time.monotonic()
    scenario = Scenario(profile, seed)
    try:
        scenario.play()
        faults = sum(scenario.stats['faults'].values())
        duplicates = scenario.duplicates()
        unintended = scenario.unintended_deletions()
        FIGURES.add(SUITE, 'runs')
        FIGURES.add(SUITE, 'tasks run (incl. recovery)', len(scenario.tasks))
        FIGURES.add(SUITE, 'API requests', scenario.stats['total_calls'])
        FIGURES.add(SUITE, 'faults injected', faults)
        FIGURES.count(SUITE, 'faults by kind', collections.Counter(scenario.stats['faults']))
        FIGURES.add(
            SUITE, 'white-list tasks run', sum(1 for t in scenario.tasks if (t.target or '').endswith('whitelist'))
        )
        FIGURES.add(
            SUITE, 'engine parameter tasks run', sum(1 for t in scenario.tasks if (t.target or '').endswith(' config'))
        )
        FIGURES.add(SUITE, 'retries made', scenario.retries())
        FIGURES.add(SUITE, 'tasks failed (retry budget spent)', scenario.failed_tasks)
        FIGURES.count(SUITE, 'failed tasks by error.status', scenario.failures)
        FIGURES.add(SUITE, 'duplicates', duplicates)
        FIGURES.add(SUITE, 'unintended deletions', len(unintended))
        FIGURES.add(SUITE, 'final state != declared', sum(1 for ok in scenario.final_holds.values() if not ok))
        FIGURES.add(SUITE, 'seconds', round(time.monotonic() - started, 1))

        assert faults > 0, 'the profile injected no fault at all'
        assert not scenario.problems, '\n'.join(scenario.problems)
        for task in scenario.tasks:
            if task.run.failed:
                assert task.run.result['error']['status'] in EXPECTED_FAILURE_STATUSES, task
        assert duplicates == 0, scenario.seen
        assert scenario.creates_applied() == len(scenario.seen) - BYSTANDERS, 'a create was applied twice'
        assert unintended == [], 'deleted without being declared absent: %s' % unintended
        declared = scenario.names + [scenario.names[0] + ' whitelist', scenario.names[0] + ' config']
        assert scenario.final_holds == dict.fromkeys(declared, True), (
            scenario.final_holds,
            scenario.final,
        )
        for instance_id, data in scenario.bystanders.items():
            assert scenario.final.get(instance_id) == data, 'bystander %s was changed' % instance_id
        expected_ids = len(scenario.names) - 1 + BYSTANDERS
        assert len(scenario.final) == expected_ids, scenario.final
    finally:
        scenario.stop()


def _short_run(seed):
    """create, re-run, modify and delete one instance; returns what a repeat must reproduce."""
    scenario = Scenario('mixed', seed, instances=('r',))
    try:
        name = scenario.names[0]
        scenario.faults_on()
        scenario.apply('create', [Declared(name)])
        scenario.apply('re-run', [Declared(name)])
        scenario.apply('modify', [Declared(name, description='v2')])
        scenario.apply('delete', [Declared(name, state='absent')])
        assert not scenario.problems, scenario.problems
        log = [(e['operation'], e['status'], e['fault']) for e in scenario.emu.admin.requests()]
        outcomes = [(task.step, task.run.failed, task.run.changed) for task in scenario.tasks]
        return log, outcomes
    finally:
        scenario.stop()


def test_runs_are_repeatable():
    seed = env_int('JDCLOUD_RELIABILITY_REPEAT_SEED', 7)
    first = _short_run(seed)
    second = _short_run(seed)
    assert any(entry[2] for entry in first[0]), 'no fault injected, nothing to repeat'
    assert first == second
    FIGURES.set(SUITE, 'repeatable (same seed twice)', 'yes (%d requests)' % len(first[0]))


def test_throttling_honours_retry_after():
    """Every 429 is followed by a pause of at least Retry-After before the same call again."""
    emu = RunningEmulator()
    try:
        emu.admin.config(throttle_rate=0.5, retry_after=1, fault_seed=3, fault_operations=['describeUserQuota'])
        run = run_module('jcs_redis_quota', emu.connection(api_retries=8))
        assert_clean_run(run, 'quota under throttling')
        assert not run.failed, run.result
        log = emu.admin.requests()
        throttled = [i for i, e in enumerate(log) if e['status'] == 429]
        assert throttled, 'the seed produced no 429'
        for index in throttled:
            gap = log[index + 1]['time'] - log[index]['time']
            assert gap >= 1.0, 'retried %.3f s after a 429 with Retry-After: 1' % gap
        FIGURES.set(SUITE, '429 answers waited out (>= Retry-After)', len(throttled))
    finally:
        emu.stop()
