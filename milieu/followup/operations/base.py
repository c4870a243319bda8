"""What every follow-up operation shares: its refusal, the row it writes in the follow-up
history (`FollowupEvent`, through `record_event` only), the checks of a tutor acting through
their link, and the counting of a period (the dossier contract's "Counting the duration": the
scheduled days are the days of the period whose weekday is a working day of the convention,
minus the absences).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from milieu.changes import verdict_inputs_changed
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import FollowupAction, FollowupEvent, TutorAccess
from milieu.people.models import User
from milieu.refusals import Refused
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
from milieu.rules.parsing import WEEKDAY_INDEX, scheduled_days

DEFAULT_WORK_DAYS = DEFAULT_WORK_DAY_NAMES


class FollowupRefused(Refused):
    """An operation refused, with a French message for the page."""


# --- the follow-up history -------------------------------------------------------------------


def record_event(
    convention: Convention,
    action: FollowupAction,
    *,
    period: ConventionPeriod | None = None,
    by: User | None = None,
    actor_label: str = "",
    ip: str | None = None,
    detail: str = "",
    verdict_input: bool = True,
) -> FollowupEvent:
    """The one way to write a row of the follow-up history (an event log of actions, not of
    statuses); called inside the operation's transaction (the
    convention's student's stored verdict is refreshed once it commits)."""
    if verdict_input:  # a pedagogy session is no input of the verdict: nothing to refresh
        verdict_inputs_changed(convention.student_id)
    return FollowupEvent.objects.create(
        convention=convention,
        period=period,
        action=action,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=actor_label[:200],
        ip=ip or None,
        detail=detail,
    )


# --- the counting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    scheduled_days: int
    absence_days: int
    presence_days: int
    weeks: Decimal


def work_days_of(convention: Convention) -> tuple[int, ...]:
    names = list(convention.work_days or []) or list(DEFAULT_WORK_DAYS)
    return tuple(sorted(WEEKDAY_INDEX[str(name)] for name in names))


def scheduled_days_of(period: ConventionPeriod) -> int:
    return scheduled_days(
        period.start.toordinal(), period.end.toordinal(), work_days_of(period.convention)
    )


def declared_absence_days(period: ConventionPeriod) -> int:
    return int(period.absences.aggregate(total=Sum("days"))["total"] or 0)


def figures(period: ConventionPeriod) -> Figures:
    """Scheduled days, absences (capped at the scheduled days), presence and weeks."""
    scheduled = scheduled_days_of(period)
    absences = min(declared_absence_days(period), scheduled)
    presence = scheduled - absences
    per_week = len(work_days_of(period.convention))
    return Figures(scheduled, absences, presence, weeks_of(presence, per_week))


def weeks_of(presence_days: int, per_week: int) -> Decimal:
    """Weeks of presence, to the hundredth (half up), as the certificate states them."""
    return (Decimal(presence_days) / Decimal(per_week)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- a tutor acting through their link -------------------------------------------------------


def tutor_checks(access: TutorAccess, period: ConventionPeriod | None, name: str) -> str:
    """The access is still usable, the period is its own convention's; returns the name."""
    if not access.usable:
        raise FollowupRefused("Ce lien n'est plus utilisable : demandez-en un nouveau.")
    if period is not None and (period.convention_id != access.convention_id or not period.active):
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if not name.strip():
        raise FollowupRefused("Indiquez votre nom.")
    return name.strip()
