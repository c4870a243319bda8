"""The placement board of one cohort: where each student stands in choosing a host for a period.

The host choice follows seed 001 §2.1.2 (proposed, validated by the pedagogical team, *arrêté* by
the chef d'établissement); for the BEP MPMI, seed 000 §1 makes the school find a host for every
pupil. Every function here runs a fixed number of queries, whatever the number of students.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.establishments.models import Cohort, CohortPeriod
from milieu.establishments.queries import RETAINED
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.rules import get_catalogue
from milieu.students.models import Student

# --- the placement board of one cohort ----------------------------------------------------


@dataclass(frozen=True)
class BoardFilter:
    slug: str
    label: str
    statuses: frozenset[str | None] = field(default_factory=frozenset)

    def keeps(self, status: str | None) -> bool:
        return not self.statuses or status in self.statuses


# A row whose convention exists (not cancelled) is in the « convention » state, whatever its
# host choice said: the convention replaces the choice.
WITH_CONVENTION = "convention"

BOARD_FILTERS = (
    BoardFilter("tous", "Tous"),
    BoardFilter("sans-organisme", "Sans organisme", frozenset({None})),
    BoardFilter("propose", "Proposé", frozenset({PlacementStatus.PROPOSED})),
    BoardFilter("valide", "Validé", frozenset({PlacementStatus.VALIDATED})),
    BoardFilter("arrete", "Arrêté", frozenset({PlacementStatus.ARRETE})),
    BoardFilter("convention", "Convention", frozenset({WITH_CONVENTION})),
)
FILTERS_BY_SLUG = {board_filter.slug: board_filter for board_filter in BOARD_FILTERS}


@dataclass(frozen=True)
class BoardRow:
    """One student, their open host choice (proposed, validated or arrêté) for the period, and
    the convention that covers the period (none cancelled). Once the convention exists it is
    the one source of truth: its host, site and tutor are shown, not the choice's."""

    student: Student
    placement: Placement | None
    convention: Convention | None = None

    @property
    def status(self) -> str | None:
        if self.convention is not None:
            return WITH_CONVENTION
        return self.placement.status if self.placement else None

    @property
    def has_retained_host(self) -> bool:
        return self.status in RETAINED or self.status == WITH_CONVENTION

    @property
    def host(self) -> Any:
        source = self.convention or self.placement
        return source.host if source is not None else None

    @property
    def site(self) -> Any:
        source = self.convention or self.placement
        return source.site if source is not None else None

    @property
    def tutor(self) -> Any:
        source = self.convention or self.placement
        return source.tutor if source is not None else None


def period_conventions(
    cohort: Cohort, period: CohortPeriod, student_ids: Iterable[int] | None = None
) -> dict[int, Convention]:
    """The convention of each student of the cohort (or of `student_ids`, a page of it) for
    `period` (one query): the latest one with an active period within the window, or made from
    the host choice of that window."""
    found: dict[int, Convention] = {}
    periods = _period_convention_periods(period).filter(student__cohort=cohort)
    if student_ids is not None:
        periods = periods.filter(student_id__in=list(student_ids))
    periods = periods.select_related(
        "convention__host", "convention__site", "convention__tutor"
    ).order_by("-convention__created_at", "-convention_id")
    for convention_period in periods:
        found.setdefault(convention_period.student_id, convention_period.convention)
    return found


def _period_convention_periods(period: CohortPeriod) -> QuerySet[ConventionPeriod]:
    """The active periods of conventions (none cancelled) that cover `period`: within its
    window, or made from the host choice of that window."""
    return (
        ConventionPeriod.objects.filter(active=True)
        .exclude(convention__status=ConventionStatus.CANCELLED)
        .filter(
            Q(start__lte=period.end, end__gte=period.start)
            | Q(convention__placement__cohort_period=period)
        )
    )


def board_students(cohort: Cohort, period: CohortPeriod | None) -> QuerySet[Any]:
    """The cohort's students in name order, with their open choice for `period`, and each
    one's `board_status` (the `BoardRow.status`, computed by the database: a convention
    covering the period, else the open choice's status, else null)."""
    placements = Placement.objects.open().select_related("host", "tutor", "site")
    placements = placements.filter(cohort_period=period) if period else placements.none()
    return (
        Student.objects.filter(cohort=cohort)
        .annotate(board_status=_board_status(period))
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(Prefetch("placements", queryset=placements, to_attr="open_placements"))
    )


def _board_status(period: CohortPeriod | None) -> Any:
    if period is None:
        return Value(None, output_field=CharField())
    convention = _period_convention_periods(period).filter(student=OuterRef("pk"))
    choice = Placement.objects.open().filter(student=OuterRef("pk"), cohort_period=period)
    return Case(
        When(Exists(convention), then=Value(WITH_CONVENTION)),
        default=Subquery(choice.order_by().values("status")[:1]),  # one open choice at most
        output_field=CharField(),
    )


def filtered(students: QuerySet[Any], board_filter: BoardFilter) -> QuerySet[Any]:
    """`students` (from `board_students`) kept by the filter, in the database."""
    if not board_filter.statuses:
        return students
    condition = Q(board_status__in=[s for s in board_filter.statuses if s is not None])
    if None in board_filter.statuses:
        condition |= Q(board_status__isnull=True)
    return students.filter(condition)


def board_counts(students: QuerySet[Any]) -> dict[str, int]:
    """How many of `students` (from `board_students`) each filter keeps (one query: a COUNT
    grouped by status)."""
    by_status: dict[str | None, int] = dict(
        students.order_by()
        .values("board_status")
        .annotate(n=Count("pk"))
        .values_list("board_status", "n")
    )
    return {
        f.slug: sum(n for status, n in by_status.items() if f.keeps(status)) for f in BOARD_FILTERS
    }


@dataclass(frozen=True)
class NamedStudent:
    """A student's pk and name, read without the rest of the row."""

    pk: int
    first_name: str
    last_name: str

    def __str__(self) -> str:
        return Student.__str__(cast(Any, self))


@dataclass(frozen=True)
class StudentStatus:
    student: NamedStudent
    status: str | None


def without_retained_host(students: QuerySet[Any]) -> list[StudentStatus]:
    """The students (from `board_students`) without a validated or arrêté host nor a
    convention for the period, in name order (one query, light tuples)."""
    rows = students.filter(Q(board_status__isnull=True) | Q(board_status=PlacementStatus.PROPOSED))
    return [
        StudentStatus(NamedStudent(pk, first, last), status)
        for pk, first, last, status in rows.values_list(
            "pk", "first_name", "last_name", "board_status"
        )
    ]


def board_rows(
    cohort: Cohort, period: CohortPeriod | None, students: Iterable[Student] | None = None
) -> list[BoardRow]:
    """Every student of the cohort (or of `students`, a page of `board_students`) with their
    open choice and convention for `period` (three queries)."""
    ids: list[int] | None = None
    if students is None:
        students = board_students(cohort, period)
    else:
        students = list(students)
        ids = [student.pk for student in students]
    conventions = period_conventions(cohort, period, ids) if period else {}
    rows = []
    for student in students:
        student.cohort = cohort
        open_placements: list[Placement] = getattr(student, "open_placements", [])
        rows.append(
            BoardRow(
                student=student,
                placement=open_placements[0] if open_placements else None,
                convention=conventions.get(student.pk),
            )
        )
    return rows


@dataclass(frozen=True)
class SchoolFindsHost:
    """Seed 000 §1 for the BEP MPMI: the school must find a host for every pupil."""

    ref: str


def school_finds_host(cohort: Cohort) -> SchoolFindsHost | None:
    """Read from the diploma's catalogue entry (`school_finds_host`), never from its id."""
    diploma = get_catalogue().get(cohort.diploma)
    if diploma is None or not diploma.extra.get("school_finds_host"):
        return None
    paragraph: Any = diploma.extra.get("school_finds_host_ref", "")
    return SchoolFindsHost(ref=diploma.source(str(paragraph)) if paragraph else diploma.short)
