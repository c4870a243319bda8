"""Report operations: deposit a version, set the cohort's deadline, endorse a version (visa),
correct the analyser's figures (a teacher, with a reason).

Every refusal is a `ReportRefused` with a French message for the page. A file refused at deposit
(not a PDF, too large, encrypted, damaged, holding scripts…) is never stored: only the attempt
and its reason are recorded (`ReportRefusal`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.changes import verdict_inputs_changed
from milieu.establishments.models import Cohort
from milieu.followup.models import TutorAccess
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.refusals import Refused
from milieu.reports.analysis import ReportAnalysis, ReportRejected
from milieu.reports.analysis import analyse_report as analyse_report  # patched by tests
from milieu.reports.conformity import Expectation, expectation
from milieu.reports.corrections import corrected
from milieu.reports.models import (
    AnalysisState,
    CorrectedFigure,
    ReportCorrection,
    ReportDeadline,
    ReportDeposit,
    ReportEndorsement,
    ReportReading,
    ReportReceipt,
    ReportRefusal,
)
from milieu.reports.notify import mail_teachers
from milieu.reports.queries import reading_figures
from milieu.students.models import Student

STORAGE_CATEGORY = "reports"

logger = logging.getLogger(__name__)


class ReportRefused(Refused):
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
    student: Student, *, by: User, name: str, reason: str, size: int | None = None
) -> str:
    """Record a refused file (nothing of it is stored); returns the reason."""
    require(by, Action.REPORT_DEPOSIT, student)
    ReportRefusal.objects.create(
        student=student,
        original_name=clean_file_name(name) if name else "",
        size=size,
        reason=reason,
        attempted_by=by,
    )
    return reason


def receive_report(student: Student, upload: Any, *, by: User) -> ReportReceipt:
    """Check `upload` against the shared PDF rules (once: the analysis does not check it again)
    and keep it for its analysis, which `analyse_receipt` does in the background (issue 15).
    A file refused here is not stored (`ReportRefused`, with a `ReportRefusal`)."""
    require(by, Action.REPORT_DEPOSIT, student)
    expect = expectation_of(student)
    if expect.profile is None:
        raise ReportRefused("Aucun rapport n'est attendu pour ce diplôme et cette voie.")
    if upload is None:
        raise ReportRefused("Choisissez le fichier PDF du rapport à déposer.")
    name = clean_file_name(getattr(upload, "name", ""))
    try:
        content, _ = storage.read_upload(upload, kinds=("pdf",))
    except storage.UploadRefused as refused:
        record_refusal(
            student, by=by, name=name, reason=str(refused), size=getattr(upload, "size", None)
        )
        raise ReportRefused(str(refused)) from refused
    stored = storage.store(STORAGE_CATEGORY, content, suffix="pdf")
    try:
        return ReportReceipt.objects.create(
            student=student,
            original_name=name,
            path=stored.path,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=by,
        )
    except BaseException:
        storage.delete(stored.path)
        raise


ANALYSIS_FAILED = (
    "L'analyse du rapport n'a pas pu aboutir : déposez-le de nouveau. Si le problème persiste, "
    "prévenez l'établissement."
)


def analyse_receipt(receipt_id: int) -> ReportReceipt | None:
    """Analyse a received report: the next version of the student's report (the teachers told,
    the verdict refreshed), or a refusal with its French reason (the file deleted). Nothing is
    done twice: a receipt already analysed is left as it is."""
    receipt = (
        ReportReceipt.objects.select_related("student__cohort")
        .filter(pk=receipt_id, state=AnalysisState.PENDING)
        .first()
    )
    if receipt is None:
        return None
    student = receipt.student
    try:
        content = storage.read(receipt.path)
        if hashlib.sha256(content).hexdigest() != receipt.sha256:
            raise ReportRejected(ANALYSIS_FAILED)
        expect = expectation_of(student)
        if expect.profile is None:
            raise ReportRejected("Aucun rapport n'est attendu pour ce diplôme et cette voie.")
        analysis = analyse_report(
            content, diploma_id=str(student.cohort.diploma), profile=expect.profile, checked=True
        )
    except Exception as error:
        if isinstance(error, ReportRejected):
            message = error.message
        else:
            logger.exception("report receipt %s: analysis failed", receipt.pk)
            message = ANALYSIS_FAILED
        with transaction.atomic():
            ReportRefusal.objects.create(
                student=student,
                original_name=receipt.original_name,
                size=receipt.size,
                reason=message,
                attempted_by=receipt.uploaded_by,
            )
            ReportReceipt.objects.filter(pk=receipt.pk).update(
                state=AnalysisState.FAILED, message=message, finished_at=timezone.now()
            )
        storage.path_of(receipt.path).unlink(missing_ok=True)
        receipt.refresh_from_db()
        return receipt
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        last = ReportDeposit.objects.filter(student=student).aggregate(v=Max("version"))["v"]
        deposit = ReportDeposit.objects.create(
            student=student,
            version=(last or 0) + 1,
            original_name=receipt.original_name,
            path=receipt.path,
            size=receipt.size,
            sha256=receipt.sha256,
            uploaded_by=receipt.uploaded_by,
            uploaded_at=receipt.received_at,
            analysis=analysis.as_json(),
        )
        ReportReceipt.objects.filter(pk=receipt.pk).update(
            state=AnalysisState.DONE, deposit=deposit, finished_at=timezone.now()
        )
        transaction.on_commit(lambda: mail_teachers(deposit))  # issue 13 §18
        verdict_inputs_changed(student.pk)  # the verdict is refreshed after the analysis
    receipt.refresh_from_db()
    return receipt


def deposit_report(student: Student, upload: Any, *, by: User) -> ReportDeposit:
    """Receive and analyse `upload` at once (commands, demo, tests): the student's next version
    of the report, or `ReportRefused`. The deposit page analyses in the background instead."""
    receipt = receive_report(student, upload, by=by)
    done = analyse_receipt(receipt.pk)
    if done is None or done.deposit is None:
        raise ReportRefused(done.message if done is not None else ANALYSIS_FAILED)
    return done.deposit


def set_deadline(
    cohort: Cohort, deadline: date, *, by: User, ip: str | None = None
) -> ReportDeadline:
    """Set or change the cohort's report deadline. Each change is a row of the audit journal
    (who, when, from where, the old and the new date: `deadline_history`); setting the same date
    again changes nothing and leaves no row."""
    require(by, Action.REPORT_SET_DEADLINE, cohort)
    if not cohort.training_start <= deadline <= date(cohort.session, 12, 31):
        raise ReportRefused(
            f"La date limite doit se situer entre le début de la formation "
            f"({cohort.training_start:%d/%m/%Y}) et la fin de l'année de la session "
            f"({cohort.session})."
        )
    with transaction.atomic():
        current = ReportDeadline.objects.select_for_update().filter(cohort=cohort).first()
        if current is not None and current.deadline == deadline:
            return current
        before = current.deadline if current is not None else None
        found, _ = ReportDeadline.objects.update_or_create(
            cohort=cohort,
            defaults={"deadline": deadline, "set_by": by, "set_at": timezone.now()},
        )
        record(
            AuditAction.REPORT_DEADLINE_CHANGED,
            actor=by,
            obj=found,
            establishment=cohort.establishment,
            ip=ip,
            changes={"deadline": [before, deadline]},
        )
    return found


def latest_deposit(student_id: int) -> ReportDeposit | None:
    return (
        ReportDeposit.objects.filter(student_id=student_id)
        .select_related("endorsement", "reading")
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
        return record_endorsement(
            student, deposit, refused=ReportRefused, tutor_name=name, ip=ip, access=access
        )


def record_endorsement(
    student: Student,
    deposit: ReportDeposit,
    *,
    refused: type[Refused],
    tutor_name: str,
    ip: str | None,
    **link: Any,
) -> ReportEndorsement:
    """The visa itself, inside the caller's transaction, whoever gives it (the tutor's link,
    the maître d'apprentissage's): only on the latest version, once; `link` names the access
    it came through. The student's row is locked, so a new version deposited meanwhile waits."""
    Student.objects.select_for_update().filter(pk=student.pk).first()
    latest = latest_deposit(student.pk)
    if latest is None or latest.pk != deposit.pk:
        raise refused(
            "Une version plus récente du rapport a été déposée : visez la dernière version."
        )
    if ReportEndorsement.objects.filter(deposit=deposit).exists():
        raise refused("Cette version du rapport est déjà visée.")
    endorsement = ReportEndorsement.objects.create(
        deposit=deposit, tutor_name=tutor_name[:200], ip=ip or None, **link
    )
    verdict_inputs_changed(student.pk)
    return endorsement


CORRECTABLE = ("pages", "annex_pages", "sections", "section_pages", "english")


def current_figures(deposit: ReportDeposit, expect: Expectation) -> dict[str, Any]:
    """The figures of the version as they stand (analysis and earlier corrections), in the
    form a correction gives them: pages, annex_pages, sections {key: found},
    section_pages {key: pages}, english {technical, press} (when the rules count them)."""

    analysis = corrected(ReportAnalysis.from_json(deposit.analysis), reading_figures(deposit))
    figures: dict[str, Any] = {
        "pages": analysis.pages,
        "annex_pages": analysis.annex_pages,
        "sections": {key: key in analysis.sections for key in expect.required_sections()},
        "section_pages": {
            key: analysis.section_pages.get(key) for key in expect.required_sections()
        },
    }
    if expect.first("report-english-documents") is not None:
        figures["english"] = {
            "technical": sum(1 for d in analysis.english_documents if d.kind == "technical"),
            "press": sum(1 for d in analysis.english_documents if d.kind == "press"),
        }
    return figures


def correct_report(
    deposit: ReportDeposit,
    figures: dict[str, Any],
    *,
    reason: str,
    by: User,
    ip: str | None = None,
) -> list[ReportCorrection]:
    """A teacher corrects figures of the latest version that the analyser got wrong (or checks
    by hand a file without readable text). Each changed figure is recorded with its reason,
    before and after; the dossier judges the corrected figures from then on."""
    student = deposit.student
    require(by, Action.REPORT_CORRECT, student)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ReportRefused("Indiquez le motif de la correction.")
    expect = expectation_of(student)
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        latest = latest_deposit(student.pk)
        if latest is None or latest.pk != deposit.pk:
            raise ReportRefused(
                "Une version plus récente du rapport a été déposée : corrigez la dernière version."
            )
        deposit = ReportDeposit.objects.select_related("reading").get(pk=deposit.pk)
        before = current_figures(deposit, expect)
        stored = dict(getattr(getattr(deposit, "reading", None), "figures", None) or {})
        rows: list[ReportCorrection] = []

        def change(figure: str, section: str, old: Any, new: Any) -> None:
            if old != new:
                rows.append(
                    ReportCorrection(
                        deposit=deposit,
                        figure=figure,
                        section=section,
                        before=old,
                        after=new,
                        reason=reason,
                        corrected_by=by,
                    )
                )

        for name in ("pages", "annex_pages"):
            if name in figures:
                value = _count(figures[name], name)
                change(name, "", before[name], value)
                if before[name] != value:
                    stored[name] = value
        for key, found in dict(figures.get("sections", {})).items():
            if key not in before["sections"]:
                raise ReportRefused(f"La partie « {key} » n'est pas attendue dans ce rapport.")
            change(CorrectedFigure.SECTION_FOUND, key, before["sections"][key], bool(found))
            if before["sections"][key] != bool(found):
                stored.setdefault("sections", {})[key] = bool(found)
        for key, pages in dict(figures.get("section_pages", {})).items():
            if key not in before["section_pages"] or pages is None:
                continue
            value = _count(pages, "section_pages")
            present = dict(figures.get("sections", {})).get(key, before["sections"][key])
            if present:
                change(CorrectedFigure.SECTION_PAGES, key, before["section_pages"][key], value)
                if before["section_pages"][key] != value:
                    stored.setdefault("section_pages", {})[key] = value
        if "english" in before and isinstance(figures.get("english"), dict):
            english = dict(before["english"])
            for kind, figure in (
                ("technical", CorrectedFigure.ENGLISH_TECHNICAL),
                ("press", CorrectedFigure.ENGLISH_PRESS),
            ):
                if kind in figures["english"]:
                    value = _count(figures["english"][kind], "english")
                    change(figure, "", before["english"][kind], value)
                    english[kind] = value
            if english != before["english"]:
                stored["english"] = english
        analysis = ReportAnalysis.from_json(deposit.analysis)
        if not analysis.readable and not stored.get("checked"):
            change(CorrectedFigure.CHECKED, "", False, True)
            stored["checked"] = True
        if not rows:
            raise ReportRefused("Aucun chiffre n'a changé : rien n'est enregistré.")
        ReportCorrection.objects.bulk_create(rows)
        ReportReading.objects.update_or_create(
            deposit=deposit,
            defaults={"figures": stored, "updated_by": by, "updated_at": timezone.now()},
        )
        verdict_inputs_changed(student.pk)
        record(
            AuditAction.REPORT_CORRECTED,
            actor=by,
            obj=deposit,
            establishment=student.cohort.establishment,
            ip=ip,
            changes={
                "motif": reason,
                **{
                    f"{row.figure}{':' + row.section if row.section else ''}": [
                        row.before,
                        row.after,
                    ]
                    for row in rows
                },
            },
        )
    return rows


def _count(value: Any, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ReportRefused("Indiquez un nombre de pages ou de documents entier.") from error
    if not 0 <= number <= 10_000:
        raise ReportRefused("Indiquez un nombre de pages ou de documents entre 0 et 10 000.")
    return number
