from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from milieu.dataprotection.cli import command_actor
from milieu.dataprotection.retention import purge


class Command(BaseCommand):
    help = (
        "Supprime ou rend anonymes les données des candidats dont la durée de conservation "
        "(RETENTION_YEARS ans après la session et le dernier stage) est échue, et dit ce qu’elle "
        "a fait, par nature. --dry-run compte sans rien modifier ; --apply supprime. À lancer "
        "chaque année (cron), après une sauvegarde."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="compter sans rien modifier")
        mode.add_argument("--apply", action="store_true", help="supprimer pour de bon")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"] and not options["apply"]:
            raise CommandError("Précisez --dry-run (compter seulement) ou --apply (supprimer).")
        result = purge(apply=options["apply"], actor_label=command_actor("purge"))
        write = self.stdout.write
        write(
            f"Durée de conservation : {result.years} an{'s' if result.years > 1 else ''} après "
            f"la session et le dernier stage ; données antérieures au "
            f"{result.cutoff:%d/%m/%Y}."
        )
        if not result.per_establishment:
            write("Aucun candidat dont la durée de conservation est échue.")
        for name, counts in result.per_establishment.items():
            write(f"{name} :")
            for label, n in counts.items():
                if n:
                    write(f"  {label} : {n}")
        for label, n in result.general.items():
            if n:
                write(f"{label.capitalize()} : {n}")
        if result.applied:
            write(self.style.SUCCESS("Purge appliquée."))
        else:
            write(
                self.style.WARNING(
                    "Simulation (--dry-run) : rien n’a été modifié. Relancez avec --apply."
                )
            )
