from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.visits.enums import VisitStatus
from milieu.visits.models import Visit
from milieu.visits.operations import VisitRefused, cancel_visit, plan_visit, record_visit_report
from tests.visits.conftest import (
    WHEN,
    School,
    another_student_convention,
    convention_for,
    on_visit_day,
    period_of,
    plan,
)

SPRING = (date(2027, 3, 1), date(2027, 3, 26))
SUMMER = (date(2027, 6, 7), date(2027, 7, 2))


@pytest.mark.parametrize("role", ["teacher", "ddfpt", "head"])
def test_the_pedagogical_team_plans_a_visit(school_a: School, role: str) -> None:
    convention = convention_for(school_a)
    visit = plan(convention, getattr(school_a, role), teacher=school_a.teacher)
    assert visit.status == VisitStatus.PLANNED
    assert visit.planned_by == getattr(school_a, role)
    assert visit.teacher == school_a.teacher


@pytest.mark.parametrize("role", ["secretary", "student_user", "other_teacher"])
def test_others_of_the_school_may_not_plan_a_visit(school_a: School, role: str) -> None:
    with pytest.raises(PermissionDenied):
        plan(convention_for(school_a), getattr(school_a, role), teacher=school_a.teacher)
    assert not Visit.objects.exists()


def test_another_school_may_not_plan_a_visit(school_a: School, school_b: School) -> None:
    with pytest.raises(PermissionDenied):
        plan(convention_for(school_a), school_b.head, teacher=school_b.teacher)


def test_the_visitor_teaches_the_cohort_or_is_the_referent(school_a: School) -> None:
    with pytest.raises(VisitRefused, match="n'enseigne pas"):
        plan(convention_for(school_a), school_a.head, teacher=school_a.other_teacher)


def test_a_cancelled_convention_takes_no_visit(school_a: School) -> None:
    convention = convention_for(school_a, status=ConventionStatus.CANCELLED)
    with pytest.raises(VisitRefused, match="Annulée"):
        plan_visit(  # the cancellation put its period out of force
            convention,
            by=school_a.head,
            teacher=school_a.teacher,
            period=convention.periods.get(),
            when=WHEN,
        )


def test_the_visiting_teacher_records_the_report(visit: Visit, school_a: School) -> None:
    with on_visit_day(visit):
        done = record_visit_report(
            visit,
            by=school_a.teacher,
            seen="Câblage d'une baie.",
            difficulties="",
            actions="Aucune.",
        )
    assert done.status == VisitStatus.DONE
    assert done.reported_at is not None
    assert done.seen == "Câblage d'une baie."


@pytest.mark.parametrize("role", ["head", "ddfpt", "other_teacher", "student_user"])
def test_only_the_visiting_teacher_records_the_report(
    visit: Visit, school_a: School, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        record_visit_report(
            visit, by=getattr(school_a, role), seen="x", difficulties="", actions=""
        )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_no_report_before_the_visits_day(visit: Visit, school_a: School) -> None:
    """Issue 13 §6: a visit cannot be recorded as done before its date."""
    with (
        time_machine.travel(visit.planned_at - timedelta(days=1), tick=False),
        pytest.raises(VisitRefused, match="ne peut être rédigé qu'à partir de ce jour"),
    ):
        record_visit_report(visit, by=school_a.teacher, seen="x", difficulties="", actions="")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and visit.reported_at is None
    with on_visit_day(visit):
        done = record_visit_report(
            visit, by=school_a.teacher, seen="x", difficulties="", actions=""
        )
    assert done.status == VisitStatus.DONE


def test_a_cancelled_visit_takes_no_report(visit: Visit, school_a: School) -> None:
    cancel_visit(visit, by=school_a.head, reason="Entreprise fermée.")
    with pytest.raises(VisitRefused, match="annulée"):
        record_visit_report(visit, by=school_a.teacher, seen="x", difficulties="", actions="")


@pytest.mark.parametrize("role", ["teacher", "ddfpt", "head"])
def test_the_team_cancels_a_planned_visit_with_a_reason(
    visit: Visit, school_a: School, role: str
) -> None:
    cancelled = cancel_visit(visit, by=getattr(school_a, role), reason="Tuteur absent.")
    assert cancelled.status == VisitStatus.CANCELLED
    assert cancelled.cancel_reason == "Tuteur absent."


@pytest.mark.parametrize("role", ["secretary", "student_user", "other_teacher"])
def test_others_may_not_cancel_a_visit(visit: Visit, school_a: School, role: str) -> None:
    with pytest.raises(PermissionDenied):
        cancel_visit(visit, by=getattr(school_a, role), reason="Non.")


def test_a_cancellation_needs_a_reason(visit: Visit, school_a: School) -> None:
    with pytest.raises(VisitRefused, match="motif"):
        cancel_visit(visit, by=school_a.head, reason="  ")


def test_a_visit_that_took_place_is_not_cancelled(visit: Visit, school_a: School) -> None:
    with on_visit_day(visit):
        record_visit_report(visit, by=school_a.teacher, seen="Vu.", difficulties="", actions="")
    with pytest.raises(VisitRefused, match="a eu lieu"):
        cancel_visit(visit, by=school_a.head, reason="Erreur.")


def test_cancelling_twice_says_it_is_already_done(visit: Visit, school_a: Any) -> None:
    cancel_visit(visit, by=school_a.head, reason="Grève.")
    with pytest.raises(VisitRefused, match="déjà"):
        cancel_visit(visit, by=school_a.head, reason="Grève.")


# --- one period of the convention, a day of that period ----------------------------------


def test_the_visit_belongs_to_the_period_it_is_planned_for(school_a: School) -> None:
    convention = convention_for(school_a, periods=[SPRING, SUMMER])
    spring, summer = convention.active_periods()
    visit = plan_visit(
        convention,
        by=school_a.head,
        teacher=school_a.teacher,
        period=summer,
        when=datetime(2027, 6, 20, 8, 0, tzinfo=UTC),
    )
    assert visit.period == summer
    assert list(summer.visits.all()) == [visit] and not spring.visits.exists()


@pytest.mark.parametrize(
    "when",
    [
        datetime(2027, 6, 6, 12, 0, tzinfo=UTC),  # the day before the period
        datetime(2027, 7, 2, 22, 30, tzinfo=UTC),  # 03/07 at 00:30 in Paris: the day after
        datetime(2027, 3, 10, 8, 0, tzinfo=UTC),  # during another period of the convention
    ],
)
def test_a_day_outside_the_period_is_refused(school_a: School, when: datetime) -> None:
    convention = convention_for(school_a, periods=[SPRING, SUMMER])
    summer = convention.active_periods()[1]
    with pytest.raises(VisitRefused) as refused:
        plan_visit(convention, by=school_a.head, teacher=school_a.teacher, period=summer, when=when)
    assert str(refused.value) == (
        "La visite doit avoir lieu pendant la période du 07/06/2027 au 02/07/2027."
    )
    assert refused.value.field == "planned_at"
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "when",
    [
        datetime(2027, 6, 6, 22, 30, tzinfo=UTC),  # 07/06 at 00:30 in Paris: the first day
        datetime(2027, 7, 2, 21, 30, tzinfo=UTC),  # 02/07 at 23:30 in Paris: the last day
    ],
)
def test_the_first_and_last_days_are_in_the_period_in_local_time(
    school_a: School, when: datetime
) -> None:
    convention = convention_for(school_a, periods=[SUMMER])
    visit = plan(convention, school_a.head, teacher=school_a.teacher, when=when)
    assert visit.period == period_of(convention)


def test_another_convention_s_period_is_refused(school_a: School) -> None:
    convention = convention_for(school_a)
    other = another_student_convention(school_a)
    with pytest.raises(VisitRefused, match="n'est pas une période de cette convention") as refused:
        plan_visit(
            convention,
            by=school_a.head,
            teacher=school_a.teacher,
            period=period_of(other),
            when=WHEN,
        )
    assert refused.value.field == "period"
    assert not Visit.objects.exists()


def test_a_period_replaced_by_an_avenant_is_refused(school_a: School) -> None:
    convention = convention_for(school_a)
    old = period_of(convention)
    ConventionPeriod.objects.filter(pk=old.pk).update(active=False)
    ConventionPeriod.objects.create(
        convention=convention, student=convention.student, start=old.start, end=date(2027, 6, 30)
    )
    with pytest.raises(VisitRefused, match="n'est plus en vigueur"):
        plan_visit(convention, by=school_a.head, teacher=school_a.teacher, period=old, when=WHEN)
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "status",
    [ConventionStatus.DRAFT, ConventionStatus.VALIDATED, ConventionStatus.SIGNING],
)
def test_a_convention_not_yet_signed_takes_no_visit(school_a: School, status: str) -> None:
    convention = convention_for(school_a, status=status)
    with pytest.raises(VisitRefused, match="une fois la convention signée"):
        plan(convention, school_a.head, teacher=school_a.teacher)
    assert not Visit.objects.exists()


def test_a_finished_stage_takes_no_visit(school_a: School) -> None:
    convention = convention_for(school_a, status=ConventionStatus.FINISHED)
    with pytest.raises(VisitRefused, match="Stage terminé"):
        plan(convention, school_a.head, teacher=school_a.teacher)
