"""Seed 004 (préambule): « Chaque professeur doit se rendre en entreprise et en accord avec le
tuteur, organiser ses visites »: the tutor sees the planned visits on their link and confirms
one or proposes another date; the answer is logged and the teacher reads it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Convention
from milieu.visits.enums import TutorAnswer, VisitAction
from milieu.visits.models import Visit, VisitEvent
from milieu.visits.operations import plan_visit
from tests.core.conftest import School
from tests.followup.conftest import link, on, signed

pytestmark = pytest.mark.django_db

PERIOD = (date(2027, 5, 31), date(2027, 7, 9))


def bijou(school: School) -> Convention:
    school.cohort.diploma = "bma-bijou"
    school.cohort.save()
    return signed(school, periods=[PERIOD])


def planned(convention: Convention, school: School) -> Visit:
    return plan_visit(
        convention,
        by=school.teacher,
        teacher=school.teacher,
        period=convention.active_periods().get(),
        when=datetime(2027, 6, 10, 8, 30, tzinfo=UTC),
    )


def answer(visit: Visit, **fields: str) -> dict[str, str]:
    data = {
        "action": "visit-answer",
        "visit-visit": str(visit.pk),
        "visit-answer": "confirm",
        "visit-tutor_name": "Jeanne Orfèvre",
        "visit-comment": "",
        "visit-proposed_at": "",
    }
    data.update({f"visit-{k}": v for k, v in fields.items()})
    return data


def test_the_tutor_confirms_a_planned_visit_and_the_teacher_sees_it_paragraph_preambule(
    school_a: School,
) -> None:
    convention = bijou(school_a)
    with on(date(2027, 6, 1)):
        visit = planned(convention, school_a)
        token, _ = link(convention, school_a.ddfpt)
        url = reverse("followup:tutor", args=[token])
        client = Client()
        page = client.get(url).content.decode()
        assert "Visites de l'enseignant" in page and "jeudi 10 juin 2027 à 10:30" in page
        done = client.post(url, answer(visit, comment="Venez à l'atelier du 2e étage."))
        assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.tutor_answer == TutorAnswer.CONFIRMED
    assert visit.tutor_answer_name == "Jeanne Orfèvre"
    event = VisitEvent.objects.get(visit=visit, action=VisitAction.TUTOR_CONFIRMED)
    assert event.actor is None
    assert "confirmée par le tuteur (Jeanne Orfèvre)" in event.detail
    with on(date(2027, 6, 1)):
        teacher = Client()
        teacher.force_login(school_a.teacher)
        detail = teacher.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "Confirmée par le tuteur (Jeanne Orfèvre) le 01/06/2027" in detail
    with on(date(2027, 6, 1)):
        listing = teacher.get(reverse("visits:convention", args=[convention.pk])).content.decode()
    assert "en accord avec le tuteur (annexe BMA bijou, §préambule)" in listing
    assert "Confirmée par le tuteur (Jeanne Orfèvre)" in listing
    assert "« Venez à l&#x27;atelier du 2e étage. »" in detail


def test_the_tutor_proposes_another_date_within_the_period_paragraph_preambule(
    school_a: School,
) -> None:
    convention = bijou(school_a)
    with on(date(2027, 6, 1)):
        visit = planned(convention, school_a)
        token, _ = link(convention, school_a.ddfpt)
        url = reverse("followup:tutor", args=[token])
        client = Client()
        outside = client.post(
            url, answer(visit, answer="other-date", proposed_at="2027-07-20T10:00")
        )
        assert outside.status_code == 400
        assert "Proposez un jour à venir de la période, du 31/05/2027 au 09/07/2027." in (
            outside.content.decode()
        )
        missing = client.post(url, answer(visit, answer="other-date"))
        assert missing.status_code == 400
        assert "Indiquez la date que vous proposez." in missing.content.decode()
        done = client.post(url, answer(visit, answer="other-date", proposed_at="2027-06-17T14:00"))
        assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.tutor_answer == TutorAnswer.OTHER_DATE
    assert visit.planned_at == datetime(2027, 6, 10, 8, 30, tzinfo=UTC)  # the teacher replans
    assert "propose le 17/06/2027 à 14:00" in visit.tutor_answer_text
    assert VisitEvent.objects.filter(visit=visit, action=VisitAction.TUTOR_PROPOSED).exists()


def test_a_link_answers_only_its_own_visits(school_a: School) -> None:
    convention = bijou(school_a)
    other = signed(school_a, periods=[(date(2027, 9, 6), date(2027, 9, 17))])
    with on(date(2027, 6, 1)):
        visit = planned(convention, school_a)
        token, _ = link(other, school_a.ddfpt)
        response = Client().post(reverse("followup:tutor", args=[token]), answer(visit))
    assert response.status_code == 400
    assert "Cette visite n'est pas une visite de ce stage." in unescape(response.content.decode())
    visit.refresh_from_db()
    assert visit.tutor_answer == ""
