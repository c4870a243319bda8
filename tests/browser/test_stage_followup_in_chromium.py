"""From the tutor's link to a compliant verdict, in a real browser (BTS Métiers de la Mesure).

The convention is signed and its 12-week period is over. The student deposits the report
(the analysis is shown at once; seed 001 §2.1.3 wants it *visé* by the host); the teacher sees
the verdict "non conforme" for the missing certificate, grid and visa, and sends the tutor their
link; the tutor, without an account, confirms a day of presence, endorses the report, fills the
evaluation grid and issues the certificate; the teacher co-signs the grid (§2.1.4) and the
student's verdict, computed from those records, turns "conforme".
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from milieu.factories import AcademieFactory
from milieu.followup.models import Certificate, Evaluation
from milieu.reports.models import ReportEndorsement
from milieu.reports.operations import set_deadline
from tests.browser.pages import log_in, new_page
from tests.core.conftest import make_school
from tests.followup.conftest import signed
from tests.reports.pdfs import make_pdf, mm_pages

CHROMIUM = Path("/usr/bin/chromium")
MM = "bts-metiers-de-la-mesure"
PERIOD = (date(2026, 5, 4), date(2026, 7, 24))  # 12 weeks, Monday to Friday

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium de Debian absent (/usr/bin/chromium) : apt-get install -y chromium",
    ),
]


@pytest.fixture(autouse=True)
def _live_settings(settings: Any, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def findings_on(page: Page) -> set[str]:
    codes = page.locator("[data-verdict] [data-finding-code]").evaluate_all(
        "rows => rows.map(row => row.dataset.findingCode)"
    )
    return set(codes)


def form_with(page: Page, button: str) -> Any:
    return page.locator("form", has=page.get_by_role("button", name=button))


def test_the_tutor_link_turns_the_verdict_compliant(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    cohort = school.cohort
    cohort.diploma = MM
    cohort.training_start = date(2025, 9, 8)
    cohort.school_year = 2025
    cohort.session = 2027
    cohort.save()
    convention = signed(school, periods=[PERIOD])
    set_deadline(cohort, date(2027, 4, 30), by=school.ddfpt)
    report = tmp_path / "rapport-de-stage.pdf"
    report.write_bytes(make_pdf(mm_pages()))
    student_url = f"{live_server.url}/eleves/{school.student.pk}/"

    # the student deposits the report and reads its conformity at once
    student = log_in(browser, live_server, school.student_user.email)
    student.goto(f"{live_server.url}/rapports/eleves/{school.student.pk}/")
    student.locator("input[type=file]").set_input_files(str(report))
    student.get_by_role("button", name="Déposer").click()
    expect(student.get_by_text("Version 1", exact=False).first).to_be_visible()

    # the teacher reads the verdict: certificate, grid and visa are missing
    teacher = log_in(browser, live_server, school.teacher.email)
    teacher.goto(student_url)
    expect(teacher.locator("[data-verdict-status]")).to_have_attribute(
        "data-verdict-status", "non-compliant"
    )
    assert {"CERTIFICATE_MISSING", "EVALUATION_MISSING", "REPORT_NOT_ENDORSED"} <= findings_on(
        teacher
    )
    teacher.goto(f"{live_server.url}/suivi/conventions/{convention.pk}/")
    teacher.get_by_role("button", name="Envoyer un lien de suivi au tuteur").click()
    expect(teacher.get_by_text("Le lien de suivi est envoyé au tuteur.")).to_be_visible()
    links = [
        found
        for message in mail.outbox
        for found in re.findall(r"https?://[^/\s]+(/suivi/tuteur/[^/\s]+/)", str(message.body))
    ]
    assert len(links) == 1

    # the tutor, without an account, through the link
    tutor = new_page(browser)
    tutor.goto(live_server.url + links[0])
    expect(tutor.get_by_role("heading", level=1)).to_contain_text(school.student.full_name)
    presence = form_with(tutor, "Je confirme la présence du stagiaire")
    presence.get_by_label("Jour de présence").fill(PERIOD[0].isoformat())
    presence.get_by_label("Votre nom").fill("Paul Keller")
    presence.get_by_role("button", name="Je confirme la présence du stagiaire").click()

    visa = tutor.locator("[data-endorse-form]")
    visa.get_by_label("Votre nom").fill("Paul Keller")
    visa.get_by_role("button", name="Viser le rapport").click()
    expect(tutor.locator("[data-endorsed]")).to_be_visible()

    grid = form_with(tutor, "Transmettre à l'équipe pédagogique")
    for select in grid.locator("select").all():
        select.select_option(label="Satisfaisant")
    grid.get_by_label("Appréciation proposée").fill("Stagiaire rigoureux et autonome.")
    grid.get_by_label("Votre nom").fill("Paul Keller")
    grid.get_by_role("button", name="Transmettre à l'équipe pédagogique").click()

    certificate = form_with(tutor, "Délivrer l'attestation")
    certificate.get_by_label("Votre nom").fill("Paul Keller")
    certificate.get_by_role("button", name="Délivrer l'attestation").click()
    expect(tutor.get_by_role("link", name=re.compile("Télécharger l'attestation"))).to_be_visible()

    # the teacher co-signs the grid at the end of the stage: the verdict turns compliant
    teacher.goto(f"{live_server.url}/suivi/conventions/{convention.pk}/grille/")
    teacher.get_by_role("button", name="Arrêter conjointement la grille").click()
    teacher.goto(student_url)
    expect(teacher.locator("[data-verdict-status]")).to_have_attribute(
        "data-verdict-status", "compliant"
    )
    assert not {"CERTIFICATE_MISSING", "EVALUATION_MISSING", "REPORT_NOT_ENDORSED"} & findings_on(
        teacher
    )
    assert Certificate.objects.filter(period__convention=convention).count() == 1
    assert Evaluation.objects.get(convention=convention).status == "cosigned"
    assert ReportEndorsement.objects.filter(tutor_name="Paul Keller").count() == 1
