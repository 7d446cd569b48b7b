"""Local emulator of the JD Cloud "JCS for Redis" v1 API, for tests, demos and offline CI.

>>> from jdcloud_redis_emulator import Emulator
>>> emu = Emulator(port=0).start()     # doctest: +SKIP
>>> emu.url                            # doctest: +SKIP
'http://127.0.0.1:54321'
"""

from __future__ import annotations

from .admin import AdminClient
from .server import Emulator
from .settings import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, OPERATIONS, VERSION

__version__ = VERSION

__all__ = ['AdminClient', 'Emulator', 'DEFAULT_ACCESS_KEY', 'DEFAULT_SECRET_KEY', 'OPERATIONS', '__version__']
