"""``python -m jdcloud_redis_emulator`` — see ``--help``."""

from .cli import main

if __name__ == '__main__':
    raise SystemExit(main())
