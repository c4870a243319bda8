"""The eligibility exports (``milieu eligibility export`` and the académie board's downloads).

- ``dossiers-jsonl``: the contract's dossiers, one a line, built from the database now;
  ``milieu check`` on that file prints exactly the ``verdicts-jsonl`` lines, in the same order.
- ``verdicts-jsonl``: the engine's canonical verdict text of each of those dossiers.
- ``csv`` (UTF-8 with BOM, ``;``, formula-safe through `milieu.exports.safe_cell`) and ``xlsx``
  (the same cells, a frozen header, openpyxl's write-only mode): one row per candidate from the
  stored verdicts (`StoredVerdict`), with the granted derogations and their reasons in French.

Everything streams: the students are read by keyset batches, and a batch's derogations in one
query, so memory does not grow with the number of candidates.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import IO, Any, NamedTuple

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from milieu.checker.enums import VerdictStatus
from milieu.exams.enums import DerogationKind, DerogationReason, DerogationStatus
from milieu.exams.models import DerogationRequest, StoredVerdict
from milieu.exams.verdicts import BATCH_SIZE, canonical_json, judged
from milieu.exports import BOM, DELIMITER, safe_cell
from milieu.rules import dumps_verdict
from milieu.rules.output import fr_number
from milieu.students.models import Student

FORMATS = ("csv", "xlsx", "dossiers-jsonl", "verdicts-jsonl")

HEADER = [
    "UAI de l'établissement",
    "Diplôme",
    "Session",
    "INE",
    "Nom",
    "Statut",
    "Semaines effectuées",
    "Semaines requises",
    "Dérogations accordées (motifs)",
]

NOT_COMPUTED = "Non calculé"
NOT_JUDGED = "Dossier non jugeable"


def students_of(session: int | None = None, establishment: str | None = None) -> QuerySet[Student]:
    """The candidates of a session (every session when None), of one establishment by UAI."""
    students = Student.objects.all()
    if session is not None:
        students = students.filter(cohort__session=session)
    if establishment:
        students = students.filter(cohort__establishment__uai=establishment)
    return students


def dossier_lines(students: QuerySet[Student], as_of: date) -> Iterator[str]:
    for _, dossier, _ in judged(students, as_of):
        yield canonical_json(dossier) + "\n"


def verdict_lines(students: QuerySet[Student], as_of: date) -> Iterator[str]:
    for _, _, result in judged(students, as_of):
        yield dumps_verdict(result) + "\n"


def status_label(verdict: StoredVerdict | _Verdict | None) -> str:
    if verdict is None:
        return NOT_COMPUTED
    if not verdict.status:
        return NOT_JUDGED
    return str(VerdictStatus(verdict.status).label)


def required_weeks(verdict: StoredVerdict | _Verdict | None) -> str:
    if verdict is None or verdict.weeks_min is None:
        return ""
    if verdict.weeks_max is None and verdict.weeks_min <= 0:
        return ""  # no minimum (an apprentice's contract stands for the PFMP): not « au moins 0 »
    if verdict.weeks_max is None:
        return f"au moins {fr_number(verdict.weeks_min)}"
    if verdict.weeks_max == verdict.weeks_min:
        return fr_number(verdict.weeks_min)
    return f"{fr_number(verdict.weeks_min)} à {fr_number(verdict.weeks_max)}"


def derogation_text(request: DerogationRequest) -> str:
    """« Réduction de la durée du stage (5 semaines) — Force majeure dûment constatée »."""
    text = str(DerogationKind(request.kind).label)
    if request.weeks is not None:
        text += f" ({fr_number(float(request.weeks))} semaines)"
    if request.units:
        text += f" ({', '.join(str(unit) for unit in request.units)})"
    return f"{text} — {DerogationReason(request.reason).label}"


def _granted_by_student(student_ids: Any) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    for request in DerogationRequest.objects.filter(
        student_id__in=student_ids, status=DerogationStatus.GRANTED
    ).order_by("decided_at", "pk"):
        texts[request.student_id].append(derogation_text(request))
    return texts


class _Verdict(NamedTuple):
    """The columns of a `StoredVerdict` a row shows (never its findings)."""

    status: str
    weeks_completed: float | None
    weeks_min: float | None
    weeks_max: float | None


def table_rows(students: QuerySet[Student], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    """One row per candidate, from the stored verdicts: two queries per batch of `size`, plain
    tuples (no model instance) and never the verdicts' findings."""
    ordered = students.order_by("pk").values_list(
        "pk",
        "cohort__establishment__uai",
        "cohort__diploma",
        "cohort__session",
        "ine",
        "last_name",
        "first_name",
        "stored_verdict__pk",
        "stored_verdict__status",
        "stored_verdict__weeks_completed",
        "stored_verdict__weeks_min",
        "stored_verdict__weeks_max",
    )
    last = 0
    while True:
        batch = list(ordered.filter(pk__gt=last)[:size])
        if not batch:
            return
        # the batch's students as a subquery (the same filters over its range of keys)
        scope = students.filter(pk__gte=batch[0][0], pk__lte=batch[-1][0]).order_by()
        derogations = _granted_by_student(scope.values("pk"))
        last = batch[-1][0]
        for row in batch:
            pk, uai, diploma, session, ine, last_name, first_name, verdict_pk = row[:8]
            verdict = _Verdict(*row[8:]) if verdict_pk is not None else None
            yield [
                uai,
                diploma,
                session,
                ine,
                f"{last_name.upper()} {first_name}",  # as `Student.__str__`
                status_label(verdict),
                verdict.weeks_completed if verdict is not None else None,
                required_weeks(verdict),
                " ; ".join(derogations.get(pk, [])),
            ]


def csv_chunks(rows: Iterable[Sequence[Any]], chunk_rows: int = 1000) -> Iterator[str]:
    """The CSV text in pieces (BOM and header first), every cell made formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER)
    buffer.write(BOM)
    writer.writerow([safe_cell(cell) for cell in HEADER])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(cell) for cell in row])
        if count % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    """Weeks as a French spreadsheet reads a number (« 7,5 », « 11 »); the rest made safe."""
    if isinstance(value, float):
        return fr_number(value)
    return safe_cell(value)


def write_xlsx(rows: Iterable[Sequence[Any]], target: IO[bytes] | str) -> None:
    """The same cells in a workbook (write-only mode: rows go to disk as they come), the header
    frozen. A text a spreadsheet would run as a formula is written after a single quote."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Candidats")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in HEADER:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """The plain value, which openpyxl writes as it is; a text openpyxl would take for a
    formula (« = ») or an error code (« # ») goes in a cell typed as text."""
    safe = safe_cell(value)
    if not isinstance(safe, str) or not safe.startswith(("=", "#")):
        return safe
    cell = WriteOnlyCell(sheet, value=safe)
    cell.data_type = "s"  # never a formula, whatever openpyxl would guess
    return cell
