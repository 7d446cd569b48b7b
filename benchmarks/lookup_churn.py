# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A lookup by name under churn (issue 24.8): jcs_redis_instance ``state: present`` by the name of one of
180 instances whose names contain it (2 pages), while a thread creates, renames (out of the match set and
back) and deletes such instances at RATE changes per second, for BURST seconds from each run's start
(0: the whole time). Prints, per run, the outcome, the list calls, the creates and the wall time.

    /work/venvs/unit/bin/python benchmarks/lookup_churn.py [RATE] [RUNS] [LATENCY_MS] [BURST_S]

Run from the repository root with the test venv (it starts an emulator in-process, like the tests).
Figures in docs/reliability.md (Consistency under concurrency). Nothing is asserted.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time

sys.path[:0] = ['tests', 'emulator']
import collection_tree  # noqa: E402,F401  pylint: disable=unused-import
from emulator_fixtures import RunningEmulator  # noqa: E402
from modrunner import run_module  # noqa: E402

REGION = 'cn-north-1'


def main(rate=18.0, runs=8, latency=50, burst=0.0):
    emu = RunningEmulator()
    store = emu.server.store
    try:
        emu.admin.set_quota(REGION, 5000)
        seeded = emu.admin.seed(180, name_prefix='heavyab')
        target = seeded[70]
        store.admin_rename(target, 'heavy', 'heavy')
        inst = store.get(REGION, target)
        spec = emu.instance_args(
            'heavy',
            instance_class=inst.instance_class,
            vpc_id=inst.vpc_id,
            subnet_id=inst.subnet_id,
            master_az=inst.az_master,
            slave_az=inst.az_slave,
        )
        others = [i for i in seeded if i != target]
        original = {i: store.get(REGION, i).name for i in others}
        out, created = set(), []
        rng = random.Random(7)
        stop = threading.Event()
        until = [float('inf')]

        def churn():
            due = time.monotonic()
            while not stop.is_set():
                if time.monotonic() > until[0]:
                    time.sleep(0.01)
                    due = time.monotonic()
                    continue
                kind = rng.choice(('create', 'rename', 'delete'))
                if kind == 'delete' and not created:
                    kind = 'create'
                if kind == 'create' and len(created) > 10:
                    kind = 'delete'
                if kind == 'create':
                    created.extend(store.seed(1, REGION, 'heavyabc'))
                elif kind == 'delete':
                    store.admin_remove(created.pop(rng.randrange(len(created))))
                else:  # about 5 renamed out at any time
                    back = len(out) >= 5 and rng.random() < 0.5
                    victim = rng.choice(sorted(out) if back else [i for i in others if i not in out])
                    store.admin_rename(victim, original[victim], 'zz_' + victim[-6:])
                    out.symmetric_difference_update({victim})
                due += 1.0 / rate
                time.sleep(max(0.0, due - time.monotonic()))

        thread = threading.Thread(target=churn, daemon=True)
        thread.start()
        for number in range(1, runs + 1):
            emu.admin.reset(state=False)
            emu.admin.config(latency_ms=latency)
            start = time.monotonic()
            if burst:
                until[0] = start + burst
            with tempfile.TemporaryDirectory() as tmp:
                run = run_module('jcs_redis_instance', spec, env={'XDG_CACHE_HOME': tmp})
            took = time.monotonic() - start
            calls = emu.calls()
            print(
                number,
                (run.result.get('error') or {}).get('status') or 'found',
                'changed' if run.changed else 'unchanged',
                'list calls', calls.get('describeCacheInstances', 0),
                'creates', calls.get('createCacheInstance', 0),
                'took %.1f s' % took,
                flush=True,
            )  # fmt: skip
        stop.set()
        thread.join()
    finally:
        emu.stop()


if __name__ == '__main__':
    args = sys.argv[1:]
    main(*(kind(value) for kind, value in zip((float, int, int, float), args)))
