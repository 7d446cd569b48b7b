"""Fault injection and observation (call counters, request log).

All random choices come from one ``random.Random(fault_seed)`` drawn under a lock, so a
test that sets ``fault_seed`` and sends requests one at a time sees a repeatable sequence.
"""

from __future__ import annotations

import collections
import random
import threading
import time

from . import registry
from .settings import RuntimeSettings

REQUEST_LOG_SIZE = 10000


class Faults:
    def __init__(self, seed: int | None = None):
        self.lock = threading.Lock()
        self.rng = random.Random(seed)

    def reseed(self, seed: int | None) -> None:
        with self.lock:
            self.rng = random.Random(seed)

    @staticmethod
    def applies(settings: RuntimeSettings, operation: str | None) -> bool:
        if operation is None:
            return False
        return settings.fault_operations is None or operation in settings.fault_operations

    def before(self, settings: RuntimeSettings, operation: str | None):
        """Fault to answer instead of handling the request: (kind, http_status) or None."""
        if not self.applies(settings, operation):
            return None
        with self.lock:
            # one draw per kind, always in the same order, so the sequence depends only on the seed
            reset, error, throttle = self.rng.random(), self.rng.random(), self.rng.random()
            status = self.rng.choice((500, 502, 503))
        if reset < settings.reset_rate:
            return ('reset', None)
        if error < settings.error_rate:
            return ('error', status)
        if throttle < settings.throttle_rate:
            return ('throttle', 429)
        return None

    def drop_after(self, settings: RuntimeSettings, operation: str | None) -> bool:
        if (
            operation not in registry.writes()
            or not self.applies(settings, operation)
            or not settings.drop_response_rate
        ):
            return False
        with self.lock:
            return self.rng.random() < settings.drop_response_rate


class Observer:
    """Per-operation call counters, fault counters and a bounded request log (no bodies, ever)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.calls = collections.Counter()
            self.total = 0
            self.faults = collections.Counter()
            self.log = collections.deque(maxlen=REQUEST_LOG_SIZE)
            self.seq = 0
            # API requests begun and not answered yet, and the most there were at once: a client's bound on its
            # concurrent requests is checked against this, not against timings
            self.in_flight = 0
            self.peak_in_flight = 0

    def begin(self, method: str, path: str, operation: str | None, request_id: str) -> dict:
        with self.lock:
            self.seq += 1
            self.total += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            if operation:
                self.calls[operation] += 1
            entry = {
                'seq': self.seq,
                'time': round(time.time(), 6),
                'method': method,
                'path': path,
                'operation': operation,
                'status': None,
                'fault': None,
                'request_id': request_id,
            }
            self.log.append(entry)
            return entry

    def end(self) -> None:
        """An API request begun with ``begin`` was answered (or its connection dropped)."""
        with self.lock:
            self.in_flight = max(self.in_flight - 1, 0)

    def fault(self, entry: dict, kind: str) -> None:
        with self.lock:
            entry['fault'] = kind
            self.faults[kind] += 1

    def stats(self, instances: int) -> dict:
        with self.lock:
            return {
                'calls': {op: self.calls[op] for op in registry.names()},
                'total_calls': self.total,
                'peak_in_flight': self.peak_in_flight,
                'faults': dict(self.faults),
                'instances': instances,
            }

    def requests(self) -> list:
        with self.lock:
            return [dict(e) for e in self.log]


# A held request never waits longer than this: a test that forgets to release must not hang the server.
HOLD_MAX = 300.0
HOLD_ANSWERS = (None, 'error')


class _Ticket:
    def __init__(self):
        self.event = threading.Event()
        self.answer = None


class Holds:
    """Requests held before they are handled until a test releases them, so that a test can put a change between
    a client's read and its write without depending on timing. A plan holds the next ``count`` requests of one
    operation after letting ``skip`` of them through; releasing answers the held ones normally or with a 503."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)  # notified whenever a request starts waiting
        self.plans = {}

    def hold(self, operation: str, count: int = 1, skip: int = 0) -> dict:
        with self.lock:
            previous = self.plans.get(operation)
            waiting = previous['waiting'] if previous else []
            self.plans[operation] = {'count': count, 'skip': skip, 'waiting': waiting}
        return self.status()

    def arrive(self, operation: str | None):
        """Called for every API request before it is handled: returns at once unless a plan holds it; then
        returns the answer of its release (None: handle it; 'error': answer 503)."""
        if operation is None:
            return None
        with self.lock:
            plan = self.plans.get(operation)
            if plan is None or not plan['count'] and not plan['skip']:
                return None
            if plan['skip']:
                plan['skip'] -= 1
                return None
            plan['count'] -= 1
            ticket = _Ticket()
            plan['waiting'].append(ticket)
            self.arrived.notify_all()
        ticket.event.wait(HOLD_MAX)
        return ticket.answer

    def wait(self, operation: str, waiting: int, timeout: float) -> bool:
        """Block until ``waiting`` requests of ``operation`` are held (True) or ``timeout`` seconds pass (False):
        a test whose client runs in the background (an Ansible async task) learns it reached the held request
        without polling."""
        with self.arrived:
            return self.arrived.wait_for(
                lambda: len((self.plans.get(operation) or {}).get('waiting', ())) >= waiting, timeout
            )

    def release(self, operation: str | None = None, answer: str | None = None) -> dict:
        """Let the held requests of ``operation`` (every operation when None) go on, and end its plan."""
        with self.lock:
            for name in [operation] if operation else list(self.plans):
                plan = self.plans.pop(name, None)
                for ticket in plan['waiting'] if plan else ():
                    ticket.answer = answer
                    ticket.event.set()
        return self.status()

    def status(self) -> dict:
        with self.lock:
            return {
                name: {'waiting': len(plan['waiting']), 'count': plan['count'], 'skip': plan['skip']}
                for name, plan in self.plans.items()
            }
