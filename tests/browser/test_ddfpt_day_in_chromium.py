"""The DDFPT's day in a real browser: log in, import a CSV with one bad row, read the error,
import the fixed file, see the students on the placement board; another school's staff cannot
reach them by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from milieu.imports.samples import get_sample
from milieu.students.models import Student
from tests.browser.pages import log_in
from tests.core.conftest import academie as academie

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
def _tasks_inline(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_import_fix_and_board(browser: Browser, live_server: LiveServer, academie: Any) -> None:
    from tests.core.conftest import make_school

    school_a = make_school(academie, "A")
    school_b = make_school(academie, "B")
    bad = get_sample("eleves-exemple.csv")
    fixed = get_sample("eleves-exemple-corrige.csv")
    assert bad is not None and fixed is not None

    page = log_in(browser, live_server, school_a.ddfpt.email)
    page.goto(f"{live_server.url}/imports/etablissements/{school_a.establishment.pk}/eleves/")
    page.get_by_label("Promotion de destination").select_option(str(school_a.cohort.pk))
    page.get_by_label("Fichier à importer").set_input_files(str(bad.path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    line = page.locator('[data-line="7"]')
    line.wait_for()
    assert "cette date n’existe pas" in line.inner_text()  # the DDFPT reads the error, in French

    page.goto(f"{live_server.url}/imports/etablissements/{school_a.establishment.pk}/eleves/")
    page.get_by_label("Promotion de destination").select_option(str(school_a.cohort.pk))
    page.get_by_label("Fichier à importer").set_input_files(str(fixed.path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_text("Toutes les lignes sont valides.").wait_for()
    page.get_by_role("button", name="Importer les 10 lignes").click()
    done = page.locator('[data-job-status="done"] [data-job-summary]')
    done.wait_for()
    assert done.inner_text().startswith("10 élèves créés")

    page.goto(f"{live_server.url}/promotions/{school_a.cohort.pk}/placements/")
    board = page.locator("main").inner_text()
    imported = list(Student.objects.filter(cohort=school_a.cohort).exclude(pk=school_a.student.pk))
    assert len(imported) == 10
    for student in imported:
        assert student.last_name.upper() in board.upper()

    other = log_in(browser, live_server, school_b.ddfpt.email)
    for student in imported[:3]:
        response = other.goto(f"{live_server.url}/eleves/{student.pk}/")
        assert response is not None and response.status == 404
        assert student.last_name.upper() not in other.locator("body").inner_text().upper()
    response = other.goto(f"{live_server.url}/promotions/{school_a.cohort.pk}/placements/")
    assert response is not None and response.status == 404
