"""The background workers' heartbeats, read by the readiness probe (`/sante/pret/`)."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running `milieu worker` process, refreshed every few seconds by a thread of
    that process; removed when the worker stops cleanly, outdated when it died."""

    worker_id = models.CharField("identifiant du processus", max_length=64, unique=True)
    hostname = models.CharField("machine", max_length=255)
    pid = models.PositiveIntegerField("numéro de processus")
    started_at = models.DateTimeField("démarré le")
    beat_at = models.DateTimeField("dernier battement", db_index=True)

    class Meta:
        verbose_name = "battement d’un processus d’arrière-plan"
        verbose_name_plural = "battements des processus d’arrière-plan"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
