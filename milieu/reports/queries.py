"""The report part of a student's dossier, and the cohort's list, read from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.evidence.pathways import evidence_pathway
from milieu.evidence.queries import evidence_facts
from milieu.reports.analysis import ReportAnalysis, as_contract_report
from milieu.reports.conformity import (
    REPORT_CODE_LABELS,
    Expectation,
    exam_day,
    expectation,
    report_findings,
    report_only_dossier,
)
from milieu.reports.corrections import corrected, needs_check, unjudged_figures
from milieu.reports.models import ReportDeadline, ReportDeposit
from milieu.rules import judge


def reading_figures(deposit: ReportDeposit) -> dict[str, Any] | None:
    """A teacher's corrected figures of the version (`ReportReading`), if any (no query when
    the deposit was fetched with `select_related("reading")`)."""
    try:
        return dict(deposit.reading.figures)
    except ObjectDoesNotExist:
        return None


def effective_analysis(deposit: ReportDeposit, expect: Expectation | None = None) -> ReportAnalysis:
    """The figures the dossier judges: the analysis with a teacher's corrections; for a file
    without readable text that no teacher has checked, nothing unreadable is judged."""
    figures = reading_figures(deposit)
    analysis = corrected(ReportAnalysis.from_json(deposit.analysis), figures)
    if needs_check(analysis, figures) and expect is not None:
        english = expect.first("report-english-documents")
        analysis = unjudged_figures(
            analysis,
            expect.required_sections(),
            None
            if english is None
            else {"technical": english.params["technical"], "press": english.params["press"]},
        )
    return analysis


def deposit_report_object(
    deposit: ReportDeposit, deadline: date | None, expect: Expectation | None = None
) -> dict[str, Any]:
    """The contract's `report` object for one deposited version (a teacher's corrected
    figures in place of the analyser's)."""
    endorsed = getattr(deposit, "endorsement", None) is not None
    return as_contract_report(
        effective_analysis(deposit, expect),
        submitted_on=deposit.submitted_on,
        deadline=deadline,
        endorsed_by_host=endorsed,
    )


def contract_report(student: Any) -> dict[str, Any] | None:
    """The contract's `report` object for `student` (two queries): the latest version with its
    visa and the cohort's deadline; `submitted_on` null with the deadline when nothing is
    deposited yet; None when there is neither a deposit nor a deadline."""
    deposit = (
        ReportDeposit.objects.filter(student_id=student.pk)
        .select_related("endorsement", "reading")
        .order_by("-version")
        .first()
    )
    deadline = (
        ReportDeadline.objects.filter(cohort_id=student.cohort_id)
        .values_list("deadline", flat=True)
        .first()
    )
    return report_object(student, deposit, deadline)


def report_object(
    student: Any,
    deposit: ReportDeposit | None,
    deadline: date | None,
    expect: Expectation | None = None,
) -> dict[str, Any] | None:
    """`contract_report` from its inputs already read: the latest deposit (fetched with its
    endorsement and reading) and the cohort's deadline. `expect`: what the catalogue expects
    of the student's report, when the caller already has it."""
    if deposit is not None:
        if expect is None:
            expect = expectation(str(student.cohort.diploma), student.pathway_key)
        return deposit_report_object(deposit, deadline, expect)
    if deadline is not None:
        return {"submitted_on": None, "deadline": deadline.isoformat()}
    return None


def report_to_check(student: Any) -> bool:
    """The student's latest report has no readable text (a scan) and no teacher has checked it
    yet (one query): its figures are not judged until then."""
    deposit = (
        ReportDeposit.objects.filter(student_id=student.pk)
        .select_related("reading")
        .order_by("-version")
        .first()
    )
    if deposit is None:
        return False
    return needs_check(ReportAnalysis.from_json(deposit.analysis), reading_figures(deposit))


def _sector_experience(student: Any) -> bool:
    """An accepted in-sector work certificate dispensing from the stage (BEP, 000 §3); no query
    where the pathway has no such dispense."""

    if not evidence_pathway(student).sector_experience:
        return False
    return evidence_facts(student).in_sector_certificate


def deadline_state(deadline: date, today: date, submitted_on: date | None) -> dict[str, Any]:
    """Days left before the deadline, or how late a deposit or the missing report is."""
    if submitted_on is not None:
        late = (submitted_on - deadline).days
        return {"late": late > 0, "days": late if late > 0 else (deadline - submitted_on).days}
    left = (deadline - today).days
    return {"late": left < 0, "days": -left if left < 0 else left}


@dataclass(frozen=True)
class CohortRow:
    student: Any
    deposit: ReportDeposit | None
    versions: int
    refusals: int
    findings: list[dict[str, Any]]
    expect: Expectation
    late: bool
    error: str = ""

    @property
    def codes(self) -> list[tuple[str, str, str]]:
        """(code, short French label, severity) of each finding."""
        return [
            (f["code"], REPORT_CODE_LABELS.get(f["code"], f["code"]), f["severity"])
            for f in self.findings
        ]

    @property
    def to_check(self) -> bool:
        """The latest version has no readable text and no teacher has checked it yet."""
        if self.deposit is None:
            return False
        figures = reading_figures(self.deposit)
        return needs_check(ReportAnalysis.from_json(self.deposit.analysis), figures)

    @property
    def endorsed(self) -> bool:
        return self.deposit is not None and hasattr(self.deposit, "endorsement")

    @property
    def worst(self) -> str:
        return str(self.findings[0]["severity"]) if self.findings else ""


def report_summary(
    student: Any,
    cohort: Any,
    expect: Expectation,
    deposit: ReportDeposit | None,
    deadline: date | None,
    today: date,
) -> tuple[list[dict[str, Any]], str]:
    """The engine's REPORT_* findings on a dossier holding only this report (no query), and the
    dossier's error message if it cannot be judged."""
    if not expect.expected:
        return [], ""
    report: dict[str, Any] | None = None
    if deposit is not None:
        report = deposit_report_object(deposit, deadline, expect)
    elif deadline is not None:
        report = {"submitted_on": None, "deadline": deadline.isoformat()}
    verdict = judge(
        report_only_dossier(
            diploma=str(cohort.diploma),
            pathway=str(student.pathway),
            continuing_situation=str(student.continuing_situation or ""),
            session=int(cohort.session),
            training_start=cohort.training_start,
            professional_experience_in_sector=_sector_experience(student),
            report=report,
            as_of=today,
        ),
        today=today,
    )
    if "error" in verdict:
        return [], str(verdict["error"]["message"])
    return report_findings(verdict), ""


def cohort_report_students(cohort: Any) -> Any:
    """The cohort's students in name order, with their latest version's pk and counts."""
    latest = ReportDeposit.objects.filter(student=OuterRef("pk")).order_by("-version")
    return cohort.students.annotate(
        latest_deposit_id=Subquery(latest.values("pk")[:1]),
        version_count=Count("report_deposits", distinct=True),
        refusal_count=Count("report_refusals", distinct=True),
    ).order_by("last_name", "first_name", "pk")


def cohort_rows(
    cohort: Any, *, deadline: date | None, today: date, students: Any = None
) -> list[CohortRow]:
    """Each student of the cohort (or of `students`, a page of `cohort_report_students`) with
    their latest version, its visa and the engine's REPORT_* findings on it (two queries
    whatever the number of students)."""
    students = list(cohort_report_students(cohort) if students is None else students)
    ids = [s.latest_deposit_id for s in students if s.latest_deposit_id is not None]
    deposits = {
        d.pk: d
        for d in ReportDeposit.objects.filter(pk__in=ids).select_related("endorsement", "reading")
    }
    effective = deadline or exam_day(int(cohort.session))
    rows = []
    for student in students:
        student.cohort = cohort
        deposit = deposits.get(student.latest_deposit_id)
        expect = expectation(
            str(cohort.diploma),
            student.pathway_key,
        )
        findings, error = report_summary(student, cohort, expect, deposit, deadline, today)
        late = (
            deposit.submitted_on > effective
            if deposit is not None
            else expect.expected and today > effective
        )
        rows.append(
            CohortRow(
                student=student,
                deposit=deposit,
                versions=int(student.version_count),
                refusals=int(student.refusal_count),
                findings=findings,
                expect=expect,
                late=bool(late),
                error=error,
            )
        )
    return rows


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class DeadlineChange:
    """One change of a cohort's report deadline, as the audit journal keeps it."""

    at: Any
    by: str
    before: date | None
    after: date | None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def deadline_history(row: ReportDeadline | None) -> list[DeadlineChange]:
    """Every change of the cohort's deadline, the latest first (who, when, old → new date)."""
    if row is None:
        return []
    entries = (
        AuditEntry.objects.filter(
            action=AuditAction.REPORT_DEADLINE_CHANGED,
            object_type=ReportDeadline._meta.label_lower,
            object_id=str(row.pk),
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    changes = []
    for entry in entries:
        before, after = [*(entry.changes.get("deadline") or []), None, None][:2]
        who = (entry.actor.get_full_name() or entry.actor.email) if entry.actor else ""
        changes.append(
            DeadlineChange(entry.at, who or entry.actor_label, _day(before), _day(after))
        )
    return changes
