"""From the maître d'apprentissage's link to a compliant verdict, in a real browser (issue 11).

A BTS Métiers de la Mesure apprentice: the copy of the contract is accepted and the report was
deposited before the deadline; now that everything is due, the verdict is "non conforme": the
grid and the report's visa come from the employer (seed 001 §2.2: the same supports as the voie
scolaire, §2.1.3 and §2.1.4), and there is no convention, so no tutor's link. The teacher records
the apprenticeship (employer, SIRET, maître d'apprentissage, contract dates) and sends the link;
the maître d'apprentissage, without an account, fills the grid and endorses the report; the
teacher co-signs the grid, and the student's verdict turns "conforme".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from milieu.apprenticeships.models import ApprenticeEvaluation
from milieu.evidence.operations import deposit_evidence
from milieu.factories import AcademieFactory, valid_siret
from milieu.reports.models import ReportEndorsement
from milieu.reports.operations import deposit_report, set_deadline
from tests.browser.pages import SCREENSHOTS, WIDER_THAN_SCREEN, log_in, new_page
from tests.core.conftest import make_school
from tests.reports.pdfs import Page as PdfPage
from tests.reports.pdfs import make_pdf, mm_pages

CHROMIUM = Path("/usr/bin/chromium")
MM = "bts-metiers-de-la-mesure"
PARIS = ZoneInfo("Europe/Paris")

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


def test_the_employer_link_turns_the_apprentice_s_verdict_compliant(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    cohort = school.cohort
    cohort.diploma = MM
    cohort.training_start = date(2025, 9, 8)
    cohort.school_year = 2025
    cohort.session = 2027
    cohort.save()
    apprentice = school.student
    apprentice.pathway = "apprentissage"
    apprentice.save()
    set_deadline(cohort, date(2027, 4, 30), by=school.ddfpt)
    deposit_evidence(
        apprentice,
        by=school.ddfpt,
        kind="apprenticeship-contract",
        upload=SimpleUploadedFile(
            "contrat.pdf", make_pdf([PdfPage("Contrat d'apprentissage")]), "application/pdf"
        ),
    )
    with time_machine.travel(datetime(2027, 4, 2, 10, 0, tzinfo=PARIS), tick=False):
        deposit_report(
            apprentice,
            SimpleUploadedFile("rapport.pdf", make_pdf(mm_pages()), "application/pdf"),
            by=school.student_user,
        )
    student_url = f"{live_server.url}/eleves/{apprentice.pk}/"

    # after the deadline, before the exam: everything is due
    with time_machine.travel(datetime(2027, 5, 3, 9, 0, tzinfo=PARIS), tick=True):
        teacher = log_in(browser, live_server, school.teacher.email)
        teacher.goto(student_url)
        expect(teacher.locator("[data-verdict-status]")).to_have_attribute(
            "data-verdict-status", "non-compliant"
        )
        assert {"EVALUATION_MISSING", "REPORT_NOT_ENDORSED"} <= findings_on(teacher)

        # the teacher records the apprenticeship and sends the link
        teacher.locator("[data-apprenticeship-link] a").click()
        record = teacher.locator("[data-apprenticeship-form]")
        record.get_by_label("Employeur", exact=True).fill("Métrologie de l'Est")
        record.locator("[name=apprentissage-siret]").fill(valid_siret(21))
        record.locator("[name=apprentissage-master_name]").fill("Claire Weber")
        record.locator("[name=apprentissage-master_email]").fill("claire.weber@metrologie-est.fr")
        record.locator("[name=apprentissage-start]").fill("2025-09-01")
        record.locator("[name=apprentissage-end]").fill("2027-08-31")
        record.get_by_role("button", name="Enregistrer le contrat").click()
        expect(teacher.get_by_text("envoyez le lien au maître d'apprentissage")).to_be_visible()
        teacher.get_by_role("button", name=re.compile("Envoyer le lien")).click()
        expect(teacher.get_by_text("Le lien est envoyé à claire.weber")).to_be_visible()
        links = [
            found
            for message in mail.outbox
            for found in re.findall(
                r"https?://[^/\s]+(/apprentissage/maitre/[^/\s]+/)", str(message.body)
            )
        ]
        assert len(links) == 1

        # the maître d'apprentissage, without an account, through the link
        employer = new_page(browser)
        employer.goto(live_server.url + links[0])
        expect(employer.get_by_role("heading", level=1)).to_contain_text(apprentice.full_name)
        # the maître d'apprentissage may well open it on a phone: nothing wider than the screen
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in (375, 1280):
            employer.set_viewport_size({"width": width, "height": 900})
            employer.screenshot(path=str(SCREENSHOTS / f"maitre-apprentissage-{width}.png"))
            scroll = employer.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (width, scroll, employer.evaluate(WIDER_THAN_SCREEN))
        grid = employer.locator("[data-grid-form]")
        for select in grid.locator("select").all():
            select.select_option(label="Satisfaisant")
        grid.get_by_label("Appréciation proposée").fill("Apprentie rigoureuse et autonome.")
        grid.get_by_label("Votre nom").fill("Claire Weber")
        grid.get_by_role("button", name=re.compile("Transmettre à l.équipe pédagogique")).click()
        expect(employer.get_by_text("Grille d'évaluation transmise")).to_be_visible()
        visa = employer.locator("[data-endorse-form]")
        visa.get_by_label("Votre nom").fill("Claire Weber")
        visa.get_by_role("button", name="Viser le rapport").click()
        expect(employer.locator("[data-endorsed]")).to_be_visible()

        # the teacher co-signs the grid: the verdict turns compliant
        teacher.reload()
        teacher.set_viewport_size({"width": 375, "height": 900})
        teacher.screenshot(path=str(SCREENSHOTS / "apprentissage-375.png"), full_page=True)
        assert teacher.evaluate("document.documentElement.scrollWidth") <= 375
        teacher.set_viewport_size({"width": 1280, "height": 900})
        teacher.get_by_role("button", name="Arrêter conjointement la grille").click()
        expect(teacher.locator("[data-evaluation-cosigned]")).to_be_visible()
        teacher.goto(student_url)
        expect(teacher.locator("[data-verdict-status]")).to_have_attribute(
            "data-verdict-status", "compliant"
        )
        assert not {"EVALUATION_MISSING", "REPORT_NOT_ENDORSED"} & findings_on(teacher)
    assert ApprenticeEvaluation.objects.get().status == "cosigned"
    visa_row = ReportEndorsement.objects.get()
    assert visa_row.tutor_name == "Claire Weber" and visa_row.employer_access is not None
