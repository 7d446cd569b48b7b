"""Start-up options and the run-time settings that the admin endpoint may change."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import registry

VERSION = '0.1.0'

# Redis versions whose instances have accounts (ACL users, Redis 6 and later) and TLS; admin settings
ACCOUNT_VERSIONS = ('6.2', '7.2')
TLS_VERSIONS = ('6.2', '7.2')
REDIS_VERSIONS = ('2.8', '4.0', '5.0', '6.2', '7.2')

DEFAULT_ACCESS_KEY = 'EMULATORACCESSKEY0000000000000001'
DEFAULT_SECRET_KEY = 'EMULATORSECRETKEY000000000000000x9'


@dataclass
class RuntimeSettings:
    """Everything ``POST /_emulator/config`` can change; reset restores the start-up values."""

    create_delay: float = 0.0
    resize_delay: float = 0.0
    delete_delay: float = 0.0
    config_delay: float = 0.0
    backup_delay: float = 0.0
    restore_delay: float = 0.0
    skew_seconds: float | None = 900.0
    verify_signatures: bool = True
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after: int = 1
    latency_ms: float = 0.0
    reset_rate: float = 0.0
    drop_response_rate: float = 0.0
    fault_operations: list | None = None  # None = all operations
    fault_seed: int | None = None
    # the day-2 choices a real account could see differently (docs/dev/api-notes.md#accounts and after)
    upgrade_delay: float = 0.0
    recycle_retention: float = 7 * 86400.0  # seconds a deleted instance stays in the recycle bin; 0: no bin
    account_versions: list = dataclasses.field(default_factory=lambda: list(ACCOUNT_VERSIONS))
    tls_versions: list = dataclasses.field(default_factory=lambda: list(TLS_VERSIONS))

    def copy(self) -> RuntimeSettings:
        return dataclasses.replace(
            self,
            fault_operations=list(self.fault_operations) if self.fault_operations else None,
            account_versions=list(self.account_versions),
            tls_versions=list(self.tls_versions),
        )

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def update(self, changes: dict) -> None:
        """Validate every change first, then apply them all (ValueError names the bad key)."""
        checked = {key: _check(key, value) for key, value in changes.items()}
        for key, value in checked.items():
            setattr(self, key, value)


_RATES = ('error_rate', 'throttle_rate', 'reset_rate', 'drop_response_rate')
_SECONDS = (
    'create_delay',
    'resize_delay',
    'delete_delay',
    'config_delay',
    'backup_delay',
    'restore_delay',
    'latency_ms',
    'upgrade_delay',
    'recycle_retention',
)
_FIELDS = {f.name for f in dataclasses.fields(RuntimeSettings)}


def _number(key, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError('%s must be a number' % key)
    if value < 0:
        raise ValueError('%s must not be negative' % key)
    return float(value)


def _check(key: str, value):
    if key not in _FIELDS:
        raise ValueError('unknown setting %s' % key)
    if key in _RATES:
        value = _number(key, value)
        if value > 1:
            raise ValueError('%s must be between 0 and 1' % key)
        return value
    if key in _SECONDS:
        return _number(key, value)
    if key == 'skew_seconds':
        return None if value is None or value == 0 else _number(key, value)
    if key == 'verify_signatures':
        if not isinstance(value, bool):
            raise ValueError('verify_signatures must be a boolean')
        return value
    if key == 'retry_after':
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError('retry_after must be a non-negative integer (seconds)')
        return value
    if key == 'fault_seed':
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError('fault_seed must be an integer or null')
        return value
    if key in ('account_versions', 'tls_versions'):
        if not isinstance(value, list) or not all(v in REDIS_VERSIONS for v in value):
            raise ValueError('%s must be a list of Redis versions among %s' % (key, ', '.join(REDIS_VERSIONS)))
        return list(value)
    # fault_operations
    if value is None:
        return None
    known = registry.names()
    if not isinstance(value, list) or not all(op in known for op in value):
        raise ValueError('fault_operations must be a list of operation names: %s' % ', '.join(known))
    return list(value)
