"""Deterministic churn between the pages of a listing, for tests of clients' paging.

``POST /_emulator/churn`` sets a plan; after describeCacheInstances answers number ``start``,
``start + 1``, ... (``times`` steps, 0 = every answer from then on) one step is applied, before
the answer is sent:

* ``renames``: ``[[id, name_a, name_b], ...]``, each instance toggles between the two names;
* ``deletes``: ids removed at once (no ``deleting`` phase), ``deletes_per_step`` of them per step
  (default: all in the first step);
* ``seed_oldest``: that many new running instances per step, older than every other instance of
  ``region``, so that they sort last in the default newest-first order; ``seed_newest``: that many
  newer than every other one, so that they sort first (named ``churn_new_...``).

A client that sends its page requests one at a time therefore sees the same interleaving on
every run. ``DELETE /_emulator/churn`` (or a reset) ends the plan.
"""

from __future__ import annotations

import threading


class ChurnError(ValueError):
    pass


def _ids(value, field):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ChurnError('%s must be a list of instance ids' % field)
    return list(value)


def _count(data, field, default):
    value = data.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ChurnError('%s must be a non-negative integer' % field)
    return value


class Churn:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with getattr(self, 'lock', threading.Lock()):
            self.plan = None
            self.answered = 0
            self.steps = 0

    def set(self, data: dict) -> dict:
        renames = data.get('renames', [])
        if not isinstance(renames, list) or not all(
            isinstance(r, list) and len(r) == 3 and all(isinstance(v, str) for v in r) for r in renames
        ):
            raise ChurnError('renames must be a list of [id, name_a, name_b]')
        plan = {
            'start': max(_count(data, 'start', 1), 1),
            'times': _count(data, 'times', 1),
            'renames': [list(r) for r in renames],
            'deletes': _ids(data.get('deletes', []), 'deletes'),
            'deletes_per_step': _count(data, 'deletes_per_step', 0),
            'seed_oldest': _count(data, 'seed_oldest', 0),
            'seed_newest': _count(data, 'seed_newest', 0),
            'region': data.get('region', 'cn-north-1'),
        }
        with self.lock:
            self.plan = plan
            self.answered = 0
            self.steps = 0
        return self.status()

    def status(self) -> dict:
        with self.lock:
            return {'active': self.plan is not None, 'answered': self.answered, 'steps': self.steps}

    def after_list(self, store) -> None:
        """Called after each describeCacheInstances answer is computed, before it is sent."""
        with self.lock:
            plan = self.plan
            if plan is None:
                return
            self.answered += 1
            if self.answered < plan['start'] or (plan['times'] and self.steps >= plan['times']):
                return
            self.steps += 1
            for rename in plan['renames']:
                instance_id, name_a, name_b = rename
                store.admin_rename(instance_id, name_a, name_b)
            per_step = plan['deletes_per_step'] or len(plan['deletes'])
            doomed, plan['deletes'] = plan['deletes'][:per_step], plan['deletes'][per_step:]
            for instance_id in doomed:
                store.admin_remove(instance_id)
            if plan['seed_oldest']:
                store.seed(plan['seed_oldest'], plan['region'], 'churn', oldest=True)
            if plan['seed_newest']:
                store.seed(plan['seed_newest'], plan['region'], 'churn_new', newest=True)
