"""Issue 13 §18: the student is told by e-mail, once the decision is saved, when their host
choice is validated, arrêté or refused; withdrawing it sends nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import TestCase

from milieu.factories import PlacementFactory
from milieu.placements.operations import (
    arrete_placement,
    reject_placement,
    validate_placement,
    withdraw_placement,
)
from tests.school.conftest import School


@pytest.fixture
def placement(school_a: School, settings: Any) -> Any:
    settings.SITE_URL = "https://milieu.exemple.fr"
    school_a.student.email = "eleve.perso@exemple.fr"
    school_a.student.save()
    return PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)


def test_the_student_hears_of_each_decision_in_french(school_a: School, placement: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        validate_placement(placement, by=school_a.teacher)
    with TestCase.captureOnCommitCallbacks(execute=True):
        arrete_placement(placement, by=school_a.head, comment="Bon terrain de stage")

    assert [m.subject for m in mail.outbox] == [
        "Votre choix d'organisme d'accueil est validé",
        "Votre choix d'organisme d'accueil est arrêté",
    ]
    validated, arrete = mail.outbox
    assert validated.to == [school_a.student_user.email, "eleve.perso@exemple.fr"]
    assert f"« {placement.host} »" in validated.body
    assert "doit encore être arrêté par le chef d'établissement" in validated.body
    assert "la convention de stage peut être préparée" in arrete.body
    assert "Motif : Bon terrain de stage" in arrete.body
    assert f"https://milieu.exemple.fr/eleves/{school_a.student.pk}/" in arrete.body


def test_a_refusal_gives_its_reason(school_a: School, placement: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        reject_placement(placement, by=school_a.ddfpt, comment="Trop loin du lycée.")

    (message,) = mail.outbox
    assert message.subject == "Votre choix d'organisme d'accueil est refusé"
    assert "a été refusé par l'établissement" in message.body
    assert "Motif : Trop loin du lycée." in message.body


def test_nothing_is_sent_before_the_commit_nor_for_a_withdrawal(
    school_a: School, placement: Any
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False) as pending:
        validate_placement(placement, by=school_a.teacher)
    assert mail.outbox == [] and len(pending) == 1

    with TestCase.captureOnCommitCallbacks(execute=True):
        withdraw_placement(placement, by=school_a.student_user)
    assert mail.outbox == []


def test_a_student_without_any_address_gets_nothing_and_the_decision_stands(
    school_a: School, placement: Any
) -> None:
    school_a.student.email = ""
    school_a.student.user = None
    school_a.student.save()

    with TestCase.captureOnCommitCallbacks(execute=True):
        validate_placement(placement, by=school_a.teacher)

    assert mail.outbox == []
    placement.refresh_from_db()
    assert placement.status == "validated"
