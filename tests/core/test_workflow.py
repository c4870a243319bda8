"""`milieu.workflow`: the one way to change a state (a transition table, one `apply`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.flow import CONVENTION_FLOW, ConventionRefused
from milieu.conventions.models import Convention, ConventionTransition
from milieu.permissions import Action
from milieu.workflow import Transition, Workflow
from tests.conventions.conftest import draft
from tests.core.conftest import School

S = ConventionStatus


def test_a_transition_moves_the_status_and_logs_who_when_where_and_why(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    convention = draft(school_a)
    sent: list[str] = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CONVENTION_FLOW.apply(
            convention,
            "submit",
            by=school_a.teacher,
            ip="192.0.2.7",
            comment="Prête pour l'équipe.",
            after_commit=[lambda: sent.append("courriel")],
        )
        assert sent == []  # the e-mail waits for the commit
    for callback in callbacks:
        callback()
    assert sent == ["courriel"]
    convention.refresh_from_db()
    assert convention.status == S.SUBMITTED
    row = ConventionTransition.objects.filter(convention=convention).latest("pk")
    assert (row.from_status, row.to_status) == (S.DRAFT, S.SUBMITTED)
    assert row.actor == school_a.teacher and row.ip == "192.0.2.7"
    assert row.comment == "Prête pour l'équipe." and row.at is not None
    assert row.actor_display == (school_a.teacher.get_full_name() or school_a.teacher.email)


def test_a_transition_from_another_status_is_refused_in_french_and_writes_nothing(
    school_a: School,
) -> None:
    convention = draft(school_a)
    before = ConventionTransition.objects.count()
    with pytest.raises(ConventionRefused) as refused:
        CONVENTION_FLOW.apply(convention, "approve", by=school_a.head)
    assert refused.value.reasons == [
        "Action déjà effectuée ou impossible : la convention est « Brouillon »."
    ]
    assert Convention.objects.get(pk=convention.pk).status == S.DRAFT
    assert ConventionTransition.objects.count() == before


def test_a_guard_gives_every_reason_and_the_status_stays(school_a: School) -> None:
    convention = draft(school_a)
    effects: list[int] = []
    with pytest.raises(ConventionRefused) as refused:
        CONVENTION_FLOW.apply(
            convention,
            "submit",
            by=school_a.teacher,
            guard=lambda c: ["Il manque le tuteur.", "Il manque les horaires."],
            effect=lambda c: effects.append(c.pk),
        )
    assert refused.value.reasons == ["Il manque le tuteur.", "Il manque les horaires."]
    assert refused.value.user_message() == "Il manque le tuteur. ; Il manque les horaires."
    assert effects == []
    assert Convention.objects.get(pk=convention.pk).status == S.DRAFT


def test_the_permission_is_asked_before_anything_changes(school_a: School) -> None:
    convention = draft(school_a)
    with pytest.raises(PermissionDenied):
        CONVENTION_FLOW.apply(convention, "approve", by=school_a.teacher)
    assert Convention.objects.get(pk=convention.pk).status == S.DRAFT


def test_offered_transitions_are_those_of_the_status_with_a_permission(school_a: School) -> None:
    convention = draft(school_a)
    assert CONVENTION_FLOW.allowed(convention) == ["submit", "cancel"]
    assert CONVENTION_FLOW.may(convention, "submit")
    assert not CONVENTION_FLOW.may(convention, "complete")


def test_adding_a_state_change_is_one_row_of_a_table(school_a: School) -> None:
    """A new transition is declared, not coded: here « reopen » a cancelled convention."""
    flow = Workflow(
        model=Convention,
        log=ConventionTransition,
        subject="convention",
        refused=ConventionRefused,
        noun="la convention",
        transitions={
            **CONVENTION_FLOW.transitions,
            "reopen": Transition({S.CANCELLED}, S.DRAFT, Action.CONVENTION_CANCEL, "Rouvrir"),
        },
    )
    convention = draft(school_a)
    flow.apply(convention, "cancel", by=school_a.ddfpt)
    flow.apply(convention, "reopen", by=school_a.ddfpt)
    assert convention.status == S.DRAFT
    steps = list(
        ConventionTransition.objects.filter(convention=convention).values_list(
            "from_status", "to_status"
        )
    )
    assert steps[-2:] == [(S.DRAFT, S.CANCELLED), (S.CANCELLED, S.DRAFT)]


def test_a_new_record_s_first_row_and_a_same_status_row(school_a: School) -> None:
    """`created` logs a birth (no state before it); `log_row` without `previous` logs a step that
    leaves the status as it is (a note on the convention's history)."""
    convention = draft(school_a)  # through create_convention, which calls `created`
    first = ConventionTransition.objects.filter(convention=convention).earliest("pk")
    assert (first.from_status, first.to_status) == ("", S.DRAFT)
    assert first.actor is not None

    row = CONVENTION_FLOW.log_row(
        convention, by=None, actor_label="Jean Tuteur", ip="192.0.2.9", comment="Avenant reçu."
    )
    assert isinstance(row, ConventionTransition)
    assert (row.from_status, row.to_status) == (S.DRAFT, S.DRAFT)
    assert (row.actor, row.actor_label, row.ip, row.comment) == (
        None,
        "Jean Tuteur",
        "192.0.2.9",
        "Avenant reçu.",
    )
    assert Convention.objects.get(pk=convention.pk).status == S.DRAFT
