"""Host choice: proposed → validated by the team → arrêté by the head (seed 001 §2.1.2)."""

import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from milieu.factories import HostFactory, TutorFactory
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.placements.operations import (
    PlacementRefused,
    allowed_transitions,
    arrete_placement,
    propose_placement,
    reject_placement,
    validate_placement,
    withdraw_placement,
)
from tests.core.conftest import School


def test_the_full_path_writes_one_transition_per_step_with_its_actor(school_a: School) -> None:
    host = HostFactory.create()
    placement = propose_placement(
        school_a.student, cohort_period=school_a.period, host=host, by=school_a.student_user
    )
    validate_placement(placement, by=school_a.teacher)
    arrete_placement(placement, by=school_a.head, comment="Bon terrain de stage")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ARRETE
    steps = [(t.from_status, t.to_status, t.actor) for t in placement.transitions.all()]
    assert steps == [
        ("", "proposed", school_a.student_user),
        ("proposed", "validated", school_a.teacher),
        ("validated", "arrete", school_a.head),
    ]


def test_the_head_cannot_arreter_before_the_team_validates(school_a: School) -> None:
    placement = propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=HostFactory.create(),
        by=school_a.ddfpt,
    )
    assert allowed_transitions(placement) == ["validate", "reject", "withdraw"]
    with pytest.raises(PlacementRefused, match="Action déjà effectuée ou impossible"):
        arrete_placement(placement, by=school_a.head)


def test_a_teacher_cannot_arreter(school_a: School) -> None:
    placement = propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=HostFactory.create(),
        by=school_a.ddfpt,
    )
    validate_placement(placement, by=school_a.ddfpt)
    with pytest.raises(PermissionDenied):
        arrete_placement(placement, by=school_a.teacher)


def test_staff_of_another_school_cannot_propose(school_a: School, school_b: School) -> None:
    with pytest.raises(PermissionDenied):
        propose_placement(
            school_a.student,
            cohort_period=school_a.period,
            host=HostFactory.create(),
            by=school_b.head,
        )


def test_one_open_choice_per_student_and_period(school_a: School) -> None:
    propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=HostFactory.create(),
        by=school_a.ddfpt,
    )
    with pytest.raises(PlacementRefused, match="déjà proposé"):
        propose_placement(
            school_a.student,
            cohort_period=school_a.period,
            host=HostFactory.create(),
            by=school_a.ddfpt,
        )


def test_the_database_refuses_two_open_choices_too(school_a: School) -> None:
    Placement.objects.create(
        student=school_a.student, cohort_period=school_a.period, host=HostFactory.create()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            student=school_a.student, cohort_period=school_a.period, host=HostFactory.create()
        )


def test_a_rejection_needs_a_reason_and_frees_the_period(school_a: School) -> None:
    placement = propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=HostFactory.create(),
        by=school_a.ddfpt,
    )
    with pytest.raises(PlacementRefused, match="motif"):
        reject_placement(placement, by=school_a.teacher, comment=" ")
    reject_placement(placement, by=school_a.teacher, comment="Secteur sans rapport avec le diplôme")
    again = propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=HostFactory.create(),
        by=school_a.ddfpt,
    )
    assert again.status == PlacementStatus.PROPOSED


def test_a_tutor_must_work_for_the_host(school_a: School) -> None:
    with pytest.raises(PlacementRefused, match="tuteur"):
        propose_placement(
            school_a.student,
            cohort_period=school_a.period,
            host=HostFactory.create(),
            tutor=TutorFactory.create(),
            by=school_a.ddfpt,
        )


def test_the_student_may_withdraw_their_own_proposal(school_a: School) -> None:
    placement = propose_placement(
        school_a.student,
        cohort_period=school_a.period,
        host=HostFactory.create(),
        by=school_a.student_user,
    )
    withdraw_placement(placement, by=school_a.student_user)
    assert placement.status == PlacementStatus.WITHDRAWN


@pytest.mark.django_db(transaction=True)
def test_two_validations_at_once_one_wins(academie: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from tests.core.conftest import make_school

    school = make_school(academie, "C")
    placement = propose_placement(
        school.student, cohort_period=school.period, host=HostFactory.create(), by=school.ddfpt
    )
    outcomes: list[str] = []

    def attempt(user: Any) -> None:
        try:
            validate_placement(Placement.objects.get(pk=placement.pk), by=user)
            outcomes.append("ok")
        except PlacementRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (school.teacher, school.ddfpt)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert placement.transitions.filter(to_status="validated").count() == 1
