"""Issue 13 §19: the main lists stay readable on a 375 px phone and at 1280 px: the page is
never wider than the screen, a wide table scrolls inside its DSFR container. Screenshots are
kept under ``var/screenshots/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from milieu.factories import AcademieFactory, PlacementFactory
from milieu.hosts.enums import PlacementStatus
from tests.browser.day import convention_for, new_student, up_to
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
def _live_settings(
    settings: Any, live_server: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_main_lists_fit_a_phone_and_a_desktop(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    for step in ("submitted", "validated", "approved"):
        up_to(school, convention_for(school, new_student(school)), step)
    for status in (PlacementStatus.PROPOSED, PlacementStatus.VALIDATED):
        PlacementFactory.create(
            student=new_student(school), cohort_period=school.period, status=status
        )
    # the convention form: its timetable table widened the page through its fieldset
    draft = convention_for(school, new_student(school))
    pages = {
        "convention-modifier": f"/conventions/{draft.pk}/modifier/",
        "promotions": "/promotions/",
        "promotion-eleves": f"/promotions/{school.cohort.pk}/",
        "placements": f"/promotions/{school.cohort.pk}/placements/",
        "conventions": "/conventions/",
        "recherche": f"/eleves/recherche/?q={school.student.last_name}",
    }

    page = log_in(browser, live_server, school.ddfpt.email)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (path, width, wide, page.evaluate(WIDER_THAN_SCREEN))
            assert page.locator("main table").count() >= 1, path
