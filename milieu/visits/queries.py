"""Read-side rules for visits, built on `milieu.permissions` (never wider than it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from milieu.permissions import visible_conventions
from milieu.visits.enums import VISITABLE_CONVENTION_STATUSES, VisitStatus
from milieu.visits.models import Visit

VISIT_PARTIES = (
    "convention",
    "convention__student",
    "convention__student__cohort",
    "convention__student__cohort__establishment",
    "convention__host",
    "convention__site",
    "teacher",
)


def visible_visits(user: Any) -> QuerySet[Visit]:
    """The visits of the conventions the user sees (another school's visit is a 404)."""
    return Visit.objects.filter(
        convention__in=visible_conventions(user).values("pk")
    ).select_related(*VISIT_PARTIES)


def teacher_visits(user: Any) -> QuerySet[Visit]:
    """The user's own visits, for their calendar."""
    return Visit.objects.filter(teacher_id=user.pk).select_related(*VISIT_PARTIES)


def conventions_without_planned_visit(user: Any) -> QuerySet[Any]:
    """Signed conventions and stages in progress, among the user's visible students, for which
    no visit is planned (seed 004: "chaque professeur doit se rendre en entreprise"; seed 000:
    "plusieurs visites"). Annotated with `first_day`; one query whatever their number."""
    planned = Visit.objects.filter(convention=OuterRef("pk"), status=VisitStatus.PLANNED)
    return (
        visible_conventions(user)
        .filter(status__in=VISITABLE_CONVENTION_STATUSES)
        .filter(~Exists(planned))
        .annotate(first_day_active=Min("periods__start", filter=Q(periods__active=True)))
        .order_by("first_day_active", "pk")
    )
