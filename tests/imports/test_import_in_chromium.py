"""The sample file through a real browser: upload, preview with its bad line, both choices."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from milieu.imports.samples import get_sample
from tests.imports.conftest import School

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium de Debian absent (/usr/bin/chromium) : apt-get install -y chromium",
    ),
]


@pytest.fixture
def page(live_server: LiveServer, school_a: School) -> Iterator[Page]:
    """A chromium page logged in as school A's secretary (session cookie of the test client)."""
    client = Client()
    client.force_login(school_a.secretary)
    session = client.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="fr-FR")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_the_sample_with_its_bad_line(page: Page, live_server: LiveServer, school_a: Any) -> None:
    sample = get_sample("eleves-exemple.csv")
    assert sample is not None
    page.goto(f"{live_server.url}/imports/etablissements/{school_a.establishment.pk}/eleves/")

    page.get_by_label("Promotion de destination").select_option(str(school_a.cohort.pk))
    page.get_by_label("Fichier à importer").set_input_files(str(sample.path))
    page.get_by_role("button", name="Vérifier le fichier").click()

    bad = page.locator('[data-line="7"]')
    bad.wait_for()
    assert "31/02/2009" in bad.inner_text()
    assert "cette date n’existe pas" in bad.inner_text()

    page.locator("label[for=mode-tout-ou-rien]").click()
    page.get_by_role("button", name="Confirmer l’import").click()
    page.get_by_text("« Tout ou rien » est impossible").wait_for()
    assert page.locator('[data-job-status="ready"]').count() == 1  # nothing written

    page.locator("label[for=mode-lignes-valides]").click()
    page.get_by_role("button", name="Confirmer l’import").click()

    done = page.locator('[data-job-status="done"] [data-job-summary]')
    done.wait_for()
    assert done.inner_text() == "9 élèves créés, 0 mis à jour, 1 ligne en erreur ignorée."
