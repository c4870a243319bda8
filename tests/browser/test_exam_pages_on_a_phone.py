"""Issue 10: the establishment board, the API keys and the reports' conformity pages fit a
375 px phone and a 1280 px desktop (wide tables scroll inside their DSFR container); the key
created in the browser is shown once. Screenshots are kept under ``var/screenshots/``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import AcademieFactory, StudentFactory, member
from milieu.people.enums import Role
from milieu.students.models import Student
from tests.browser.pages import SCREENSHOTS, WIDER_THAN_SCREEN, log_in
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
def _live_settings(settings: Any, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url


def fits(page: Any, url: str, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, (url, width, wide, page.evaluate(WIDER_THAN_SCREEN))


def test_the_exam_pages_fit_a_phone_and_a_desktop(
    browser: Browser, live_server: LiveServer
) -> None:
    academie = AcademieFactory.create(name="Strasbourg")
    school = make_school(academie, "A")
    StudentFactory.create_batch(3, cohort=school.cohort)
    StudentFactory.create_batch(2, cohort=school.other_cohort)
    refresh_verdicts(Student.objects.all(), date(2028, 9, 1))
    service = member(Role.EXAM_SERVICE, academie=academie, email="examens@ac-strasbourg.fr")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    head = log_in(browser, live_server, school.head.email)
    fits(head, f"{live_server.url}/examens/tableau-etablissement/", "tableau-etablissement")
    assert head.locator("[data-student]").count() == 6  # both cohorts sit the 2028 session

    page = log_in(browser, live_server, service.email)
    page.goto(f"{live_server.url}/examens/api/cles/")
    page.get_by_label("Libellé").fill("Logiciel des examens")
    page.get_by_role("button", name="Créer la clé").click()
    key = page.locator("[data-key]").inner_text()
    assert key.startswith("milieu_")
    fits(page, f"{live_server.url}/examens/api/cles/", "cles-api")
    assert key not in page.content()
    fits(
        page, f"{live_server.url}/examens/conformite-rapports/?session=2028", "conformite-rapports"
    )
    assert page.locator("[data-student]").count() == 2
