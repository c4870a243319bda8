"""*Contrats de travail de type particulier* (seed 001 §2.3.1, 002 §B.3.a, 003 §2.3.1, 004 §3.a;
issue 11, contract v1.1): recorded by the establishment, the team states that the activities fit
the diploma, and the contract's period then counts as the stage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.contracts.models import SpecialContract
from milieu.contracts.operations import ContractData, ContractRefused, record_special_contract
from milieu.dataprotection.retention import purge
from milieu.exams.assembly import build_dossier
from milieu.factories import CohortFactory, StudentFactory, valid_siret
from milieu.rules import evaluate
from milieu.students.models import Student
from tests.core.conftest import School

AS_OF = date(2026, 5, 4)
SEVEN_WEEKS = (date(2026, 1, 5), date(2026, 2, 20))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ciel_candidate(school: School, situation: str = "premiere-formation") -> Student:
    """A BTS CIEL continuing-education candidate of session 2026 (6 to 8 weeks of stage)."""
    cohort = CohortFactory.create(
        establishment=school.establishment,
        name="BTS CIEL FC 2026",
        diploma="bts-ciel",
        school_year=2025,
        training_start=date(2025, 9, 8),
        session=2026,
    )
    return StudentFactory.create(
        cohort=cohort, pathway="formation-continue", continuing_situation=situation
    )


def form(**changes: str) -> dict[str, str]:
    data = {
        "contrat-kind": "professionnalisation",
        "contrat-employer": "Réseaux de l'Est",
        "contrat-siret": valid_siret(3),
        "contrat-start": SEVEN_WEEKS[0].isoformat(),
        "contrat-end": SEVEN_WEEKS[1].isoformat(),
    }
    data.update(changes)
    return data


def verdict(student: Student) -> dict[str, Any]:
    return evaluate(build_dossier(student, as_of=AS_OF), today=AS_OF)


def codes(student: Student) -> set[str]:
    return {finding["code"] for finding in verdict(student)["findings"]}


def test_a_first_training_candidate_s_contract_counts_as_the_stage_once_its_fit_is_stated(
    school_a: School,
) -> None:
    """Seed 003 §2.3.1: « le stage obligatoire est inclus dans la période de formation dispensée
    en milieu professionnel si les activités effectuées sont en cohérence avec les exigences du
    référentiel ». Recorded, the contract is a period the engine sets aside until the team states
    the fit; then its seven weeks count and the duration is met."""
    student = ciel_candidate(school_a)
    client = client_for(school_a.ddfpt)
    response = client.post(reverse("contracts:student", args=[student.pk]), form())
    assert response.status_code == 302
    contract = SpecialContract.objects.get(student=student)
    assert (contract.employer, contract.recorded_by) == ("Réseaux de l'Est", school_a.ddfpt)
    (period,) = build_dossier(student, as_of=AS_OF)["periods"]
    assert period == {
        "start": "2026-01-05",
        "end": "2026-02-20",
        "kind": "special-contract",
        "activities_fit": False,
        "host": {"name": "Réseaux de l'Est", "country": "FR"},
    }
    assert {"SPECIAL_CONTRACT_NOT_CONFIRMED", "DURATION_BELOW_MINIMUM"} <= codes(student)

    response = client.post(reverse("contracts:confirm", args=[contract.pk]))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.activities_fit and contract.activities_fit_by == school_a.ddfpt
    assert contract.activities_fit_at is not None
    judged = verdict(student)
    assert judged["weeks_completed"] == 7.0
    found = {finding["code"] for finding in judged["findings"]}
    assert not found & {"SPECIAL_CONTRACT_NOT_CONFIRMED", "DURATION_BELOW_MINIMUM"}
    actions = set(AuditEntry.objects.filter(actor=school_a.ddfpt).values_list("action", flat=True))
    assert {AuditAction.SPECIAL_CONTRACT_RECORDED, AuditAction.SPECIAL_CONTRACT_FIT} <= actions
    page = client.get(reverse("contracts:student", args=[student.pk])).content.decode()
    assert "Constatée" in page and "Contrat de professionnalisation" in page


def test_a_second_statement_is_refused_in_french(school_a: School) -> None:
    student = ciel_candidate(school_a, "reconversion")
    client = client_for(school_a.head)
    client.post(reverse("contracts:student", args=[student.pk]), form())
    contract = SpecialContract.objects.get(student=student)
    client.post(reverse("contracts:confirm", args=[contract.pk]))
    response = client.post(
        reverse("contracts:confirm", args=[contract.pk]),
        follow=True,
        HTTP_REFERER=reverse("contracts:student", args=[student.pk]),  # the button's page
    )
    assert "déjà constatée" in response.content.decode()


def test_an_invalid_siret_is_refused_in_french_and_the_form_keeps_its_values(
    school_a: School,
) -> None:
    student = ciel_candidate(school_a)
    response = client_for(school_a.ddfpt).post(
        reverse("contracts:student", args=[student.pk]), form(**{"contrat-siret": "12345678901234"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "clé de contrôle erronée" in page
    assert "Réseaux de l&#x27;Est" in page
    assert not SpecialContract.objects.exists()


def test_the_end_before_the_start_is_refused(school_a: School) -> None:
    student = ciel_candidate(school_a)
    response = client_for(school_a.ddfpt).post(
        reverse("contracts:student", args=[student.pk]), form(**{"contrat-end": "2025-12-01"})
    )
    assert response.status_code == 400
    assert "La fin du contrat précède son début." in response.content.decode()


def test_a_perfectionnement_candidate_takes_no_special_contract(school_a: School) -> None:
    """Seed 001 §2.3.1 is for first training and retraining only; perfectionnement is §2.3.2."""
    student = ciel_candidate(school_a, "perfectionnement")
    with pytest.raises(ContractRefused, match="première formation ou en reconversion"):
        record_special_contract(
            student,
            ContractData(
                kind="professionnalisation",
                employer="Réseaux de l'Est",
                siret=valid_siret(3),
                start=SEVEN_WEEKS[0],
                end=SEVEN_WEEKS[1],
            ),
            by=school_a.ddfpt,
        )
    page = client_for(school_a.ddfpt).get(reverse("contracts:student", args=[student.pk]))
    assert "data-not-eligible" in page.content.decode()
    assert "data-special-contract" not in page.content.decode()


def test_a_teacher_may_read_but_not_record(school_a: School) -> None:
    student = ciel_candidate(school_a)
    student.cohort.teachers.add(school_a.teacher)
    client = client_for(school_a.teacher)
    assert client.get(reverse("contracts:student", args=[student.pk])).status_code == 200
    assert client.post(reverse("contracts:student", args=[student.pk]), form()).status_code == 403
    assert not SpecialContract.objects.exists()


def test_the_evidence_page_links_to_the_contracts(school_a: School) -> None:
    student = ciel_candidate(school_a)
    page = client_for(school_a.ddfpt).get(reverse("evidence:student", args=[student.pk]))
    assert reverse("contracts:student", args=[student.pk]) in page.content.decode()


def test_the_purge_removes_the_contracts_of_an_expired_candidate(school_a: School) -> None:
    """The contract names an employer and its dates: it goes with the candidate's data."""
    student = ciel_candidate(school_a)
    record_special_contract(
        student,
        ContractData(
            kind="professionnalisation",
            employer="Réseaux de l'Est",
            siret=valid_siret(3),
            start=SEVEN_WEEKS[0],
            end=SEVEN_WEEKS[1],
        ),
        by=school_a.ddfpt,
    )
    purge(today=date(2040, 1, 1), apply=True)
    assert not SpecialContract.objects.exists()
    assert not Student.objects.filter(pk=student.pk).exists()
