"""The head's day in a real browser (issue 13, "Done means"): from the dashboard's queue, approve
a convention the team validated and *arrêter* a host choice, each in one click to its page;
the dashboard is kept as screenshots at 375 and 1280 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from milieu.conventions.enums import ConventionStatus
from milieu.factories import AcademieFactory, PlacementFactory
from milieu.hosts.enums import PlacementStatus
from tests.browser.day import convention_for, new_student, up_to
from tests.browser.pages import dashboard_screenshots, log_in
from tests.core.conftest import make_school

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


def test_the_head_approves_and_arretes_from_the_queue(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    validated = up_to(school, convention_for(school, new_student(school)), "validated")
    choice = PlacementFactory.create(
        student=school.student, cohort_period=school.period, status=PlacementStatus.VALIDATED
    )

    page = log_in(browser, live_server, school.head.email)
    dashboard_screenshots(page, live_server.url, "chef")
    queue = page.locator('[data-queue="to-approve"]')
    expect(queue.locator("[data-queue-count]")).to_have_text("1")

    # approve: the queue's button opens the convention at its next step
    queue.get_by_role("link", name=f"Approuver la convention n° {validated.pk}").click()
    page.get_by_role("button", name="Approuver (chef d'établissement)").click()
    expect(page.locator("[data-convention-status]")).to_have_attribute(
        "data-convention-status", "approved"
    )
    validated.refresh_from_db()
    assert validated.status == ConventionStatus.APPROVED

    # arrêter: the queue's button opens the student's page at the choice
    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.locator('[data-queue="to-approve"] [data-queue-count]')).to_have_text("0")
    arrete = page.locator('[data-queue="to-arrete"]')
    arrete.get_by_role("link", name=f"Arrêter le choix de {school.student}").click()
    page.locator(f'[data-placement="{choice.pk}"]').get_by_role(
        "button", name="Arrêter le choix"
    ).click()
    expect(page.get_by_text("Le choix de l’organisme est arrêté.")).to_be_visible()
    choice.refresh_from_db()
    assert choice.status == PlacementStatus.ARRETE

    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.locator('[data-queue="to-arrete"] [data-queue-count]')).to_have_text("0")
