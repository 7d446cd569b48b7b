"""TLS in transit and disabled commands (docs/dev/api-notes.md#tls, #disabled-commands)."""

from __future__ import annotations

ROUTES = ()


def execute(store, settings, target, raw_query, raw_body):
    raise AssertionError('unrouted operation %s' % target.operation)
