"""The transmission to the exam service (seed 002 §B.1, 001 §2.1.4), one ZIP per establishment ×
diploma of an exam session.

For each candidate of the establishment's cohorts of the session (same diploma and year): the
stage certificates (`followup.Certificate`, one per period of a signed convention) and the
documents a manager accepted in their place (apprenticeship evidence, work certificates); for
`bts-metiers-de-la-mesure` also the latest version of the report and the co-signed evaluation
grid, the two documents of the E6.1 commission; for the diplomas whose regulation joins an
attestation to the livret scolaire (BEP, seed 000), the cohort's latest edition of those
attestations, once in ``livret-scolaire/``. A manifest (``manifeste.csv``, formula-safe)
says what each candidate has and lacks.

The archive is written while it is sent: `zip_stream` yields the bytes of each entry as soon as
zipfile has written them, reading one document at a time (stored PDFs from the database, files in
chunks from the private storage), so memory does not grow with the number of candidates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from milieu import storage
from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import ConventionPeriod
from milieu.evidence.enums import EvidenceStatus
from milieu.evidence.models import EvidenceDocument
from milieu.exams.models import ExamSession
from milieu.exports import BOM, DELIMITER, safe_cell
from milieu.followup.enums import EvaluationStatus
from milieu.followup.models import Certificate, Evaluation
from milieu.livret.attestation import livret_reference
from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob
from milieu.reports.models import ReportDeposit
from milieu.students.models import Student

REPORT_AND_GRID_DIPLOMAS = frozenset({"bts-metiers-de-la-mesure"})
"""The diplomas whose report and co-signed grid go to the E6.1 commission (seed 001 §2.1.4)."""

CHUNK = 64 * 1024
MANIFEST = "manifeste.csv"
MANIFEST_HEADER = (
    "UAI",
    "Diplôme",
    "Session",
    "INE",
    "Nom",
    "Prénom",
    "Dossier",
    "Pièces jointes",
    "Pièces manquantes",
)


@dataclass(frozen=True)
class Entry:
    """One file of the archive: its name and how to read it (called while streaming)."""

    name: str
    label: str
    chunks: Callable[[], Iterator[bytes]]


@dataclass
class CandidateFiles:
    student: Student
    folder: str
    entries: list[Entry] = field(default_factory=list)
    lacks: list[str] = field(default_factory=list)


def candidates(exam_session: ExamSession, establishment: Any) -> QuerySet[Student]:
    """The establishment's candidates of the session: its cohorts of the session's diploma and
    year, by name."""
    return (
        Student.objects.filter(
            cohort__establishment=establishment,
            cohort__diploma=exam_session.diploma,
            cohort__session=exam_session.session,
        )
        .select_related("cohort__establishment")
        .order_by("last_name", "first_name", "pk")
    )


def _stored_pdf(model: Any, pk: int) -> Callable[[], Iterator[bytes]]:
    def read() -> Iterator[bytes]:
        content = model.objects.filter(pk=pk).values_list("content", flat=True).get()
        yield bytes(content)

    return read


def _stored_file(relative: str) -> Callable[[], Iterator[bytes]]:
    def read() -> Iterator[bytes]:
        yield from storage.chunks(relative, CHUNK)

    return read


def _exists(relative: str) -> bool:
    try:
        return storage.exists(relative)
    except OSError:
        return False


def _day(value: Any) -> str:
    return f"{value:%d/%m/%Y}"


def candidate_files(exam_session: ExamSession, establishment: Any) -> list[CandidateFiles]:
    """What each candidate has and lacks; no document's content is read here (a fixed number
    of queries, whatever the number of candidates)."""
    students = list(candidates(exam_session, establishment))
    ids = [s.pk for s in students]
    periods: dict[int, list[Any]] = {}
    for period in (
        ConventionPeriod.objects.filter(
            convention__student_id__in=ids, convention__status__in=SIGNED_STATUSES
        )
        .select_related("convention")
        .order_by("start", "pk")
    ):
        periods.setdefault(period.convention.student_id, []).append(period)
    certificates = {
        c.period_id: c
        for c in Certificate.objects.filter(period__convention__student_id__in=ids).defer("content")
    }
    evidence: dict[int, list[EvidenceDocument]] = {}
    for document in EvidenceDocument.objects.filter(
        student_id__in=ids, status=EvidenceStatus.ACCEPTED
    ).order_by("pk"):
        evidence.setdefault(document.student_id, []).append(document)
    with_report = exam_session.diploma in REPORT_AND_GRID_DIPLOMAS
    reports: dict[int, ReportDeposit] = {}
    grids: dict[int, Evaluation] = {}
    if with_report:
        for each in ReportDeposit.objects.filter(student_id__in=ids).order_by("version"):
            reports[each.student_id] = each  # the latest version wins
        for cosigned in (
            Evaluation.objects.filter(
                convention__student_id__in=ids,
                convention__status__in=SIGNED_STATUSES,
                status=EvaluationStatus.COSIGNED,
            )
            .exclude(content=None)
            .defer("content")
            .select_related("convention")
            .order_by("cosigned_at", "pk")
        ):
            grids[cosigned.convention.student_id] = cosigned  # the latest co-signed grid wins

    livret: dict[int, LivretJob] = {}
    if livret_reference(exam_session.diploma) is not None:
        cohorts = {student.cohort_id for student in students}
        for edition in (
            LivretJob.objects.filter(cohort_id__in=cohorts, status=LivretStatus.DONE)
            .defer("content")
            .select_related("cohort")
            .order_by("finished_at", "pk")
        ):
            livret[edition.cohort_id] = edition  # the latest edition wins

    found = []
    for student in students:
        names = slugify(f"{student.last_name} {student.first_name}") or str(student.pk)
        folder = f"{slugify(student.ine).upper() or 'sans-ine'}-{names}"
        files = CandidateFiles(student=student, folder=folder)
        own_periods = periods.get(student.pk, [])
        accepted = evidence.get(student.pk, [])
        for number, period in enumerate(own_periods, start=1):
            certificate = certificates.get(period.pk)
            when = f"période du {_day(period.start)} au {_day(period.end)}"
            if certificate is None:
                if not accepted:
                    files.lacks.append(f"Attestation de stage ({when})")
                continue
            files.entries.append(
                Entry(
                    f"{folder}/attestation-de-stage-{number}-{period.start:%Y-%m-%d}.pdf",
                    f"Attestation de stage ({when})",
                    _stored_pdf(Certificate, certificate.pk),
                )
            )
        for number, document in enumerate(accepted, start=1):
            label = document.get_kind_display()
            if not _exists(document.file_path):
                files.lacks.append(f"{label} (fichier introuvable)")
                continue
            files.entries.append(
                Entry(
                    f"{folder}/{slugify(label)}-{number}.{document.file_kind}",
                    label,
                    _stored_file(document.file_path),
                )
            )
        if not own_periods and not accepted:
            files.lacks.append(
                "Attestation de stage (aucune période de stage sous convention signée)"
            )
        if livret_reference(exam_session.diploma) is not None:
            job = livret.get(student.cohort_id)
            if job is None:
                files.lacks.append(
                    "Attestation jointe au livret scolaire (aucune édition pour la promotion)"
                )
            else:
                edited_on = timezone.localtime(job.finished_at or job.created_at)
                files.entries.append(
                    Entry(
                        f"livret-scolaire/attestations-{slugify(job.cohort.name)}-{job.pk}.pdf",
                        f"Attestation jointe au livret scolaire (édition du {edited_on:%d/%m/%Y},"
                        f" promotion {job.cohort.name})",
                        _stored_pdf(LivretJob, job.pk),
                    )
                )
        if with_report:
            deposit = reports.get(student.pk)
            if deposit is None:
                files.lacks.append("Rapport (non déposé)")
            elif not _exists(deposit.path):
                files.lacks.append(f"Rapport version {deposit.version} (fichier introuvable)")
            else:
                files.entries.append(
                    Entry(
                        f"{folder}/rapport-v{deposit.version}.pdf",
                        f"Rapport (version {deposit.version})",
                        _stored_file(deposit.path),
                    )
                )
            grid = grids.get(student.pk)
            if grid is None:
                files.lacks.append("Grille d'évaluation cosignée")
            else:
                files.entries.append(
                    Entry(
                        f"{folder}/grille-evaluation-cosignee.pdf",
                        "Grille d'évaluation cosignée",
                        _stored_pdf(Evaluation, grid.pk),
                    )
                )
        found.append(files)
    return found


def manifest_text(
    exam_session: ExamSession, establishment: Any, files: list[CandidateFiles]
) -> str:
    """The manifest: one line per candidate, UTF-8 with BOM, `;`, every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER)
    writer.writerow([safe_cell(cell) for cell in MANIFEST_HEADER])
    for candidate in files:
        student = candidate.student
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    establishment.uai,
                    exam_session.diploma,
                    exam_session.session,
                    student.ine,
                    student.last_name,
                    student.first_name,
                    candidate.folder,
                    " | ".join(e.label for e in candidate.entries) or "aucune",
                    " | ".join(candidate.lacks) or "aucune",
                )
            ]
        )
    return BOM + buffer.getvalue()


class _Sink:
    """A write-only, non-seekable file for zipfile: it keeps what is written until taken."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(manifest: str, files: list[CandidateFiles]) -> Iterator[bytes]:
    """The archive's bytes, written entry by entry while they are sent."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest.encode("utf-8"))
        yield sink.take()
        written: set[str] = set()
        for candidate in files:
            for entry in candidate.entries:
                if entry.name in written:  # a cohort's livret edition, shared by its candidates
                    continue
                written.add(entry.name)
                with archive.open(entry.name, mode="w", force_zip64=True) as target:
                    for chunk in entry.chunks():
                        target.write(chunk)
                        if data := sink.take():
                            yield data
                yield sink.take()
    yield sink.take()


def archive_name(exam_session: ExamSession, establishment: Any) -> str:
    return f"transmission-{establishment.uai}-{exam_session.diploma}-{exam_session.session}.zip"
