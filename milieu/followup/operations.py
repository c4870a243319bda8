"""Follow-up operations: issue and revoke a tutor's link, declare an absence, issue a certificate.

Durations follow the dossier contract ("Counting the duration"): the scheduled days are the
days of the period whose weekday is a working day of the convention, minus the absences.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.documents import render_pdf
from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import Absence, Certificate, TutorAccess
from milieu.permissions import require
from milieu.rules.dossier import WEEKDAY_INDEX, scheduled_days
from milieu.tokens import hash_token

LINK_LIFETIME = timedelta(days=120)
DEFAULT_WORK_DAYS = ("mon", "tue", "wed", "thu", "fri")


class FollowupRefused(Exception):
    """An operation refused, with a French message for the page."""


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
    weeks = (Decimal(presence) / Decimal(per_week)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Figures(scheduled, absences, presence, weeks)


# --- the tutor's link ------------------------------------------------------------------------


def issue_tutor_link(
    convention: Convention, *, by: Any, lifetime: timedelta = LINK_LIFETIME
) -> str:
    """A new link for the convention's tutor, e-mailed on commit; returns the token."""
    require(by, "followup.manage", convention)
    if convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("La convention doit être signée avant d'ouvrir l'accès au tuteur.")
    tutor = convention.tutor
    if tutor is None or not tutor.email:
        raise FollowupRefused("Renseignez le tuteur de la convention et son adresse électronique.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        access = TutorAccess.objects.create(
            convention=convention,
            token_hash=hash_token(token),
            expires_at=timezone.now() + lifetime,
            created_by=by,
        )
        url = settings.SITE_URL + reverse("followup:tutor", kwargs={"token": token})
        student = convention.student
        body = (
            f"Bonjour,\n\nVous êtes le tuteur de {student.full_name} "
            f"(convention n° {convention.pk}).\n"
            f"Ce lien personnel vous permet de déclarer ses absences et de délivrer son "
            f"attestation de stage, jusqu'au {timezone.localtime(access.expires_at):%d/%m/%Y} :\n"
            f"{url}\n\nNe le transmettez pas.\n"
        )
        transaction.on_commit(
            lambda: send_mail(
                f"Suivi du stage de {student.full_name}", body, None, [str(tutor.email)]
            )
        )
    return token


def revoke_tutor_link(access: TutorAccess, *, by: Any) -> None:
    require(by, "followup.manage", access.convention)
    TutorAccess.objects.filter(pk=access.pk).update(revoked=True)
    access.revoked = True


def resolve_access(token: str) -> TutorAccess:
    """The usable access behind `token`, or `FollowupRefused` with the reason in French."""
    access = (
        TutorAccess.objects.filter(token_hash=hash_token(token))
        .select_related("convention", "convention__student", "convention__tutor")
        .first()
    )
    if access is None:
        raise FollowupRefused("Ce lien n'est pas valide.")
    if access.revoked:
        raise FollowupRefused("Ce lien a été révoqué par l'établissement.")
    if access.expires_at <= timezone.now():
        raise FollowupRefused("Ce lien a expiré : demandez-en un nouveau à l'établissement.")
    if access.convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("La convention de ce stage n'est plus en vigueur.")
    return access


def period_of(access: TutorAccess, period_pk: Any) -> ConventionPeriod:
    """One active period of the access's own convention (never another intern's)."""
    period = (
        ConventionPeriod.objects.filter(convention=access.convention, active=True, pk=period_pk)
        .select_related("convention")
        .first()
    )
    if period is None:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    return period


# --- absences and certificate ----------------------------------------------------------------


def declare_absence(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    start: date,
    end: date,
    days: int,
    reason: str,
    declared_by: str,
) -> Absence:
    if period.convention_id != access.convention_id:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if hasattr(period, "certificate"):
        raise FollowupRefused("L'attestation de stage est délivrée : les absences sont closes.")
    if end < start:
        raise FollowupRefused("La fin de l'absence précède son début.")
    if start < period.start or end > period.end:
        raise FollowupRefused(
            f"L'absence doit se situer dans la période du {period.start:%d/%m/%Y} "
            f"au {period.end:%d/%m/%Y}."
        )
    if days < 1:
        raise FollowupRefused("Une absence compte au moins un jour.")
    if not reason.strip():
        raise FollowupRefused("Indiquez le motif de l'absence.")
    with transaction.atomic():
        ConventionPeriod.objects.select_for_update().filter(pk=period.pk).first()
        scheduled = scheduled_days_of(period)
        already = declared_absence_days(period)
        if already + days > scheduled:
            raise FollowupRefused(
                f"Les absences ({already + days} jours) dépasseraient les {scheduled} jours "
                "prévus de la période."
            )
        return Absence.objects.create(
            period=period,
            start=start,
            end=end,
            days=days,
            reason=reason.strip(),
            declared_by=declared_by,
        )


def issue_certificate(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    tutor_name: str,
    gratification_paid: Decimal | None = None,
) -> Certificate:
    """The certificate of `period`, once: its PDF is rendered now and never again."""
    if period.convention_id != access.convention_id:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if not tutor_name.strip():
        raise FollowupRefused("Indiquez votre nom.")
    if gratification_paid is not None and gratification_paid < 0:
        raise FollowupRefused("La gratification versée ne peut pas être négative.")
    with transaction.atomic():
        ConventionPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if Certificate.objects.filter(period=period).exists():
            raise FollowupRefused("L'attestation de cette période est déjà délivrée.")
        numbers = figures(period)
        convention = access.convention
        pdf = render_pdf(
            "followup/pdf/certificate.html",
            {
                "convention": convention,
                "student": convention.student,
                "school": convention.student.cohort.establishment,
                "host": convention.host,
                "period": period,
                "figures": numbers,
                "absences": list(period.absences.all()),
                "gratification_paid": gratification_paid,
                "tutor_name": tutor_name.strip(),
                "issued_on": timezone.localdate(),
            },
        )
        return Certificate.objects.create(
            period=period,
            start=period.start,
            end=period.end,
            scheduled_days=numbers.scheduled_days,
            absence_days=numbers.absence_days,
            presence_days=numbers.presence_days,
            weeks=numbers.weeks,
            gratification_paid=gratification_paid,
            tutor_name=tutor_name.strip(),
            content=pdf,
        )
