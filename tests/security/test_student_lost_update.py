# ruff: noqa: F811  (pytest fixtures imported from another conftest, then requested)
"""Issue 9, item 9: two people editing the same student (or cohort) at once never lose a change.

The edit page carries the record's version; a save over a newer version is refused (409) with
« Cette fiche a été modifiée entre-temps par … le … », the other change shown field by field,
and the user's input kept in the form; saving again then goes through knowingly."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime
from html import unescape
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.editlock import EditConflict
from milieu.establishments.forms import CohortForm
from milieu.establishments.models import Cohort
from milieu.establishments.operations import update_cohort
from milieu.students.forms import RepresentativeFormSet, StudentForm
from milieu.students.models import Student
from milieu.students.operations import update_student
from tests.core.conftest import School, academie, make_school, school_a  # noqa: F401  (fixtures)

NOON = datetime(2027, 3, 1, 11, 5, tzinfo=UTC)  # 12:05 in Paris


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(student: Student) -> str:
    return reverse("students:edit", args=[student.pk])


def shown_form(client: Client, url: str) -> dict[str, str]:
    """What the edit page holds: every input's value, as the browser would send it back."""
    html = client.get(url).content.decode()
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or 'type="checkbox"' in tag or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_the_second_save_is_refused_shows_the_first_change_and_keeps_its_input(
    school_a: School,
) -> None:
    student = school_a.student
    url = edit_url(student)
    with time_machine.travel(NOON, tick=False):
        first, second = client_for(school_a.ddfpt), client_for(school_a.secretary)
        mine, theirs = shown_form(first, url), shown_form(second, url)
        assert mine["version"] == theirs["version"] == str(student.version)

        assert first.post(url, {**mine, "phone": "0612345678"}).status_code == 302
        response = second.post(url, {**theirs, "division": "1 CIEL B"})

        assert response.status_code == 409
        page = unescape(response.content.decode())
        assert (
            "Cette fiche a été modifiée entre-temps par "
            f"{school_a.ddfpt.get_full_name()} ({school_a.ddfpt.email}) le 01/03/2027 à 12:05."
            in page
        )
        assert "Téléphone : « vide » → « 0612345678 »" in page
        assert 'value="1 CIEL B"' in page  # the second user's input is kept
        student.refresh_from_db()
        assert (student.phone, student.division) == ("0612345678", school_a.student.division)
        # saving again, knowingly, goes through (the page now carries the new version)
        again = shown_inputs(page)
        assert again["version"] == str(student.version)
        assert second.post(url, {**theirs, **again, "phone": "0612345678"}).status_code == 302
    student.refresh_from_db()
    assert (student.phone, student.division) == ("0612345678", "1 CIEL B")


def shown_inputs(html: str) -> dict[str, str]:
    return {
        name: unescape(value)
        for name, value in re.findall(
            r'<input[^>]*name="(version|division)"[^>]*value="([^"]*)"', html
        )
    }


def test_a_change_made_elsewhere_is_shown_by_its_values(school_a: School) -> None:
    """An import (or any save outside the page) bumps the version without a journal row: the
    page shows the values now saved that differ from the user's input."""
    student = school_a.student
    client = client_for(school_a.ddfpt)
    url = edit_url(student)
    form = shown_form(client, url)
    saved = Student.objects.get(pk=student.pk)
    saved.last_name = "Import-Nouveau"
    saved.save()

    response = client.post(url, {**form, "division": "TS CIEL"})

    assert response.status_code == 409
    page = unescape(response.content.decode())
    assert "Cette fiche a été modifiée entre-temps." in page
    assert "Nom : « Import-Nouveau »" in page
    assert Student.objects.get(pk=student.pk).division == student.division


def test_a_missing_version_is_refused_in_french(school_a: School) -> None:
    client = client_for(school_a.ddfpt)
    url = edit_url(school_a.student)
    form = shown_form(client, url)
    del form["version"]
    response = client.post(url, {**form, "division": "X"})
    assert response.status_code == 200
    assert "La version de la fiche manque : rechargez la page." in unescape(
        response.content.decode()
    )
    assert Student.objects.get(pk=school_a.student.pk).division != "X"


def _bound_forms(student: Student, **changes: str) -> tuple[StudentForm, Any]:
    fresh = Student.objects.get(pk=student.pk)
    data = {
        "last_name": fresh.last_name,
        "first_name": fresh.first_name,
        "ine": fresh.ine,
        "birth_date": fresh.birth_date.isoformat(),
        "division": fresh.division,
        "email": fresh.email,
        "phone": fresh.phone,
        "pathway": fresh.pathway,
        "version": str(fresh.version),
        "representants-TOTAL_FORMS": "0",
        "representants-INITIAL_FORMS": "0",
        **changes,
    }
    form = StudentForm(data, instance=fresh)
    representatives = RepresentativeFormSet(data, instance=fresh, prefix="representants")
    assert form.is_valid(), form.errors
    assert representatives.is_valid()
    return form, representatives


def test_the_operation_refuses_a_stale_version_and_writes_nothing(school_a: School) -> None:
    student = school_a.student
    stale, stale_reps = _bound_forms(student, division="stale")
    fresh, fresh_reps = _bound_forms(student, division="fresh")
    update_student(fresh, fresh_reps, version=fresh.cleaned_data["version"], by=school_a.ddfpt)
    rows = AuditEntry.objects.count()

    with pytest.raises(EditConflict) as refused:
        update_student(stale, stale_reps, version=stale.cleaned_data["version"], by=school_a.head)

    assert refused.value.changes[0].fields == [("Division", student.division or "vide", "fresh")]
    assert Student.objects.get(pk=student.pk).division == "fresh"
    assert AuditEntry.objects.count() == rows


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_one_wins(academie: Any) -> None:
    """Both requests read version n and claim it at once: PostgreSQL lets only one through."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    school = make_school(academie, "L")
    forms = [_bound_forms(school.student, division=f"D{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(form: StudentForm, reps: Any) -> None:
        try:
            barrier.wait()
            update_student(form, reps, version=form.cleaned_data["version"], by=school.ddfpt)
            outcomes.append("ok")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "ok"]
    assert AuditEntry.objects.filter(action=AuditAction.STUDENT_EDITED).count() == 1


def test_the_cohort_edit_is_locked_the_same_way(school_a: School) -> None:
    cohort = school_a.cohort
    data = {
        "name": cohort.name,
        "diploma": cohort.diploma,
        "school_year": str(cohort.school_year),
        "session": str(cohort.session),
        "training_start": cohort.training_start.isoformat(),
        "teachers": [str(t.pk) for t in cohort.teachers.all()],
        "version": str(cohort.version),
    }
    url = reverse("establishments:cohort_edit", args=[cohort.pk])
    with time_machine.travel(NOON, tick=False):
        assert client_for(school_a.ddfpt).post(url, {**data, "name": "Premier"}).status_code == 302
        response = client_for(school_a.head).post(url, {**data, "name": "Second"})

    assert response.status_code == 409
    page = unescape(response.content.decode())
    assert (
        "Cette promotion a été modifiée entre-temps par "
        f"{school_a.ddfpt.get_full_name()} ({school_a.ddfpt.email}) le 01/03/2027 à 12:05." in page
    )
    assert f"Nom : « {cohort.name} » → « Premier »" in page
    assert 'value="Second"' in page
    cohort.refresh_from_db()
    assert cohort.name == "Premier"


def test_the_cohort_operation_refuses_a_stale_version(school_a: School) -> None:
    cohort = school_a.cohort
    data = {
        "name": "Autre nom",
        "diploma": cohort.diploma,
        "school_year": str(cohort.school_year),
        "session": str(cohort.session),
        "training_start": cohort.training_start.isoformat(),
        "version": str(cohort.version),
    }
    form = CohortForm(data, instance=cohort)
    assert form.is_valid(), form.errors
    Cohort.objects.get(pk=cohort.pk).save()  # someone else's save: a new version
    with pytest.raises(EditConflict):
        update_cohort(form, version=form.cleaned_data["version"], by=school_a.ddfpt)
    cohort.refresh_from_db()
    assert cohort.name != "Autre nom"
