"""The SIRET is checked while it is typed (htmx): invalid, already there, same company, new."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory
from tests.hosts.conftest import School, company_siret

URL = reverse("hosts:check_siret")


def check(client: Client, siret: str, **more: str) -> str:
    return client.get(
        URL, {"siret": siret, "country": "FR", **more}, HTTP_HX_REQUEST="true"
    ).content.decode()


def test_an_invalid_siret(school_a: School, client_for: Callable[[Any], Client]) -> None:
    html = check(client_for(school_a.secretary), "81001111400017")

    assert 'data-siret-check="invalid"' in html
    assert "clé de contrôle" in html


def test_a_siret_already_registered(school_a: School, client_for: Callable[[Any], Client]) -> None:
    host = HostFactory.create(siret=company_siret(1, 1), name="Atelier")

    html = check(client_for(school_a.secretary), company_siret(1, 1))

    assert 'data-siret-check="duplicate"' in html
    assert f'href="{reverse("hosts:detail", args=[host.pk])}"' in html


def test_a_known_company(school_a: School, client_for: Callable[[Any], Client]) -> None:
    HostFactory.create(siret=company_siret(1, 1), name="Siège social")

    html = check(client_for(school_a.secretary), company_siret(1, 2))

    assert 'data-siret-check="siblings"' in html
    assert "Siège social" in html


def test_a_new_siret(school_a: School, client_for: Callable[[Any], Client]) -> None:
    html = check(client_for(school_a.secretary), company_siret(1, 1))

    assert 'data-siret-check="new"' in html


def test_the_host_being_edited_is_not_its_own_duplicate(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(siret=company_siret(1, 1))

    html = check(client_for(school_a.secretary), host.siret, organisme=str(host.pk))

    assert 'data-siret-check="new"' in html


def test_nothing_is_said_for_a_foreign_host(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    html = (
        client_for(school_a.secretary).get(URL, {"siret": "123", "country": "DE"}).content.decode()
    )

    assert "data-siret-check" not in html


def test_the_form_asks_while_typing(school_a: School, client_for: Callable[[Any], Client]) -> None:
    html = client_for(school_a.secretary).get(reverse("hosts:create")).content.decode()

    assert f'hx-get="{URL}"' in html
    assert 'hx-target="#siret-verification"' in html
