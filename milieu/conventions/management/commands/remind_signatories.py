from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from milieu.conventions.signatures import remind_pending


class Command(BaseCommand):
    help = (
        "Relance les signataires qui n’ont pas encore signé une convention ou un avenant en "
        "signature : un courriel avec un nouveau lien (l’ancien ne sert plus), au plus une fois "
        "tous les 3 jours par signataire. Sans effet si rien n’est dû : à lancer chaque jour "
        "(cron ou minuteur systemd). Affiche le nombre de signataires relancés."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compter les signataires à relancer sans rien envoyer ni modifier.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            count = remind_pending(dry_run=True)
            self.stdout.write(f"{_signatories(count)} à relancer (simulation : rien n’est envoyé).")
            return
        count = remind_pending()
        self.stdout.write(self.style.SUCCESS(f"{_signatories(count)} relancé{_s(count)}."))


def _s(count: int) -> str:
    return "s" if count > 1 else ""


def _signatories(count: int) -> str:
    return f"{count} signataire{_s(count)}"
