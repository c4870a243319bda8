"""The tutor's page on a phone (375 px): visible DSFR fields, one criterion of the grid per row,
nothing wider than the screen, the intern's presence confirmed and the grid filled and
transmitted from there (issue 13 §3 and "Done means").

A screenshot of the page is kept under ``var/screenshots/`` as a test artefact."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from milieu.factories import AcademieFactory
from milieu.followup.models import Evaluation
from tests.browser.pages import new_page
from tests.core.conftest import make_school
from tests.followup.conftest import link, signed

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

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


def test_the_tutor_fills_the_grid_on_a_375_px_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Lyon"), "A")
    convention = signed(school, periods=[(date(2026, 5, 4), date(2026, 6, 12))])
    token, _ = link(convention, school.teacher)

    page = new_page(browser)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/suivi/tuteur/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(school.student.full_name)

    grid = page.locator("[data-evaluation] form")
    items = grid.locator("[data-grid-item]")
    assert items.count() >= 3
    for select in grid.locator("select").all():
        # a DSFR select: visible, with its grey background, as wide as the column
        assert "fr-select" in (select.get_attribute("class") or "")
        box = select.bounding_box()
        assert box is not None and 250 <= box["width"] <= 375
        background = select.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    for field in page.locator("form input.fr-input, form textarea.fr-input").all():
        assert field.is_visible()
    # nothing wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "tuteur-375.png"), full_page=True)

    # the tutor's day (issue 13, "Done means"): confirm the intern's presence, then the grid
    presence = page.locator("[data-presence-form]")
    presence.get_by_label("Jour de présence").fill("2026-05-05")
    presence.get_by_label("Votre nom").fill("Paul Keller")
    presence.get_by_role("button", name="Je confirme la présence du stagiaire").click()
    expect(page.locator("[data-presence]").first).to_contain_text(
        "Présence confirmée le 05/05/2026 par Paul Keller"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    grid = page.locator("[data-evaluation] form")

    for select in grid.locator("select").all():
        select.select_option(label="Satisfaisant")
    grid.get_by_label("Appréciation proposée").fill("Stagiaire rigoureux.")
    grid.get_by_label("Votre nom").fill("Paul Keller")
    grid.get_by_role("button", name="Transmettre à l'équipe pédagogique").click()
    expect(page.get_by_text("État : ", exact=False).first).to_be_visible()
    evaluation = Evaluation.objects.get(convention=convention)
    assert evaluation.status == "filled" and evaluation.tutor_name == "Paul Keller"
