"""The recteur's derogation in a real browser: the DDFPT asks for a reduction from the student
page (with a PDF), the recteur's delegate grants it from the queue, and the candidate's verdict
on the student page turns from non-compliant to compliant (seed 002 §C: a BTS CCST stage may be
reduced to no less than 10 weeks)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationRequest
from milieu.factories import member
from milieu.people.enums import Role
from tests.browser.pages import log_in
from tests.core.conftest import academie as academie
from tests.exams.conftest import ccst_student, pdf_bytes
from tests.exams.test_dossier import certified_stage

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
def _async_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_reduction_asked_by_the_ddfpt_and_granted_by_the_delegate_changes_the_verdict(
    browser: Browser, live_server: LiveServer, academie: Any, tmp_path: Path
) -> None:
    from tests.core.conftest import make_school

    school = make_school(academie, "A")
    member(Role.RECTEUR_DELEGATE, academie=academie, email="delegue@ac-demo.fr")
    student = ccst_student(school)
    certified_stage(student, school.ddfpt, date(2027, 1, 4), date(2027, 3, 19))  # 11 weeks
    certificate = tmp_path / "certificat-medical.pdf"
    certificate.write_bytes(pdf_bytes("Certificat médical"))

    with time_machine.travel(datetime(2028, 9, 1, 9, tzinfo=UTC), tick=True):
        ddfpt = log_in(browser, live_server, school.ddfpt.email)
        ddfpt.goto(f"{live_server.url}/eleves/{student.pk}/")
        status = ddfpt.locator("[data-verdict-status]").first
        assert status.get_attribute("data-verdict-status") == "non-compliant"
        ddfpt.get_by_role("link", name="Demander une dérogation au recteur").click()
        ddfpt.get_by_text("pas moins de 10 semaines").first.wait_for()
        ddfpt.locator('label[for="id_kind_0"]').click()  # DSFR: the label covers the radio
        assert ddfpt.get_by_label("Réduction de la durée du stage").is_checked()
        ddfpt.get_by_label("Motif").select_option("force-majeure")
        ddfpt.get_by_label("Durée de stage demandée (semaines)").fill("11")
        ddfpt.get_by_label("Justification").fill(
            "Hospitalisation de trois semaines en mai 2027 : certificat médical joint."
        )
        ddfpt.get_by_label("Pièces à l'appui (PDF)").set_input_files(str(certificate))
        ddfpt.get_by_role("button", name="Transmettre au rectorat").click()
        ddfpt.locator('[data-status="submitted"]').wait_for()
        request = DerogationRequest.objects.get()
        assert request.status == DerogationStatus.SUBMITTED
        assert request.attachments.count() == 1

        delegate = log_in(browser, live_server, "delegue@ac-demo.fr")
        assert (
            delegate.locator("[data-derogations-waiting]").get_attribute("data-derogations-waiting")
            == "1"
        )
        delegate.locator("[data-derogations-waiting]").click()
        delegate.locator(f'[data-derogation="{request.pk}"] [data-open-request]').click()
        delegate.get_by_role("button", name="Accorder la dérogation").click()
        delegate.locator("[data-queue-empty]").wait_for()  # back to the queue, now empty

        ddfpt.goto(f"{live_server.url}/eleves/{student.pk}/")
        status = ddfpt.locator("[data-verdict-status]").first
        assert status.get_attribute("data-verdict-status") == "compliant"
        assert "ACCORDÉE" in ddfpt.locator("[data-student-derogations]").inner_text().upper()
    request.refresh_from_db()
    assert request.status == DerogationStatus.GRANTED
    assert request.decision.sha256
