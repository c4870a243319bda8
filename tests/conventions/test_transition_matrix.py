"""Who may move a convention from which state: role × transition × state.

The expected answers are written out here as the workflow says them (seed 001 §2.1.2 and
`milieu/permissions.py`): the pedagogical team validates, the head approves, the managers send
and cancel. A role without the right is refused with `PermissionDenied` in every state (and
learns nothing about the state); a role with the right is refused with `ConventionRefused`
("Action déjà effectuée ou impossible") when the state is not a source of the transition in
`operations.TRANSITIONS`; otherwise the convention moves and the step is logged with its actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention
from milieu.conventions.operations import (
    TRANSITIONS,
    ConventionRefused,
    approve_convention,
    cancel_convention,
    return_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature
from milieu.factories import member
from milieu.people.enums import Role
from tests.conventions.conftest import draft
from tests.core.conftest import School

S = ConventionStatus

OPERATIONS: dict[str, Callable[[Convention, Any], Convention]] = {
    "submit": lambda c, u: submit_convention(c, by=u),
    "return": lambda c, u: return_convention(c, by=u, comment="Les activités sont à préciser."),
    "validate": lambda c, u: validate_convention(c, by=u),
    "approve": lambda c, u: approve_convention(c, by=u),
    "send": lambda c, u: send_for_signature(c, by=u),
    "cancel": lambda c, u: cancel_convention(c, by=u, comment="Le stage n'aura pas lieu."),
}

ALL_STATES = [
    S.DRAFT,
    S.SUBMITTED,
    S.VALIDATED,
    S.APPROVED,
    S.SIGNING,
    S.SIGNED,
    S.IN_PROGRESS,
    S.FINISHED,
    S.CANCELLED,
]

# From which states each transition starts.
SOURCES: dict[str, set[str]] = {
    "submit": {S.DRAFT},
    "return": {S.SUBMITTED, S.VALIDATED},
    "validate": {S.SUBMITTED},
    "approve": {S.VALIDATED},
    "send": {S.APPROVED},
    "cancel": {S.DRAFT, S.SUBMITTED, S.VALIDATED, S.APPROVED, S.SIGNING, S.SIGNED, S.IN_PROGRESS},
}

ROLES = [
    "head",
    "ddfpt",
    "teacher",
    "other_teacher",
    "secretary",
    "student",
    "head_of_school_b",
    "rectorat",
]

# Who may do each transition on a convention of a student of school A's cohort.
ALLOWED: dict[str, set[str]] = {
    # the student it concerns, the cohort's teachers and the managers edit and submit a draft
    "submit": {"head", "ddfpt", "teacher", "secretary", "student"},
    # the pedagogical team: the cohort's teachers, the DDFPT, the head
    "return": {"head", "ddfpt", "teacher"},
    "validate": {"head", "ddfpt", "teacher"},
    # the chef d'établissement alone approves
    "approve": {"head"},
    # the managers (head, DDFPT, secretariat) send for signature and cancel
    "send": {"head", "ddfpt", "secretary"},
    "cancel": {"head", "ddfpt", "secretary"},
}


def test_the_expected_sources_are_the_transition_table() -> None:
    assert {name: set(TRANSITIONS[name].sources) for name in SOURCES} == SOURCES
    assert set(OPERATIONS) == {name for name, t in TRANSITIONS.items() if t.permission}


def _user(role: str, school: School, request: pytest.FixtureRequest) -> Any:
    if role == "student":
        return school.student_user
    if role == "head_of_school_b":
        return request.getfixturevalue("school_b").head
    if role == "rectorat":
        return member(
            Role.EXAM_SERVICE,
            academie=school.establishment.academie,
            email="examens@ac-strasbourg.fr",
        )
    return getattr(school, role)


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("transition", list(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(
    school_a: School, request: pytest.FixtureRequest, role: str, transition: str, state: str
) -> None:
    convention = draft(school_a)
    # raw status on purpose: the grid tests each operation against the bare state
    Convention.objects.filter(pk=convention.pk).update(status=state)
    convention.refresh_from_db()
    user = _user(role, school_a, request)
    steps = convention.transitions.count()
    operate = OPERATIONS[transition]

    if role not in ALLOWED[transition]:
        with pytest.raises(PermissionDenied):
            operate(convention, user)
        assert Convention.objects.get(pk=convention.pk).status == state
    elif state not in SOURCES[transition]:
        with pytest.raises(ConventionRefused, match="Action déjà effectuée ou impossible"):
            operate(convention, user)
        assert Convention.objects.get(pk=convention.pk).status == state
    else:
        operate(convention, user)
        assert Convention.objects.get(pk=convention.pk).status == TRANSITIONS[transition].target
        last = convention.transitions.last()
        assert last is not None
        assert (last.from_status, last.to_status, last.actor) == (
            state,
            TRANSITIONS[transition].target,
            user,
        )
        return
    assert convention.transitions.count() == steps
