"""The pedagogy the texts require (issue 11): BEP préparation / exploitation and visits,
a jewellery visit confirmed by the tutor, a stay abroad with its adaptations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from milieu.demo.conventions import demo_convention
from milieu.demo.plans import (
    ACADEMIE_NAME,
)
from milieu.establishments.models import Cohort
from milieu.followup.operations import issue_tutor_link, resolve_access
from milieu.followup.pedagogy import record_pedagogy_session
from milieu.hosts.models import Host
from milieu.students.enums import Pathway
from milieu.students.models import Student
from milieu.visits.operations import answer_visit_as_tutor, plan_visit, record_visit_report

BEP_COHORT = "BEP MPMI 1re année"
BIJOU_COHORT = "BMA bijou 1re année"
ABROAD_COHORT = "BTS Métiers de la Mesure 1re année"


def _free_student(cohort: Cohort, **filters: Any) -> Student | None:
    """A student of `cohort` without any convention yet (the demo's first one that fits)."""
    busy = Student.objects.filter(conventions__isnull=False)
    return (
        Student.objects.filter(cohort=cohort, pathway=Pathway.SCOLAIRE, **filters)
        .exclude(pk__in=busy)
        .order_by("pk")
        .first()
    )


def pedagogy_stories() -> None:
    """Issue 11, « Pedagogy the texts require », each through the operations the pages call:
    a BEP period with its préparation, two visits and its exploitation pédagogique (seed 000
    §1); a jewellery convention whose planned visit the tutor confirmed from the link (seed 004);
    a stay abroad whose convention states its adaptations and the embassy's notice (seeds 001
    and 003 §2.1.1)."""
    today = date.today()
    french = list(
        Host.objects.filter(country="FR", tutors__email__gt="").distinct().order_by("-pk")[:3]
    )
    if len(french) < 2:
        return

    bep = Cohort.objects.filter(name=BEP_COHORT, establishment__academie__name=ACADEMIE_NAME)
    cohort = bep.first()
    phase = cohort.periods.order_by("start").first() if cohort else None
    student = _free_student(cohort) if cohort else None
    teacher = cohort.teachers.order_by("pk").first() if cohort else None
    if cohort and phase and student and teacher:
        span = (phase.start, phase.end)
        convention = demo_convention(
            student,
            french[0],
            span,
            teacher,
            activities="Observation de l'atelier de production, découverte des postes d'usinage.",
            objectives="Découvrir l'entreprise et la production de biens techniques.",
        )
        if convention is not None:
            period = convention.periods.get(active=True)
            for offset, hour in ((1, 9), (3, 14)):
                day = period.start + timedelta(days=offset)
                visit = plan_visit(
                    convention,
                    by=teacher,
                    teacher=teacher,
                    period=period,
                    when=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
                )
                if day <= today:
                    record_visit_report(
                        visit,
                        by=teacher,
                        seen="L'élève observe le réglage d'un centre d'usinage avec le tuteur.",
                        difficulties="Vocabulaire technique encore hésitant.",
                        actions="Fiche de vocabulaire à compléter avant l'exploitation.",
                    )
            sessions = (
                (
                    "preparation",
                    period.start - timedelta(days=7),
                    "Présentation de l'entreprise d'accueil, consignes de sécurité, "
                    "questionnaire d'observation de la production.",
                ),
                (
                    "exploitation",
                    period.end + timedelta(days=7),
                    "Restitution orale devant la classe à partir du questionnaire ; "
                    "mise en relation avec les cours de fabrication.",
                ),
            )
            for kind, held_on, content in sessions:
                if held_on <= today:
                    record_pedagogy_session(
                        period,
                        kind=kind,
                        held_on=held_on,
                        led_by=str(teacher.get_full_name() or teacher.email),
                        content=content,
                        by=teacher,
                    )

    bijou = Cohort.objects.filter(name=BIJOU_COHORT, establishment__academie__name=ACADEMIE_NAME)
    cohort = bijou.first()
    window = cohort.periods.order_by("start").first() if cohort else None
    student = _free_student(cohort) if cohort else None
    teacher = cohort.teachers.order_by("pk").first() if cohort else None
    if cohort and window and student and teacher:
        convention = demo_convention(
            student,
            french[1],
            (window.start, window.end),
            teacher,
            activities="Sertissage, finitions et polissage de bagues sous la conduite du tuteur.",
            objectives="Réaliser tout ou partie d'un bijou ; procéder aux finitions.",
        )
        if convention is not None:
            period = convention.periods.get(active=True)
            day = period.start + timedelta(days=8)
            visit = plan_visit(
                convention,
                by=teacher,
                teacher=teacher,
                period=period,
                when=datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC),
            )
            access = resolve_access(issue_tutor_link(convention, by=teacher))
            answer_visit_as_tutor(
                access,
                visit,
                confirm=True,
                tutor_name=str(convention.tutor),
                comment="L'atelier de sertissage est au premier étage.",
            )

    mesure = Cohort.objects.filter(name=ABROAD_COHORT, establishment__academie__name=ACADEMIE_NAME)
    cohort = mesure.first()
    window = cohort.periods.order_by("start").first() if cohort else None
    student = _free_student(cohort, birth_date__lt=date(2008, 1, 1)) if cohort else None
    teacher = cohort.teachers.order_by("pk").first() if cohort else None
    abroad = Host.objects.exclude(country="FR").filter(tutors__isnull=False).order_by("pk").first()
    if cohort and window and student and teacher and abroad:
        demo_convention(
            student,
            abroad,
            (window.start, window.end),
            teacher,
            sign=False,
            gratification_hourly=Decimal("4.50"),
            activities="Étalonnage d'instruments de mesure au laboratoire de métrologie.",
            objectives="Compétences de la métrologie : étalonner, vérifier, rédiger un constat.",
            foreign_law_adaptations="Horaires, jours fériés et protection sociale du pays "
            "d'accueil ; l'élève reste affilié au régime des accidents du travail français "
            "(article L412-8 du code de la sécurité sociale).",
            embassy_notified_on=min(today, window.start - timedelta(days=30)),
        )
