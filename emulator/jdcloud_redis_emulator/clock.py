"""The emulator's time, and admin actions that wait for the N-th answer of an operation.

Tests must not wait in real time for a transition, nor depend on how fast the machine is. Two
controls make that possible (README, "Time and transitions"):

* ``Clock``: the machine's time plus an offset that ``POST /_emulator/clock {"advance": S}`` moves
  forward; it can also be frozen. Every time the store uses (transitions, createTime, backups, the
  backup policy's next window, prepaid expiry) comes from it; the signature check does not, since
  clients sign with their own clock.
* ``Triggers``: an admin action (advance the clock, release held transitions, force a status) given
  ``"after": {"operation": "describeCacheInstances", "answers": 2}`` runs right after the second
  answer of that operation from then on is computed, before it is sent (with ``"since": op``,
  counting starts after the next answer of ``op``, or its ``since_answers``-th). A module that polls then sees the change at a
  known poll, however slow the machine is.
"""

from __future__ import annotations

import threading
import time

from . import registry


class Clock:
    """``clock()`` is the emulator's current time in seconds since the epoch."""

    def __init__(self, source=time.time):
        self._source = source
        self._lock = threading.Lock()
        self.offset = 0.0
        self.frozen_at = None  # the machine's time when frozen

    def __call__(self) -> float:
        with self._lock:
            base = self._source() if self.frozen_at is None else self.frozen_at
            return base + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds

    def freeze(self, frozen: bool) -> None:
        with self._lock:
            if frozen and self.frozen_at is None:
                self.frozen_at = self._source()
            elif not frozen and self.frozen_at is not None:
                # thawing keeps the current time and lets it run on from there
                self.offset += self.frozen_at - self._source()
                self.frozen_at = None

    def reset(self) -> None:
        with self._lock:
            self.offset = 0.0
            self.frozen_at = None

    def status(self) -> dict:
        now = self()
        return {
            'now': now,
            'time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)),
            'offset': self.offset,
            'frozen': self.frozen_at is not None,
        }


def parse_after(value) -> dict | None:
    """The ``after`` member of an admin request: ``{"operation", "answers", "since", "since_answers"}`` or None
    (run at once)."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {'operation', 'answers', 'since', 'since_answers'}:
        raise ValueError('after must be an object {"operation": name, "answers": n, "since": name, "since_answers": n}')
    operation, answers, since = value.get('operation'), value.get('answers', 1), value.get('since')
    since_answers = value.get('since_answers', 1)
    known = registry.names()
    for key, name in (('operation', operation), ('since', since)):
        if name not in known and (key == 'operation' or name is not None):
            raise ValueError('after.%s must be one of %s' % (key, ', '.join(known)))
    for key, number in (('answers', answers), ('since_answers', since_answers)):
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError('after.%s must be a positive integer' % key)
    if since is None and 'since_answers' in value:
        raise ValueError('after.since_answers needs after.since')
    return {'operation': operation, 'answers': answers, 'since': since, 'since_answers': since_answers}


class Triggers:
    """Admin actions waiting for the N-th answer of an operation."""

    def __init__(self):
        self._lock = threading.Lock()
        # [operation, answers still to come, operation whose answers must come first (None once they came),
        #  how many of those are still to come, description, action]
        self._pending = []

    def add(self, after: dict, description: dict, action) -> dict:
        with self._lock:
            self._pending.append(
                [after['operation'], after['answers'], after['since'], after['since_answers'], description, action]
            )
        return {'scheduled': dict(description, after=after)}

    def answered(self, operation: str) -> None:
        """Count one answer of ``operation`` and run the actions it makes due, in the order they were set."""
        with self._lock:
            due = []
            for entry in self._pending:
                if entry[2] is not None:
                    if entry[2] == operation:
                        entry[3] -= 1
                        if entry[3] == 0:
                            entry[2] = None  # counting starts with the next answer
                elif entry[0] == operation:
                    entry[1] -= 1
                    if entry[1] == 0:
                        due.append(entry)
            self._pending = [e for e in self._pending if e[1] > 0]
        for entry in due:
            entry[5]()

    def pending(self) -> list:
        with self._lock:
            return [
                dict(d, after={'operation': op, 'answers_to_come': n, 'waiting_for': since, 'since_answers_to_come': m})
                for op, n, since, m, d, dummy in self._pending
            ]

    def clear(self) -> None:
        with self._lock:
            self._pending = []
