"""The histories of a visit and of a stage's follow-up on a 375 px phone and at 1280 px: each
step's change of state, address and comment are shown, and the page is never wider than the
screen: a list on the phone, the table from the md breakpoint. Screenshots are kept under
``var/screenshots/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from milieu.factories import AcademieFactory
from milieu.followup.operations import fill_evaluation
from milieu.visits.operations import answer_visit_as_tutor, cancel_visit
from tests.browser.pages import SCREENSHOTS, WIDER_THAN_SCREEN, log_in
from tests.core.conftest import make_school
from tests.followup.conftest import link
from tests.visits.conftest import convention_for, plan

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium de Debian absent (/usr/bin/chromium) : apt-get install -y chromium",
    ),
]

LONG = (
    "Le tuteur est en déplacement toute la semaine chez un client ; l'atelier reste ouvert mais "
    "personne ne peut recevoir l'enseignant avant la fin du mois."
)


@pytest.fixture(autouse=True)
def _live_settings(settings: Any, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_visit_and_follow_up_histories_fit_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    convention = convention_for(school)
    visit = plan(convention, school.teacher)
    _, access = link(convention, school.teacher)
    answer_visit_as_tutor(
        access, visit, confirm=True, tutor_name="Jean Tuteur", comment=LONG, ip="192.0.2.61"
    )
    cancel_visit(visit, by=school.teacher, reason=LONG, ip="2001:db8::1:2:3:4")
    grid = convention.student.cohort.catalogue_extra["evaluation_grid"]
    fill_evaluation(
        access,
        levels={item["code"]: 1 for item in grid["items"]},
        comments={},
        appreciation=LONG,
        tutor_name="Jean Tuteur",
        ip="192.0.2.62",
    )
    pages = {  # the page, its history table, a step's change of state and its address
        "visite-historique": (
            reverse("visits:detail", args=[visit.pk]),
            "[data-visit-events]",
            "Prévue → Annulée",
            "2001:db8::1:2:3:4",
        ),
        "suivi-historique": (
            reverse("followup:convention", args=[convention.pk]),
            "table[data-grid-steps]",
            "Brouillon → Remplie par le tuteur",
            "192.0.2.62",
        ),
    }

    page = log_in(browser, live_server, school.teacher.email)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, (path, table, states, address) in pages.items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, path
            # a list on the phone, the table from the md breakpoint: only one is shown
            visible, hidden = (
                ("[data-steps-list]", table) if width < 768 else (table, "[data-steps-list]")
            )
            assert page.locator(visible).is_visible() and not page.locator(hidden).is_visible()
            shown = page.locator(visible).inner_text()
            assert states in shown and address in shown and "Jean Tuteur" in shown
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (path, width, wide, page.evaluate(WIDER_THAN_SCREEN))
