"""Read-side rules for visits, built on `milieu.permissions` (never wider than it)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from milieu.conventions.models import Convention, ConventionPeriod
from milieu.people.models import User
from milieu.permissions import visible_conventions
from milieu.rules import get_catalogue
from milieu.visits.enums import VISITABLE_CONVENTION_STATUSES, VisitStatus
from milieu.visits.models import Visit

VISIT_PARTIES = (
    "convention",
    "convention__student",
    "convention__student__cohort",
    "convention__student__cohort__establishment",
    "convention__host",
    "convention__site",
    "period",
    "teacher",
)

PERIOD_PARTIES = (
    "convention",
    "convention__student",
    "convention__student__cohort",
    "convention__student__cohort__establishment",
    "convention__host",
    "convention__site",
)


def visible_visits(user: User) -> QuerySet[Visit]:
    """The visits of the conventions the user sees (another school's visit is a 404)."""
    return Visit.objects.filter(
        convention__in=visible_conventions(user).values("pk")
    ).select_related(*VISIT_PARTIES)


def teacher_visits(user: User) -> QuerySet[Visit]:
    """The user's own visits, for their calendar."""
    return Visit.objects.filter(teacher_id=user.pk).select_related(*VISIT_PARTIES)


# How long after its last day a period without a visit stays on the alerts page. 0: until its
# last day included. A visit is made during the period (`plan_visit` refuses another day), so a
# period already over can no longer receive the visit it lacks; the page lists what remains to
# be planned, and the stage's visits page keeps showing the period that went without one.
ALERT_GRACE_DAYS = 0

# the visits that count for their period: a cancelled visit leaves it without one
COUNTED_VISIT_STATUSES = (VisitStatus.PLANNED, VisitStatus.DONE)


def visits_needed_by_diploma() -> dict[str, int]:
    """The diplomas whose catalogue entry asks for more than one visit per period
    (`visits_per_period`: bep-mpmi, « Ces derniers effectuent plusieurs visites au cours du
    stage », seed 000 §1); every other diploma needs one."""
    catalogue = get_catalogue()
    needed = {}
    for diploma_id in catalogue.ids():
        diploma = catalogue.get(diploma_id)
        count = int(diploma.extra.get("visits_per_period", 1)) if diploma else 1
        if count > 1:
            needed[diploma_id] = count
    return needed


def periods_without_visit(user: User, today: date) -> QuerySet[ConventionPeriod]:
    """The active periods of the signed conventions and stages in progress, among the user's
    visible students, that have fewer planned or done visits than their diploma asks and have
    not ended (see `ALERT_GRACE_DAYS`) on `today` (seed 004: "chaque professeur doit se rendre
    en entreprise": one visit; seed 000 §1: "plusieurs visites": two, see
    `visits_needed_by_diploma`). Annotated `visits_counted` and `visits_needed`. A period
    replaced by an avenant does not count, nor do its visits. With the convention and its
    parties; one query whatever their number.

    Decision (BEP): a pedagogical alert only; the dossier contract (v1.1) has no field for the
    visits, so they never enter the verdict."""
    counted = (
        Visit.objects.filter(period=OuterRef("pk"), status__in=COUNTED_VISIT_STATUSES)
        .order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")
    )
    needed = visits_needed_by_diploma()
    conventions = visible_conventions(user).filter(status__in=VISITABLE_CONVENTION_STATUSES)
    return (
        ConventionPeriod.objects.filter(
            active=True,
            convention__in=conventions.values("pk"),
            end__gte=today - timedelta(days=ALERT_GRACE_DAYS),
        )
        .annotate(
            visits_counted=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
            visits_needed=Case(
                *[
                    When(convention__student__cohort__diploma=diploma, then=Value(count))
                    for diploma, count in sorted(needed.items())
                ],
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .filter(visits_counted__lt=F("visits_needed"))
        .select_related(*PERIOD_PARTIES)
        .order_by("start", "end", "pk")
    )


def visits_by_period(convention: Convention) -> list[tuple[ConventionPeriod, list[Visit]]]:
    """The convention's periods, each with its visits (in date order): every active period, and
    a period replaced by an avenant only when it has visits. Two queries."""
    visits = list(convention.visits.select_related("teacher").order_by("planned_at", "pk"))
    groups: dict[int, list[Visit]] = {}
    for visit in visits:
        groups.setdefault(visit.period_id, []).append(visit)
    return [
        (period, groups.get(period.pk, []))
        for period in convention.periods.order_by("start", "end", "pk")
        if period.active or period.pk in groups
    ]
