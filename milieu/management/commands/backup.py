from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.dataprotection.backup import ENGINE_NAMES, BackupError, create_backup, human_size
from milieu.dataprotection.cli import command_actor


class Command(BaseCommand):
    help = (
        "Sauvegarde en une archive .tar.gz la base de données (pg_dump -Fc ou copie SQLite), "
        "les fichiers déposés (PRIVATE_FILES_ROOT ou le seau de STORAGE_URL) et les cachets "
        "(SEAL_DIRECTORY), avec un "
        "manifeste des empreintes SHA-256. SECRET_KEY n’y est pas : conservez-la à part."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            metavar="DESTINATION",
            help="fichier à écrire (.tar.gz) ou dossier où écrire une archive datée",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        write = self.stdout.write
        try:
            summary = create_backup(Path(options["destination"]), progress=write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        record(
            AuditAction.BACKUP,
            actor_label=command_actor("backup"),
            changes={
                "archive": summary.archive.name,
                "sha256": summary.sha256,
                "taille (octets)": summary.size,
                "base": ENGINE_NAMES[summary.engine],
                "fichiers déposés": summary.counts["private"],
                "cachets": summary.counts["seals"],
            },
        )
        for skipped in summary.skipped:
            self.stderr.write(f"Ignoré (lien ou fichier spécial) : {skipped}")
        write(self.style.SUCCESS(f"Sauvegarde écrite : {summary.archive}"))
        write(
            f"Base {ENGINE_NAMES[summary.engine]}, {summary.counts['private']} fichier(s) "
            f"déposé(s), {summary.counts['seals']} fichier(s) de cachet ; "
            f"{human_size(summary.size)}."
        )
        write(f"Empreinte SHA-256 de l’archive : {summary.sha256}")
        write(
            "Conservez aussi la valeur de SECRET_KEY (hors de cette archive) : sans elle, les "
            "liens de signature, de suivi et d’agenda déjà envoyés ne fonctionnent plus."
        )
