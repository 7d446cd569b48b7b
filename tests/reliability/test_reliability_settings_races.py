"""Unstaged races on one instance's backup policy: two runs started at the same moment change different parts
(one the days, one the window), on one machine (one lock directory) and on two (two lock directories), with
latency on every request so that their reads and writes overlap. The staged, deterministic versions of these
races are in tests/unit/plugins/modules/test_setting_races.py; this suite gives the figures of
docs/reliability.md ("Concurrent runs on one instance's settings").

Asserted: on one machine no change is ever lost; on any number of machines no run lists a change it did not
ask for, and a run that succeeds had its part in its read-back (a part lost after that is what the API's
whole-policy write cannot guard against across machines, counted, not asserted).
"""

from __future__ import annotations

import threading

import pytest
from modrunner import run_module
from reliability_support import FIGURES, env_int

SUITE = '8. concurrent settings runs'
ROUNDS = env_int('JDCLOUD_RELIABILITY_POLICY_ROUNDS', 4)
LATENCY_MS = 150
DAYS = (['Monday'], ['Tuesday'], ['Wednesday'], ['Thursday'], ['Friday'], ['Saturday'], ['Sunday'])


def both_at_once(emu, instance_id, days, window, envs):
    runs = {}
    start = threading.Barrier(2)

    def go(key, env, **args):
        start.wait()
        runs[key] = run_module('jcs_redis_backup_policy', emu.connection(instance_id=instance_id, **args), env=env)

    threads = [
        threading.Thread(target=go, args=('days', envs[0]), kwargs=dict(backup_days=days)),
        threading.Thread(target=go, args=('window', envs[1]), kwargs=dict(backup_window=window)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs


@pytest.mark.parametrize('machines', [1, 2])
def test_two_runs_changing_different_parts_of_one_policy(emu, tmp_path, machines):
    emu.admin.config(latency_ms=LATENCY_MS)
    envs = [{'XDG_CACHE_HOME': str(tmp_path / ('machine%d' % (index % machines)))} for index in range(2)]
    label = 'one machine' if machines == 1 else 'two machines'
    for round_number in range(ROUNDS):
        instance_id = emu.admin.seed(1, name_prefix='race%d' % round_number)[0]
        days, window = DAYS[round_number % 7], '%02d:00-%02d:00 +0800' % (round_number + 2, round_number + 3)
        runs = both_at_once(emu, instance_id, days, window, envs)
        final = run_module('jcs_redis_backup_policy', emu.connection(instance_id=instance_id), check_mode=True)
        policy = final.result['backup_policy']
        kept = {'days': policy['backup_days'] == days, 'window': policy['backup_window'] == window}
        for key, run in runs.items():
            asked = 'backup_days' if key == 'days' else 'backup_window'
            if run.failed:
                assert run.result['error']['status'] == 'ABORTED', run.result
                FIGURES.add(SUITE, label + ': runs ABORTED (another writer overwrote their part)')
            else:
                FIGURES.add(SUITE, label + ': runs succeeded')
                if not kept[key]:
                    FIGURES.add(SUITE, label + ': changes lost after the run succeeded')
            # never a change it did not ask for
            assert run.result.get('changes', []) in ([], [asked]), run.result
        if machines == 1:
            assert all(kept.values()), (runs, policy)
        FIGURES.add(SUITE, label + ': rounds')
        FIGURES.add(SUITE, label + ': rounds with both parts kept', int(all(kept.values())))
