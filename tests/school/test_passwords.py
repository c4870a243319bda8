"""« Mot de passe oublié » (no account enumeration, throttled) and password change."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.factories import DEMO_PASSWORD
from tests.school.conftest import School, client_for

RESET = reverse("password_reset")
CHANGE = reverse("password_change")
NEW = "Cerisier-Bleu-2027"


def _ask(client: Client, email: str) -> str:
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reset_link_sets_a_new_password(school_a: School, settings: Any) -> None:
    settings.SITE_URL = "https://milieu.exemple.fr"
    html = _ask(Client(HTTP_HOST="localhost"), "Chef-A@exemple.fr")

    assert "Demande enregistrée" in html
    assert len(mail.outbox) == 1
    body = str(mail.outbox[0].body)
    assert mail.outbox[0].subject == "Milieu : choisir un nouveau mot de passe"
    link = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+/)", body)
    assert link, body
    # the link is on the public address, whatever Host the request claimed
    assert "https://milieu.exemple.fr/mot-de-passe/nouveau/" in body and "localhost" not in body
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    assert "Nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302
    school_a.head.refresh_from_db()
    assert school_a.head.check_password(NEW)
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1
    # the link served once
    again = Client().get(link.group(1), follow=True)
    assert "n’est plus valable" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(school_a: School) -> None:
    known = _ask(Client(), "chef-A@exemple.fr")
    unknown = _ask(Client(), "personne@exemple.fr")

    def message(html: str) -> str:
        found = re.search(r"<h1>.*?</p>", html, re.S)
        assert found
        return found.group(0)

    assert message(known) == message(unknown)
    assert [[a.lower() for a in m.to] for m in mail.outbox] == [["chef-a@exemple.fr"]]


def test_reset_requests_are_throttled_per_address_in_french(school_a: School) -> None:
    client = Client()
    for _ in range(5):
        _ask(client, "chef-A@exemple.fr")

    response = client.post(RESET, {"email": "chef-A@exemple.fr"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Trop de demandes ont été faites pour cette adresse électronique" in html
    assert len(mail.outbox) == 5
    # the same refusal for an address without an account: nothing tells them apart
    for _ in range(5):
        _ask(client, "personne@exemple.fr")
    refused = client.post(RESET, {"email": "personne@exemple.fr"}).content.decode()
    assert "Trop de demandes ont été faites pour cette adresse électronique" in refused


def test_reset_requests_do_not_lock_the_login(school_a: School) -> None:
    client = Client()
    for _ in range(6):
        client.post(RESET, {"email": "chef-A@exemple.fr"})

    response = Client().post(
        reverse("login"), {"username": "chef-A@exemple.fr", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_the_login_page_links_to_the_forgotten_password(client: Client) -> None:
    assert RESET in client.get(reverse("login")).content.decode()


def test_a_logged_in_user_changes_their_password(school_a: School) -> None:
    client = client_for(school_a.teacher)
    assert CHANGE in client.get(reverse("dashboard")).content.decode()  # header link

    response = client.post(
        CHANGE,
        {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    school_a.teacher.refresh_from_db()
    assert school_a.teacher.check_password(NEW)
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED).count() == 1


def test_a_wrong_current_password_is_refused_in_french_and_throttled(school_a: School) -> None:
    client = client_for(school_a.teacher)
    data = {"old_password": "faux", "new_password1": NEW, "new_password2": NEW}
    for _ in range(5):
        wrong = client.post(CHANGE, data)
        assert "Le mot de passe actuel est incorrect." in wrong.content.decode()

    locked = client.post(CHANGE, {**data, "old_password": DEMO_PASSWORD})

    assert "Trop de tentatives ont échoué" in locked.content.decode()
    school_a.teacher.refresh_from_db()
    assert school_a.teacher.check_password(DEMO_PASSWORD)
