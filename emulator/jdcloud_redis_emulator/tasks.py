"""Maintenance windows, scheduled tasks and minor-version upgrades (docs/dev/api-notes.md#maintenance-and-tasks)."""

from __future__ import annotations

ROUTES = ()


def execute(store, settings, target, raw_query, raw_body):
    raise AssertionError('unrouted operation %s' % target.operation)


def to_be_executed(inst) -> str:
    return ''


def run_due(store, inst, now: float) -> None:
    inst.task_due_at = None


def finished(inst, when: float) -> None:
    return None


def resize(store, settings, region: str, instance_id: str, request: dict) -> dict:
    return store.resize(region, instance_id, request, settings.resize_delay)
