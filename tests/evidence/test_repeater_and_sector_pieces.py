"""Issue 11: three boxes ticked on the student's record become documents a manager accepts —
an apprentice repeater's contract (001 §5, 002 §D, 003 §4), a repeater's previous evaluation
grid (001 §5, 003 §4) and a BEP continuing-education candidate's sector experience (000 §3).
Only an accepted document counts in the dossier, and the verdict page shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.evidence.models import EvidenceDocument
from milieu.evidence.operations import (
    EvidenceRefused,
    accept_evidence,
    deposit_evidence,
    refuse_evidence,
)
from milieu.exams.assembly import build_dossier
from milieu.factories import CohortFactory, StudentFactory, member
from milieu.people.enums import Role
from milieu.rules import evaluate
from milieu.storage import UploadRefused
from milieu.students.models import Student
from tests.core.conftest import School
from tests.evidence.conftest import PNG, account, pdf
from tests.security.samples import image

AS_OF = date(2028, 9, 1)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def codes(student: Student, as_of: date = AS_OF) -> set[str]:
    verdict = evaluate(build_dossier(student, as_of=as_of), today=as_of)
    assert "error" not in verdict, verdict
    return {finding["code"] for finding in verdict["findings"]}


def repeater(school: School, **fields: Any) -> Student:
    account = member(Role.STUDENT, establishment=school.establishment)
    values: dict[str, Any] = {
        "cohort": school.cohort,
        "user": account,
        "repeater": True,
        "previous_session": 2027,
        "repeater_report": "reuse",
    }
    values.update(fields)
    return StudentFactory.create(**values)


def test_an_apprentice_repeater_s_extended_contract_counts_once_accepted(
    school_a: School,
) -> None:
    """Seed 001 §5 / 003 §4: « leur contrat d'apprentissage initial prorogé d'un an ». Without
    it the apprentice repeater lacks apprenticeship evidence (contract v1.1); deposited by the
    student it waits for a manager; accepted, the dossier says ``repeater.contract:
    "extended"`` and the verdict page shows it."""
    student = repeater(school_a, pathway="apprentissage")
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(student)
    document = deposit_evidence(
        student, by=account(student), kind="contract-extended", upload=pdf("avenant.pdf")
    )
    assert document.status == "deposited"
    assert "contract" not in build_dossier(student, as_of=AS_OF)["repeater"]
    accept_evidence(document, by=school_a.secretary)
    dossier = build_dossier(student, as_of=AS_OF)
    assert dossier["repeater"]["contract"] == "extended"
    assert dossier["apprenticeship_evidence"] is True
    assert "APPRENTICESHIP_EVIDENCE_MISSING" not in codes(student)
    page = client_for(school_a.ddfpt).get(reverse("students:detail", args=[student.pk]))
    text = page.content.decode()
    assert "data-accepted-pieces" in text
    assert "Contrat initial prolongé d&#x27;un an (pièce acceptée)" in text


def test_a_new_contract_with_another_employer_and_a_refused_one(school_a: School) -> None:
    """Seed 002 §D: « un nouveau contrat conclu avec un autre employeur »; a refused document
    does not count, and the refusal keeps its reason in the log."""
    student = repeater(school_a, pathway="apprentissage")
    refused = deposit_evidence(
        student, by=account(student), kind="new-employer-contract", upload=pdf("illisible.pdf")
    )
    refuse_evidence(refused, by=school_a.ddfpt, reason="Le scan est illisible.")
    assert "contract" not in build_dossier(student, as_of=AS_OF)["repeater"]
    assert refused.transitions.last().comment == "Le scan est illisible."  # type: ignore[union-attr]
    deposit_evidence(
        student,
        by=school_a.ddfpt,
        kind="new-employer-contract",
        upload=pdf("contrat.pdf", pdf("x").read() + b"\n%nouveau"),
    )
    assert build_dossier(student, as_of=AS_OF)["repeater"]["contract"] == "new-employer"


def test_only_apprentice_repeaters_deposit_a_repeater_contract(school_a: School) -> None:
    student = repeater(school_a)  # voie scolaire
    with pytest.raises(EvidenceRefused):
        deposit_evidence(
            student, by=school_a.ddfpt, kind="contract-extended", upload=pdf("avenant.pdf")
        )


def test_a_repeater_presenting_the_previous_report_keeps_the_previous_grid(
    school_a: School,
) -> None:
    """Seed 001 §5 / 003 §4: the repeater who presents the previous report keeps the previous
    session's evaluation. The grid is a PDF deposited as a document (an image is refused);
    once accepted, ``repeater.previous_evaluation`` is true and no new grid is demanded."""
    student = repeater(school_a, repeater_report="modified")
    assert "EVALUATION_MISSING" in codes(student)
    with pytest.raises(UploadRefused):
        deposit_evidence(
            student,
            by=school_a.ddfpt,
            kind="previous-evaluation",
            upload=pdf("grille.png", PNG),
        )
    deposit_evidence(
        student, by=school_a.ddfpt, kind="previous-evaluation", upload=pdf("grille-2027.pdf")
    )
    assert build_dossier(student, as_of=AS_OF)["repeater"]["previous_evaluation"] is True
    assert "EVALUATION_MISSING" not in codes(student)
    text = client_for(school_a.ddfpt).get(reverse("students:detail", args=[student.pk]))
    assert "aucune nouvelle grille n&#x27;est exigée" in text.content.decode()


def test_a_repeater_with_a_new_report_is_not_offered_the_previous_grid(school_a: School) -> None:
    """With a new report after another stage, a new grid is needed: the previous one is not a
    document this student deposits."""
    student = repeater(school_a, repeater_report="new")
    with pytest.raises(EvidenceRefused):
        deposit_evidence(
            student, by=school_a.ddfpt, kind="previous-evaluation", upload=pdf("grille.pdf")
        )


def bep_adult(school: School) -> Student:
    cohort = CohortFactory.create(
        establishment=school.establishment,
        name="BEP MPMI FC",
        diploma="bep-mpmi",
        school_year=2026,
        training_start=date(2026, 9, 7),
        session=2028,
    )
    cohort.teachers.add(school.teacher)
    account = member(Role.STUDENT, establishment=school.establishment)
    return StudentFactory.create(cohort=cohort, user=account, continuing="reconversion")


def certificate(student: Student, by: Any, *, in_sector: bool, name: str) -> EvidenceDocument:
    return deposit_evidence(
        student,
        by=by,
        kind="work-certificate",
        upload=pdf(name, pdf("x").read() + name.encode()),
        employer="Usinage du Ried",
        start=date(2020, 1, 6),
        end=date(2024, 6, 28),
        full_time=True,
        in_sector=in_sector,
    )


def test_bep_sector_experience_is_a_work_certificate_a_manager_accepts(school_a: School) -> None:
    """Seed 000 §3: « les candidats de la formation continue peuvent être dispensés de stage
    s'ils justifient d'une expérience professionnelle dans le secteur du diplôme ». The
    justification is a work certificate in the sector: deposited by the candidate it counts for
    nothing until a manager accepts it; one outside the sector never dispenses."""
    student = bep_adult(school_a)
    assert "DURATION_BELOW_MINIMUM" in codes(student, date(2028, 6, 2))
    outside = certificate(student, school_a.ddfpt, in_sector=False, name="hors-secteur.pdf")
    assert outside.status == "accepted"
    assert build_dossier(student, as_of=AS_OF)["professional_experience_in_sector"] is False
    waiting = certificate(student, student.user, in_sector=True, name="secteur.pdf")
    assert build_dossier(student, as_of=AS_OF)["professional_experience_in_sector"] is False
    # the manager accepts it through the page: the log says who
    response = client_for(school_a.secretary).post(reverse("evidence:accept", args=[waiting.pk]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "accepted"
    assert waiting.decision is not None and waiting.decision.actor == school_a.secretary
    assert build_dossier(student, as_of=AS_OF)["professional_experience_in_sector"] is True
    verdict = evaluate(build_dossier(student, as_of=date(2028, 6, 2)), today=date(2028, 6, 2))
    assert verdict["weeks_required"]["min"] == 0
    assert "STAGE_DISPENSED" in {f["code"] for f in verdict["findings"]}
    assert verdict["status"] == "compliant"
    text = client_for(school_a.ddfpt).get(reverse("students:detail", args=[student.pk]))
    assert "stage non exigé" in text.content.decode()


def test_the_student_form_no_longer_has_the_boxes(school_a: School) -> None:
    page = client_for(school_a.ddfpt).get(reverse("students:edit", args=[school_a.student.pk]))
    text = page.content.decode()
    for name in (
        "professional_experience_in_sector",
        "repeater_previous_evaluation",
        "repeater_contract",
    ):
        assert name not in text


def test_an_image_is_still_accepted_for_a_work_certificate(school_a: School) -> None:
    student = bep_adult(school_a)
    document = deposit_evidence(
        student,
        by=school_a.ddfpt,
        kind="work-certificate",
        upload=pdf("certificat.png", image("PNG")),
        employer="Usinage du Ried",
        start=date(2020, 1, 6),
        end=date(2024, 6, 28),
        full_time=True,
        in_sector=True,
    )
    assert document.file_kind == "png"
