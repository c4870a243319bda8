from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from milieu.conventions.enums import ConventionStatus
from milieu.visits.enums import VisitStatus
from milieu.visits.models import Visit
from milieu.visits.operations import (
    VisitRefused,
    cancel_visit,
    plan_visit,
    record_visit_report,
)
from tests.visits.conftest import WHEN, School, convention_for


@pytest.mark.parametrize("role", ["teacher", "ddfpt", "head"])
def test_the_pedagogical_team_plans_a_visit(school_a: School, role: str) -> None:
    convention = convention_for(school_a)
    visit = plan_visit(convention, by=getattr(school_a, role), teacher=school_a.teacher, when=WHEN)
    assert visit.status == VisitStatus.PLANNED
    assert visit.planned_by == getattr(school_a, role)
    assert visit.teacher == school_a.teacher


@pytest.mark.parametrize("role", ["secretary", "student_user", "other_teacher"])
def test_others_of_the_school_may_not_plan_a_visit(school_a: School, role: str) -> None:
    with pytest.raises(PermissionDenied):
        plan_visit(
            convention_for(school_a),
            by=getattr(school_a, role),
            teacher=school_a.teacher,
            when=WHEN,
        )
    assert not Visit.objects.exists()


def test_another_school_may_not_plan_a_visit(school_a: School, school_b: School) -> None:
    with pytest.raises(PermissionDenied):
        plan_visit(convention_for(school_a), by=school_b.head, teacher=school_b.teacher, when=WHEN)


def test_the_visitor_teaches_the_cohort_or_is_the_referent(school_a: School) -> None:
    with pytest.raises(VisitRefused, match="n'enseigne pas"):
        plan_visit(
            convention_for(school_a), by=school_a.head, teacher=school_a.other_teacher, when=WHEN
        )


def test_a_cancelled_convention_takes_no_visit(school_a: School) -> None:
    convention = convention_for(school_a, status=ConventionStatus.CANCELLED)
    with pytest.raises(VisitRefused, match="Annulée"):
        plan_visit(convention, by=school_a.head, teacher=school_a.teacher, when=WHEN)


def test_the_visiting_teacher_records_the_report(visit: Visit, school_a: School) -> None:
    done = record_visit_report(
        visit, by=school_a.teacher, seen="Câblage d'une baie.", difficulties="", actions="Aucune."
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
    record_visit_report(visit, by=school_a.teacher, seen="Vu.", difficulties="", actions="")
    with pytest.raises(VisitRefused, match="a eu lieu"):
        cancel_visit(visit, by=school_a.head, reason="Erreur.")


def test_cancelling_twice_says_it_is_already_done(visit: Visit, school_a: Any) -> None:
    cancel_visit(visit, by=school_a.head, reason="Grève.")
    with pytest.raises(VisitRefused, match="déjà"):
        cancel_visit(visit, by=school_a.head, reason="Grève.")
