"""A cohort's PFMP windows: added and changed by managers, never overlapping."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.establishments.models import CohortPeriod
from tests.school.conftest import School, client_for


def create_url(school: School) -> str:
    return reverse("establishments:period_create", args=[school.cohort.pk])


def edit_url(school: School) -> str:
    return reverse("establishments:period_edit", args=[school.cohort.pk, school.period.pk])


def test_a_manager_adds_a_period(school_a: School) -> None:
    response = client_for(school_a.secretary).post(
        create_url(school_a), {"label": "PFMP 2", "start": "2027-11-08", "end": "2027-12-17"}
    )

    assert response.status_code == 302
    added = CohortPeriod.objects.get(cohort=school_a.cohort, label="PFMP 2")
    assert (added.start, added.end) == (date(2027, 11, 8), date(2027, 12, 17))


def test_the_end_may_not_precede_the_start(school_a: School) -> None:
    response = client_for(school_a.head).post(
        create_url(school_a), {"label": "PFMP 2", "start": "2027-12-17", "end": "2027-11-08"}
    )

    assert "La fin de la période précède son début." in response.content.decode()
    assert not CohortPeriod.objects.filter(label="PFMP 2").exists()


def test_two_periods_of_a_cohort_may_not_overlap(school_a: School) -> None:
    response = client_for(school_a.head).post(
        create_url(school_a), {"label": "PFMP 2", "start": "2027-07-12", "end": "2027-07-30"}
    )

    assert "Cette période chevauche « PFMP 1 (31/05/2027 – 16/07/2027) »." in (
        response.content.decode()
    )


def test_a_manager_moves_a_period_over_its_own_dates(school_a: School) -> None:
    response = client_for(school_a.head).post(
        edit_url(school_a), {"label": "PFMP 1", "start": "2027-06-07", "end": "2027-07-16"}
    )

    assert response.status_code == 302
    school_a.period.refresh_from_db()
    assert school_a.period.start == date(2027, 6, 7)


def test_a_period_of_another_cohort_is_not_found(school_a: School) -> None:
    other = reverse(
        "establishments:period_edit", args=[school_a.other_cohort.pk, school_a.period.pk]
    )

    assert client_for(school_a.head).get(other).status_code == 404


def test_a_teacher_may_not_change_the_periods(school_a: School) -> None:
    assert client_for(school_a.teacher).get(create_url(school_a)).status_code == 403
    assert client_for(school_a.teacher).get(edit_url(school_a)).status_code == 403


def test_the_rectorat_may_not_change_the_periods(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(create_url(school_a)).status_code == 403


def test_another_school_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.ddfpt).get(create_url(school_a)).status_code == 404
    assert client_for(school_b.ddfpt).get(edit_url(school_a)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(create_url(school_a))["Location"].startswith(reverse("login"))
