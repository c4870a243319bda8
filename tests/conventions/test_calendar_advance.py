"""Signed conventions follow the calendar: « Stage en cours » from the first day, « Stage
terminé » after the last, by the daily command (issue 13 §7)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionTransition
from milieu.conventions.tasks import advance_conventions
from tests.conventions.signing import signed
from tests.core.conftest import School

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _advance(day: str) -> str:
    out = io.StringIO()
    call_command("advance_conventions", "--date", day, stdout=out)
    return out.getvalue()


def test_a_signed_convention_starts_on_its_first_day_and_finishes_after_its_last(
    school_a: School,
) -> None:
    convention = signed(school_a)  # 31/05/2027 – 09/07/2027
    assert "0 stage commencé, 0 stage terminé" in _advance("2027-05-30")
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SIGNED

    assert "1 stage commencé, 0 stage terminé" in _advance("2027-05-31")
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.IN_PROGRESS

    _advance("2027-07-09")  # the last day is still in progress
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.IN_PROGRESS

    _advance("2027-07-10")
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.FINISHED
    last = ConventionTransition.objects.filter(convention=convention).latest("pk")
    assert last.to_status == ConventionStatus.FINISHED
    assert last.actor is None and "fin du stage" in last.actor_label


def test_a_stage_already_over_goes_from_signed_to_finished_in_one_run(school_a: School) -> None:
    convention = signed(school_a)
    assert "1 stage commencé, 1 stage terminé" in _advance("2027-09-01")
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.FINISHED
    assert "0 stage commencé, 0 stage terminé" in _advance("2027-09-02")  # idempotent


def test_an_unreadable_date_is_refused_in_french() -> None:
    with pytest.raises(CommandError, match="Date illisible"):
        _advance("31/05/2027")


@pytest.mark.django_db
def test_the_daily_command_advances_then_reminds(school_a: School) -> None:
    signed(school_a)
    out = io.StringIO()
    call_command("daily", stdout=out)
    text = out.getvalue()
    assert "Calendrier des conventions" in text and "signataire" in text
    # the stored verdicts follow the calendar: refreshed after the conventions moved
    from milieu.exams.models import StoredVerdict

    assert StoredVerdict.objects.filter(student=school_a.student).exists()


@override_settings(TASKS=IMMEDIATE)
def test_the_background_task_does_the_same(school_a: School) -> None:
    convention = signed(school_a)
    import time_machine

    with time_machine.travel(date(2027, 6, 1), tick=False):
        result = advance_conventions.enqueue()
    assert result.return_value == [1, 0]
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.IN_PROGRESS
