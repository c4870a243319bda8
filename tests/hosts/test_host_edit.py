"""Editing a host: the managers of a school that works with it, duplicates still refused, no
needless confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory
from milieu.hosts.models import Host
from tests.hosts.conftest import School, company_siret


def url(host: Host) -> str:
    return reverse("hosts:edit", args=[host.pk])


def data(host: Host, **changes: Any) -> dict[str, Any]:
    values = {
        "country": host.country,
        "siret": host.siret,
        "foreign_identifier": host.foreign_identifier,
        "name": host.name,
        "trade_name": host.trade_name,
        "naf_code": host.naf_code,
        "naf_version": host.naf_version,
        "address": host.address,
        "postal_code": host.postal_code,
        "city": host.city,
        "headcount": host.headcount if host.headcount is not None else "",
    }
    values.update(changes)
    return values


def test_staff_edit_a_host(school_a: School, client_for: Callable[[Any], Client]) -> None:
    host = HostFactory.create(
        siret=company_siret(1, 1), headcount=10, created_in=school_a.establishment
    )

    response = client_for(school_a.ddfpt).post(url(host), data(host, headcount="22"), follow=True)

    host.refresh_from_db()
    assert host.headcount == 22
    assert "Les modifications de l’organisme ont été enregistrées." in response.content.decode()


def test_editing_a_host_whose_company_has_other_sites_needs_no_confirmation(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(siret=company_siret(1, 1), created_in=school_a.establishment)
    HostFactory.create(siret=company_siret(1, 2))

    response = client_for(school_a.ddfpt).post(url(host), data(host, city="Colmar"))

    assert response.status_code == 302
    host.refresh_from_db()
    assert host.city == "Colmar"


def test_taking_another_hosts_siret_is_refused(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(
        siret=company_siret(1, 1), name="Premier", created_in=school_a.establishment
    )
    other = HostFactory.create(siret=company_siret(2, 1), name="Second")

    response = client_for(school_a.ddfpt).post(url(host), data(host, siret=other.siret))

    html = response.content.decode()
    assert "Cet organisme est déjà dans l’annuaire" in html
    assert f'href="{reverse("hosts:detail", args=[other.pk])}"' in html
    host.refresh_from_db()
    assert host.siret == company_siret(1, 1)
    assert "Modifier l’organisme « Premier »" in html


def test_rectorat_students_and_teachers_may_not_edit(
    school_a: School, rectorat: Any, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(name="Intact", created_in=school_a.establishment)

    for user in (rectorat, school_a.student_user, school_a.teacher):
        assert client_for(user).post(url(host), data(host, name="Modifié")).status_code == 403
    host.refresh_from_db()
    assert host.name == "Intact"


def test_a_host_with_a_country_outside_the_list_keeps_it(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(
        abroad=True,
        country="NZ",
        foreign_identifier="NZBN 94290",
        created_in=school_a.establishment,
    )

    html = client_for(school_a.ddfpt).get(url(host)).content.decode()

    assert '<option value="NZ" selected>NZ</option>' in html
