"""The rectorat's dashboard lists its académie's establishments a page at a time: a page's
counts cost the same queries however many establishments the académie holds (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.factories import (
    AcademieFactory,
    CohortFactory,
    EstablishmentFactory,
    StudentFactory,
    member,
)
from milieu.people.dashboard import ACADEMIE_PAGE_SIZE
from milieu.people.enums import Role

pytestmark = pytest.mark.django_db


def _academie(schools: int) -> Client:
    academie = AcademieFactory.create()
    for index in range(schools):
        school = EstablishmentFactory.create(academie=academie, name=f"Lycée {index:03d}")
        StudentFactory.create(cohort=CohortFactory.create(establishment=school))
    client = Client()
    client.force_login(member(Role.EXAM_SERVICE, academie=academie))
    return client


def _shown(client: Client, query: str = "") -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    names = re.findall(r'<th scope="row">(Lycée \d+)</th>', response.content.decode())
    return names, len(captured)


def test_the_establishments_are_shown_a_page_at_a_time_in_name_order() -> None:
    client = _academie(ACADEMIE_PAGE_SIZE + 3)
    first, _ = _shown(client)
    assert first == [f"Lycée {i:03d}" for i in range(ACADEMIE_PAGE_SIZE)]
    second, _ = _shown(client, "?page=2")
    assert second == [f"Lycée {i:03d}" for i in range(ACADEMIE_PAGE_SIZE, ACADEMIE_PAGE_SIZE + 3)]
    assert _shown(client, "?page=beaucoup")[0] == first


def test_a_page_costs_the_same_queries_for_a_small_and_a_big_academie() -> None:
    _, small = _shown(_academie(3))
    _, big = _shown(_academie(3 * ACADEMIE_PAGE_SIZE))
    assert small == big


@pytest.mark.parametrize("page", ["0", "-1", "99999", "1e9", "%00", "2' OR '1'='1", "9" * 400])
def test_a_hostile_page_number_shows_a_page_never_a_500(page: str) -> None:
    client = _academie(ACADEMIE_PAGE_SIZE + 3)
    names, _ = _shown(client, f"?page={page}")
    assert names  # the first or the last page, as the pagination reads it
