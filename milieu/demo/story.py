"""A stage followed to its end (BTS CIEL 2e année), a classmate's left at its signed
convention, and what the console says of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from milieu.conventions.documents import render_pdf
from milieu.demo.conventions import demo_convention
from milieu.demo.plans import ACADEMIE_NAME
from milieu.establishments.models import Cohort
from milieu.factories import (
    member,
)
from milieu.followup.operations import (
    confirm_presence,
    cosign_evaluation,
    declare_absence,
    fill_evaluation,
    grid_of,
    issue_certificate,
    issue_tutor_link,
    resolve_access,
)
from milieu.hosts.models import Host
from milieu.pathways_demo import build_pathway_candidates, candidate_lines
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.reports.operations import deposit_report, set_deadline
from milieu.students.enums import Pathway
from milieu.students.models import Student
from milieu.visits.operations import plan_visit, record_visit_report

STORY_COHORT = "BTS CIEL 2e année"
STORY_EMAIL = "eleve.stage@demo.milieu.fr"
STORY_PERIOD = (date(2026, 5, 18), date(2026, 6, 29))
story_links: list[str] = []


def _signed_convention(student: Student, host: Host, tutor: Any, teacher: User) -> Any:
    """A convention over `STORY_PERIOD` taken through every step to its signature on paper."""
    convention = demo_convention(
        student,
        host,
        STORY_PERIOD,
        teacher,
        tutor=tutor,
        activities="Configuration de commutateurs, supervision du réseau local, procédures de sauvegarde.",
        objectives="Compétences de la spécialité : installer, configurer et superviser un réseau.",
    )
    if convention is None:
        raise RuntimeError(f"La convention de démonstration de {student} a un problème bloquant.")
    return convention


def _story_report(student: Student, convention: Any) -> bytes:
    period = convention.periods.get(active=True)
    return render_pdf(
        "demo/report.html",
        {
            "student": student.full_name,
            "cohort": student.cohort.name,
            "session": student.cohort.session,
            "host": convention.host.name,
            "start": period.start,
            "end": period.end,
            "paragraphs": range(6),
            "activity_pages": range(4),
        },
    )


def stage_story() -> None:
    """Two students of the BTS CIEL 2e année: one stage followed to its end through the very
    operations the pages call, one left at its signed convention with the tutor's link."""

    cohort = Cohort.objects.filter(
        name=STORY_COHORT, establishment__academie__name=ACADEMIE_NAME
    ).first()
    if cohort is None:
        return
    teacher = cohort.teachers.order_by("pk").first()
    ddfpt = User.objects.get(
        memberships__establishment=cohort.establishment, memberships__role=Role.DDFPT
    )
    busy = Student.objects.filter(conventions__isnull=False)
    students = list(
        Student.objects.filter(
            cohort=cohort, pathway=Pathway.SCOLAIRE, birth_date__lt=date(2007, 1, 1)
        )
        .exclude(pk__in=busy)
        .order_by("pk")[:2]
    )
    hosts = list(
        Host.objects.filter(country="FR", tutors__email__gt="").distinct().order_by("pk")[:2]
    )
    if teacher is None or len(students) < 2 or len(hosts) < 2:
        return
    followed, walked = students
    # the student deposits the report: give them an account
    followed.user = member(
        Role.STUDENT,
        establishment=cohort.establishment,
        email=STORY_EMAIL,
        first_name=followed.first_name,
        last_name=followed.last_name,
    )
    followed.save(update_fields=["user"])

    convention = _signed_convention(followed, hosts[0], hosts[0].tutors.first(), teacher)
    period = convention.periods.get(active=True)
    visit = plan_visit(
        convention,
        by=teacher,
        teacher=teacher,
        period=period,
        when=datetime(2026, 6, 10, 10, 0, tzinfo=UTC),
    )
    record_visit_report(
        visit,
        by=teacher,
        seen="Le stagiaire configure les commutateurs de l'atelier sous le contrôle du tuteur.",
        difficulties="Rédaction des procédures encore hésitante.",
        actions="Relecture des procédures avec le tuteur chaque vendredi.",
    )
    access = resolve_access(issue_tutor_link(convention, by=teacher))
    tutor_name = str(convention.tutor)
    confirm_presence(access, period, day=period.start, tutor_name=tutor_name)
    declare_absence(
        access,
        period,
        start=date(2026, 6, 3),
        end=date(2026, 6, 3),
        days=1,
        reason="Rendez-vous médical",
        declared_by=tutor_name,
    )
    issue_certificate(access, period, tutor_name=tutor_name)
    grid = grid_of(convention)
    if grid is not None:
        fill_evaluation(
            access,
            levels={item["code"]: 2 + index % 2 for index, item in enumerate(grid["items"])},
            comments={},
            appreciation="Stagiaire impliqué, autonome sur la configuration du réseau.",
            tutor_name=tutor_name,
        )
        cosign_evaluation(convention, by=teacher)
    set_deadline(cohort, date(cohort.session, 4, 30), by=ddfpt)
    pdf = _story_report(followed, convention)
    deposit_report(
        followed,
        SimpleUploadedFile("rapport-de-stage.pdf", pdf, content_type="application/pdf"),
        by=followed.user,
    )

    second = _signed_convention(walked, hosts[1], hosts[1].tutors.first(), teacher)
    plan_visit(
        second,
        by=teacher,
        teacher=teacher,
        period=second.periods.get(active=True),
        when=datetime(2026, 6, 12, 14, 0, tzinfo=UTC),
    )
    token = issue_tutor_link(second, by=teacher)

    story_links.append(settings.SITE_URL + reverse("followup:tutor", kwargs={"token": token}))


def story_lines(base_url: str) -> tuple[str, ...]:
    """What the console says of the followed stages (the tutor's link only on the first run)."""
    cohort = Cohort.objects.filter(
        name=STORY_COHORT, establishment__academie__name=ACADEMIE_NAME
    ).first()
    if cohort is None:
        return ()
    students = list(
        Student.objects.filter(
            cohort=cohort,
            conventions__periods__start=STORY_PERIOD[0],
            conventions__periods__end=STORY_PERIOD[1],
        )
        .distinct()
        .order_by("pk")
    )
    lines = []
    for student in students:
        url = base_url + reverse("students:detail", args=[student.pk])
        if student.user is not None and student.user.email == STORY_EMAIL:
            lines.append(
                f"Stage suivi jusqu'au bout ({student.full_name}, {cohort.name}) : {url} "
                f"(compte {STORY_EMAIL})"
            )
        else:
            lines.append(f"Stage à suivre vous-même ({student.full_name}) : {url}")
    for link in story_links:
        lines.append(f"Lien du tuteur de ce stage (sans compte) : {link}")
    if students and not story_links:
        lines.append(
            "Lien du tuteur : émettez-en un depuis la page « Suivi » de la convention "
            "(le courriel s'affiche dans la console)."
        )

    return tuple(lines) + candidate_lines(base_url)


def pathway_candidates() -> None:
    """One conforme candidate of each pathway in the followed stage's cohort (issue 11)."""
    cohort = Cohort.objects.filter(
        name=STORY_COHORT, establishment__academie__name=ACADEMIE_NAME
    ).first()
    if cohort is not None and cohort.teachers.exists():
        build_pathway_candidates(cohort)
