"""Workers say they are alive: a thread of each `milieu worker` process writes its row of
`WorkerHeartbeat` every `INTERVAL` seconds, whatever task the worker is running (a long livret
build included); the readiness probe wants one row younger than `MAX_AGE`.

The thread opens its own database connection and closes it after each beat, so that a database
restart costs one missed beat, never a dead thread: every failure is logged and retried at the
next beat. A worker that stops cleanly deletes its row; one that is killed leaves a row that
ages past `MAX_AGE` and is swept after a day by the other workers' beats.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connections
from django.utils import timezone

from milieu.health.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

INTERVAL = 15.0
MAX_AGE = timedelta(seconds=60)
FORGET_AFTER = timedelta(days=1)
CHORES_EVERY = 60.0  # seconds between two runs of the worker's periodic chores


def beat(worker_id: str, *, started_at: datetime) -> None:
    """Record that `worker_id` is alive now; sweep the rows of workers long gone."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_workers(now: datetime | None = None) -> tuple[int, float | None]:
    """How many workers beat within `MAX_AGE`, and the age in seconds of the freshest beat
    (``None`` when no worker ever beat)."""
    now = now or timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    count = WorkerHeartbeat.objects.filter(beat_at__gte=now - MAX_AGE).count()
    age = None if latest is None else max(0.0, (now - latest).total_seconds())
    return count, age


class HeartbeatThread(threading.Thread):
    """Beats every `interval` seconds until `stop` (call `beat_once` first, before `start`:
    the worker is then on record before it takes its first task)."""

    def __init__(
        self,
        worker_id: str,
        *,
        interval: float = INTERVAL,
        chores: Callable[[], None] | None = None,
    ) -> None:
        """`chores`: run about once a minute after a beat, from this thread (the worker gives
        the recovery of its dead peers' jobs, `milieu.health.recovery.recover_and_log`)."""
        super().__init__(name="milieu-heartbeat", daemon=True)
        self.chores = chores
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def beat_once(self) -> None:
        try:
            beat(self.worker_id, started_at=self.started_at)
        except Exception:
            logger.exception("Battement du processus d’arrière-plan non enregistré")

    def chores_once(self) -> None:
        if self.chores is None:
            return
        try:
            self.chores()
        except Exception:
            logger.exception("Tâche périodique du processus d’arrière-plan en échec")

    def run(self) -> None:
        last_chores = 0.0
        while not self._stopping.wait(self.interval):
            try:
                self.beat_once()
                if time.monotonic() - last_chores >= CHORES_EVERY:
                    last_chores = time.monotonic()
                    self.chores_once()
            finally:
                connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        """Stop beating and remove this worker's row (from the calling thread)."""
        self._stopping.set()
        self.join(timeout=self.interval + 5)
        try:
            forget(self.worker_id)
        except Exception:
            logger.exception("Battement du processus d’arrière-plan non supprimé")
