"""Creating and editing a cohort: managers only, French validation, diplomas from the catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.establishments.models import Cohort
from milieu.people.enums import Role
from milieu.people.models import Membership
from milieu.rules import get_catalogue
from tests.school.conftest import School, client_for

CREATE = reverse("establishments:cohort_create")


def edit_url(school: School) -> str:
    return reverse("establishments:cohort_edit", args=[school.cohort.pk])


def valid(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "BEP MPMI 2de",
        "diploma": "bep-mpmi",
        "school_year": "2027",
        "session": "2028",
        "training_start": "2027-09-06",
    }
    data.update(changes)
    return data


def test_the_diploma_choices_come_from_the_catalogue(school_a: School) -> None:
    html = client_for(school_a.head).get(CREATE).content.decode()

    for diploma_id in get_catalogue().ids():
        assert f'<option value="{diploma_id}">' in html


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary"])
def test_a_manager_creates_a_cohort_in_their_establishment(school_a: School, role: str) -> None:
    response = client_for(getattr(school_a, role)).post(
        CREATE, valid(teachers=[school_a.teacher.pk]), follow=True
    )

    cohort = Cohort.objects.get(name="BEP MPMI 2de")
    assert cohort.establishment == school_a.establishment
    assert list(cohort.teachers.all()) == [school_a.teacher]
    assert response.redirect_chain[-1][0] == reverse(
        "establishments:cohort_detail", args=[cohort.pk]
    )
    assert "La promotion « BEP MPMI 2de » est créée." in response.content.decode()


def test_the_teachers_offered_are_those_of_the_establishment(
    school_a: School, school_b: School
) -> None:
    html = client_for(school_a.head).get(CREATE).content.decode()

    assert str(school_a.teacher) in html
    assert str(school_b.teacher) not in html
    response = client_for(school_a.head).post(CREATE, valid(teachers=[school_b.teacher.pk]))
    assert response.status_code == 200
    assert not Cohort.objects.filter(name="BEP MPMI 2de").exists()


def test_another_establishment_cannot_be_forced_into_the_form(
    school_a: School, school_b: School
) -> None:
    client_for(school_a.head).post(CREATE, valid(establishment=school_b.establishment.pk))

    assert Cohort.objects.get(name="BEP MPMI 2de").establishment == school_a.establishment


def test_a_manager_of_two_establishments_chooses_one_of_them(
    school_a: School, school_b: School
) -> None:
    Membership.objects.create(
        user=school_a.ddfpt, role=Role.DDFPT, establishment=school_b.establishment
    )
    client = client_for(school_a.ddfpt)

    assert '<select name="establishment"' in client.get(CREATE).content.decode()
    response = client.post(CREATE, valid(establishment=school_b.establishment.pk))

    assert response.status_code == 302
    assert Cohort.objects.get(name="BEP MPMI 2de").establishment == school_b.establishment


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"session": "2026"}, "session", "La session d’examen ne peut précéder l’année de début."),
        ({"diploma": "bts-inconnu"}, "diploma", "Sélectionnez un choix valide."),
        ({"name": ""}, "name", "Ce champ est obligatoire."),
        ({"training_start": "31/02/2027"}, "training_start", "Saisissez une date valide."),
    ],
)
def test_mistakes_are_explained_in_french_next_to_the_field(
    school_a: School, changes: dict[str, str], field: str, message: str
) -> None:
    response = client_for(school_a.head).post(CREATE, valid(**changes))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert 'aria-invalid="true"' in html


def test_a_name_is_unique_per_establishment_and_year(school_a: School) -> None:
    response = client_for(school_a.head).post(
        CREATE, valid(name=school_a.cohort.name, school_year=str(school_a.cohort.school_year))
    )

    assert "Une promotion porte déjà ce nom cette année dans l’établissement." in (
        response.content.decode()
    )


def test_a_manager_edits_a_cohort(school_a: School) -> None:
    response = client_for(school_a.ddfpt).post(
        edit_url(school_a),
        valid(name="BTS CIEL 1re année", diploma="bts-ciel", version=school_a.cohort.version),
    )

    assert response.status_code == 302
    school_a.cohort.refresh_from_db()
    assert school_a.cohort.name == "BTS CIEL 1re année"
    assert school_a.cohort.establishment == school_a.establishment


def test_editing_keeps_its_own_name_without_complaint(school_a: School) -> None:
    response = client_for(school_a.ddfpt).post(
        edit_url(school_a),
        valid(
            name=school_a.cohort.name,
            school_year=str(school_a.cohort.school_year),
            version=school_a.cohort.version,
        ),
    )

    assert response.status_code == 302


def test_a_teacher_may_not_edit_the_cohort(school_a: School) -> None:
    assert client_for(school_a.teacher).get(edit_url(school_a)).status_code == 403
    assert client_for(school_a.teacher).post(edit_url(school_a), valid()).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "student_user"])
def test_only_managers_may_create(school_a: School, role: str) -> None:
    assert client_for(getattr(school_a, role)).get(CREATE).status_code == 403


def test_the_rectorat_may_not_create_or_edit(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(CREATE).status_code == 403
    assert client_for(rectorat).get(edit_url(school_a)).status_code == 403


def test_another_school_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).post(edit_url(school_a), valid()).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(CREATE)["Location"].startswith(reverse("login"))
    assert client.get(edit_url(school_a))["Location"].startswith(reverse("login"))
