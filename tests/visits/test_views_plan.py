from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from milieu.visits.models import Visit
from tests.visits.conftest import School, client_for, convention_for


def url(pk: int) -> str:
    return reverse("visits:plan", kwargs={"pk": pk})


def test_a_teacher_plans_a_visit_and_lands_on_its_page(school_a: School) -> None:
    convention = convention_for(school_a)
    client = client_for(school_a.teacher)
    response = client.post(
        url(convention.pk), {"teacher": school_a.teacher.pk, "planned_at": "2027-06-10T09:30"}
    )
    visit = Visit.objects.get()
    assert response["Location"] == reverse("visits:detail", kwargs={"pk": visit.pk})
    assert visit.convention == convention
    assert visit.planned_at == datetime(2027, 6, 10, 7, 30, tzinfo=UTC)  # 09:30 in Paris
    page = client.get(response["Location"]).content.decode()
    assert "La visite est planifiée le 10/06/2027 à 09:30." in page


def test_the_form_offers_the_cohort_teachers(school_a: School) -> None:
    page = client_for(school_a.ddfpt).get(url(convention_for(school_a).pk)).content.decode()
    assert "Planifier une visite" in page
    assert str(school_a.teacher) in page
    assert str(school_a.other_teacher) not in page


def test_a_missing_date_is_said_in_french(school_a: School) -> None:
    response = client_for(school_a.head).post(
        url(convention_for(school_a).pk), {"teacher": school_a.teacher.pk}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role", ["secretary", "student_user"])
def test_the_school_s_other_accounts_are_refused(school_a: School, role: str) -> None:
    response = client_for(getattr(school_a, role)).get(url(convention_for(school_a).pk))
    assert response.status_code == 403


def test_school_b_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).get(url(convention_for(school_a).pk)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(convention_for(school_a).pk))["Location"].startswith(reverse("login"))
