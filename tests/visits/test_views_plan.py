from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import ConventionPeriod
from milieu.visits.models import Visit
from tests.visits.conftest import (
    School,
    another_student_convention,
    client_for,
    convention_for,
    period_of,
)

SPRING = (date(2027, 3, 1), date(2027, 3, 26))
SUMMER = (date(2027, 6, 7), date(2027, 7, 2))


def url(pk: int) -> str:
    return reverse("visits:plan", kwargs={"pk": pk})


def test_a_teacher_plans_a_visit_and_lands_on_its_page(school_a: School) -> None:
    convention = convention_for(school_a)
    period = period_of(convention)
    client = client_for(school_a.teacher)
    response = client.post(
        url(convention.pk),
        {"period": period.pk, "teacher": school_a.teacher.pk, "planned_at": "2027-06-10T09:30"},
    )
    visit = Visit.objects.get()
    assert response["Location"] == reverse("visits:detail", kwargs={"pk": visit.pk})
    assert (visit.convention, visit.period) == (convention, period)
    assert visit.planned_at == datetime(2027, 6, 10, 7, 30, tzinfo=UTC)  # 09:30 in Paris
    page = client.get(response["Location"]).content.decode()
    assert "La visite est planifiée le 10/06/2027 à 09:30." in page
    assert "du 31/05/2027 au 09/07/2027" in page


def test_the_form_offers_the_cohort_teachers(school_a: School) -> None:
    page = client_for(school_a.ddfpt).get(url(convention_for(school_a).pk)).content.decode()
    assert "Planifier une visite" in page
    assert str(school_a.teacher) in page
    assert str(school_a.other_teacher) not in page


def offered(school: School, pk: int, query: str = "") -> tuple[list[int], int | None]:
    """The periods the form offers, and the one pre-selected."""
    form = client_for(school.head).get(url(pk) + query).context["form"]
    return [p.pk for p in form.fields["period"].queryset], form["period"].value()


def test_the_form_offers_the_active_periods_and_selects_the_one_under_way(
    school_a: School,
) -> None:
    convention = convention_for(school_a, periods=[SPRING, SUMMER])
    spring, summer = convention.active_periods()
    replaced = ConventionPeriod.objects.create(
        convention=convention,
        student=convention.student,
        start=date(2027, 9, 6),
        end=date(2027, 10, 1),
        active=False,
    )
    with time_machine.travel(datetime(2027, 3, 10, 9, tzinfo=UTC), tick=False):
        assert offered(school_a, convention.pk) == ([spring.pk, summer.pk], spring.pk)
    with time_machine.travel(datetime(2027, 4, 10, 9, tzinfo=UTC), tick=False):
        assert offered(school_a, convention.pk) == ([spring.pk, summer.pk], summer.pk)  # the next
    with time_machine.travel(datetime(2027, 12, 1, 9, tzinfo=UTC), tick=False):
        assert offered(school_a, convention.pk)[1] == summer.pk  # all over: the last one
    # the alerts' link asks for a period; an inactive or unknown one is ignored
    with time_machine.travel(datetime(2027, 3, 10, 9, tzinfo=UTC), tick=False):
        assert offered(school_a, convention.pk, f"?periode={summer.pk}")[1] == summer.pk
        assert offered(school_a, convention.pk, f"?periode={replaced.pk}")[1] == spring.pk
        assert offered(school_a, convention.pk, "?periode=x")[1] == spring.pk


def test_a_day_outside_the_period_is_refused_and_the_input_kept(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SPRING, SUMMER])
    _spring, summer = convention.active_periods()
    response = client_for(school_a.head).post(
        url(convention.pk),
        {"period": summer.pk, "teacher": school_a.teacher.pk, "planned_at": "2027-03-15T10:00"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "La visite doit avoir lieu pendant la période du 07/06/2027 au 02/07/2027." in page
    assert 'value="2027-03-15T10:00"' in page
    form = response.context["form"]
    assert form.errors["planned_at"] and str(form["period"].value()) == str(summer.pk)
    assert not Visit.objects.exists()


def test_another_convention_s_period_is_not_a_choice(school_a: School) -> None:
    convention = convention_for(school_a)
    other = another_student_convention(school_a, periods=[(date(2028, 1, 3), date(2028, 1, 28))])
    response = client_for(school_a.head).post(
        url(convention.pk),
        {
            "period": period_of(other).pk,
            "teacher": school_a.teacher.pk,
            "planned_at": "2028-01-10T10:00",
        },
    )
    assert response.status_code == 200
    assert "Choisissez une période en vigueur de la convention." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_missing_date_is_said_in_french(school_a: School) -> None:
    convention = convention_for(school_a)
    response = client_for(school_a.head).post(
        url(convention.pk), {"period": period_of(convention).pk, "teacher": school_a.teacher.pk}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Visit.objects.exists()


def test_a_convention_not_yet_signed_shows_why_and_no_form(school_a: School) -> None:
    convention = convention_for(school_a, status="validated")
    client = client_for(school_a.head)
    page = client.get(url(convention.pk)).content.decode()
    assert "une visite se planifie une fois la convention signée" in page
    assert "Planifier la visite" not in page
    period = period_of(convention)
    day = (period.start + timedelta(days=1)).isoformat()
    response = client.post(
        url(convention.pk),
        {"period": period.pk, "teacher": school_a.teacher.pk, "planned_at": f"{day}T10:00"},
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role", ["secretary", "student_user"])
def test_the_school_s_other_accounts_are_refused(school_a: School, role: str) -> None:
    response = client_for(getattr(school_a, role)).get(url(convention_for(school_a).pk))
    assert response.status_code == 403


def test_school_b_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).get(url(convention_for(school_a).pk)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(convention_for(school_a).pk))["Location"].startswith(reverse("login"))
