from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.dataprotection.backup import ENGINE_NAMES, BackupError, current_engine
from milieu.dataprotection.cli import command_actor
from milieu.dataprotection.restore import (
    database_has_data,
    restore_database,
    restore_files,
    verify_archive,
)


def _when(stamp: Any) -> str:
    try:
        return datetime.fromisoformat(str(stamp)).strftime("%d/%m/%Y à %H:%M")
    except ValueError:
        return "?"


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « milieu backup ». L’archive entière est vérifiée "
        "(chaque empreinte, aucun fichier en trop ni en moins, aucun chemin qui sorte de son "
        "dossier) avant toute écriture. Refuse d’écraser une base qui contient des données, "
        "sauf avec --force. Arrêtez le site pendant la restauration."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", metavar="ARCHIVE", help="l’archive .tar.gz à restaurer")
        parser.add_argument(
            "--force",
            action="store_true",
            help="écraser une base qui contient déjà des données (confirmation demandée)",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="avec --force : ne pas demander de confirmation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        write = self.stdout.write
        source = Path(options["source"])
        with tempfile.TemporaryDirectory(prefix="milieu-restauration-") as staging:
            try:
                write(f"Vérification de {source}…")
                archive = verify_archive(source, Path(staging), progress=write)
                engine = current_engine()
                if archive.engine != engine:
                    raise CommandError(
                        f"Cette sauvegarde vient d’une base {ENGINE_NAMES[archive.engine]} ; "
                        f"la base configurée est {ENGINE_NAMES[engine]}."
                    )
                manifest = archive.manifest
                write(
                    f"Archive intègre : {len(archive.entries)} fichier(s), Milieu "
                    f"{manifest.get('milieu_version', '?')}, faite le "
                    f"{_when(manifest.get('created_at'))}."
                )
                if database_has_data():
                    self._confirm_overwrite(options)
                write(f"Restauration de la base {ENGINE_NAMES[engine]}…")
                restore_database(archive)
                counts = restore_files(archive, progress=write)
            except BackupError as error:
                raise CommandError(str(error)) from None
        record(
            AuditAction.RESTORE,
            actor_label=command_actor("restore"),
            changes={
                "archive": source.name,
                "sauvegarde_du": str(manifest.get("created_at", "")),
                "base": ENGINE_NAMES[engine],
                "fichiers déposés": counts["private"],
                "cachets": counts["seals"],
            },
        )
        write(
            self.style.SUCCESS(
                f"Restauration terminée : base {ENGINE_NAMES[engine]}, {counts['private']} "
                f"fichier(s) déposé(s), {counts['seals']} fichier(s) de cachet."
            )
        )
        write(
            "Vérifiez que SECRET_KEY est celle du site sauvegardé : sinon, les liens déjà "
            "envoyés ne fonctionnent plus. Si cette version de Milieu est plus récente que la "
            "sauvegarde, lancez ensuite « milieu migrate »."
        )

    def _confirm_overwrite(self, options: dict[str, Any]) -> None:
        if not options["force"]:
            raise CommandError(
                "La base de données contient déjà des données : rien n’a été écrit. "
                "Relancez avec --force pour l’écraser par la sauvegarde."
            )
        if options["yes"]:
            return
        if not sys.stdin.isatty():
            raise CommandError(
                "Confirmation impossible hors d’un terminal : ajoutez --yes pour écraser la base."
            )
        answer = input("La base actuelle sera remplacée par la sauvegarde. Tapez « oui » : ")
        if answer.strip().lower() != "oui":
            raise CommandError("Restauration abandonnée : rien n’a été écrit.")
