"""Report operations: deposit a version, set the cohort's deadline, endorse a version (visa).

Every refusal is a `ReportRefused` with a French message for the page. A file refused at deposit
(not a PDF, too large, encrypted, damaged, holding scripts…) is never stored: only the attempt
and its reason are recorded (`ReportRefusal`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from milieu import storage
from milieu.followup.models import TutorAccess
from milieu.permissions import require
from milieu.reports.analysis import ReportRejected, analyse_report
from milieu.reports.conformity import Expectation, expectation
from milieu.reports.models import ReportDeadline, ReportDeposit, ReportEndorsement, ReportRefusal
from milieu.reports.notify import mail_teachers
from milieu.students.models import Student

STORAGE_CATEGORY = "reports"


class ReportRefused(Exception):
    """An operation refused, with a French message for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def expectation_of(student: Student) -> Expectation:
    """What the catalogue expects of the student's report (diploma of the cohort, pathway)."""
    return expectation(
        str(student.cohort.diploma),
        student.pathway_key,
    )


def clean_file_name(name: Any) -> str:
    """The deposited file's name as shown on screen: its last path part, without control
    characters, at most 255 characters. Never used to name the stored file."""
    text = str(name or "")
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()
    return text[-255:] or "rapport.pdf"


def record_refusal(
    student: Student, *, by: Any, name: str, reason: str, size: int | None = None
) -> str:
    """Record a refused file (nothing of it is stored); returns the reason."""
    require(by, "report.deposit", student)
    ReportRefusal.objects.create(
        student=student,
        original_name=clean_file_name(name) if name else "",
        size=size,
        reason=reason,
        attempted_by=by,
    )
    return reason


def deposit_report(student: Student, upload: Any, *, by: Any) -> ReportDeposit:
    """Check, analyse and store `upload` as the student's next version of the report."""
    require(by, "report.deposit", student)
    expect = expectation_of(student)
    if expect.profile is None:
        raise ReportRefused("Aucun rapport n'est attendu pour ce diplôme et cette voie.")
    if upload is None:
        raise ReportRefused("Choisissez le fichier PDF du rapport à déposer.")
    name = clean_file_name(getattr(upload, "name", ""))
    try:
        content, _ = storage.read_upload(upload, kinds=("pdf",))
        analysis = analyse_report(
            content, diploma_id=str(student.cohort.diploma), profile=expect.profile
        )
    except (storage.UploadRefused, ReportRejected) as refused:
        message = refused.message if isinstance(refused, ReportRejected) else str(refused)
        record_refusal(
            student, by=by, name=name, reason=message, size=getattr(upload, "size", None)
        )
        raise ReportRefused(message) from refused
    stored = storage.store(STORAGE_CATEGORY, content, suffix="pdf")
    try:
        with transaction.atomic():
            Student.objects.select_for_update().filter(pk=student.pk).first()
            last = ReportDeposit.objects.filter(student=student).aggregate(v=Max("version"))["v"]
            deposit = ReportDeposit.objects.create(
                student=student,
                version=(last or 0) + 1,
                original_name=name,
                path=stored.path,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=by,
                analysis=analysis.as_json(),
            )
            transaction.on_commit(lambda: mail_teachers(deposit))  # issue 13 §18
            return deposit
    except BaseException:
        storage.path_of(stored.path).unlink(missing_ok=True)
        raise


def set_deadline(cohort: Any, deadline: date, *, by: Any) -> ReportDeadline:
    """Set or change the cohort's report deadline."""
    require(by, "report.set_deadline", cohort)
    if not cohort.training_start <= deadline <= date(cohort.session, 12, 31):
        raise ReportRefused(
            f"La date limite doit se situer entre le début de la formation "
            f"({cohort.training_start:%d/%m/%Y}) et la fin de l'année de la session "
            f"({cohort.session})."
        )
    found, _ = ReportDeadline.objects.update_or_create(
        cohort=cohort,
        defaults={"deadline": deadline, "set_by": by, "set_at": timezone.now()},
    )
    return found


def latest_deposit(student_id: int) -> ReportDeposit | None:
    return (
        ReportDeposit.objects.filter(student_id=student_id)
        .select_related("endorsement")
        .order_by("-version")
        .first()
    )


def endorse_report(
    access: TutorAccess, deposit: ReportDeposit, *, tutor_name: str, ip: str | None
) -> ReportEndorsement:
    """The host's visa on `deposit`, given by the tutor of the access's convention."""
    convention = access.convention
    if deposit.student_id != convention.student_id:
        raise ReportRefused("Ce rapport ne concerne pas le stage de ce lien.")
    student = convention.student
    if not expectation_of(student).endorsement_required:
        raise ReportRefused("Le règlement de ce diplôme ne demande pas de visa du rapport.")
    name = " ".join(tutor_name.split())
    if not name:
        raise ReportRefused("Indiquez votre nom pour viser le rapport.")
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        latest = latest_deposit(student.pk)
        if latest is None or latest.pk != deposit.pk:
            raise ReportRefused(
                "Une version plus récente du rapport a été déposée : visez la dernière version."
            )
        if ReportEndorsement.objects.filter(deposit=deposit).exists():
            raise ReportRefused("Cette version du rapport est déjà visée.")
        return ReportEndorsement.objects.create(
            deposit=deposit, access=access, tutor_name=name[:200], ip=ip or None
        )
