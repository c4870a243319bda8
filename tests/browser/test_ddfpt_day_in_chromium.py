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


def test_the_ddfpt_sends_and_reminds_from_the_dashboard(
    browser: Browser, live_server: LiveServer, settings: Any, tmp_path: Path
) -> None:
    """Issue 13, "Done means": the DDFPT sends an approved convention for signature from the
    queue, then « Relancer » the parties of a convention whose signatures have waited for more
    than three days (with its confirmation), and is brought back to the dashboard."""
    from django.core import mail
    from playwright.sync_api import expect

    from milieu.conventions.enums import ConventionStatus
    from milieu.factories import AcademieFactory
    from tests.browser.day import age_links, convention_for, new_student, up_to
    from tests.browser.pages import dashboard_screenshots
    from tests.core.conftest import make_school

    settings.SITE_URL = live_server.url
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIGNATURE_REMINDER_AFTER_DAYS = 3
    school = make_school(AcademieFactory.create(name="Nancy-Metz"), "A")
    approved = up_to(school, convention_for(school, new_student(school)), "approved")
    late = up_to(school, convention_for(school, new_student(school)), "signing")
    age_links(late, 5)
    mail.outbox.clear()

    page = log_in(browser, live_server, school.ddfpt.email)
    dashboard_screenshots(page, live_server.url, "ddfpt")
    expect(page.locator('[data-queue="to-send"] [data-queue-count]')).to_have_text("1")
    expect(page.locator('[data-queue="to-remind"] [data-queue-count]')).to_have_text("1")

    # send: one click to the convention's next step
    page.locator('[data-queue="to-send"]').get_by_role(
        "link", name=f"Envoyer la convention n° {approved.pk}"
    ).click()
    page.get_by_role("button", name="Envoyer en signature").click()
    expect(page.locator("[data-convention-status]")).to_have_attribute(
        "data-convention-status", "signing"
    )
    approved.refresh_from_db()
    assert approved.status == ConventionStatus.SIGNING
    invited = {m.to[0] for m in mail.outbox if "à signer" in m.subject}
    assert approved.student.email in invited
    mail.outbox.clear()

    # remind: « Relancer » asks for a confirmation, then sends a new link to each awaited party
    page.get_by_role("link", name="Tableau de bord").first.click()
    row = page.locator(f'[data-queue="to-remind"] [data-convention="{late.pk}"]')
    row.get_by_text("Relancer").click()
    row.get_by_role("button", name="Confirmer la relance").click()
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    expect(page.get_by_text(f"Convention n° {late.pk} : 4 signataires relancés")).to_be_visible()
    reminders = [m for m in mail.outbox if m.subject.startswith("Rappel : ")]
    assert len(reminders) == 4
    assert all(f"{live_server.url}/conventions/signer/" in m.body for m in reminders)
    # reminded today: the convention leaves the queue
    expect(page.locator('[data-queue="to-remind"] [data-queue-count]')).to_have_text("0")
