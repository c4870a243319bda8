"""Editing a student's file and legal representatives: managers only, French validation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.factories import LegalRepresentativeFactory
from milieu.students.models import LegalRepresentative
from tests.school.conftest import School, client_for


def url(student: Any) -> str:
    return reverse("students:edit", args=[student.pk])


def form_data(student: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "last_name": student.last_name,
        "first_name": student.first_name,
        "ine": student.ine,
        "birth_date": student.birth_date.isoformat(),
        "division": student.division,
        "email": student.email,
        "phone": "",
        "pathway": "scolaire",
        "continuing_situation": "",
        "previous_session": "",
        "repeater_report": "",
        "representants-TOTAL_FORMS": "1",
        "representants-INITIAL_FORMS": "0",
        "representants-MIN_NUM_FORMS": "0",
        "representants-MAX_NUM_FORMS": "4",
        "version": str(student.version),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary"])
def test_a_manager_edits_the_student_and_adds_a_representative(school_a: School, role: str) -> None:
    response = client_for(getattr(school_a, role)).post(
        url(school_a.student),
        form_data(
            school_a.student,
            division="1 CIEL B",
            **{
                "representants-0-last_name": "Durand",
                "representants-0-first_name": "Claire",
                "representants-0-relation": "mere",
                "representants-0-email": "claire.durand@exemple.fr",
            },
        ),
    )

    assert response.status_code == 302
    school_a.student.refresh_from_db()
    assert school_a.student.division == "1 CIEL B"
    assert LegalRepresentative.objects.get(student=school_a.student).first_name == "Claire"


def test_a_representative_may_be_removed(school_a: School) -> None:
    parent = LegalRepresentativeFactory.create(student=school_a.student)
    data = form_data(
        school_a.student,
        **{
            "representants-TOTAL_FORMS": "2",
            "representants-INITIAL_FORMS": "1",
            "representants-0-id": str(parent.pk),
            "representants-0-student": str(school_a.student.pk),
            "representants-0-last_name": parent.last_name,
            "representants-0-first_name": parent.first_name,
            "representants-0-relation": parent.relation,
            "representants-0-DELETE": "on",
        },
    )

    assert client_for(school_a.head).post(url(school_a.student), data).status_code == 302
    assert not LegalRepresentative.objects.exists()


def test_the_form_shows_the_existing_representatives(school_a: School) -> None:
    parent = LegalRepresentativeFactory.create(student=school_a.student, first_name="Claire")

    html = client_for(school_a.head).get(url(school_a.student)).content.decode()

    assert 'value="Claire"' in html
    assert 'name="representants-0-DELETE"' in html
    assert 'name="representants-TOTAL_FORMS"' in html
    assert str(parent.pk) in html


def test_continuing_education_needs_its_situation(school_a: School) -> None:
    response = client_for(school_a.head).post(
        url(school_a.student), form_data(school_a.student, pathway="formation-continue")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Précisez la situation en formation continue" in html
    assert 'id="id_continuing_situation-error"' in html


def test_the_situation_is_cleared_outside_continuing_education(school_a: School) -> None:
    client_for(school_a.head).post(
        url(school_a.student),
        form_data(school_a.student, pathway="apprentissage", continuing_situation="reconversion"),
    )

    school_a.student.refresh_from_db()
    assert (school_a.student.pathway, school_a.student.continuing_situation) == (
        "apprentissage",
        "",
    )


def test_a_repeater_needs_the_previous_session_and_the_report(school_a: School) -> None:
    response = client_for(school_a.head).post(
        url(school_a.student), form_data(school_a.student, repeater="on")
    )

    html = response.content.decode()
    assert "Indiquez la session précédente du redoublant." in html
    assert "Indiquez ce que présente le redoublant" in html


def test_a_malformed_ine_is_refused_in_french(school_a: School) -> None:
    response = client_for(school_a.head).post(
        url(school_a.student), form_data(school_a.student, ine="1234")
    )

    assert "L&#x27;INE compte 11 caractères" in response.content.decode()


def test_a_teacher_may_not_edit(school_a: School) -> None:
    assert client_for(school_a.teacher).get(url(school_a.student)).status_code == 403


def test_a_student_may_not_edit_their_own_file(school_a: School) -> None:
    assert client_for(school_a.student_user).get(url(school_a.student)).status_code == 403


def test_the_rectorat_may_not_edit(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(school_a.student)).status_code == 403


def test_another_school_gets_a_404(school_a: School, school_b: School) -> None:
    response = client_for(school_b.head).post(url(school_a.student), form_data(school_a.student))

    assert response.status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(school_a.student))["Location"].startswith(reverse("login"))
