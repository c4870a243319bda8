"""The académie board: every establishment's candidates of a session, read from the stored
verdicts only (`StoredVerdict`), so that a page costs the same few queries whatever the number
of candidates: the filters' choices, the counts per status, the page's count and its rows.

Filters (all in the URL): session, establishment, diploma, status, finding code, and a search
by name or INE. The board's exports (CSV, XLSX) take the same filters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from django.db.models import Count, Q, QuerySet

from milieu.checker.enums import VerdictStatus
from milieu.establishments.models import Cohort, CohortPeriod, Establishment
from milieu.exams.models import StoredVerdict
from milieu.exams.outlook import Outlook, outlook_of
from milieu.exams.queries import reports_to_check
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
    return board_tally(academies, f, schools).by_status


@dataclass(frozen=True)
class BoardTally:
    """The board's counts from one grouped query: per status under every filter but the
    status, and per establishment name (in the board's order) under every filter."""

    by_status: dict[str, int]
    by_establishment: list[tuple[str, int]]

    @property
    def selected(self) -> int:
        return sum(n for _, n in self.by_establishment)


def board_tally(
    academies: list[int], f: BoardFilters, schools: list[int] | None = None
) -> BoardTally:
    """`BoardTally` of the filters (one query: a count grouped by establishment name and
    status, in the database's order of the names, the board's first sort key)."""
    name = "student__cohort__establishment__name"
    rows = (
        StoredVerdict.objects.filter(
            _student_q(academies, f, "student__", status=False, schools=schools)
        )
        .values(name, "status")
        .annotate(n=Count("pk"))
        .order_by(name)
    )
    by_status = {value: 0 for value in [*VerdictStatus.values, UNJUDGED]}
    by_establishment: dict[str, int] = {}
    for row in rows:
        status = str(row["status"]) or UNJUDGED
        n = int(row["n"])
        by_status[status] = by_status.get(status, 0) + n
        if not f.status or status == f.status:
            by_establishment[row[name]] = by_establishment.get(row[name], 0) + n
    known = {value: by_status[value] for value in [*VerdictStatus.values, UNJUDGED]}
    return BoardTally(known, list(by_establishment.items()))


class BoardRows(Sequence[StoredVerdict]):
    """The stored verdicts the filters select (`board_verdicts`), for a `Paginator`: a page is
    read among the establishments it spans only (their names found in the tally), so that its
    cost is the size of one or two establishments, not of the académie's candidates: the
    database sorts those establishments' rows, not the whole session's."""

    def __init__(self, verdicts: QuerySet[StoredVerdict], tally: BoardTally) -> None:
        self.verdicts = verdicts
        self.tally = tally

    def __len__(self) -> int:
        return self.tally.selected

    @overload
    def __getitem__(self, index: int) -> StoredVerdict: ...
    @overload
    def __getitem__(self, index: slice) -> list[StoredVerdict]: ...
    def __getitem__(self, index: int | slice) -> StoredVerdict | list[StoredVerdict]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        names: list[str] = []
        first = 0
        position = 0
        for name, n in self.tally.by_establishment:
            if position < stop and position + n > start:
                if not names:
                    first = position
                names.append(name)
            position += n
        if not names:
            return []
        return list(
            self.verdicts.filter(student__cohort__establishment__name__in=names)[
                start - first : stop - first
            ]
        )


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
    if not verdicts:
        return {}
    cohorts = {v.student.cohort_id for v in verdicts}
    planned: dict[int, list[Any]] = {c: [] for c in cohorts}
    for period in CohortPeriod.objects.filter(cohort_id__in=cohorts).order_by("start", "pk"):
        planned[period.cohort_id].append(period)
    to_check = reports_to_check([v.student_id for v in verdicts])
    return {
        v.student_id: outlook_of(
            {},
            stored_result(v),
            planned[v.student.cohort_id],
            today,
            report_to_check=v.student_id in to_check,
        )
        for v in verdicts
    }


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
