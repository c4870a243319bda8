# ruff: noqa: F811  (pytest fixtures imported from another conftest, then requested)
"""Issue 9, item 7 (identifiers): a number written with unicode digits (``²`` passes
`str.isdigit()` but not `int()`, ``١`` and full-width ``１`` pass both), a sign, a space or a
number beyond any column is a 4xx on every URL and form that takes an identifier, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory
from milieu.hosts.models import Placement
from milieu.http import parse_id
from tests.conventions.conftest import draft
from tests.core.conftest import School, academie, school_a  # noqa: F401  (fixtures)

BAD_IDS = ["²", "١", "１", "-1", "+1", " 1", "1 ", "1.0", "0", "9" * 30, "1e3", "\u00b3\u00b9"]


def client_for(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", BAD_IDS)
def test_parse_id_takes_only_ascii_digits_in_range(value: str) -> None:
    assert parse_id(value) is None


def test_parse_id_reads_an_ordinary_identifier() -> None:
    assert [parse_id("42"), parse_id(42), parse_id(str(2**63 - 1))] == [42, 42, 2**63 - 1]
    assert [parse_id(None), parse_id(True), parse_id(2**63)] == [None, None, None]


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("name", ["eleve", "choix"])
def test_the_convention_form_is_a_404_for_a_bad_student_or_choice(
    school_a: School, name: str, value: str
) -> None:
    response = client_for(school_a.head).get(reverse("conventions:create"), {name: value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_convention_form_ignores_a_bad_host(school_a: School, value: str) -> None:
    client = client_for(school_a.head)
    url = reverse("conventions:create")
    htmx = client.get(
        url, {"eleve": school_a.student.pk, "host": value}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200
    posted = client.post(url + f"?eleve={school_a.student.pk}", {"host": value})
    assert posted.status_code == 200  # the form again, with its errors
    assert (
        "Sélectionnez un choix valide" in posted.content.decode()
        or "host" in posted.content.decode()
    )


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_convention_edit_form_ignores_a_bad_host(school_a: School, value: str) -> None:
    convention = draft(school_a)
    response = client_for(school_a.head).get(
        reverse("conventions:edit", args=[convention.pk]),
        {"host": value},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_placement_form_refuses_a_bad_host_in_french(school_a: School, value: str) -> None:
    client = client_for(school_a.teacher)
    url = reverse("students:propose", args=[school_a.student.pk])
    assert client.get(url, {"host": value}).status_code == 200
    assert client.get(url, {"host": value}, headers={"HX-Request": "true"}).status_code == 200
    posted = client.post(url, {"cohort_period": school_a.period.pk, "host": value})
    assert posted.status_code == 200
    assert "Sélectionnez un choix valide" in posted.content.decode()
    assert not Placement.objects.exists()


@pytest.mark.parametrize("value", ["²", "١", "１", "-3", "9" * 30])
def test_the_siret_check_answers_400_for_a_bad_host(school_a: School, value: str) -> None:
    response = client_for(school_a.ddfpt).get(
        reverse("hosts:check_siret"), {"siret": "73282932000074", "organisme": value}
    )
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_the_siret_check_still_leaves_the_host_being_edited_out(school_a: School) -> None:
    host = HostFactory.create(siret="73282932000074")
    client = client_for(school_a.ddfpt)
    url = reverse("hosts:check_siret")
    alone = client.get(url, {"siret": host.siret, "organisme": str(host.pk)}).content.decode()
    other = client.get(url, {"siret": host.siret}).content.decode()
    assert host.name not in alone and host.name in other
