"""A convention from the student's page to a sealed PDF, in a real browser: the teacher drafts
it, the team validates, the head approves, the DDFPT sends it for signature, every party signs
through the link and the code received by e-mail, and the sealed PDF downloaded from the
convention's page passes `pdfsig`."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionDocument
from milieu.conventions.sealing import make_self_signed
from milieu.factories import AcademieFactory, HostFactory, TutorFactory
from tests.browser.pages import log_in, new_page
from tests.core.conftest import make_school

CHROMIUM = Path("/usr/bin/chromium")
PDFSIG = shutil.which("pdfsig")

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
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SITE_URL = live_server.url  # the links sent by e-mail lead to the live server
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def take_step(page: Page, url: str, button: str, status: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=button).click()
    expect(page.locator("[data-convention-status]")).to_have_attribute(
        "data-convention-status", status
    )


def signing_links() -> list[tuple[str, str]]:
    """(recipient, path) of every invitation to sign."""
    found = []
    for message in mail.outbox:
        for path in re.findall(
            r"https?://[^/\s]+(/conventions/signer/[^/\s]+/)", str(message.body)
        ):
            found.append((message.to[0], path))
    return found


def code_for(email: str) -> str:
    for message in reversed(mail.outbox):
        if email in message.to and "Votre code de signature" in str(message.body):
            match = re.search(r"code de signature : (\d{6})", str(message.body))
            assert match
            return match.group(1)
    raise AssertionError(f"aucun code envoyé à {email}")


def test_from_draft_to_a_sealed_pdf(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    school = make_school(AcademieFactory.create(name="Strasbourg"), "A")
    school.student.email = "eleve.a@exemple.fr"
    school.student.save()
    host = HostFactory.create(name="Métrologie de l'Ill", trade_name="", headcount=40)
    tutor = TutorFactory.create(host=host, last_name="Keller", first_name="Paul")
    make_self_signed(school.establishment.uai, school.establishment.name)

    # the teacher drafts the convention from the student's page
    teacher = log_in(browser, live_server, school.teacher.email)
    teacher.goto(f"{live_server.url}/eleves/{school.student.pk}/")
    teacher.get_by_role("link", name="Créer une convention").click()
    # the form's page is loaded (htmx listens to the host select) before anything is chosen
    teacher.wait_for_url(re.compile(r".*/conventions/nouvelle/\?eleve=\d+$"), wait_until="load")
    teacher.get_by_role("combobox", name="Organisme d’accueil").select_option(str(host.pk))
    teacher.get_by_role("combobox", name="Tuteur").select_option(str(tutor.pk))  # loaded by htmx
    teacher.get_by_label("Nom du signataire pour l’organisme").fill("Claire Dubois")
    teacher.get_by_label("Qualité du signataire").fill("Gérante")
    teacher.get_by_label("Adresse électronique du signataire").fill("gerante@metrologie.exemple.fr")
    teacher.locator("#id_periodes-0-start").fill("2027-05-31")
    teacher.locator("#id_periodes-0-end").fill("2027-06-18")
    teacher.get_by_role("button", name="Ajouter une période").click()
    teacher.locator("#id_periodes-1-start").fill("2027-11-08")
    teacher.locator("#id_periodes-1-end").fill("2027-11-26")
    teacher.get_by_label("Activités confiées").fill(
        "Étalonnage d'instruments ; relevés de mesures."
    )
    teacher.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(teacher.locator("[data-convention-status]")).to_have_attribute(
        "data-convention-status", "draft"
    )
    convention = Convention.objects.get()
    assert [(p.start.isoformat(), p.end.isoformat()) for p in convention.active_periods()] == [
        ("2027-05-31", "2027-06-18"),
        ("2027-11-08", "2027-11-26"),
    ]
    assert (convention.tutor, convention.referent) == (tutor, school.teacher)
    page_url = f"{live_server.url}/conventions/{convention.pk}/"
    expect(teacher.locator("[data-no-problem]")).to_be_visible()

    # the team validates, the head approves, the DDFPT sends it for signature
    # (four eyes, issue 13 §17: the DDFPT validates what the teacher submitted)
    take_step(teacher, page_url, "Soumettre à l'équipe pédagogique", "submitted")
    ddfpt = log_in(browser, live_server, school.ddfpt.email)
    take_step(ddfpt, page_url, "Valider (équipe pédagogique)", "validated")
    head = log_in(browser, live_server, school.head.email)
    take_step(head, page_url, "Approuver (chef d'établissement)", "approved")
    take_step(ddfpt, page_url, "Envoyer en signature", "signing")

    # each party signs through its own link and the code sent by e-mail
    links = signing_links()
    assert sorted(email for email, _ in links) == sorted(
        [
            "eleve.a@exemple.fr",
            "gerante@metrologie.exemple.fr",
            tutor.email,
            school.head.email,
        ]
    )
    for email, path in links:
        party = new_page(browser)
        party.goto(f"{live_server.url}{path}")
        party.get_by_role("button", name="Recevoir mon code de signature par courriel").click()
        expect(party.get_by_text("Un code vient de vous être envoyé")).to_be_visible()
        party.get_by_label("Code reçu par courriel").fill(code_for(email))
        party.get_by_role("button", name="Je signe la convention").click()
        expect(party.get_by_text("Signature enregistrée")).to_be_visible()
        party.context.close()

    # the sealed PDF, downloaded from the convention's page
    ddfpt.goto(page_url)
    expect(ddfpt.locator("[data-convention-status]")).to_have_attribute(
        "data-convention-status", "signed"
    )
    assert ddfpt.locator('[data-signatory][data-state="signed"]').count() == 4
    sealed = ddfpt.locator('[data-document="sealed"] a')
    with ddfpt.expect_download() as download:
        sealed.click()
    pdf_path = tmp_path / "convention-scellee.pdf"
    download.value.save_as(pdf_path)
    content = pdf_path.read_bytes()
    stored = convention.documents.get(kind=ConventionDocument.Kind.SEALED)
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SIGNED
    if PDFSIG is None:
        pytest.skip("pdfsig (poppler-utils) absent : le cachet n'est pas vérifié ici")
    report = subprocess.run([PDFSIG, str(pdf_path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in report.stdout, report.stdout + report.stderr
