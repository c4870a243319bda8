"""Conventions made through the operations the pages call: at every step for a school's
first cohort, and one taken to its signature for the stories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from milieu.conventions.amendments import create_amendment, send_amendment_for_signature
from milieu.conventions.checks import check_convention
from milieu.conventions.documents import render_pdf
from milieu.conventions.models import Convention, ConventionTransition
from milieu.conventions.operations import (
    approve_convention,
    create_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature, sign_on_paper
from milieu.establishments.models import Establishment
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Host, Placement
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.students.models import Student


def demo_pdf_scan(title: str) -> bytes:
    """A one-page PDF standing for a signed paper copy."""
    return render_pdf("conventions/pdf/paper_scan.html", {"title": title})


def conventions_at_every_step(school: Establishment) -> int:
    """Conventions at every step for the first cohort of an establishment, made with the
    operations the pages call: a draft, one validated, one approved, one out for signature
    (links in the console), one signed and sealed, one signed then amended by an avenant."""
    head = User.objects.get(memberships__establishment=school, memberships__role=Role.HEAD)
    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    placements = list(
        Placement.objects.filter(
            student__cohort__establishment=school,
            status=PlacementStatus.ARRETE,
            student__birth_date__lt=date(2008, 1, 1),
        )
        .select_related("student", "student__cohort", "cohort_period", "host", "tutor")
        .order_by("student__cohort__name", "pk")[:6]
    )
    made = 0
    for step, placement in enumerate(placements):
        student = placement.student
        teacher = student.cohort.teachers.first()
        if teacher is None or placement.tutor is None:
            continue
        window = placement.cohort_period
        convention = create_convention(
            student=student,
            host=placement.host,
            periods=[(window.start, window.end)],
            by=teacher,
            tutor=placement.tutor,
            placement=placement,
            referent=teacher,
            activities="Participation aux activités de l'équipe, sous la responsabilité du tuteur.",
            objectives="Compétences du référentiel travaillées pendant la période.",
            host_signatory_name="Direction de l'organisme",
            host_signatory_position="Gérant",
            host_signatory_email=f"direction.{placement.host.pk}@organisme.demo.milieu.fr",
            gratification_hourly=Decimal("4.50"),
            liability_insurance="Assurance responsabilité civile de l'organisme d'accueil.",
        )
        made += 1
        if step >= 1:
            submit_convention(convention, by=teacher)
        if step >= 2:
            validate_convention(convention, by=ddfpt)
        if step >= 3 and not [p for p in convention_problems(convention) if p.blocking]:
            approve_convention(convention, by=head)
        else:
            continue
        if step >= 4:
            send_for_signature(convention, by=ddfpt)
        if step >= 5:
            for signatory in convention.signatories.all():
                sign_on_paper(signatory, demo_pdf_scan(f"Convention n° {convention.pk}"), by=ddfpt)
            convention = Convention.objects.get(pk=convention.pk)
            amendment = create_amendment(
                convention,
                by=ddfpt,
                reason="Report d'une semaine à la demande de l'organisme.",
                new_periods=[(window.start + timedelta(days=7), window.end + timedelta(days=7))],
            )
            send_amendment_for_signature(amendment, by=ddfpt)
            for signatory in amendment.signatories.all():
                sign_on_paper(signatory, demo_pdf_scan(f"Avenant n° {amendment.number}"), by=ddfpt)
    return made


def convention_problems(convention: Any) -> list[Any]:
    return check_convention(convention)


def demo_convention(
    student: Student,
    host: Host,
    period: tuple[date, date],
    teacher: User,
    *,
    sign: bool = True,
    **fields: Any,
) -> Any:
    """A convention taken through the pages' operations to its approval, then (`sign`) signed
    on paper the week before its period; None when a blocking problem stops it. The tutor is
    the host's first one unless `fields` names another."""
    school = student.cohort.establishment
    head = User.objects.get(memberships__establishment=school, memberships__role=Role.HEAD)
    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    fields.setdefault("tutor", host.tutors.order_by("pk").first())
    convention = create_convention(
        student=student,
        host=host,
        periods=[period],
        by=teacher,
        referent=teacher,
        host_signatory_name="Direction de l'organisme",
        host_signatory_position="Gérant",
        host_signatory_email=f"direction.{host.pk}@organisme.demo.milieu.fr",
        liability_insurance="Assurance responsabilité civile de l'organisme d'accueil.",
        **fields,
    )
    submit_convention(convention, by=teacher)
    validate_convention(convention, by=ddfpt)
    if [p for p in convention_problems(convention) if p.blocking]:
        return None
    approve_convention(convention, by=head)
    if sign:
        send_for_signature(convention, by=ddfpt)
        for signatory in convention.signatories.all():
            sign_on_paper(signatory, demo_pdf_scan(f"Convention n° {convention.pk}"), by=ddfpt)
        ConventionTransition.objects.filter(convention=convention, to_status="signed").update(
            at=datetime.combine(period[0] - timedelta(days=7), datetime.min.time(), tzinfo=UTC)
        )
    return Convention.objects.get(pk=convention.pk)
