"""BEP: the *préparation* before each period and its *exploitation pédagogique* after it.

« Chacune des deux périodes de stage fera l'objet d'une préparation, d'un suivi par un enseignant
et, au retour, d'une exploitation pédagogique dans l'établissement » (seed 000 §1). The diplomas
that ask for it say so in their catalogue entry (`period_pedagogy`). The team records each session
(date, who led it, what was done) on the convention's follow-up page; the student page shows them.

Decision: these are pedagogical alerts, not part of the verdict. The dossier contract (v1.1) has
no field for them, and the seed makes the stage non-certificative (« ne donnent pas lieu à
évaluation certificative »): a missing session is listed on the alerts page and in the teachers'
dashboard queue, never a finding.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import (
    FollowupAction,
    PedagogyKind,
    PedagogySession,
)
from milieu.followup.operations import FollowupRefused, record_event
from milieu.people.models import User
from milieu.permissions import require, visible_conventions
from milieu.rules import get_catalogue

# A cancelled convention's period takes no session; a draft's periods are replaced on every
# edit (a session would protect them): sessions are recorded once the convention is submitted.
CLOSED_STATUSES = (ConventionStatus.DRAFT, ConventionStatus.CANCELLED)


def pedagogy_diplomas() -> list[str]:
    """The diplomas whose catalogue entry asks for a préparation and an exploitation."""
    catalogue = get_catalogue()
    return [
        i for i in catalogue.ids() if (d := catalogue.get(i)) and d.extra.get("period_pedagogy")
    ]


def pedagogy_required(convention: Convention) -> bool:
    return bool(convention.student.cohort.catalogue_extra.get("period_pedagogy"))


def pedagogy_reference(convention: Convention) -> str:
    """« annexe BEP MPMI, §1 »: where the text asks for them."""
    diploma = get_catalogue().get(convention.student.cohort.diploma)
    if diploma is None:
        return ""
    return f"{diploma.short}, {diploma.extra.get('period_pedagogy_ref', '')}".rstrip(", ")


def record_pedagogy_session(
    period: ConventionPeriod,
    *,
    kind: str,
    held_on: date,
    led_by: str,
    content: str,
    by: User,
) -> PedagogySession:
    """Record a préparation (held on or before the period's first day) or an exploitation
    pédagogique (held on or after its last day), never a day to come; one follow-up event."""
    convention = period.convention
    require(by, "followup.pedagogy", convention)
    if not pedagogy_required(convention):
        raise FollowupRefused(
            "Le diplôme de ce stage ne prévoit pas de préparation ni d'exploitation pédagogique "
            "par période."
        )
    if kind not in PedagogyKind.values:
        raise FollowupRefused("Choisissez la préparation ou l'exploitation pédagogique.")
    led_by, content = led_by.strip(), content.strip()
    if not led_by or not content:
        raise FollowupRefused("Indiquez qui a mené la séance et ce qui y a été fait.")
    if held_on > timezone.localdate():
        raise FollowupRefused("Une séance s'enregistre une fois tenue : sa date est à venir.")
    if kind == PedagogyKind.PREPARATION and held_on > period.start:
        raise FollowupRefused(
            f"La préparation a lieu avant la période : au plus tard le {period.start:%d/%m/%Y}."
        )
    if kind == PedagogyKind.PREPARATION and held_on < period.start - timedelta(days=366):
        raise FollowupRefused(
            "La préparation a lieu dans l'année qui précède la période : au plus tôt le "
            f"{period.start - timedelta(days=366):%d/%m/%Y}."
        )
    if kind == PedagogyKind.EXPLOITATION and held_on < period.end:
        raise FollowupRefused(
            "L'exploitation pédagogique a lieu au retour de l'élève : à partir du "
            f"{period.end:%d/%m/%Y}."
        )
    with transaction.atomic():
        locked = (
            ConventionPeriod.objects.select_for_update()
            .select_related("convention")
            .get(pk=period.pk)
        )
        if not locked.active or locked.convention.status in CLOSED_STATUSES:
            raise FollowupRefused(
                "Cette période n'est pas celle d'une convention en vigueur : elle ne reçoit pas "
                "de séance."
            )
        if PedagogySession.objects.filter(
            period=locked, kind=kind, held_on=held_on, led_by=led_by[:300], content=content
        ).exists():
            raise FollowupRefused("Cette séance est déjà enregistrée.")
        session = PedagogySession.objects.create(
            period=locked,
            kind=kind,
            held_on=held_on,
            led_by=led_by[:300],
            content=content,
            recorded_by=by,
        )
        record_event(
            locked.convention,
            FollowupAction.PEDAGOGY_RECORDED,
            period=locked,
            by=by,
            detail=(
                f"{session.get_kind_display()} du {held_on:%d/%m/%Y} pour la période {locked}, "
                f"menée par {session.led_by}."
            ),
            verdict_input=False,
        )
    return session


def missing_kinds(
    period: ConventionPeriod, sessions: list[PedagogySession], today: date
) -> list[str]:
    """The French labels of what the period still lacks and should have by `today`: its
    préparation once it has started, its exploitation once it has ended."""
    kinds = {s.kind for s in sessions}
    missing = []
    if period.start <= today and PedagogyKind.PREPARATION not in kinds:
        missing.append(PedagogyKind.PREPARATION.label)
    if period.end < today and PedagogyKind.EXPLOITATION not in kinds:
        missing.append(PedagogyKind.EXPLOITATION.label)
    return missing


def periods_missing_pedagogy(user: User, today: date) -> QuerySet[ConventionPeriod]:
    """The active periods, among the conventions the user sees (submitted to finished) of the
    diplomas that ask for them, that have ended on `today` without their préparation or their
    exploitation pédagogique recorded. Annotated `has_preparation`, `has_exploitation`; with the
    convention and its parties; one query whatever their number."""

    def recorded(kind: str) -> Exists:
        return Exists(PedagogySession.objects.filter(period=OuterRef("pk"), kind=kind))

    conventions = visible_conventions(user).exclude(status__in=CLOSED_STATUSES)
    return (
        ConventionPeriod.objects.filter(
            active=True,
            convention__in=conventions.values("pk"),
            convention__student__cohort__diploma__in=pedagogy_diplomas(),
            end__lt=today,
        )
        .annotate(
            has_preparation=recorded(PedagogyKind.PREPARATION),
            has_exploitation=recorded(PedagogyKind.EXPLOITATION),
        )
        .filter(Q(has_preparation=False) | Q(has_exploitation=False))
        .select_related(
            "convention",
            "convention__student",
            "convention__student__cohort",
            "convention__student__cohort__establishment",
            "convention__host",
        )
        .order_by("end", "start", "pk")
    )


def sessions_by_period(periods: list[ConventionPeriod]) -> dict[int, list[PedagogySession]]:
    """Each period's sessions, in date order, with who recorded them; one query."""
    found: dict[int, list[PedagogySession]] = {p.pk: [] for p in periods}
    for session in PedagogySession.objects.filter(
        period__in=[p.pk for p in periods]
    ).select_related("recorded_by"):
        found[session.period_id].append(session)
    return found


def pedagogy_alerts(
    user: User, today: date, *, cohort_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """The rows of the alerts page and of the teachers' dashboard queue: each ended period
    lacking its préparation or its exploitation, what it lacks in words, and the follow-up page
    where the team records it."""

    periods = periods_missing_pedagogy(user, today)
    if cohort_ids is not None:
        periods = periods.filter(convention__student__cohort__in=cohort_ids)
    rows = []
    for period in periods:
        missing = []
        if not period.has_preparation:  # type: ignore[attr-defined]
            missing.append(PedagogyKind.PREPARATION.label)
        if not period.has_exploitation:  # type: ignore[attr-defined]
            missing.append(PedagogyKind.EXPLOITATION.label)
        rows.append(
            {
                "period": period,
                "convention": period.convention,
                "student": period.convention.student,
                "missing": missing,
                "url": reverse("followup:convention", args=[period.convention_id])
                + f"#pedagogie-{period.pk}",
            }
        )
    return rows
