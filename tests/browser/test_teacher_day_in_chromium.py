"""The teacher's day in a real browser (issue 13, "Done means"): from the dashboard's queues,
validate a convention a student submitted, plan the visit of a signed stage, read a deposited
report; the dashboard is kept as screenshots at 375 and 1280 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from milieu.conventions.operations import submit_convention
from milieu.factories import AcademieFactory, ConventionFactory
from milieu.reports.operations import deposit_report
from milieu.visits.models import Visit
from tests.browser.day import PERIOD_1, convention_for, mm_periods, new_student
from tests.browser.pages import dashboard_screenshots, log_in
from tests.core.conftest import make_school
from tests.reports.pdfs import make_pdf, mm_pages

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium de Debian absent (/usr/bin/chromium) : apt-get install -y chromium",
    ),
]


@pytest.fixture(autouse=True)
def _live_settings(
    settings: Any, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_teacher_validates_plans_a_visit_and_reads_a_report(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    mm_periods(school)
    teacher = school.other_teacher  # in charge of the BTS Métiers de la Mesure cohort
    # a convention the student submitted (the teacher may validate it: four eyes)
    submitter = new_student(school, cohort=school.other_cohort, account="mm1@exemple.fr")
    submitted = convention_for(school, submitter)
    submit_convention(submitted, by=submitter.user)
    # a signed stage without its visit
    signed = ConventionFactory.create(
        signed=True,
        student=new_student(school, cohort=school.other_cohort),
        created_by=school.ddfpt,
        referent=teacher,
        periods=[PERIOD_1],
    )
    # a report deposited by a student of the cohort
    author = new_student(school, cohort=school.other_cohort, account="mm2@exemple.fr")
    deposit_report(
        author,
        SimpleUploadedFile("rapport.pdf", make_pdf(mm_pages()), "application/pdf"),
        by=author.user,
    )

    page = log_in(browser, live_server, teacher.email)
    dashboard_screenshots(page, live_server.url, "enseignant")

    # validate
    queue = page.locator('[data-queue="conventions-to-validate"]')
    expect(queue.locator("[data-queue-count]")).to_have_text("1")
    queue.get_by_role("link", name=f"Valider la convention n° {submitted.pk}").click()
    page.get_by_role("button", name="Valider (équipe pédagogique)").click()
    expect(page.locator("[data-convention-status]")).to_have_attribute(
        "data-convention-status", "validated"
    )

    # plan the visit of the signed stage's period
    page.get_by_role("link", name="Tableau de bord").first.click()
    visits = page.locator('[data-queue="visits-to-plan"]')
    expect(visits.locator("[data-queue-count]")).to_have_text("1")
    visits.get_by_role("link", name=f"Planifier la visite de {signed.student}").click()
    page.get_by_label("Date et heure de la visite").fill("2027-06-10T10:00")
    page.get_by_role("button", name="Planifier la visite").click()
    expect(page.get_by_text("La visite est planifiée le 10/06/2027 à 10:00.")).to_be_visible()
    assert Visit.objects.get().teacher == teacher

    # read the report: its page shows the analysis
    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.locator('[data-queue="visits-to-plan"] [data-queue-count]')).to_have_text("0")
    reports = page.locator('[data-queue="reports-to-read"]')
    expect(reports).to_contain_text("15 pages de corps, 4 d’annexes, format A4")
    reports.get_by_role("link", name=f"Lire le rapport de {author}").click()
    expect(page.locator("[data-latest]")).to_contain_text("Version 1 déposée le")
    expect(page.get_by_role("heading", name="Conformité de la version 1")).to_be_visible()
