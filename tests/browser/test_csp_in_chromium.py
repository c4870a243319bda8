"""The Content-Security-Policy in a real browser: a DDFPT walks the main pages, the DSFR scripts
(menu, display settings) and htmx (live search, the checker) still work, and chromium reports
no violation of the policy, neither in the console nor as a `securitypolicyviolation` event."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

from milieu.conventions.operations import create_convention
from milieu.factories import AcademieFactory, HostFactory, TutorFactory
from tests.browser.pages import log_in, new_page
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

# Runs in every document before its own scripts (Playwright injects it through the DevTools
# protocol, which the page's policy does not govern).
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


@pytest.fixture(autouse=True)
def _live_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Watcher:
    """Collects what the console and the policy report on a page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.violations: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, url
        self.page.wait_for_load_state("networkidle")
        self.collect()

    def collect(self) -> None:
        self.violations += self.page.evaluate("window.__violations.splice(0)")

    def assert_clean(self) -> None:
        self.collect()
        csp_console = [text for text in self.console_errors if "Content Security Policy" in text]
        assert csp_console == []
        assert self.violations == []


def test_a_ddfpt_walks_the_main_pages_without_a_policy_violation(
    browser: Browser, live_server: LiveServer
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    host = HostFactory.create(name="Atelier Voltaire", headcount=50)
    convention = create_convention(
        student=school.student,
        host=host,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        by=school.teacher,
        tutor=TutorFactory.create(host=host),
        referent=school.teacher,
        activities="Câblage et supervision d'un réseau local.",
        objectives="Compétences C01 et C04.",
        host_signatory_name="Claire Dubois",
        host_signatory_position="Gérante",
        host_signatory_email="gerante@entreprise.exemple.fr",
    )

    page = log_in(browser, live_server, school.ddfpt.email)
    watcher = Watcher(page)
    base = live_server.url
    for path in [
        "/tableau-de-bord/",
        "/promotions/",
        f"/promotions/{school.cohort.pk}/",
        f"/promotions/{school.cohort.pk}/placements/",
        f"/eleves/{school.student.pk}/",
        "/conventions/",
        f"/conventions/{convention.pk}/",
        "/organismes/",
        "/organismes/tuteurs/",
        f"/imports/etablissements/{school.establishment.pk}/eleves/",
        "/regles/",
        "/regles/bts-ciel/",
        "/api/v1/docs",
        "/page-qui-n-existe-pas/",
    ]:
        watcher.visit(base + path)

    # htmx still works: the live search of the host directory narrows the list
    watcher.visit(base + "/organismes/")
    page.get_by_label("Rechercher un organisme").fill("Voltaire")
    expect(page.locator("#resultats-organismes")).to_contain_text("Atelier Voltaire")
    # the DSFR scripts still work: the display settings open in their dialog
    page.get_by_role("button", name="Paramètres d’affichage").click()
    expect(page.locator("#fr-theme-modal")).to_be_visible()

    watcher.assert_clean()


def test_the_watcher_sees_a_violation_when_one_happens(
    browser: Browser, live_server: LiveServer
) -> None:
    """The policy is enforced (not only sent): an inline style injected in the page is blocked
    and reported, so an empty report above means no violation, not a deaf watcher."""
    page = new_page(browser)
    watcher = Watcher(page)
    watcher.visit(live_server.url + "/")
    page.evaluate(
        "document.head.insertAdjacentHTML('beforeend', '<style>body { color: red; }</style>')"
    )
    page.wait_for_timeout(200)
    watcher.collect()

    assert watcher.violations and watcher.violations[0].startswith("style-src")


def test_the_checker_works_for_everyone_under_the_policy(
    browser: Browser, live_server: LiveServer
) -> None:
    page = new_page(browser)
    watcher = Watcher(page)
    watcher.visit(live_server.url + "/")
    watcher.visit(live_server.url + "/connexion/")
    watcher.visit(live_server.url + "/dossiers/verifier/")
    # checker.js loads a sample into the form; htmx posts it and swaps the verdict in
    page.get_by_role("link", name=re.compile("^Charger l’exemple")).first.click()
    expect(page.locator("#id_dossier")).not_to_have_value("")
    page.get_by_role("button", name="Vérifier").click()
    page.locator("[data-verdict-json]").wait_for(state="attached")

    watcher.assert_clean()
