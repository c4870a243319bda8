"""The certificate (*attestation de stage*) of a period: issued by the tutor through their
link (rendered once as a PDF), or recorded by the school from the host's paper."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.conventions.documents import render_pdf
from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import ConventionPeriod
from milieu.followup.models import Certificate, FollowupAction, TutorAccess
from milieu.followup.operations.base import (
    FollowupRefused,
    figures,
    record_event,
    scheduled_days_of,
    weeks_of,
    work_days_of,
)
from milieu.people.models import User
from milieu.permissions import Action, require


def refuse_unfinished(period: ConventionPeriod) -> None:
    """A certificate attests a period done: none before its last day (issue 11; seed 001 §4:
    « En fin de stage […] un certificat attestant de la présence »)."""
    if period.end > timezone.localdate():
        raise FollowupRefused(
            "L'attestation de stage se délivre à la fin de la période : celle-ci s'achève le "
            f"{period.end:%d/%m/%Y}."
        )


def issue_certificate(
    access: TutorAccess,
    period: ConventionPeriod,
    *,
    tutor_name: str,
    gratification_paid: Decimal | None = None,
    ip: str | None = None,
) -> Certificate:
    """The certificate of `period`, once: its PDF is rendered now and never again."""
    if period.convention_id != access.convention_id:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    if not tutor_name.strip():
        raise FollowupRefused("Indiquez votre nom.")
    if gratification_paid is not None and gratification_paid < 0:
        raise FollowupRefused("La gratification versée ne peut pas être négative.")
    refuse_unfinished(period)
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
        certificate = Certificate.objects.create(
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
        record_event(
            convention,
            FollowupAction.CERTIFICATE_ISSUED,
            period=period,
            actor_label=tutor_name.strip(),
            ip=ip,
            detail=(
                f"{numbers.presence_days} jours de présence sur {numbers.scheduled_days} prévus "
                f"({numbers.weeks} semaines) ; SHA-256 {certificate.sha256}."
            ),
        )
        return certificate


def record_paper_certificate(
    period: ConventionPeriod,
    *,
    by: User,
    upload: UploadedFile[bytes],
    signed_by: str,
    signed_on: date,
    absence_days: int,
    ip: str | None = None,
) -> Certificate:
    """The certificate of `period` as the host signed it on paper (a host that will not use the
    link; issue 11): the scan is stored as the certificate's PDF, the figures counted from the
    absences the paper states; once, and only once the period has ended."""
    convention = period.convention
    require(by, Action.FOLLOWUP_MANAGE, convention)
    if not period.active or convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("Seule une période en vigueur d'une convention signée s'atteste.")
    refuse_unfinished(period)
    today = timezone.localdate()
    if signed_on < period.end or signed_on > today:
        raise FollowupRefused(
            "La date de l'attestation se situe entre la fin de la période "
            f"({period.end:%d/%m/%Y}) et aujourd'hui."
        )
    if not signed_by.strip():
        raise FollowupRefused("Indiquez qui a signé l'attestation pour l'organisme d'accueil.")
    scheduled = scheduled_days_of(period)
    if absence_days < 0 or absence_days > scheduled:
        raise FollowupRefused(
            f"Les jours d'absence vont de 0 aux {scheduled} jours prévus de la période."
        )
    content, _ = storage.read_upload(upload, kinds=("pdf",))
    with transaction.atomic():
        ConventionPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if Certificate.objects.filter(period=period).exists():
            raise FollowupRefused("L'attestation de cette période est déjà délivrée.")
        presence = scheduled - absence_days
        weeks = weeks_of(presence, len(work_days_of(convention)))
        certificate = Certificate.objects.create(
            period=period,
            start=period.start,
            end=period.end,
            scheduled_days=scheduled,
            absence_days=absence_days,
            presence_days=presence,
            weeks=weeks,
            tutor_name=signed_by.strip(),
            paper=True,
            signed_on=signed_on,
            recorded_by=by,
            content=content,
        )
        record_event(
            convention,
            FollowupAction.PAPER_CERTIFICATE,
            period=period,
            by=by,
            ip=ip,
            detail=(
                f"Attestation papier signée le {signed_on:%d/%m/%Y} par {signed_by.strip()} : "
                f"{presence} jours de présence sur {scheduled} prévus ({weeks} semaines) ; "
                f"SHA-256 {certificate.sha256}."
            ),
        )
        record(
            AuditAction.PAPER_CERTIFICATE,
            actor=by,
            obj=certificate,
            establishment=convention.student.cohort.establishment,
            ip=ip,
            changes={"period": period.pk, "signed_on": signed_on.isoformat()},
        )
        return certificate
