"""Issue 13 §16: staff find a student by name or INE from the header, among the students they
see only, whatever the case and the accents; the page says so in French when nobody matches."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from milieu.factories import StudentFactory
from tests.school.conftest import School, client_for

URL = reverse("students:search")


def found(user: Any, query: str, **extra: str) -> list[Any]:
    response = client_for(user).get(URL, {"q": query, **extra})
    assert response.status_code == 200
    return response.context["students"]


def test_a_name_is_found_without_case_nor_accents(school_a: School) -> None:
    eloise = StudentFactory.create(cohort=school_a.cohort, first_name="Éloïse", last_name="Lefèvre")

    assert found(school_a.ddfpt, "eloise") == [eloise]
    assert found(school_a.ddfpt, "LEFEVRE") == [eloise]
    assert found(school_a.ddfpt, "lefèvre éloïse") == [eloise]


def test_an_ine_is_found(school_a: School) -> None:
    assert found(school_a.head, school_a.student.ine.lower()) == [school_a.student]


def test_only_visible_students_are_listed(school_a: School, school_b: School) -> None:
    StudentFactory.create(cohort=school_a.other_cohort, last_name="Zanetti")
    StudentFactory.create(cohort=school_b.cohort, last_name="Zanetti")

    # the teacher of school A's first cohort does not teach the other cohort
    assert found(school_a.teacher, "zanetti") == []
    assert [s.cohort for s in found(school_a.ddfpt, "zanetti")] == [school_a.other_cohort]


def test_nobody_matches_in_french(school_a: School) -> None:
    html = client_for(school_a.ddfpt).get(URL, {"q": "personne"}).content.decode()

    assert "Aucun élève ne correspond à « personne »." in html


def test_results_are_paginated(school_a: School) -> None:
    # a name no generated student bears (the fixture's random names include « Martine »)
    for n in range(30):
        StudentFactory.create(cohort=school_a.cohort, last_name=f"Zwolinski{n:02d}")

    first = client_for(school_a.ddfpt).get(URL, {"q": "zwolinski"})
    second = client_for(school_a.ddfpt).get(URL, {"q": "zwolinski", "page": "2"})

    assert len(first.context["students"]) == 25 and len(second.context["students"]) == 5
    assert "q=zwolinski&amp;page=2" in first.content.decode()


def test_the_header_offers_the_search_to_staff_not_to_students(school_a: School) -> None:
    staff = client_for(school_a.teacher).get(reverse("dashboard")).content.decode()
    student = client_for(school_a.student_user).get(reverse("dashboard")).content.decode()

    assert f'action="{URL}" role="search" data-header-search' in staff
    assert "data-header-search" not in student
    assert client_for(school_a.student_user).get(URL, {"q": "x"}).status_code == 403
