"""Who may import: the establishment's managers; others get 404 (not theirs) or 403 (not allowed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.imports.enums import ImportKind
from milieu.imports.models import ImportJob
from tests.imports.conftest import School
from tests.imports.files import csv_bytes, student, upload_students


@pytest.mark.parametrize("page", ["imports:students", "imports:hosts"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("a.head", 200),
        ("a.ddfpt", 200),
        ("a.secretary", 200),
        ("a.teacher", 403),
        ("a.student_user", 404),
        ("b.head", 404),
        ("b.secretary", 404),
        ("rectorat", 403),
        ("other_rectorat", 404),
    ],
)
def test_the_import_pages_by_role(
    school_a: School,
    school_b: School,
    rectorat: Any,
    other_rectorat: Any,
    client_for: Callable[[Any], Client],
    page: str,
    who: str,
    status: int,
) -> None:
    people = {"a": school_a, "b": school_b}
    if "." in who:
        school, role = who.split(".")
        user = getattr(people[school], role)
    else:
        user = {"rectorat": rectorat, "other_rectorat": other_rectorat}[who]

    response = client_for(user).get(reverse(page, args=[school_a.establishment.pk]))

    assert response.status_code == status


def test_anonymous_is_sent_to_the_login_page(db: None, client: Client) -> None:
    response = client.get(reverse("imports:students", args=[1]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_teacher_may_not_post_a_file(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    response = upload_students(client_for(school_a.teacher), school_a, csv_bytes([student(1)]))

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_another_schools_staff_may_not_post_a_file(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    response = upload_students(client_for(school_b.head), school_a, csv_bytes([student(1)]))

    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_a_cohort_of_another_establishment_is_not_a_choice(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    response = upload_students(
        client_for(school_a.head), school_a, csv_bytes([student(1)]), cohort=school_b.cohort
    )

    assert "Cette promotion n’existe pas dans l’établissement." in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("page", ["imports:job", "imports:progress"])
def test_an_import_is_seen_only_by_those_who_may_import(
    school_a: School,
    school_b: School,
    rectorat: Any,
    client_for: Callable[[Any], Client],
    page: str,
) -> None:
    job = ImportJob.objects.create(
        establishment=school_a.establishment,
        cohort=school_a.cohort,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        created_by=school_a.secretary,
    )
    url = reverse(page, args=[job.pk])

    assert client_for(school_a.head).get(url).status_code == 200
    assert client_for(school_b.head).get(url).status_code == 404
    assert client_for(school_a.teacher).get(url).status_code == 403
    assert client_for(rectorat).get(url).status_code == 403


def test_confirming_another_schools_import_is_a_404(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    job = ImportJob.objects.create(
        establishment=school_a.establishment,
        cohort=school_a.cohort,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        status="ready",
    )

    response = client_for(school_b.head).post(
        reverse("imports:confirm", args=[job.pk]), {"mode": "lignes-valides"}
    )

    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == "ready"
