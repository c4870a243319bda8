"""BEP (seed 000 §1): « Chacune des deux périodes de stage fera l'objet d'une préparation, d'un
suivi par un enseignant et, au retour, d'une exploitation pédagogique dans l'établissement » and
« Ces derniers effectuent plusieurs visites au cours du stage »: recorded by the team, alerts on
the visits' alerts page and in the teachers' dashboard queue; never in the verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.models import Convention
from milieu.exams.assembly import build_dossier
from milieu.followup.models import FollowupAction, FollowupEvent, PedagogySession
from milieu.followup.operations import FollowupRefused
from milieu.followup.pedagogy import periods_missing_pedagogy, record_pedagogy_session
from milieu.people.queues import teacher_queues
from milieu.rules import evaluate
from milieu.visits.operations import plan_visit
from milieu.visits.queries import periods_without_visit
from tests.core.conftest import School
from tests.followup.conftest import on, signed

pytestmark = pytest.mark.django_db

PERIOD = (date(2027, 1, 4), date(2027, 1, 8))


def bep(school: School) -> Convention:
    school.cohort.diploma = "bep-mpmi"
    school.cohort.save()
    return signed(school, periods=[PERIOD])


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_team_records_the_preparation_and_the_exploitation_paragraph_1(
    school_a: School,
) -> None:
    convention = bep(school_a)
    period = convention.active_periods().get()
    with on(date(2027, 1, 12)):
        record_pedagogy_session(
            period,
            kind="preparation",
            held_on=date(2026, 12, 17),
            led_by="M. Martin, Mme Roux",
            content="Présentation de l'entreprise et des consignes de sécurité.",
            by=school_a.teacher,
        )
        record_pedagogy_session(
            period,
            kind="exploitation",
            held_on=date(2027, 1, 11),
            led_by="M. Martin",
            content="Restitution orale devant la classe.",
            by=school_a.ddfpt,
        )
    assert [s.kind for s in PedagogySession.objects.order_by("held_on")] == [
        "preparation",
        "exploitation",
    ]
    event = FollowupEvent.objects.filter(action=FollowupAction.PEDAGOGY_RECORDED).first()
    assert event is not None and event.actor == school_a.ddfpt
    assert "Exploitation pédagogique du 11/01/2027" in event.detail
    with on(date(2027, 1, 12)):
        assert not periods_missing_pedagogy(school_a.teacher, date(2027, 1, 12)).exists()


def test_a_preparation_comes_before_and_an_exploitation_after_the_period_paragraph_1(
    school_a: School,
) -> None:
    period = bep(school_a).active_periods().get()
    with on(date(2027, 1, 12)):
        with pytest.raises(FollowupRefused, match="au plus tard le 04/01/2027"):
            record_pedagogy_session(
                period,
                kind="preparation",
                held_on=date(2027, 1, 6),
                led_by="M. Martin",
                content="Consignes",
                by=school_a.teacher,
            )
        with pytest.raises(FollowupRefused, match="à partir du 08/01/2027"):
            record_pedagogy_session(
                period,
                kind="exploitation",
                held_on=date(2027, 1, 5),
                led_by="M. Martin",
                content="Restitution",
                by=school_a.teacher,
            )
        with pytest.raises(FollowupRefused, match="sa date est à venir"):
            record_pedagogy_session(
                period,
                kind="exploitation",
                held_on=date(2027, 1, 20),
                led_by="M. Martin",
                content="Restitution",
                by=school_a.teacher,
            )


def test_only_the_cohort_team_and_managers_record_and_only_for_bep(school_a: School) -> None:
    period = bep(school_a).active_periods().get()
    with on(date(2027, 1, 12)), pytest.raises(PermissionDenied):
        record_pedagogy_session(
            period,
            kind="exploitation",
            held_on=date(2027, 1, 11),
            led_by="x",
            content="y",
            by=school_a.student_user,
        )
    school_a.cohort.diploma = "bts-ciel"
    school_a.cohort.save()
    period = type(period).objects.get(pk=period.pk)
    with on(date(2027, 1, 12)), pytest.raises(FollowupRefused, match="ne prévoit pas"):
        record_pedagogy_session(
            period,
            kind="exploitation",
            held_on=date(2027, 1, 11),
            led_by="x",
            content="y",
            by=school_a.teacher,
        )


def test_an_ended_period_without_them_is_an_alert_not_a_finding_paragraph_1(
    school_a: School,
) -> None:
    convention = bep(school_a)
    period = convention.active_periods().get()
    today = date(2027, 1, 12)
    with on(today):
        missing = list(periods_missing_pedagogy(school_a.teacher, today))
        assert missing == [period]
        page = client_for(school_a.teacher).get(reverse("visits:alerts")).content.decode()
        assert "Préparation, Exploitation pédagogique" in page
        queues = teacher_queues(school_a.teacher, [school_a.cohort.pk], today, timezone.now(), [])
        queue = next(q for q in queues if q.key == "pedagogy-to-record")
        assert queue.count == 1
        assert queue.rows[0]["missing"] == ["Préparation", "Exploitation pédagogique"]
        verdict = evaluate(build_dossier(convention.student, as_of=today))
        assert not any("pédagog" in f["message"].lower() for f in verdict["findings"])
    # before the period's end: no alert yet
    assert not periods_missing_pedagogy(school_a.teacher, date(2027, 1, 6)).exists()


def test_a_bep_period_with_one_visit_still_asks_for_another_paragraph_1(
    school_a: School,
) -> None:
    convention = bep(school_a)
    period = convention.active_periods().get()
    with on(date(2027, 1, 2)):
        plan_visit(
            convention,
            by=school_a.teacher,
            teacher=school_a.teacher,
            period=period,
            when=datetime(2027, 1, 5, 9, tzinfo=UTC),
        )
        rows = list(periods_without_visit(school_a.teacher, date(2027, 1, 2)))
        assert rows == [period]
        assert (rows[0].visits_counted, rows[0].visits_needed) == (1, 2)  # type: ignore[attr-defined]
        page = client_for(school_a.teacher).get(reverse("visits:alerts")).content.decode()
        assert "1 visite sur les 2 attendues" in page
        plan_visit(
            convention,
            by=school_a.teacher,
            teacher=school_a.teacher,
            period=period,
            when=datetime(2027, 1, 7, 9, tzinfo=UTC),
        )
        assert not periods_without_visit(school_a.teacher, date(2027, 1, 2)).exists()


def test_another_diploma_needs_one_visit(school_a: School) -> None:
    convention = signed(school_a, periods=[PERIOD])
    period = convention.active_periods().get()
    with on(date(2027, 1, 2)):
        plan_visit(
            convention,
            by=school_a.teacher,
            teacher=school_a.teacher,
            period=period,
            when=datetime(2027, 1, 5, 9, tzinfo=UTC),
        )
        assert not periods_without_visit(school_a.teacher, date(2027, 1, 2)).exists()


def test_the_follow_up_page_records_a_session_and_the_student_page_shows_it(
    school_a: School,
) -> None:
    convention = bep(school_a)
    period = convention.active_periods().get()
    url = reverse("followup:record_pedagogy", args=[convention.pk, period.pk])
    prefix = f"pedagogie-{period.pk}"
    with on(date(2027, 1, 12)):
        client = client_for(school_a.teacher)
        refused = client.post(
            url,
            {
                f"{prefix}-kind": "preparation",
                f"{prefix}-held_on": "2027-01-06",
                f"{prefix}-led_by": "M. Martin",
                f"{prefix}-content": "Consignes",
            },
        )
        assert refused.status_code == 400
        assert "au plus tard le 04/01/2027" in refused.content.decode()
        assert 'value="M. Martin"' in refused.content.decode()
        done = client.post(
            url,
            {
                f"{prefix}-kind": "preparation",
                f"{prefix}-held_on": "2026-12-17",
                f"{prefix}-led_by": "M. Martin",
                f"{prefix}-content": "Consignes de sécurité",
            },
        )
        assert done.status_code == 302
        page = client.get(reverse("followup:convention", args=[convention.pk])).content.decode()
        assert "À enregistrer : exploitation pédagogique." in page
        student_page = client.get(
            reverse("students:detail", args=[convention.student.pk])
        ).content.decode()
        assert "préparation le 17/12/2026 (M. Martin : Consignes de sécurité)" in student_page
