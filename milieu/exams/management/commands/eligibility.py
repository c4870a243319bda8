"""``milieu eligibility refresh|export``: the stored verdicts of every candidate, and their exports."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from milieu.establishments.models import Establishment
from milieu.exams.exports import (
    FORMATS,
    csv_chunks,
    dossier_lines,
    students_of,
    table_rows,
    verdict_lines,
    write_xlsx,
)
from milieu.exams.models import StoredVerdict
from milieu.exams.verdicts import refresh_verdicts


class Progress:
    """A progress bar on standard error, only on a terminal."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total > 0 and stream.isatty()

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * done // self.total
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} élèves")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"« {text} » n'est pas une date AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = (
        "Les verdicts des candidats : « refresh » recalcule les verdicts enregistrés (chaque "
        "jour, la date de jugement avançant), « export » les exporte (CSV, XLSX, dossiers ou "
        "verdicts en JSON Lines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="sous-commandes")
        refresh = actions.add_parser("refresh", help="recalculer les verdicts enregistrés")
        export = actions.add_parser("export", help="exporter les verdicts ou les dossiers")
        for sub in (refresh, export):
            sub.add_argument("--session", type=int, metavar="ANNÉE", help="une session d'examen")
            sub.add_argument("--establishment", metavar="UAI", help="un établissement")
            sub.add_argument(
                "--as-of",
                dest="as_of",
                metavar="AAAA-MM-JJ",
                help="date de jugement (défaut : aujourd'hui)",
            )
        export.add_argument("--format", dest="format", choices=FORMATS, required=True)
        export.add_argument("-o", "--output", dest="output", metavar="FICHIER", help="fichier")

    def handle(self, *args: Any, **options: Any) -> None:
        establishment = options.get("establishment")
        if establishment and not Establishment.objects.filter(uai=establishment).exists():
            raise CommandError(f"Aucun établissement n'a le code UAI « {establishment} ».")
        students = students_of(options.get("session"), establishment)
        as_of = _date(options["as_of"]) if options.get("as_of") else timezone.localdate()
        if options["action"] == "refresh":
            self.refresh(students, as_of, options)
        else:
            self.export(students, as_of, options)

    def refresh(self, students: Any, as_of: date, options: dict[str, Any]) -> None:
        total = students.count()
        done = refresh_verdicts(students, as_of, progress=Progress(total, sys.stderr))
        counts = Counter(
            StoredVerdict.objects.filter(student__in=students).values_list("status", flat=True)
        )
        scope = []
        if options.get("session"):
            scope.append(f"session {options['session']}")
        if options.get("establishment"):
            scope.append(f"établissement {options['establishment']}")
        where = f" ({', '.join(scope)})" if scope else ""
        self.stdout.write(
            f"Verdicts recalculés au {as_of:%d/%m/%Y} : {done} élève{'s' if done > 1 else ''}"
            f"{where} — conformes : {counts['compliant']}, non conformes : "
            f"{counts['non-compliant']}, en attente : {counts['pending']}, "
            f"non jugeables : {counts['']}."
        )

    def export(self, students: Any, as_of: date, options: dict[str, Any]) -> None:
        fmt = options["format"]
        output = options.get("output")
        if fmt == "xlsx":
            if not output:
                raise CommandError("Le format xlsx s'écrit dans un fichier : précisez -o FICHIER.")
            write_xlsx(table_rows(students), output)
            return
        if fmt == "csv":
            chunks = csv_chunks(table_rows(students))
        elif fmt == "dossiers-jsonl":
            chunks = dossier_lines(students, as_of)
        else:
            chunks = verdict_lines(students, as_of)
        if output:
            # newline="": the CSV writer ends its lines itself (\r\n).
            with open(output, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
