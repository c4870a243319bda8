from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Le travail quotidien de Milieu, dans l’ordre : les conventions avancent dans le "
        "calendrier (stage en cours, stage terminé), les signataires en attente sont relancés, "
        "puis les verdicts enregistrés sont recalculés à la date du jour (périodes terminées, "
        "échéances passées). Idempotent : à lancer une fois par jour (cron ou minuteur systemd)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("advance_conventions", stdout=self.stdout)
        call_command("remind_signatories", stdout=self.stdout)
        call_command("eligibility", "refresh", stdout=self.stdout)
