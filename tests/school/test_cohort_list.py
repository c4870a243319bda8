"""Promotions: the cohorts the user may see, from `visible_cohorts`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.school.conftest import School, client_for, grow

URL = reverse("establishments:cohort_list")


def listed(client: Client) -> set[Any]:
    response = client.get(URL)
    assert response.status_code == 200
    return {row.cohort for row in response.context["rows"]}


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary"])
def test_managers_list_every_cohort_of_their_establishment_only(
    school_a: School, school_b: School, role: str
) -> None:
    assert listed(client_for(getattr(school_a, role))) == {school_a.cohort, school_a.other_cohort}


def test_a_teacher_lists_the_cohorts_they_are_in_charge_of(school_a: School) -> None:
    assert listed(client_for(school_a.teacher)) == {school_a.cohort}


def test_the_rectorat_lists_the_cohorts_of_its_academie(
    school_a: School, school_b: School, rectorat: Any, other_rectorat: Any
) -> None:
    response = client_for(rectorat).get(URL)

    assert {row.cohort for row in response.context["rows"]} == {
        school_a.cohort,
        school_a.other_cohort,
        school_b.cohort,
        school_b.other_cohort,
    }
    assert '<th scope="col">Établissement</th>' in response.content.decode()
    assert listed(client_for(other_rectorat)) == set()


def test_only_managers_get_the_new_cohort_button(school_a: School, rectorat: Any) -> None:
    create = reverse("establishments:cohort_create")

    assert create in client_for(school_a.head).get(URL).content.decode()
    assert create not in client_for(school_a.teacher).get(URL).content.decode()
    assert create not in client_for(rectorat).get(URL).content.decode()


def test_a_student_may_not_list_cohorts(school_a: School) -> None:
    assert client_for(school_a.student_user).get(URL).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["head", "teacher"])
def test_the_number_of_queries_does_not_grow_with_the_cohorts(
    school_a: School,
    role: str,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    user = getattr(school_a, role)
    grow(school_a, 1)
    once = count_queries(client_for(user), URL)

    grow(school_a, 9)
    client = client_for(user)
    with django_assert_num_queries(once):
        assert len(client.get(URL).context["rows"]) >= 10
