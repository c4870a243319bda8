"""Read-side queries of the school screens: where each cohort stands in choosing its hosts.

The host choice follows seed 001 §2.1.2 (proposed, validated by the pedagogical team, *arrêté* by
the chef d'établissement); for the BEP MPMI, seed 000 §1 makes the school find a host for every
pupil. Every function here runs a fixed number of queries, whatever the number of cohorts,
students or placements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
)

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.establishments.models import Cohort, CohortPeriod, Establishment
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.students.models import Student

RETAINED = (PlacementStatus.VALIDATED, PlacementStatus.ARRETE)


def coming_period(periods: Iterable[CohortPeriod], today: date) -> CohortPeriod | None:
    """The first period not yet ended; when all have ended, the last one; None without periods."""
    ordered = sorted(periods, key=lambda period: (period.start, period.pk))
    for period in ordered:
        if period.is_coming(today):
            return period
    return ordered[-1] if ordered else None


def coming_periods(cohort_ids: list[int], today: date) -> dict[int, CohortPeriod]:
    """`coming_period` of each cohort, in one query."""
    by_cohort: dict[int, list[CohortPeriod]] = {}
    for period in CohortPeriod.objects.filter(cohort_id__in=cohort_ids):
        by_cohort.setdefault(period.cohort_id, []).append(period)
    found = {cohort_id: coming_period(periods, today) for cohort_id, periods in by_cohort.items()}
    return {cohort_id: period for cohort_id, period in found.items() if period is not None}


@dataclass
class CohortCounts:
    """Where one cohort stands for its coming period, and the choices waiting for a decision."""

    cohort: Cohort
    period: CohortPeriod | None
    students: int = 0
    retained: int = 0
    to_validate: int = 0
    to_arrete: int = 0
    today: date | None = None

    @property
    def period_over(self) -> bool:
        """Every period of the cohort has ended: nothing is « to come » any more."""
        return self.period is not None and self.today is not None and self.period.end < self.today

    @property
    def without_host(self) -> int:
        """Students without a validated or arrêté host, nor a convention, for the coming period
        (none once the cohort's periods are over: a past period is past)."""
        if self.period_over:
            return 0
        return self.students - self.retained if self.period else self.students


def cohort_counts(cohorts: Iterable[Cohort], today: date) -> list[CohortCounts]:
    """Counts for each cohort, in the order given (four queries)."""
    cohorts = list(cohorts)
    ids = [cohort.pk for cohort in cohorts]
    if not ids:
        return []
    periods = coming_periods(ids, today)
    students = dict(
        Student.objects.filter(cohort_id__in=ids)
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    retained = dict(
        Student.objects.filter(cohort_id__in=ids)
        .filter(_has_host_for([period.pk for period in periods.values()]))
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    waiting: dict[tuple[int, str], int] = {
        (cohort_id, status): n
        for cohort_id, status, n in Placement.objects.filter(
            cohort_period__cohort_id__in=ids,
            status__in=[PlacementStatus.PROPOSED, PlacementStatus.VALIDATED],
        )
        .values("cohort_period__cohort_id", "status")
        .annotate(n=Count("pk"))
        .values_list("cohort_period__cohort_id", "status", "n")
    }
    return [
        CohortCounts(
            cohort=cohort,
            period=periods.get(cohort.pk),
            students=students.get(cohort.pk, 0),
            retained=retained.get(cohort.pk, 0),
            to_validate=waiting.get((cohort.pk, PlacementStatus.PROPOSED), 0),
            to_arrete=waiting.get((cohort.pk, PlacementStatus.VALIDATED), 0),
            today=today,
        )
        for cohort in cohorts
    ]


def _has_host_for(cohort_period_ids: list[int]) -> Q:
    """A student has a host for their cohort's period when a choice is validated or arrêté for
    it, or when a convention (not cancelled) covers it: the convention replaces the choice."""
    retained_choice = Placement.objects.filter(
        student=OuterRef("pk"), status__in=RETAINED, cohort_period_id__in=cohort_period_ids
    )
    convention = ConventionPeriod.objects.filter(
        student=OuterRef("pk"),
        active=True,
        student__cohort__periods__id__in=cohort_period_ids,
        start__lte=F("student__cohort__periods__end"),
        end__gte=F("student__cohort__periods__start"),
    ).exclude(convention__status=ConventionStatus.CANCELLED)
    return Q(Exists(retained_choice)) | Q(Exists(convention))


@dataclass
class EstablishmentCounts:
    establishment: Establishment
    cohorts: int = 0
    students: int = 0
    without_host: int = 0
    to_validate: int = 0
    to_arrete: int = 0


def establishment_counts(
    establishments: Iterable[Establishment], cohorts: Iterable[Cohort], today: date
) -> list[EstablishmentCounts]:
    """The cohorts' counts summed per establishment (for the rectorat)."""
    rows = {e.pk: EstablishmentCounts(establishment=e) for e in establishments}
    for counts in cohort_counts(cohorts, today):
        row = rows.get(counts.cohort.establishment_id)
        if row is None:
            continue
        row.cohorts += 1
        row.students += counts.students
        row.without_host += counts.without_host
        row.to_validate += counts.to_validate
        row.to_arrete += counts.to_arrete
    return list(rows.values())
