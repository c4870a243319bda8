from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from milieu.health.recovery import recover_stalled_tasks


class Command(BaseCommand):
    help = (
        "Remet en file d’attente les travaux d’arrière-plan dont le processus s’est arrêté en "
        "cours de route (restés « en cours » plus de TASK_STALLED_AFTER secondes) ; au-delà de "
        "TASK_MAX_ATTEMPTS tentatives, le travail est marqué en échec et l’import ou l’édition "
        "le dit. À lancer toutes les quelques minutes (cron) ou avant de démarrer un worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recovery = recover_stalled_tasks()
        self.stdout.write(
            f"Travaux remis en file d’attente : {len(recovery.requeued)} ; "
            f"abandonnés : {len(recovery.failed)}."
        )
