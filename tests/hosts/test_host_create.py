"""Adding a host: SIRET checked, never twice the same, the same company's other sites shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory
from milieu.hosts.models import Host
from milieu.hosts.operations import DuplicateHost, create_host
from tests.hosts.conftest import School, company_siret

URL = reverse("hosts:create")


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "country": "FR",
        "siret": company_siret(1, 1),
        "foreign_identifier": "",
        "name": "Atelier Rhénan",
        "trade_name": "",
        "naf_code": "33.12z",
        "naf_version": "NAF-rev2",
        "address": "4 rue du Port du Rhin",
        "postal_code": "67100",
        "city": "Strasbourg",
        "headcount": "48",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["head", "ddfpt", "teacher", "secretary"])
def test_school_staff_add_a_host(
    school_a: School, client_for: Callable[[Any], Client], role: str
) -> None:
    user = getattr(school_a, role)

    response = client_for(user).post(URL, form(siret="810 011 114 00016"))

    host = Host.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hosts:detail", args=[host.pk])
    assert host.siret == "81001111400016"
    assert host.naf_code == "33.12Z"
    assert host.created_by == user


def test_the_creation_is_announced(school_a: School, client_for: Callable[[Any], Client]) -> None:
    response = client_for(school_a.secretary).post(URL, form(), follow=True)

    assert "L’organisme « Atelier Rhénan » a été ajouté à l’annuaire." in response.content.decode()


@pytest.mark.parametrize("role", ["student_user"])
def test_students_may_not_add_a_host(
    school_a: School, client_for: Callable[[Any], Client], role: str
) -> None:
    client = client_for(getattr(school_a, role))

    assert client.get(URL).status_code == 403
    assert client.post(URL, form()).status_code == 403
    assert not Host.objects.exists()


def test_rectorat_may_not_add_a_host(rectorat: Any, client_for: Callable[[Any], Client]) -> None:
    assert client_for(rectorat).post(URL, form()).status_code == 403
    assert not Host.objects.exists()


def test_anonymous_is_sent_to_the_login_page(db: None, client: Client) -> None:
    response = client.post(URL, form())

    assert response.status_code == 302 and "next=" in response["Location"]
    assert not Host.objects.exists()


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("8100111140001", "Le SIRET compte 14 chiffres."),
        ("81001111400017", "Ce SIRET n’est pas valide (clé de contrôle erronée)."),
        ("", "Indiquez le SIRET de l’organisme (14 chiffres)."),
    ],
)
def test_a_wrong_siret_is_explained_and_the_form_kept(
    school_a: School, client_for: Callable[[Any], Client], siret: str, message: str
) -> None:
    response = client_for(school_a.secretary).post(URL, form(siret=siret))

    html = response.content.decode()
    assert response.status_code == 200
    assert message.replace("’", "'") in html.replace("&#x27;", "'").replace("’", "'")
    assert 'value="Atelier Rhénan"' in html
    assert not Host.objects.exists()


def test_la_poste_sirets_follow_their_own_rule(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    """La Poste's SIRETs (SIREN 356000000) use a digit sum multiple of 5, not Luhn."""
    response = client_for(school_a.secretary).post(
        URL, form(siret="356 000 000 00048", name="La Poste")
    )

    assert response.status_code == 302
    assert Host.objects.get().siret == "35600000000048"


def test_a_siret_already_registered_links_to_the_existing_host(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    existing = HostFactory.create(siret=company_siret(1, 1), name="Atelier déjà là")

    response = client_for(school_a.secretary).post(URL, form(siret=company_siret(1, 1)))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cet organisme est déjà dans l’annuaire" in html
    assert f'href="{reverse("hosts:detail", args=[existing.pk])}"' in html
    assert "Atelier déjà là" in html
    assert Host.objects.count() == 1


def test_the_same_company_is_shown_and_must_be_confirmed(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    sibling = HostFactory.create(siret=company_siret(1, 1), name="Siège social", city="Colmar")
    client = client_for(school_a.secretary)

    first = client.post(URL, form(siret=company_siret(1, 2), name="Agence de Strasbourg"))

    html = first.content.decode()
    assert first.status_code == 200
    assert "Cette entreprise a déjà 1 établissement dans l’annuaire" in html
    assert "Siège social" in html and f'href="{reverse("hosts:detail", args=[sibling.pk])}"' in html
    assert "cochez cette case" in html
    assert Host.objects.count() == 1

    second = client.post(
        URL, form(siret=company_siret(1, 2), name="Agence de Strasbourg", confirm_same_company="on")
    )

    assert second.status_code == 302
    assert Host.objects.count() == 2


def test_a_foreign_host_has_a_national_identifier_instead_of_a_siret(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)

    missing = client.post(URL, form(country="DE", siret="", postal_code="77694", naf_code=""))
    with_siret = client.post(URL, form(country="DE", foreign_identifier="HRB 1"))
    created = client.post(
        URL, form(country="DE", siret="", foreign_identifier=" HRB  12345 ", postal_code="77694")
    )

    assert "Indiquez l’identifiant national" in missing.content.decode()
    assert "Le SIRET ne concerne que les organismes situés en France" in with_siret.content.decode()
    assert created.status_code == 302
    host = Host.objects.get()
    assert (host.country, host.siret, host.foreign_identifier) == ("DE", "", "HRB 12345")


def test_a_foreign_identifier_already_registered_is_refused(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    existing = HostFactory.create(abroad=True)

    response = client_for(school_a.secretary).post(
        URL, form(country="DE", siret="", foreign_identifier="hrb 12345")
    )

    assert "Cet organisme est déjà dans l’annuaire" in response.content.decode()
    assert Host.objects.get() == existing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("naf_code", "6202", "Le code NAF compte 4 chiffres et une lettre"),
        ("postal_code", "6700", "Un code postal français compte 5 chiffres."),
        ("headcount", "-3", "L’effectif ne peut pas être négatif."),
        ("headcount", "beaucoup", "Indiquez un nombre entier de salariés."),
        ("name", "", "Ce champ est obligatoire."),
    ],
)
def test_other_fields_are_checked_in_french(
    school_a: School, client_for: Callable[[Any], Client], field: str, value: str, message: str
) -> None:
    response = client_for(school_a.secretary).post(URL, form(**{field: value}))

    assert message in response.content.decode()
    assert not Host.objects.exists()


def test_a_siret_can_be_prefilled_from_the_search(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    html = client_for(school_a.secretary).get(URL, {"siret": "35600000000048"}).content.decode()

    assert 'value="35600000000048"' in html


def test_the_database_refuses_a_duplicate_created_meanwhile(school_a: School) -> None:
    """Two secretaries submitting the same SIRET at once: the constraint settles it."""
    HostFactory.create(siret=company_siret(1, 1))

    with pytest.raises(DuplicateHost):
        create_host(Host(siret=company_siret(1, 1), name="Doublon"), by=school_a.secretary)

    assert Host.objects.count() == 1
