"""A task for the worker tests: it answers whether its worker's heartbeat was recorded."""

from __future__ import annotations

from django_tasks import task

from milieu.health.models import WorkerHeartbeat


@task()
def heartbeats_seen_by_the_task() -> int:
    return WorkerHeartbeat.objects.count()
