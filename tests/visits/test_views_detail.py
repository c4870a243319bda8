from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from milieu.conventions.models import ConventionPeriod
from milieu.visits.enums import VisitStatus
from milieu.visits.models import Visit
from tests.visits.conftest import School, client_for, on_visit_day


def url(visit: Visit) -> str:
    return reverse("visits:detail", kwargs={"pk": visit.pk})


def test_the_visiting_teacher_writes_the_report(visit: Visit, school_a: School) -> None:
    with on_visit_day(visit):
        client = client_for(school_a.teacher)
        assert "Enregistrer le compte rendu" in client.get(url(visit)).content.decode()
        response = client.post(
            url(visit),
            {"seen": "Supervision du réseau.", "difficulties": "", "actions": "Relance."},
        )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.actions == "Relance."


def test_a_report_before_the_visits_day_is_refused_in_french(
    visit: Visit, school_a: School
) -> None:
    client = client_for(school_a.teacher)
    response = client.post(
        url(visit), {"seen": "Trop tôt.", "difficulties": "", "actions": ""}, follow=True
    )
    page = response.content.decode()
    assert "ne peut être rédigé qu&#x27;à partir de ce jour" in page
    # before the day, the page says when the report can be written instead of offering the form
    assert "data-report-too-early" in page and "Enregistrer le compte rendu" not in page
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_the_visit_page_shows_its_period(visit: Visit, school_a: School) -> None:
    page = client_for(school_a.head).get(url(visit)).content.decode()
    assert "Période de stage" in page and "du 31/05/2027 au 09/07/2027" in page
    assert reverse("visits:convention", kwargs={"pk": visit.convention_id}) in page
    ConventionPeriod.objects.filter(pk=visit.period_id).update(active=False)
    page = client_for(school_a.head).get(url(visit)).content.decode()
    assert "remplacée depuis par un avenant" in page


def test_an_empty_report_is_refused_in_french(visit: Visit, school_a: School) -> None:
    with on_visit_day(visit):
        response = client_for(school_a.teacher).post(url(visit), {"seen": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


@pytest.mark.parametrize("role", ["head", "ddfpt", "secretary", "student_user"])
def test_the_others_who_see_the_convention_read_the_visit(
    visit: Visit, school_a: School, role: str
) -> None:
    response = client_for(getattr(school_a, role)).get(url(visit))
    assert response.status_code == 200
    assert "Enregistrer le compte rendu" not in response.content.decode()


@pytest.mark.parametrize("role", ["head", "secretary", "student_user"])
def test_only_the_visiting_teacher_posts_a_report(
    visit: Visit, school_a: School, role: str
) -> None:
    response = client_for(getattr(school_a, role)).post(url(visit), {"seen": "x"})
    assert response.status_code == 403


def test_rectorat_reads_and_another_academie_gets_a_404(
    visit: Visit, rectorat: Any, other_rectorat: Any
) -> None:
    assert client_for(rectorat).get(url(visit)).status_code == 200
    assert client_for(other_rectorat).get(url(visit)).status_code == 404


def test_school_b_gets_a_404(visit: Visit, school_b: School) -> None:
    for user in (school_b.head, school_b.teacher, school_b.student_user):
        assert client_for(user).get(url(visit)).status_code == 404


def test_the_head_cancels_the_visit_with_a_reason(visit: Visit, school_a: School) -> None:
    client = client_for(school_a.head)
    assert "Annuler la visite" in client.get(url(visit)).content.decode()
    response = client.post(
        reverse("visits:cancel", kwargs={"pk": visit.pk}), {"reason": "Entreprise fermée."}
    )
    assert response["Location"] == url(visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED
    page = client.get(url(visit)).content.decode()
    assert "La visite est annulée." in page and "Entreprise fermée." in page


def test_a_cancellation_without_reason_says_so(visit: Visit, school_a: School) -> None:
    client = client_for(school_a.head)
    client.post(reverse("visits:cancel", kwargs={"pk": visit.pk}), {"reason": ""})
    assert "Indiquez le motif" in client.get(url(visit)).content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_the_secretariat_may_not_cancel(visit: Visit, school_a: School) -> None:
    response = client_for(school_a.secretary).post(
        reverse("visits:cancel", kwargs={"pk": visit.pk}), {"reason": "x"}
    )
    assert response.status_code == 403
