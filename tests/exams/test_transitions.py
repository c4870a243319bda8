"""The derogation request's transition table and its operations: who may do what, in which
state, with a log row (actor, time, address, comment) and the e-mails on commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationRequest, DerogationTransition
from milieu.exams.operations import (
    DEROGATION_FLOW,
    ExamsRefused,
    allowed_transitions,
    grant_request,
    refuse_request,
    submit_request,
    withdraw_request,
)
from tests.exams.conftest import School, draft_request

S = DerogationStatus


def test_the_table_says_which_state_each_transition_leaves_and_reaches() -> None:
    table = DEROGATION_FLOW.transitions
    assert {name: (set(t.sources), t.target) for name, t in table.items()} == {
        "submit": ({S.DRAFT}, S.SUBMITTED),
        "withdraw": ({S.DRAFT, S.SUBMITTED}, S.WITHDRAWN),
        "grant": ({S.SUBMITTED}, S.GRANTED),
        "refuse": ({S.SUBMITTED}, S.REFUSED),
    }
    # the school acts on its requests, the recteur's delegate decides
    assert {name: t.permission for name, t in table.items()} == {
        "submit": "derogation.change",
        "withdraw": "derogation.change",
        "grant": "derogation.decide",
        "refuse": "derogation.decide",
    }


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (S.DRAFT, ["submit", "withdraw"]),
        (S.SUBMITTED, ["withdraw", "grant", "refuse"]),
        (S.GRANTED, []),
        (S.REFUSED, []),
        (S.WITHDRAWN, []),
    ],
)
def test_decided_and_withdrawn_requests_are_final(status: str, allowed: list[str]) -> None:
    assert allowed_transitions(DerogationRequest(status=status)) == allowed


def test_the_ddfpt_drafts_and_submits_and_the_delegate_is_told(
    school_a: School, delegate: Any, rectorat: Any
) -> None:
    request = draft_request(school_a, ip="192.0.2.7")
    assert request.status == S.DRAFT
    assert not mail.outbox

    submit_request(request, by=school_a.ddfpt, ip="192.0.2.8", comment="Urgent.")

    request.refresh_from_db()
    assert request.status == S.SUBMITTED and request.submitted_at is not None
    log = list(DerogationTransition.objects.filter(request=request).order_by("at", "pk"))
    assert [(t.from_status, t.to_status, t.actor, t.ip, t.comment) for t in log] == [
        ("", S.DRAFT, school_a.ddfpt, "192.0.2.7", ""),
        (S.DRAFT, S.SUBMITTED, school_a.ddfpt, "192.0.2.8", "Urgent."),
    ]
    (message,) = mail.outbox  # the delegate only: the exam service does not decide
    assert message.to == [delegate.email]
    assert school_a.student.full_name in message.body
    assert f"/examens/derogations/{request.pk}/" in message.body


def test_the_delegate_grants_and_the_requester_is_told(school_a: School, delegate: Any) -> None:
    request = draft_request(school_a)
    submit_request(request, by=school_a.head)
    mail.outbox.clear()

    grant_request(request, by=delegate, ip="198.51.100.1", comment="Vu le certificat.")

    request.refresh_from_db()
    assert request.status == S.GRANTED
    assert (request.decided_by, request.decision_comment) == (delegate, "Vu le certificat.")
    last = request.transitions.order_by("-at", "-pk").first()
    assert last is not None
    assert (last.from_status, last.to_status, last.actor, last.ip) == (
        S.SUBMITTED,
        S.GRANTED,
        delegate,
        "198.51.100.1",
    )
    (message,) = mail.outbox
    assert set(message.to) == {school_a.ddfpt.email, school_a.head.email}
    assert "accordée" in message.subject


def test_a_refusal_needs_its_reason_which_the_school_receives(
    school_a: School, delegate: Any
) -> None:
    request = draft_request(school_a)
    submit_request(request, by=school_a.ddfpt)
    mail.outbox.clear()
    with pytest.raises(ExamsRefused, match="motif du refus"):
        refuse_request(request, by=delegate, reason="  ")
    refuse_request(request, by=delegate, reason="Aucune force majeure constatée.")
    request.refresh_from_db()
    assert request.status == S.REFUSED
    assert request.decision_comment == "Aucune force majeure constatée."
    (message,) = mail.outbox
    assert message.to == [school_a.ddfpt.email]
    assert "Motif : Aucune force majeure constatée." in message.body
    assert not hasattr(request, "decision") or request.status != S.GRANTED


def test_a_transition_the_table_does_not_allow_is_refused_in_french(
    school_a: School, delegate: Any
) -> None:
    request = draft_request(school_a)
    with pytest.raises(ExamsRefused, match="« brouillon »"):
        grant_request(request, by=delegate)
    submit_request(request, by=school_a.ddfpt)
    with pytest.raises(ExamsRefused, match="transmise au rectorat"):
        submit_request(request, by=school_a.ddfpt)
    withdraw_request(request, by=school_a.ddfpt)
    with pytest.raises(ExamsRefused, match="retirée"):
        grant_request(request, by=delegate)
    assert DerogationRequest.objects.get(pk=request.pk).status == S.WITHDRAWN


def test_only_the_delegate_of_the_students_academie_decides(
    school_a: School, school_b: School, rectorat: Any, other_delegate: Any, delegate: Any
) -> None:
    request = draft_request(school_a)
    submit_request(request, by=school_a.ddfpt)
    for outsider in (
        school_a.head,  # the school asks, it does not decide
        school_a.ddfpt,
        school_b.head,
        rectorat,  # the exam service has no delegation of the recteur
        other_delegate,  # another académie's delegate
    ):
        with pytest.raises(PermissionDenied):
            grant_request(request, by=outsider)
        with pytest.raises(PermissionDenied):
            refuse_request(request, by=outsider, reason="Non.")
    assert DerogationRequest.objects.get(pk=request.pk).status == S.SUBMITTED
    grant_request(request, by=delegate)


def test_school_b_cannot_submit_or_withdraw_school_as_request(
    school_a: School, school_b: School, delegate: Any
) -> None:
    request = draft_request(school_a)
    for outsider in (school_b.head, school_b.ddfpt, school_a.teacher, school_a.secretary, delegate):
        with pytest.raises(PermissionDenied):
            submit_request(request, by=outsider)
        with pytest.raises(PermissionDenied):
            withdraw_request(request, by=outsider)
    assert DerogationRequest.objects.get(pk=request.pk).status == S.DRAFT
    assert request.transitions.count() == 1
