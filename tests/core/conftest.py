from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from milieu.factories import (
    AcademieFactory,
    CohortFactory,
    CohortPeriodFactory,
    EstablishmentFactory,
    StudentFactory,
    member,
)
from milieu.people.enums import Role


@dataclass
class School:
    establishment: Any
    cohort: Any
    other_cohort: Any
    period: Any
    student: Any
    head: Any
    ddfpt: Any
    teacher: Any
    secretary: Any
    student_user: Any
    other_teacher: Any


def make_school(academie: Any, tag: str) -> School:
    establishment = EstablishmentFactory.create(academie=academie, name=f"Lycée {tag}")
    cohort = CohortFactory.create(establishment=establishment, name=f"BTS CIEL {tag}")
    other_cohort = CohortFactory.create(
        establishment=establishment, name=f"BTS MM {tag}", diploma="bts-metiers-de-la-mesure"
    )
    period = CohortPeriodFactory.create(cohort=cohort)
    teacher = member(Role.TEACHER, establishment=establishment, email=f"prof-{tag}@exemple.fr")
    other_teacher = member(
        Role.TEACHER, establishment=establishment, email=f"prof2-{tag}@exemple.fr"
    )
    cohort.teachers.add(teacher)
    other_cohort.teachers.add(other_teacher)
    student_user = member(
        Role.STUDENT, establishment=establishment, email=f"eleve-{tag}@exemple.fr"
    )
    student = StudentFactory.create(cohort=cohort, user=student_user)
    return School(
        establishment=establishment,
        cohort=cohort,
        other_cohort=other_cohort,
        period=period,
        student=student,
        head=member(Role.HEAD, establishment=establishment, email=f"chef-{tag}@exemple.fr"),
        ddfpt=member(Role.DDFPT, establishment=establishment, email=f"ddfpt-{tag}@exemple.fr"),
        teacher=teacher,
        secretary=member(
            Role.SECRETARY, establishment=establishment, email=f"secretariat-{tag}@exemple.fr"
        ),
        student_user=student_user,
        other_teacher=other_teacher,
    )


@pytest.fixture
def academie(db: None) -> Any:
    return AcademieFactory.create(name="Strasbourg")


@pytest.fixture
def school_a(academie: Any) -> School:
    return make_school(academie, "A")


@pytest.fixture
def school_b(academie: Any) -> School:
    return make_school(academie, "B")


@pytest.fixture
def rectorat(academie: Any) -> Any:
    return member(Role.EXAM_SERVICE, academie=academie, email="examens@ac-strasbourg.fr")


@pytest.fixture
def other_rectorat(db: None) -> Any:
    return member(
        Role.EXAM_SERVICE, academie=AcademieFactory.create(name="Lyon"), email="examens@ac-lyon.fr"
    )
