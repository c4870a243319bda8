"""Issue 11, « Done means »: one candidate of each pathway reaches *conforme* through pages.

The demo's builder (`milieu.pathways_demo`) leaves each candidate of a BTS CIEL cohort of session
2027 one piece short; each last piece is then given through the page a person would use (the
tutor's link, the maître d'apprentissage's link, the evidence page, the report page, the special
contracts page, the grid page), and the student's page says *conforme*. Seeds: 003 §2.1 (voie
scolaire), §2.2 (apprentices), §2.3.1 (contrat de travail de type particulier), §2.3.2
(perfectionnement), §2.4 (distance), §2.5 (professional experience), §4 (repeaters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milieu.contracts.models import SpecialContract
from milieu.conventions.models import Convention
from milieu.factories import (
    AcademieFactory,
    CohortFactory,
    EstablishmentFactory,
    HostFactory,
    TutorFactory,
    member,
)
from milieu.pathways_demo import LAST_PIECES, PathwayCandidates, build_pathway_candidates
from milieu.people.enums import Role
from milieu.reports.operations import set_deadline
from milieu.students.models import Student

PARIS = ZoneInfo("Europe/Paris")
BUILT = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)
GIVEN = datetime(2026, 11, 24, 9, 0, tzinfo=PARIS)
# after the report deadline (30 April 2027), before the exam: everything is due
JUDGED = datetime(2027, 5, 3, 9, 0, tzinfo=PARIS)


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> tuple[PathwayCandidates, dict[str, Any]]:
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.DEBUG = True  # a demo seal is made on first use, as in `make demo`
    school = EstablishmentFactory.create(academie=AcademieFactory.create(name="Voies"))
    staff = {
        "head": member(Role.HEAD, establishment=school, email="chef@voies.fr"),
        "ddfpt": member(Role.DDFPT, establishment=school, email="ddfpt@voies.fr"),
        "teacher": member(Role.TEACHER, establishment=school, email="prof@voies.fr"),
    }
    cohort = CohortFactory.create(
        establishment=school,
        name="BTS CIEL 2e année",
        diploma="bts-ciel",
        school_year=2025,
        training_start=date(2025, 9, 8),
        session=2027,
    )
    cohort.teachers.add(staff["teacher"])
    for index in range(4):
        host = HostFactory.create(name=f"Organisme {index}", headcount=30)
        TutorFactory.create(host=host, email=f"tuteur{index}@organisme.fr")
    with time_machine.travel(BUILT, tick=False):
        set_deadline(cohort, date(2027, 4, 30), by=staff["ddfpt"])
        made = build_pathway_candidates(cohort, finish=False)
    return made, staff


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_status(user: Any, student: Student) -> str:
    """The verdict on the student's page once everything is due (signed in then: a session
    does not outlive the idle timeout)."""
    with time_machine.travel(JUDGED, tick=False):
        response = client_for(user).get(reverse("students:detail", args=[student.pk]))
        text = response.content.decode()
    marker = 'data-verdict-status="'
    assert marker in text
    return text.split(marker, 1)[1].split('"', 1)[0]


def scan(name: str = "piece.pdf") -> SimpleUploadedFile:
    from milieu.conventions.documents import render_pdf

    content = render_pdf("conventions/pdf/paper_scan.html", {"title": name})
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def give_last_piece(label: str, made: PathwayCandidates, staff: dict[str, Any]) -> None:
    student = made.students[label]
    ddfpt, teacher = client_for(staff["ddfpt"]), client_for(staff["teacher"])
    evidence = reverse("evidence:student", args=[student.pk])
    response: Any
    if label == "scolaire":  # the tutor issues the certificate from their link
        convention = Convention.objects.get(student=student)
        period = convention.periods.get(active=True)
        response = Client().post(
            reverse("followup:tutor", kwargs={"token": made.tokens[label]}),
            {
                "action": "certificate",
                "certificate-period": str(period.pk),
                "certificate-tutor_name": str(convention.tutor),
            },
        )
    elif label == "apprenti":  # the maître d'apprentissage fills the grid, the teacher co-signs
        grid = student.cohort.catalogue_extra["evaluation_grid"]
        form = {f"grille-level_{item['code']}": "2" for item in grid["items"]}
        form.update(
            {
                "grille-appreciation": "Apprenti fiable.",
                "grille-tutor_name": "Sophie Muller",
                "submit": "fill",
            }
        )
        link = reverse("apprenticeships:employer", kwargs={"token": made.tokens[label]})
        assert Client().post(link, form).status_code == 302
        apprenticeship = student.apprenticeships.get()
        response = teacher.post(reverse("apprenticeships:cosign", args=[apprenticeship.pk]))
    elif label == "contrat-particulier":  # the team states that the activities fit
        contract = SpecialContract.objects.get(student=student)
        response = ddfpt.post(reverse("contracts:confirm", args=[contract.pk]))
    elif label == "perfectionnement":  # the DDFPT deposits the work certificate
        response = ddfpt.post(
            evidence,
            {
                "piece-kind": "work-certificate",
                "piece-file": scan("certificat.pdf"),
                "piece-employer": "Numérique Strasbourg",
                "piece-start": "2025-06-02",
                "piece-end": "2026-10-30",
                "piece-full_time": "oui",
                "piece-in_sector": "oui",
            },
        )
    elif label == "experience":  # the report, deposited for the candidate
        from milieu.pathways_demo import report_pdf

        upload = report_pdf(
            "rapport.pdf", student, "Numérique Strasbourg", date(2025, 6, 2), date(2026, 10, 30)
        )
        response = ddfpt.post(reverse("reports:deposit", args=[student.pk]), {"fichier": upload})
    elif label == "distance":  # the teacher co-signs the grid the tutor sent
        convention = Convention.objects.get(student=student)
        response = teacher.post(reverse("followup:evaluation_cosign", args=[convention.pk]))
    elif label == "redoublant":  # the previous session's grid
        response = ddfpt.post(
            evidence, {"piece-kind": "previous-evaluation", "piece-file": scan("grille-2026.pdf")}
        )
    else:  # the apprentice repeater's extended contract
        assert label == "redoublant-apprenti"
        response = ddfpt.post(
            evidence, {"piece-kind": "contract-extended", "piece-file": scan("avenant.pdf")}
        )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_each_pathway_reaches_conforme_through_pages(
    world: tuple[PathwayCandidates, dict[str, Any]], settings: Any
) -> None:
    # a deposited report is analysed by the background worker: here, inline (as with
    # TASKS_BACKEND=immediate), so that the page shows the verdict at once
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    made, staff = world
    assert set(made.students) == set(LAST_PIECES)
    head = staff["head"]
    for label, student in made.students.items():
        assert page_status(head, student) != "compliant", label
        with time_machine.travel(GIVEN, tick=False):
            give_last_piece(label, made, staff)
        assert page_status(head, student) == "compliant", label
