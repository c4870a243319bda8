"""One place answers "may this user do that to this object": isolation between establishments."""

from typing import Any

import pytest

from milieu.permissions import can, visible_cohorts, visible_establishments, visible_students
from tests.core.conftest import School


def test_school_staff_see_only_their_establishment(school_a: School, school_b: School) -> None:
    for user in (school_a.head, school_a.ddfpt, school_a.secretary):
        assert list(visible_establishments(user)) == [school_a.establishment]
        assert set(visible_students(user)) == {school_a.student}
        assert can(user, "student.view", school_a.student)
        assert not can(user, "student.view", school_b.student)


def test_teachers_see_the_cohorts_they_are_in_charge_of(school_a: School) -> None:
    assert list(visible_cohorts(school_a.teacher)) == [school_a.cohort]
    assert list(visible_cohorts(school_a.other_teacher)) == [school_a.other_cohort]
    assert can(school_a.teacher, "student.view", school_a.student)
    assert not can(school_a.other_teacher, "student.view", school_a.student)
    assert not can(school_a.teacher, "student.change", school_a.student)


def test_a_student_sees_only_themselves(school_a: School, school_b: School) -> None:
    assert list(visible_students(school_a.student_user)) == [school_a.student]
    assert list(visible_cohorts(school_a.student_user)) == []
    assert can(school_a.student_user, "student.view", school_a.student)
    assert can(school_a.student_user, "placement.propose", school_a.student)
    assert not can(school_a.student_user, "student.view", school_b.student)


def test_rectorat_sees_its_academie_read_mostly(
    school_a: School, school_b: School, rectorat: Any, other_rectorat: Any
) -> None:
    assert set(visible_students(rectorat)) == {school_a.student, school_b.student}
    assert not can(rectorat, "student.change", school_a.student)
    assert not can(rectorat, "establishment.import", school_a.establishment)
    assert list(visible_students(other_rectorat)) == []


@pytest.mark.parametrize(
    ("role", "validate", "arrete"),
    [
        ("head", True, True),
        ("ddfpt", True, False),
        ("teacher", True, False),
        ("secretary", False, False),
        ("other_teacher", False, False),
        ("student_user", False, False),
    ],
)
def test_the_team_validates_and_the_head_arretes(
    school_a: School, role: str, validate: bool, arrete: bool
) -> None:
    from milieu.factories import PlacementFactory

    placement = PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)
    user = getattr(school_a, role)
    assert can(user, "placement.validate", placement) is validate
    assert can(user, "placement.arrete", placement) is arrete


def test_anonymous_may_do_nothing(school_a: School) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not can(AnonymousUser(), "student.view", school_a.student)
    assert list(visible_students(AnonymousUser())) == []


def test_unknown_actions_are_a_programming_error(school_a: School) -> None:
    with pytest.raises(KeyError):
        can(school_a.head, "student.teleport", school_a.student)
