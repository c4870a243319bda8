"""`milieu worker`: django-tasks' `db_worker` (same options) with a heartbeat.

Use it instead of `db_worker`: the readiness probe (`/sante/pret/`) is green only while at least
one worker has beaten within a minute (`milieu.health.heartbeat`).
"""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from milieu.health.heartbeat import INTERVAL, HeartbeatThread
from milieu.health.recovery import recover_and_log


class Command(db_worker.Command):
    help = (
        "Le processus d’arrière-plan (imports, relances, livrets) : db_worker, avec un "
        "battement enregistré toutes les 15 s pour la sonde /sante/pret/."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat-interval",
            type=float,
            default=INTERVAL,
            help="secondes entre deux battements (15 par défaut ; la sonde en tolère 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options.pop("heartbeat_interval")
        # with --reload, the first process only watches the files: the child it starts works
        watching_only = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watching_only or options.get("batch"):
            super().handle(*args, **options)
            return
        heartbeat = HeartbeatThread(options["worker_id"], interval=interval, chores=recover_and_log)
        heartbeat.beat_once()
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
