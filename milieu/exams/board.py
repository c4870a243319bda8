"""The académie board: every establishment's candidates of a session, read from the stored
verdicts only (`StoredVerdict`), so that a page costs the same few queries whatever the number
of candidates: the filters' choices, the counts per status, the page's count and its rows.

Filters (all in the URL): session, establishment, diploma, status, finding code, and a search
by name or INE. The board's exports (CSV, XLSX) take the same filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from milieu.dossiers.enums import VerdictStatus
from milieu.establishments.models import Cohort, Establishment
from milieu.exams.models import StoredVerdict
from milieu.exams.outlook import Outlook, outlook_of
from milieu.http import parse_id
from milieu.permissions import scope_of
from milieu.rules import get_catalogue
from milieu.rules.references import FINDING_LABELS
from milieu.students.models import Student

PAGE_SIZE = 50
UNJUDGED = "error"  # the status filter's word for a dossier the engine could not judge
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


@dataclass
class BoardFilters:
    """The board's filters read from a query string; a value that is not a choice is dropped
    (and said in `ignored`), never an error page."""

    session: int | None = None
    establishment: int | None = None
    diploma: str = ""
    status: str = ""
    code: str = ""
    q: str = ""
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def read(
        cls, data: Any, establishments: list[Establishment], sessions: list[int]
    ) -> BoardFilters:
        f = cls()
        session = str(data.get("session", "")).strip()
        if session:
            if parse_id(session) in sessions:
                f.session = int(session)
            else:
                f.ignored.append("session")
        if f.session is None and sessions:
            f.session = sessions[0]
        school = str(data.get("establishment", "")).strip()
        if school:
            if parse_id(school) in {e.pk for e in establishments}:
                f.establishment = int(school)
            else:
                f.ignored.append("établissement")
        diploma = str(data.get("diploma", "")).strip()
        if diploma:
            if diploma in get_catalogue().ids():
                f.diploma = diploma
            else:
                f.ignored.append("diplôme")
        status = str(data.get("status", "")).strip()
        if status:
            if status in VerdictStatus.values or status == UNJUDGED:
                f.status = status
            else:
                f.ignored.append("statut")
        code = str(data.get("code", "")).strip()
        if code:
            if _CODE.fullmatch(code):
                f.code = code
            else:
                f.ignored.append("constat")
        f.q = str(data.get("q", "")).strip()[:100]
        return f


def board_academies(user: Any) -> list[int]:
    return sorted(scope_of(user).academies)


def board_establishments(academies: list[int]) -> list[Establishment]:
    return list(Establishment.objects.filter(academie_id__in=academies).order_by("name", "pk"))


def board_sessions(academies: list[int], schools: list[int] | None = None) -> list[int]:
    """The sessions of the académies' cohorts (of `schools` only, when given), latest first
    (one query)."""
    cohorts = Cohort.objects.filter(establishment__academie_id__in=academies)
    if schools is not None:
        cohorts = cohorts.filter(establishment_id__in=schools)
    return sorted(
        set(cohorts.order_by().values_list("session", flat=True).distinct()),
        reverse=True,
    )


def _student_q(
    academies: list[int],
    f: BoardFilters,
    prefix: str,
    *,
    status: bool,
    schools: list[int] | None = None,
) -> Q:
    def k(name: str) -> str:
        return prefix + name

    q = Q(**{k("cohort__establishment__academie_id__in"): academies})
    if schools is not None:  # the establishment board: its head's or DDFPT's schools only
        q &= Q(**{k("cohort__establishment_id__in"): schools})
    if f.session is not None:
        q &= Q(**{k("cohort__session"): f.session})
    if f.establishment is not None:
        q &= Q(**{k("cohort__establishment_id"): f.establishment})
    if f.diploma:
        q &= Q(**{k("cohort__diploma"): f.diploma})
    if f.q:
        words = f.q.split()
        for word in words:
            q &= (
                Q(**{k("last_name__icontains"): word})
                | Q(**{k("first_name__icontains"): word})
                | Q(**{k("ine__iexact"): word})
            )
    verdict = "" if prefix else "stored_verdict__"
    if f.code:
        q &= Q(**{verdict + "finding_codes__contains": f" {f.code} "})
    if status and f.status:
        q &= Q(**{verdict + "status": "" if f.status == UNJUDGED else f.status})
    return q


def board_verdicts(
    academies: list[int], f: BoardFilters, schools: list[int] | None = None
) -> QuerySet[StoredVerdict]:
    """The stored verdicts the filters select, by establishment then name."""
    return (
        StoredVerdict.objects.filter(
            _student_q(academies, f, "student__", status=True, schools=schools)
        )
        .select_related("student", "student__cohort", "student__cohort__establishment")
        .order_by(
            "student__cohort__establishment__name",
            "student__last_name",
            "student__first_name",
            "student__pk",
        )
    )


def board_counts(
    academies: list[int], f: BoardFilters, schools: list[int] | None = None
) -> dict[str, int]:
    """How many candidates per status under every filter but the status (one query)."""
    rows = (
        StoredVerdict.objects.filter(
            _student_q(academies, f, "student__", status=False, schools=schools)
        )
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {str(row["status"]) or UNJUDGED: int(row["n"]) for row in rows}
    return {
        **{value: counts.get(value, 0) for value in VerdictStatus.values},
        UNJUDGED: counts.get(UNJUDGED, 0),
    }


def board_not_computed(
    academies: list[int], f: BoardFilters, schools: list[int] | None = None
) -> int:
    """Candidates the filters would select who have no stored verdict yet (one query)."""
    base = BoardFilters(session=f.session, establishment=f.establishment, diploma=f.diploma, q=f.q)
    return (
        Student.objects.filter(_student_q(academies, base, "", status=False, schools=schools))
        .filter(stored_verdict__isnull=True)
        .count()
    )


def board_students(
    academies: list[int], f: BoardFilters, schools: list[int] | None = None
) -> QuerySet[Student]:
    """The same selection as students, for the exports."""
    return Student.objects.filter(_student_q(academies, f, "", status=True, schools=schools))


def finding_choices() -> list[tuple[str, str]]:
    return sorted(FINDING_LABELS.items(), key=lambda item: item[1])


def board_outlooks(verdicts: list[StoredVerdict], today: date) -> dict[int, Outlook]:
    """What each candidate of a page still has ahead (`milieu.exams.outlook`), as the student
    page says it (`milieu.exams.queries.checked_dossier`), from the stored verdicts, their
    cohorts' PFMP windows and their latest reports: two queries for the page, whatever its size.

    The outlook's lines (dates due) need the dossier; the board shows only its label (« Stage à
    venir », « Rapport à vérifier »)."""
    from milieu.establishments.models import CohortPeriod
    from milieu.reports.analysis import ReportAnalysis
    from milieu.reports.corrections import needs_check
    from milieu.reports.models import ReportDeposit
    from milieu.reports.queries import reading_figures

    if not verdicts:
        return {}
    cohorts = {v.student.cohort_id for v in verdicts}
    planned: dict[int, list[Any]] = {c: [] for c in cohorts}
    for period in CohortPeriod.objects.filter(cohort_id__in=cohorts).order_by("start", "pk"):
        planned[period.cohort_id].append(period)
    latest: dict[int, ReportDeposit] = {}
    for deposit in (
        ReportDeposit.objects.filter(student_id__in=[v.student_id for v in verdicts])
        .select_related("reading")
        .order_by("student_id", "-version")
    ):
        latest.setdefault(deposit.student_id, deposit)
    outlooks = {}
    for v in verdicts:
        last = latest.get(v.student_id)
        to_check = last is not None and needs_check(
            ReportAnalysis.from_json(last.analysis), reading_figures(last)
        )
        outlooks[v.student_id] = outlook_of(
            {}, stored_result(v), planned[v.student.cohort_id], today, report_to_check=to_check
        )
    return outlooks


def stored_result(v: StoredVerdict) -> dict[str, Any]:
    """The engine's result as the stored verdict keeps it (what the outlook reads)."""
    if v.error is not None and not v.status:
        return {"error": v.error}
    return {
        "status": v.status,
        "weeks_completed": v.weeks_completed,
        "weeks_required": {"min": v.weeks_min, "max": v.weeks_max},
        "findings": list(v.findings or []),
    }
