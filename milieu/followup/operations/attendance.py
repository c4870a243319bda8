"""Absences declared and presence confirmed by the tutor through their link."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from milieu.conventions.models import ConventionPeriod
from milieu.followup.models import (
    Absence,
    Certificate,
    FollowupAction,
    PresenceConfirmation,
    TutorAccess,
)
from milieu.followup.operations.base import (
    FollowupRefused,
    declared_absence_days,
    record_event,
    scheduled_days_of,
    tutor_checks,
)


def declare_absence(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    start: date,
    end: date,
    days: int,
    reason: str,
    declared_by: str,
    ip: str | None = None,
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
        absence = Absence.objects.create(
            period=period,
            start=start,
            end=end,
            days=days,
            reason=reason.strip(),
            declared_by=declared_by,
        )
        record_event(
            access.convention,
            FollowupAction.ABSENCE_DECLARED,
            period=period,
            actor_label=declared_by.strip(),
            ip=ip,
            detail=f"{absence} : {absence.reason}.",
        )
        return absence


def confirm_presence(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    day: date,
    tutor_name: str,
    ip: str | None = None,
) -> PresenceConfirmation:
    """ "Je confirme la présence du stagiaire" on `day`: a day of the period, not in the future,
    not inside a declared absence, once."""
    name = tutor_checks(access, period, tutor_name)
    if not period.start <= day <= period.end:
        raise FollowupRefused(
            f"Le jour confirmé doit se situer dans la période du {period.start:%d/%m/%Y} "
            f"au {period.end:%d/%m/%Y}."
        )
    if day > timezone.localdate():
        raise FollowupRefused("On ne confirme pas une présence à venir : choisissez un jour passé.")
    with transaction.atomic():
        locked = (
            ConventionPeriod.objects.select_for_update()
            .select_related("convention")
            .get(pk=period.pk)
        )
        if Certificate.objects.filter(period=locked).exists():
            raise FollowupRefused(
                "L'attestation de stage est délivrée : la présence n'est plus à confirmer."
            )
        if locked.absences.filter(start__lte=day, end__gte=day).exists():
            raise FollowupRefused(f"Une absence est déclarée le {day:%d/%m/%Y}.")
        if PresenceConfirmation.objects.filter(period=locked, day=day).exists():
            raise FollowupRefused(f"La présence du {day:%d/%m/%Y} est déjà confirmée.")
        confirmation = PresenceConfirmation.objects.create(period=locked, day=day, tutor_name=name)
        record_event(
            access.convention,
            FollowupAction.PRESENCE_CONFIRMED,
            period=locked,
            actor_label=name,
            ip=ip,
            detail=f"Présence du stagiaire confirmée le {day:%d/%m/%Y}.",
        )
        return confirmation
