"""The checker page in a real browser: load a sample, submit through htmx, read the verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from milieu.checker.samples import get_sample
from milieu.rules import dumps_verdict, evaluate

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium de Debian absent (/usr/bin/chromium) : apt-get install -y chromium",
    ),
]


@pytest.fixture
def page(live_server: LiveServer) -> Iterator[Page]:
    """A chromium page; playwright stops before the database is flushed."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_load_a_sample_and_read_its_verdict(page: Page, live_server: LiveServer) -> None:
    sample = get_sample("example-mm-short-and-late")
    assert sample is not None
    page.goto(f"{live_server.url}/dossiers/verifier/")

    page.get_by_role("link", name=f"Charger l’exemple : {sample.title}").click()
    assert json.loads(page.locator("#id_dossier").input_value()) == sample.dossier
    page.get_by_role("button", name="Vérifier").click()

    verdict = page.locator("[data-verdict-json]")
    verdict.wait_for(state="attached")
    assert verdict.text_content() == dumps_verdict(evaluate(sample.dossier))
    assert page.locator("[data-verdict-status]").inner_text().lower() == "non conforme"
    # htmx swapped the result in: still the same page, focus on the result heading.
    assert page.url == f"{live_server.url}/dossiers/verifier/"
    assert page.evaluate("document.activeElement.id") == "resultats"


def test_invalid_json_is_explained_and_the_text_kept(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/dossiers/verifier/")
    page.locator("#id_dossier").fill('{"diploma": "bts-ciel",}')

    page.get_by_role("button", name="Vérifier").click()

    error = page.locator("#id_dossier-error")
    error.wait_for()
    assert "n’est pas du JSON valide" in error.inner_text()
    assert page.locator("#id_dossier").input_value() == '{"diploma": "bts-ciel",}'
