"""Background jobs whose worker died: put back in the queue, a bounded number of times.

`django-tasks-db` marks a job RUNNING when a worker claims it (``started_at``, and the worker's
id appended to ``worker_ids``) and only a live worker ever marks it finished. A worker killed
mid-job (``kill -9``, a machine lost, an out-of-memory kill) leaves it RUNNING for ever, and no
other worker takes it. `recover_stalled_tasks` finds the jobs RUNNING for longer than
``TASK_STALLED_AFTER`` seconds (far longer than any of Milieu's jobs lasts: an import stops
itself after ``IMPORT_TIME_BUDGET`` seconds a phase) and puts each back as READY, so that any
worker takes it again, unless it has already been claimed ``TASK_MAX_ATTEMPTS`` times (each
claim appends a worker id): it is then FAILED, and its import or livret edition says so in
French. Milieu's own job rows are put back too: a job whose row still says "in progress" would
otherwise be skipped by the retried task (each task only runs a queued job).

Run by ``milieu recover_tasks`` (every few minutes: cron, a systemd timer, or the worker's
supervisor before it starts a worker). Rows are locked with ``SKIP LOCKED``: two runs at once
never put the same job back twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from milieu.health.heartbeat import MAX_AGE
from milieu.health.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LOST = "milieu.health.recovery.WorkerLost"
GIVEN_UP = (
    "Le traitement en arrière-plan s’est interrompu {attempts} fois (processus arrêté en "
    "cours de route) ; rien n’a été enregistré. Réessayez, et prévenez l’assistance si cela "
    "se reproduit."
)


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)  # task ids put back in the queue
    failed: list[str] = field(default_factory=list)  # task ids given up


# task path → (put the job's own row back in the queue, mark it failed): each app that runs
# background jobs registers its own in its `AppConfig.ready` (`recoverable(...)`), so that this
# module reads none of them.
JOBS: dict[str, tuple[Callable[[int, datetime], None], Callable[[int, str], None]]] = {}


def recoverable(
    task_path: str,
    *,
    back: Callable[[int, datetime], None],
    failed: Callable[[int, str], None],
) -> None:
    """Register how to put a job of `task_path` back in the queue, and how to mark it failed."""
    JOBS[task_path] = (back, failed)


def nothing_to_put_back(job_id: int, now: datetime) -> None:
    """For a phase that is one transaction: a crash wrote nothing, and the retried task runs
    the job as its row still says."""


def _job_id(result: DBTaskResult[Any, Any]) -> int | None:
    args = (result.args_kwargs or {}).get("args") or []
    return args[0] if args and isinstance(args[0], int) else None


def _beating_workers(now: datetime) -> set[str]:
    """The ids of the `milieu worker` processes whose heartbeat is fresh (`milieu.health`): a job
    they hold is running, however long it takes. A worker started without a heartbeat (plain
    `db_worker`) is judged by its job's age alone."""
    return set(
        WorkerHeartbeat.objects.filter(beat_at__gte=now - MAX_AGE).values_list(
            "worker_id", flat=True
        )
    )


def recover_stalled_tasks(
    *,
    now: datetime | None = None,
    stalled_after: timedelta | None = None,
    max_attempts: int | None = None,
) -> Recovery:
    """Put back in the queue (or give up on) every job RUNNING for too long."""
    now = now or timezone.now()
    if stalled_after is None:
        stalled_after = timedelta(seconds=settings.TASK_STALLED_AFTER)
    if max_attempts is None:
        max_attempts = settings.TASK_MAX_ATTEMPTS
    recovery = Recovery()
    with transaction.atomic():
        stuck = list(
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(status=TaskResultStatus.RUNNING, started_at__lt=now - stalled_after)
            .order_by("started_at")
        )
        alive = _beating_workers(now)
        for result in stuck:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue  # a long job of a worker that still beats: not lost
            attempts = len(result.worker_ids or [])
            back, give_up = JOBS.get(result.task_path, (None, None))
            job_id = _job_id(result)
            if attempts >= max_attempts:
                message = GIVEN_UP.format(attempts=attempts)
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = LOST
                result.traceback = message
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                if give_up is not None and job_id is not None:
                    give_up(job_id, message)
                recovery.failed.append(str(result.id))
                logger.warning(
                    "task %s (%s) given up after %s attempts", result.id, result.task_path, attempts
                )
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            if back is not None and job_id is not None:
                back(job_id, now)
            recovery.requeued.append(str(result.id))
            logger.warning(
                "task %s (%s) put back in the queue: its worker %s stopped",
                result.id,
                result.task_path,
                (result.worker_ids or ["?"])[-1],
            )
    return recovery


def recover_and_log() -> None:
    """`recover_stalled_tasks`, saying in the log what it did: each `milieu worker` runs it about
    once a minute (`milieu.health.heartbeat`), so that nothing waits for a cron."""
    recovery = recover_stalled_tasks()
    if recovery.requeued or recovery.failed:
        logger.warning(
            "background jobs of dead workers: %s put back in the queue, %s given up",
            len(recovery.requeued),
            len(recovery.failed),
        )
