from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from milieu.conventions.operations import start_due_conventions


class Command(BaseCommand):
    help = (
        "Fait avancer les conventions signées selon le calendrier : « Stage en cours » à partir "
        "du premier jour du stage, « Stage terminé » après le dernier. Sans effet si rien n’est "
        "dû : à lancer chaque jour (cron ou minuteur systemd ; `milieu daily` le fait)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            default=None,
            help="Jour de référence (AAAA-MM-JJ ; par défaut : aujourd’hui).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"Date illisible : « {options['date']} » (attendu : AAAA-MM-JJ)."
                ) from None
        started, finished = start_due_conventions(today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Calendrier des conventions : {_count(started, 'stage commencé', 'stages commencés')}, "
                f"{_count(finished, 'stage terminé', 'stages terminés')}."
            )
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n <= 1 else many}"
