"""Each operation on a visit writes its step of the history, in the same transaction."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from milieu.visits.enums import VisitAction, VisitStatus
from milieu.visits.models import Visit, VisitEvent
from milieu.visits.operations import VisitRefused, cancel_visit, record_visit_report
from tests.visits.conftest import (
    WHEN,
    School,
    client_for,
    convention_for,
    on_visit_day,
    period_of,
    plan,
)


def steps(visit: Visit) -> list[tuple[str, Any]]:
    return [(e.action, e.actor) for e in VisitEvent.objects.filter(visit=visit)]


def test_planning_writes_the_first_step(school_a: School) -> None:
    visit = plan(convention_for(school_a), school_a.head, teacher=school_a.teacher)

    event = VisitEvent.objects.get(visit=visit)
    assert (event.action, event.actor) == (VisitAction.PLANNED, school_a.head)
    assert event.get_action_display() == "Planifiée"
    assert "prévue le 10/06/2027" in event.detail
    assert "pendant la période du 31/05/2027 au 09/07/2027" in event.detail
    assert school_a.teacher.get_full_name() in event.detail


def test_the_report_then_its_correction(visit: Visit, school_a: School) -> None:
    with on_visit_day(visit):
        record_visit_report(
            visit, by=school_a.teacher, seen="Câblage.", difficulties="", actions=""
        )
    with time_machine.travel(visit.planned_at + timedelta(days=1), tick=False):
        record_visit_report(
            visit, by=school_a.teacher, seen="Câblage, baie.", difficulties="", actions=""
        )

    assert steps(visit) == [
        (VisitAction.PLANNED, school_a.teacher),
        (VisitAction.REPORTED, school_a.teacher),
        (VisitAction.REPORT_CHANGED, school_a.teacher),
    ]
    reported = VisitEvent.objects.get(visit=visit, action=VisitAction.REPORTED)
    visit.refresh_from_db()
    assert (
        visit.reported_at is not None and reported.at <= visit.reported_at
    )  # the correction moved the report's date


def test_the_cancellation_keeps_its_reason(visit: Visit, school_a: School) -> None:
    cancel_visit(visit, by=school_a.ddfpt, reason="Entreprise fermée ce jour-là.")

    event = VisitEvent.objects.get(visit=visit, action=VisitAction.CANCELLED)
    assert event.actor == school_a.ddfpt
    assert event.detail == "Motif : Entreprise fermée ce jour-là."


def test_a_refused_step_writes_nothing(visit: Visit, school_a: School) -> None:
    cancel_visit(visit, by=school_a.teacher, reason="Grève.")
    with pytest.raises(VisitRefused):
        cancel_visit(visit, by=school_a.teacher, reason="Encore.")
    with pytest.raises(VisitRefused):
        record_visit_report(visit, by=school_a.teacher, seen="x", difficulties="", actions="")

    assert steps(visit) == [
        (VisitAction.PLANNED, school_a.teacher),
        (VisitAction.CANCELLED, school_a.teacher),
    ]


def test_the_step_and_the_change_are_one_transaction(
    visit: Visit, school_a: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**fields: Any) -> VisitEvent:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(VisitEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        cancel_visit(visit, by=school_a.teacher, reason="Grève.")
    with pytest.raises(RuntimeError):
        plan(visit.convention, school_a.head, teacher=school_a.teacher)

    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and visit.cancel_reason == ""
    assert Visit.objects.count() == 1


def test_the_visit_page_shows_the_history(visit: Visit, school_a: School) -> None:
    cancel_visit(visit, by=school_a.head, reason="Entreprise fermée.")

    html = client_for(school_a.ddfpt).get(reverse("visits:detail", args=[visit.pk])).content
    page = html.decode()

    assert "data-visit-events" in page
    assert 'data-event="planned"' in page and 'data-event="cancelled"' in page
    assert "Motif : Entreprise fermée." in page
    assert school_a.head.get_full_name() in page


def row_of(page: str, action: str) -> str:
    found = re.search(rf'<tr data-event="{action}">(.*?)</tr>', page, re.S)
    assert found is not None, action
    return re.sub(r"\s+", " ", found.group(1))


def test_the_history_shows_each_steps_states_address_and_comment(
    visit: Visit, school_a: School
) -> None:
    client = client_for(school_a.ddfpt)
    cancelled = client.post(
        reverse("visits:cancel", args=[visit.pk]),
        {"reason": "Entreprise fermée."},
        REMOTE_ADDR="192.0.2.44",
    )
    assert cancelled.status_code == 302
    event = VisitEvent.objects.get(visit=visit, action=VisitAction.CANCELLED)
    assert (event.from_status, event.to_status, event.ip, event.comment) == (
        VisitStatus.PLANNED,
        VisitStatus.CANCELLED,
        "192.0.2.44",
        "Entreprise fermée.",
    )

    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()

    assert "Changement d’état" in page and "Adresse IP" in page and "Commentaire" in page
    row = row_of(page, "cancelled")
    assert "Prévue → Annulée" in row  # the states by their French labels
    assert "<td data-event-ip>192.0.2.44</td>" in row
    assert '<td class="fr-cell--multiline" data-event-comment>Entreprise fermée.</td>' in row
    first = row_of(page, "planned")  # no state before the first step, no address, no comment
    assert re.search(r"data-event-states>\s*Prévue\s*</td>", first)
    assert "<td data-event-ip>—</td>" in first and "data-event-comment>—</td>" in first
    assert 'class="fr-table__wrapper"' in page  # a wide table scrolls in its container


def test_visits_made_before_the_history_get_their_known_steps(school_a: School) -> None:
    from django.utils import timezone

    convention = convention_for(school_a)
    old = Visit.objects.create(
        convention=convention,
        period=period_of(convention),
        teacher=school_a.teacher,
        planned_by=school_a.head,
        planned_at=WHEN,
    )
    Visit.objects.filter(pk=old.pk).update(
        status=VisitStatus.DONE, seen="Vu.", reported_at=timezone.now()
    )
    migration = importlib.import_module("milieu.visits.migrations.0003_backfill_visit_events")

    migration.backfill(apps, None)

    assert steps(old) == [
        (VisitAction.PLANNED, school_a.head),
        (VisitAction.REPORTED, school_a.teacher),
    ]
