"""Fault injection and observation (call counters, request log).

All random choices come from one ``random.Random(fault_seed)`` drawn under a lock, so a
test that sets ``fault_seed`` and sends requests one at a time sees a repeatable sequence.
"""

from __future__ import annotations

import collections
import random
import threading
import time

from .settings import OPERATIONS, WRITE_OPERATIONS, RuntimeSettings

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
            operation not in WRITE_OPERATIONS
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

    def begin(self, method: str, path: str, operation: str | None, request_id: str) -> dict:
        with self.lock:
            self.seq += 1
            self.total += 1
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

    def fault(self, entry: dict, kind: str) -> None:
        with self.lock:
            entry['fault'] = kind
            self.faults[kind] += 1

    def stats(self, instances: int) -> dict:
        with self.lock:
            return {
                'calls': {op: self.calls[op] for op in OPERATIONS},
                'total_calls': self.total,
                'faults': dict(self.faults),
                'instances': instances,
            }

    def requests(self) -> list:
        with self.lock:
            return [dict(e) for e in self.log]
