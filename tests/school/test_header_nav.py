"""The header: menu links shown according to what the user may see, login and logout tools."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.school.conftest import School, client_for


def menu(html: str) -> str:
    return html.split('id="fr-navigation"')[1].split("</nav>")[0]


def tools(html: str) -> str:
    return html.split('class="fr-header__tools-links"')[1].split("</ul>")[0]


def url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_anonymous_visitors_see_the_public_pages_and_the_login_link(client: Client) -> None:
    html = client.get("/").content.decode()

    assert "Accueil" in menu(html)
    assert "Vérifier un dossier" in menu(html)
    assert "Règles" in menu(html)
    assert "Tableau de bord" not in menu(html)
    assert "Promotions" not in menu(html)
    assert "Organismes d’accueil" not in menu(html)
    assert f'href="{reverse("login")}"' in tools(html)
    assert "Se déconnecter" not in tools(html)


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary", "teacher"])
def test_school_staff_see_their_working_pages(school_a: School, role: str) -> None:
    html = client_for(getattr(school_a, role)).get(reverse("dashboard")).content.decode()

    nav = menu(html)
    assert f'href="{reverse("dashboard")}" aria-current="page">Tableau de bord' in nav
    assert f'href="{reverse("establishments:cohort_list")}"' in nav
    for name, label in (("hosts:list", "Organismes d’accueil"), ("hosts:tutors", "Tuteurs")):
        url = url_or_none(name)
        assert (url is not None) == (label in nav)
    assert "Se déconnecter" in tools(html)
    assert f'action="{reverse("logout")}"' in tools(html)
    assert "csrfmiddlewaretoken" in tools(html)


def test_a_student_sees_neither_cohorts_nor_tutors(school_a: School) -> None:
    nav = menu(client_for(school_a.student_user).get(reverse("dashboard")).content.decode())

    assert "Tableau de bord" in nav
    assert "Promotions" not in nav
    assert "Tuteurs" not in nav


def test_the_rectorat_sees_the_cohorts_of_its_academie(rectorat: Any) -> None:
    nav = menu(client_for(rectorat).get(reverse("dashboard")).content.decode())

    assert "Promotions" in nav


def test_the_current_section_is_marked(school_a: School) -> None:
    html = client_for(school_a.head).get(reverse("establishments:cohort_list")).content.decode()

    assert 'aria-current="page">Promotions' in menu(html)
    assert 'aria-current="page">Tableau de bord' not in menu(html)


@pytest.mark.parametrize("role", ["head", "teacher", "student_user"])
def test_the_conventions_are_in_the_menu_of_school_accounts(school_a: School, role: str) -> None:
    nav = menu(client_for(getattr(school_a, role)).get(reverse("dashboard")).content.decode())

    assert f'href="{reverse("conventions:list")}"' in nav


def test_anonymous_visitors_have_no_conventions_menu(client: Client) -> None:
    assert "Conventions" not in menu(client.get("/").content.decode())
