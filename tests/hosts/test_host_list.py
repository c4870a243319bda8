"""The host directory: who may read it, live search, pagination, a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory, UserFactory, member
from milieu.people.enums import Role
from tests.hosts.conftest import School

URL = reverse("hosts:list")
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("role", ["head", "ddfpt", "teacher", "secretary", "student_user"])
def test_school_accounts_read_the_directory(
    school_a: School, client_for: Callable[[Any], Client], role: str
) -> None:
    HostFactory.create(name="Atelier Rhénan")

    response = client_for(getattr(school_a, role)).get(URL)

    assert response.status_code == 200
    assert "Atelier Rhénan" in response.content.decode()


def test_rectorat_reads_the_directory_without_the_add_button(
    school_a: School, rectorat: Any, client_for: Callable[[Any], Client]
) -> None:
    html = client_for(rectorat).get(URL).content.decode()

    assert "<h1" in html and "Organismes d’accueil" in html
    assert reverse("hosts:create") not in html


def test_staff_see_the_add_button(school_a: School, client_for: Callable[[Any], Client]) -> None:
    html = client_for(school_a.secretary).get(URL).content.decode()

    assert f'href="{reverse("hosts:create")}"' in html


def test_an_account_without_membership_is_refused(
    db: None, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(UserFactory.create()).get(URL)

    assert response.status_code == 403


def test_anonymous_is_sent_to_the_login_page(db: None, client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert "?next=/organismes/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rhénan", {"Atelier Rhénan"}),
        ("ARM", {"Atelier Rhénan"}),
        ("colmar", {"Métrologie de l’Est"}),
        ("812 345", {"Atelier Rhénan"}),
        ("81234", {"Atelier Rhénan"}),
        ("zzz", set()),
    ],
)
def test_search_by_name_trade_name_city_or_siret_prefix(
    school_a: School, client_for: Callable[[Any], Client], query: str, expected: set[str]
) -> None:
    HostFactory.create(
        name="Atelier Rhénan", trade_name="ARM Industrie", siret="81234560100015", city="Strasbourg"
    )
    HostFactory.create(name="Métrologie de l’Est", siret="81236782900015", city="Colmar")

    html = client_for(school_a.teacher).get(URL, {"q": query}).content.decode()

    shown = {name for name in ("Atelier Rhénan", "Métrologie de l’Est") if name in html}
    assert shown == expected
    if not expected:
        assert "Aucun organisme ne correspond" in html


def test_htmx_search_returns_only_the_results(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    HostFactory.create(name="Atelier Rhénan")

    response = client_for(school_a.teacher).get(URL, {"q": "rhén"}, headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="resultats-organismes"')
    assert "<html" not in html
    assert "Atelier Rhénan" in html


def test_history_restore_gets_the_whole_page(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(school_a.teacher).get(
        URL, {"q": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_the_search_form_works_with_and_without_javascript(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    html = client_for(school_a.teacher).get(URL).content.decode()

    assert 'method="get" action="/organismes/"' in html
    assert 'hx-get="/organismes/"' in html
    assert 'hx-target="#resultats-organismes"' in html
    assert 'hx-push-url="true"' in html


def test_results_are_paginated_and_keep_the_search(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    for n in range(30):
        HostFactory.create(name=f"Garage {n:02d}")

    first = client_for(school_a.teacher).get(URL, {"q": "garage"}).content.decode()
    second = client_for(school_a.teacher).get(URL, {"q": "garage", "page": "2"}).content.decode()

    assert "30 organismes" in first
    assert "Garage 00" in first and "Garage 29" not in first
    assert "?q=garage&amp;page=2" in first
    assert "Garage 29" in second and "Garage 00" not in second


def test_a_fourteen_digit_search_without_result_offers_to_add_it(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    html = client_for(school_a.secretary).get(URL, {"q": "356 000 000 00048"}).content.decode()

    assert f"{reverse('hosts:create')}?siret=35600000000048" in html


@pytest.mark.parametrize("copies", [1, 10])
def test_the_list_costs_the_same_number_of_queries_whatever_the_data(
    school_a: School,
    client_for: Callable[[Any], Client],
    django_assert_num_queries: Any,
    copies: int,
) -> None:
    for _ in range(copies):  # names the search "a" finds: an empty result skips the page query
        HostFactory.create(name="Atelier du Rhin")
        HostFactory.create(abroad=True, name="Maschinenbau Kehl")
    client = client_for(school_a.teacher)

    # session, user, memberships, establishments to import into, count, page
    with django_assert_num_queries(6):
        client.get(URL)
    with django_assert_num_queries(6):
        client.get(URL, {"q": "a"}, headers=HTMX)


def test_other_establishments_staff_read_the_same_directory(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    """Hosts are a shared directory of professional contacts (milieu/permissions.py)."""
    HostFactory.create(name="Atelier Rhénan", created_by=school_a.secretary)

    html = client_for(school_b.teacher).get(URL).content.decode()

    assert "Atelier Rhénan" in html


def test_a_user_holding_several_roles_is_fine(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    both = member(Role.TEACHER, establishment=school_a.establishment, email="deux@exemple.fr")
    from milieu.people.models import Membership

    Membership.objects.create(user=both, role=Role.DDFPT, establishment=school_a.establishment)

    assert client_for(both).get(URL).status_code == 200
