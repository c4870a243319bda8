# ruff: noqa: F811  (pytest fixtures imported from another conftest, then requested)
"""Issue 9, audit: edits of students and cohorts, and the teachers who gain or lose access to a
cohort's students, are in the audit journal with their author, time, address and changes."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.establishments.models import Cohort
from milieu.factories import member
from milieu.people.enums import Role
from tests.core.conftest import School, academie, school_a  # noqa: F401  (fixtures)

ADDRESS = "203.0.113.7"


def client_for(user: Any) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


def student_data(school: School, **changes: str) -> dict[str, str]:
    student = school.student
    data = {
        "last_name": student.last_name,
        "first_name": student.first_name,
        "ine": student.ine,
        "birth_date": student.birth_date.isoformat(),
        "division": student.division,
        "email": student.email,
        "phone": student.phone,
        "pathway": student.pathway,
        "continuing_situation": "",
        "previous_session": "",
        "repeater_report": "",
        "version": str(student.version),
        "representants-TOTAL_FORMS": "1",
        "representants-INITIAL_FORMS": "0",
        "representants-MIN_NUM_FORMS": "0",
        "representants-MAX_NUM_FORMS": "4",
    }
    data.update(changes)
    return data


def test_a_student_edit_is_journaled_with_its_author_address_and_changes(
    school_a: School,
) -> None:
    before = school_a.student.division
    response = client_for(school_a.secretary).post(
        reverse("students:edit", args=[school_a.student.pk]),
        student_data(
            school_a,
            division="TS CIEL",
            **{
                "representants-0-last_name": "Durand",
                "representants-0-first_name": "Claire",
                "representants-0-relation": "mere",
            },
        ),
    )
    assert response.status_code == 302

    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_EDITED)
    assert (entry.actor, entry.ip, entry.establishment) == (
        school_a.secretary,
        ADDRESS,
        school_a.establishment,
    )
    assert (entry.object_type, entry.object_id) == ("students.student", str(school_a.student.pk))
    assert entry.changes["division"] == [before, "TS CIEL"]
    assert entry.changes["representatives"][0] == []
    assert entry.changes["representatives"][1][0].startswith("Claire DURAND")
    assert entry.changes["version"] == [1, 2]
    assert set(entry.changes) == {"division", "representatives", "version"}


def test_a_refused_student_edit_writes_no_row(school_a: School) -> None:
    client_for(school_a.secretary).post(
        reverse("students:edit", args=[school_a.student.pk]),
        student_data(school_a, ine="pas un INE"),
    )
    assert not AuditEntry.objects.filter(action=AuditAction.STUDENT_EDITED).exists()


def cohort_data(cohort: Cohort, teachers: list[Any], **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": cohort.name,
        "diploma": cohort.diploma,
        "school_year": str(cohort.school_year),
        "session": str(cohort.session),
        "training_start": cohort.training_start.isoformat(),
        "teachers": [str(t.pk) for t in teachers],
        "version": str(cohort.version),
    }
    data.update(changes)
    return data


def test_a_cohort_edit_records_the_changes_and_who_gains_or_loses_access(
    school_a: School,
) -> None:
    cohort = school_a.cohort
    newcomer = member(Role.TEACHER, establishment=school_a.establishment)
    previous = list(cohort.teachers.all())
    assert previous, "the fixture's cohort has a teacher in charge"

    response = client_for(school_a.ddfpt).post(
        reverse("establishments:cohort_edit", args=[cohort.pk]),
        cohort_data(cohort, [newcomer], name="BTS CIEL 2e année"),
    )
    assert response.status_code == 302

    edited = AuditEntry.objects.get(action=AuditAction.COHORT_EDITED)
    assert (edited.actor, edited.ip, edited.establishment) == (
        school_a.ddfpt,
        ADDRESS,
        school_a.establishment,
    )
    assert edited.changes["name"] == [cohort.name, "BTS CIEL 2e année"]
    assert edited.changes["version"] == [1, 2]
    access = AuditEntry.objects.get(action=AuditAction.COHORT_TEACHERS_CHANGED)
    assert (access.actor, access.ip, access.object_id) == (school_a.ddfpt, ADDRESS, str(cohort.pk))
    assert access.changes["added_ids"] == [newcomer.pk]
    assert access.changes["removed_ids"] == [t.pk for t in previous]
    assert newcomer.email in access.changes["added"][0]
    assert all(t.email in " ".join(access.changes["removed"]) for t in previous)


def test_a_cohort_edit_without_new_teachers_writes_no_access_row(school_a: School) -> None:
    cohort = school_a.cohort
    client_for(school_a.ddfpt).post(
        reverse("establishments:cohort_edit", args=[cohort.pk]),
        cohort_data(cohort, list(cohort.teachers.all()), session=str(cohort.session + 1)),
    )
    assert AuditEntry.objects.filter(action=AuditAction.COHORT_EDITED).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.COHORT_TEACHERS_CHANGED).exists()


def test_the_teachers_of_a_new_cohort_are_recorded_as_gaining_access(school_a: School) -> None:
    teacher = member(Role.TEACHER, establishment=school_a.establishment)
    response = client_for(school_a.head).post(
        reverse("establishments:cohort_create"),
        {
            "name": "BEP MPMI 2de",
            "diploma": "bep-mpmi",
            "school_year": "2027",
            "session": "2028",
            "training_start": "2027-09-06",
            "teachers": [str(teacher.pk)],
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="BEP MPMI 2de")
    access = AuditEntry.objects.get(action=AuditAction.COHORT_TEACHERS_CHANGED)
    assert (access.actor, access.object_id, access.establishment) == (
        school_a.head,
        str(cohort.pk),
        school_a.establishment,
    )
    assert access.changes["added_ids"] == [teacher.pk]
    assert access.changes["removed_ids"] == []
