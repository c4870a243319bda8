"""Déconnexion: a POST with its CSRF token, never a GET."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.school.conftest import School, client_for

URL = reverse("logout")


def test_logging_out_returns_home_with_a_french_message(school_a: School) -> None:
    client = client_for(school_a.head)

    response = client.post(URL, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Vous êtes déconnecté." in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_get_does_not_log_out(school_a: School) -> None:
    client = client_for(school_a.head)

    assert client.get(URL).status_code == 405
    assert client.get(reverse("dashboard")).status_code == 200


def test_logging_out_needs_the_csrf_token(school_a: School) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a.head)

    assert client.post(URL).status_code == 403
