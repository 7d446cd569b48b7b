"""Local emulator of the JD Cloud "JCS for Redis" v1 API, for tests, demos and offline CI.

>>> from jdcloud_redis_emulator import Emulator
>>> emu = Emulator(port=0).start()     # doctest: +SKIP
>>> emu.url                            # doctest: +SKIP
'http://127.0.0.1:54321'
"""

from __future__ import annotations

from .admin import AdminClient
from .registry import names, writes
from .server import Emulator
from .settings import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, VERSION

__version__ = VERSION
# The operations' names and those of the writes, sorted, as registered (registry.py) when the package is imported
OPERATIONS = names()
WRITE_OPERATIONS = writes()

__all__ = [
    'AdminClient',
    'Emulator',
    'DEFAULT_ACCESS_KEY',
    'DEFAULT_SECRET_KEY',
    'OPERATIONS',
    'WRITE_OPERATIONS',
    '__version__',
]
