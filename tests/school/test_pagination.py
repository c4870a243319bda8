"""The lists that grow with the students are paged (DSFR pagination, issue 15): page size, the
next page, filters and search kept in the links, an impossible page shown as the nearest one,
and the same number of queries whatever the list's length."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from milieu import pagination
from milieu.factories import CohortFactory, ConventionFactory, HostFactory, StudentFactory
from tests.school.conftest import School


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(html: str, marker: str) -> list[str]:
    return re.findall(rf'{marker}="(\d+)"', html)


def test_a_cohort_page_shows_fifty_students_a_page(school_a: School) -> None:
    StudentFactory.create_batch(pagination.PAGE_SIZE, cohort=school_a.cohort)  # 51 with one
    client = client_for(school_a.head)
    url = reverse("establishments:cohort_detail", args=[school_a.cohort.pk])
    first = client.get(url).content.decode()
    assert len(rows(first, "data-student")) == 50
    assert "Élèves (51)" in first
    assert 'class="fr-pagination' in first and "1 / 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert len(rows(second, "data-student")) == 1
    assert set(rows(first, "data-student")).isdisjoint(rows(second, "data-student"))


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    return 2


@pytest.mark.parametrize("page", ["99", "-1", "abc", ""])
def test_an_impossible_page_is_never_an_error(
    school_a: School, small_pages: int, page: str
) -> None:
    StudentFactory.create_batch(4, cohort=school_a.cohort)  # 5 students: 3 pages
    client = client_for(school_a.head)
    for name, args in (
        ("establishments:cohort_detail", [school_a.cohort.pk]),
        ("establishments:placement_board", [school_a.cohort.pk]),
        ("reports:cohort", [school_a.cohort.pk]),
        ("establishments:cohort_list", []),
        ("visits:alerts", []),
        ("conventions:list", []),
    ):
        response = client.get(reverse(name, args=args), {"page": page})
        assert response.status_code == 200, name


def test_the_cohort_list_search_is_kept_in_the_page_links(
    school_a: School, small_pages: int
) -> None:
    for n in range(4):
        CohortFactory.create(establishment=school_a.establishment, name=f"CAP Cuisine {n}")
    client = client_for(school_a.head)
    url = reverse("establishments:cohort_list")
    first = client.get(url, {"q": "cuisine"}).content.decode()
    assert len(rows(first, "data-cohort")) == 2
    assert "Promotions que vous suivez (4) pour « cuisine »" in first
    assert "?q=cuisine&amp;page=2" in first
    second = client.get(url, {"q": "cuisine", "page": "2"}).content.decode()
    assert len(rows(second, "data-cohort")) == 2
    assert "BTS CIEL" not in second  # the search still applies on page 2


def test_the_placement_board_keeps_its_filter_in_the_page_links(
    school_a: School, small_pages: int
) -> None:
    StudentFactory.create_batch(4, cohort=school_a.cohort)
    client = client_for(school_a.head)
    url = reverse("establishments:placement_board", args=[school_a.cohort.pk])
    first = client.get(url, {"filtre": "sans-organisme"}).content.decode()
    assert len(rows(first, "data-student")) == 2
    assert "?filtre=sans-organisme&amp;page=2" in first
    last = client.get(url, {"filtre": "sans-organisme", "page": "3"}).content.decode()
    assert len(rows(last, "data-student")) == 1
    assert 'id="filtre-sans-organisme" name="filtre" checked' in last


def test_the_report_list_is_paged(school_a: School, small_pages: int) -> None:
    StudentFactory.create_batch(4, cohort=school_a.cohort)
    client = client_for(school_a.head)
    url = reverse("reports:cohort", args=[school_a.cohort.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert "Élèves (5)" in first and "2 / 3" in second


def _signed_conventions(school: School, count: int) -> None:
    today = timezone.localdate()
    for _ in range(count):
        ConventionFactory.create(
            signed=True,
            student=StudentFactory.create(cohort=school.cohort),
            host=HostFactory.create(),
            periods=[(today - timedelta(days=3), today + timedelta(days=20))],
            created_by=school.head,
            referent=school.teacher,
        )


def test_the_visit_alerts_are_paged(school_a: School, small_pages: int) -> None:
    _signed_conventions(school_a, 3)
    client = client_for(school_a.head)
    url = reverse("visits:alerts")
    first = client.get(url).content.decode()
    assert len(rows(first, "data-period")) == 2
    assert "3 périodes de stage sans visite" in first
    assert len(rows(client.get(url, {"page": 2}).content.decode(), "data-period")) == 1


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_each_page_costs_the_same_number_of_queries(school_a: School, small_pages: int) -> None:
    """Measured with a full page of rows, then with many more rows in the lists."""
    _signed_conventions(school_a, 3)
    StudentFactory.create_batch(2, cohort=school_a.cohort)
    for n in range(3):
        CohortFactory.create(establishment=school_a.establishment, name=f"CAP {n}")
    client = client_for(school_a.head)
    urls = [
        reverse("establishments:cohort_detail", args=[school_a.cohort.pk]),
        reverse("establishments:placement_board", args=[school_a.cohort.pk]),
        reverse("reports:cohort", args=[school_a.cohort.pk]),
        reverse("establishments:cohort_list"),
        reverse("visits:alerts"),
        reverse("conventions:list"),
    ]
    before = {url: count_queries(client, url) for url in urls}
    _signed_conventions(school_a, 6)
    StudentFactory.create_batch(10, cohort=school_a.cohort)
    for n in range(6):
        CohortFactory.create(establishment=school_a.establishment, name=f"CAP bis {n}")
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
