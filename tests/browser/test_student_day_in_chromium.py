"""The student's day in a real browser (issue 13, "Done means"): the dashboard says what comes
next and whose signature is awaited (theirs first, with the address the link went to); the
student signs through that link, proposes a host for the next period, deposits the report and
reads its analysis; the dashboard is kept as screenshots at 375 and 1280 px."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from milieu.conventions.enums import SignatureState
from milieu.factories import AcademieFactory, HostFactory
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.reports.models import ReportDeposit
from tests.browser.day import convention_for, mm_periods, new_student, up_to
from tests.browser.pages import dashboard_screenshots, log_in
from tests.core.conftest import make_school
from tests.reports.pdfs import make_pdf, mm_pages

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


def last_mail_to(address: str, pattern: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            found = re.search(pattern, str(message.body))
            if found:
                return found.group(1)
    raise AssertionError(f"rien d'envoyé à {address}")


def test_the_student_signs_proposes_and_deposits(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    _, second = mm_periods(school)
    student = new_student(school, cohort=school.other_cohort, account="mm@exemple.fr")
    convention = up_to(school, convention_for(school, student), "signing")
    host = HostFactory.create(name="Atelier de métrologie Keller", trade_name="")

    page = log_in(browser, live_server, "mm@exemple.fr")
    dashboard_screenshots(page, live_server.url, "eleve")

    # the next step: sign; the awaited signatures list the student's own first
    expect(page.locator("[data-next-step]")).to_contain_text(
        f"Signez votre convention : un lien personnel vous a été envoyé par courriel à {student.email}."
    )
    awaited = page.locator(f'[data-own-convention="{convention.pk}"] [data-awaited] li')
    expect(awaited.first).to_contain_text(
        f"La vôtre : un lien vous a été envoyé par courriel à {student.email}"
    )

    # sign through the link received by e-mail, with the code sent by e-mail
    link = last_mail_to(student.email, r"https?://[^/\s]+(/conventions/signer/[^/\s]+/)")
    page.goto(f"{live_server.url}{link}")
    page.get_by_role("button", name="Recevoir mon code de signature par courriel").click()
    expect(page.get_by_text("Un code vient de vous être envoyé")).to_be_visible()
    page.get_by_label("Code reçu par courriel").fill(
        last_mail_to(student.email, r"code de signature : (\d{6})")
    )
    page.get_by_role("button", name="Je signe la convention").click()
    expect(page.get_by_text("Signature enregistrée")).to_be_visible()
    assert convention.signatories.get(role="student").state == SignatureState.SIGNED

    # back on the dashboard: the student's signature is no longer awaited
    page.goto(f"{live_server.url}/tableau-de-bord/")
    expect(page.locator("[data-next-step]")).to_contain_text(
        "Votre convention attend la signature des autres parties."
    )
    expect(page.locator("[data-awaited] [data-mine]")).to_have_count(0)

    # propose a host for the next period
    page.get_by_role("link", name="Proposer un organisme").click()
    page.get_by_label("Période de PFMP").select_option(str(second.pk))
    page.get_by_label("Organisme d’accueil").select_option(str(host.pk))
    page.get_by_role("button", name="Proposer").click()
    expect(
        page.get_by_text("L’organisme « Atelier de métrologie Keller » est proposé")
    ).to_be_visible()
    placement = Placement.objects.get(student=student)
    assert (placement.cohort_period, placement.status) == (second, PlacementStatus.PROPOSED)

    # deposit the report from the dashboard and read its analysis
    page.goto(f"{live_server.url}/tableau-de-bord/")
    expect(page.locator("[data-own-report]")).to_have_text("Aucun rapport déposé.")
    page.get_by_role("link", name="Mon rapport et son analyse").click()
    report = tmp_path / "rapport.pdf"
    report.write_bytes(make_pdf(mm_pages()))
    page.get_by_label("Fichier du rapport").set_input_files(str(report))
    page.get_by_role("button", name="Déposer").click()
    expect(page.locator("[data-latest]")).to_contain_text("Version 1 déposée le")
    assert ReportDeposit.objects.get(student=student).version == 1
    page.goto(f"{live_server.url}/tableau-de-bord/")
    expect(page.locator("[data-own-report]")).to_contain_text(
        "15 pages de corps, 4 pages d’annexes, format A4"
    )
    expect(page.locator("[data-own-verdict]")).to_be_visible()
    dashboard_screenshots(page, live_server.url, "eleve-apres")
