"""Connexion: a French DSFR page, log in with the e-mail address."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from milieu.factories import DEMO_PASSWORD
from tests.school.conftest import School, client_for

URL = reverse("login")


def test_the_login_page_is_in_french_with_labelled_fields(client: Client) -> None:
    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Connexion à Milieu</h1>" in html
    assert '<label class="fr-label" for="id_username">' in html
    assert 'type="email"' in html
    assert '<label class="fr-label" for="id_password">' in html
    assert "csrfmiddlewaretoken" in html


def test_logging_in_with_the_email_leads_to_the_dashboard(client: Client, school_a: School) -> None:
    response = client.post(URL, {"username": "chef-A@exemple.fr", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"] == school_a.head


def test_the_email_is_not_case_sensitive(client: Client, school_a: School) -> None:
    response = client.post(URL, {"username": "  CHEF-a@Exemple.FR ", "password": DEMO_PASSWORD})

    assert response.status_code == 302


def test_the_next_page_is_honoured(client: Client, school_a: School) -> None:
    target = reverse("establishments:cohort_list")

    response = client.post(
        f"{URL}?next={target}",
        {"username": "chef-A@exemple.fr", "password": DEMO_PASSWORD, "next": target},
    )

    assert response["Location"] == target


def test_a_wrong_password_says_so_in_french(client: Client, school_a: School) -> None:
    response = client.post(URL, {"username": "chef-A@exemple.fr", "password": "mauvais"})

    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_an_empty_form_names_the_missing_fields(client: Client, db: None) -> None:
    response = client.post(URL, {"username": "", "password": ""})

    html = response.content.decode()
    assert "fr-input-group--error" in html
    assert 'aria-invalid="true"' in html


def test_a_logged_in_user_is_sent_to_the_dashboard(school_a: School) -> None:
    response = client_for(school_a.head).get(URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_protected_page_sends_anonymous_users_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?next=/tableau-de-bord/"
