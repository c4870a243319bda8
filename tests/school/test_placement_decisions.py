"""Valider, arrêter, refuser (with a reason), retirer: POST views calling the operations."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from milieu.factories import PlacementFactory
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.placements.operations import PLACEMENT_FLOW
from tests.school.conftest import School, client_for


@pytest.fixture
def placement(school_a: School) -> Any:
    return PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)


def decide(client: Client, placement: Any, word: str, comment: str = "") -> Any:
    return client.post(reverse("students:decide", args=[placement.pk, word]), {"comment": comment})


def flashed(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_team_validates_then_the_head_arretes(school_a: School, placement: Any) -> None:
    response = decide(client_for(school_a.teacher), placement, "valider")

    assert response.status_code == 302
    assert response["Location"] == reverse("students:detail", args=[school_a.student.pk])
    assert flashed(response) == ["Le choix de l’organisme est validé."]
    response = decide(client_for(school_a.head), placement, "arreter", "Bon terrain de stage")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ARRETE
    last = placement.transitions.last()
    assert (last.actor, last.comment) == (school_a.head, "Bon terrain de stage")
    assert flashed(response) == ["Le choix de l’organisme est arrêté."]


def test_a_second_click_is_told_politely(school_a: School, placement: Any) -> None:
    client = client_for(school_a.teacher)
    decide(client, placement, "valider")

    response = decide(client, placement, "valider")

    assert response.status_code == 302
    assert flashed(response)[-1] == (
        "Action déjà effectuée ou impossible : ce choix est « Validé par l'équipe pédagogique »."
    )
    assert placement.transitions.count() == 1


def test_refusing_needs_a_reason(school_a: School, placement: Any) -> None:
    response = decide(client_for(school_a.ddfpt), placement, "refuser", "   ")

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED
    assert flashed(response) == ["Indiquez le motif du refus."]


def test_refusing_with_a_reason_records_it(school_a: School, placement: Any) -> None:
    decide(client_for(school_a.ddfpt), placement, "refuser", "Trop loin du domicile")

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.REJECTED
    assert placement.transitions.last().comment == "Trop loin du domicile"


def test_a_student_withdraws_their_own_choice(school_a: School, placement: Any) -> None:
    decide(client_for(school_a.student_user), placement, "retirer")

    placement.refresh_from_db()
    assert placement.status == PlacementStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("role", "word"),
    [("secretary", "valider"), ("teacher", "arreter"), ("student_user", "valider")],
)
def test_a_decision_outside_ones_role_is_a_403(
    school_a: School, placement: Any, role: str, word: str
) -> None:
    if word == "arreter":
        placement.status = PlacementStatus.VALIDATED
        placement.save()

    assert decide(client_for(getattr(school_a, role)), placement, word).status_code == 403


def test_rectorat_may_not_decide(school_a: School, placement: Any, rectorat: Any) -> None:
    assert decide(client_for(rectorat), placement, "valider").status_code == 403


def test_another_school_gets_a_404(school_a: School, school_b: School, placement: Any) -> None:
    assert decide(client_for(school_b.head), placement, "valider").status_code == 404
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PROPOSED


def test_an_unknown_decision_is_a_404(school_a: School, placement: Any) -> None:
    assert decide(client_for(school_a.head), placement, "supprimer").status_code == 404


def test_a_get_changes_nothing(school_a: School, placement: Any) -> None:
    response = client_for(school_a.head).get(
        reverse("students:decide", args=[placement.pk, "valider"])
    )

    assert response.status_code == 405


def test_the_csrf_token_is_required(school_a: School, placement: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a.head)

    assert decide(client, placement, "valider").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client: Client, placement: Any) -> None:
    assert decide(client, placement, "valider")["Location"].startswith(reverse("login"))


def test_each_decision_is_logged_with_its_actor_and_address(
    school_a: School, placement: Any
) -> None:
    client_for(school_a.teacher).post(
        reverse("students:decide", args=[placement.pk, "valider"]),
        {"comment": "Bon terrain"},
        REMOTE_ADDR="203.0.113.7",
    )

    last = placement.transitions.last()
    assert (last.from_status, last.to_status) == (PlacementStatus.PROPOSED, "validated")
    assert (last.actor, last.ip, last.comment) == (school_a.teacher, "203.0.113.7", "Bon terrain")
    assert last.actor_display in (school_a.teacher.get_full_name(), school_a.teacher.email)


def test_the_workflow_offers_each_transition_from_its_states_only() -> None:
    offered = {
        status: PLACEMENT_FLOW.allowed(Placement(status=status)) for status in PlacementStatus
    }
    assert offered == {
        PlacementStatus.PROPOSED: ["validate", "reject", "withdraw"],
        PlacementStatus.VALIDATED: ["arrete", "reject", "withdraw"],
        PlacementStatus.ARRETE: ["withdraw"],
        PlacementStatus.REJECTED: [],
        PlacementStatus.WITHDRAWN: [],
    }
