"""Repeaters on the student's record (issue 11, contract v1.1): the previous session's evaluation
kept (seed 001 §5, 002 §D) and the apprentice repeater's contract (001 §5, 002 §D, 003 §4), edited
on the student's page with its version, journaled, shown, and sent in the dossier."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.exams.dossier import build_dossier
from milieu.rules import evaluate
from milieu.students.models import Student
from tests.school.conftest import School, client_for
from tests.school.test_student_edit import form_data

AS_OF = date(2028, 9, 1)


def repeater_data(student: Student, **changes: Any) -> dict[str, Any]:
    fields = {
        "pathway": "apprentissage",
        "repeater": "on",
        "previous_session": "2027",
        "repeater_report": "reuse",
    }
    return form_data(student, **{**fields, **changes})


def codes(student: Student) -> set[str]:
    verdict = evaluate(build_dossier(student, as_of=AS_OF), today=AS_OF)
    return {finding["code"] for finding in verdict["findings"]}


def test_an_apprentice_repeater_s_extended_contract_is_recorded_journaled_and_sent(
    school_a: School,
) -> None:
    """Seed 001 §5: the apprentice repeater's initial contract extended by one year; the
    secretariat records it on the record (who and when in the journal), the page shows it and the
    dossier says ``repeater.contract: "extended"``."""
    student = school_a.student
    response = client_for(school_a.secretary).post(
        reverse("students:edit", args=[student.pk]),
        repeater_data(student, repeater_contract="extended", repeater_previous_evaluation="on"),
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.repeater_contract == "extended"
    assert student.repeater_previous_evaluation is True
    entry = AuditEntry.objects.filter(action=AuditAction.STUDENT_EDITED).latest("at")
    assert entry.actor == school_a.secretary
    assert entry.changes["repeater_contract"][1] == "extended"
    assert entry.changes["repeater_previous_evaluation"] == [False, True]
    assert build_dossier(student, as_of=AS_OF)["repeater"] == {
        "previous_session": 2027,
        "report": "reuse",
        "previous_evaluation": True,
        "contract": "extended",
    }
    page = client_for(school_a.secretary).get(reverse("students:detail", args=[student.pk]))
    assert "Contrat initial prolongé d&#x27;un an" in page.content.decode()
    assert "grille au dossier" in page.content.decode()


def test_an_apprentice_repeater_without_a_contract_lacks_evidence_until_it_is_recorded(
    school_a: School,
) -> None:
    """Seed 002 §D / 003 §4 (contract v1.1): without ``repeater.contract`` an apprentice repeater
    is judged as if no apprenticeship evidence were on file; a new contract with another employer
    answers it."""
    student = school_a.student
    client = client_for(school_a.ddfpt)
    client.post(reverse("students:edit", args=[student.pk]), repeater_data(student))
    student.refresh_from_db()
    assert "contract" not in build_dossier(student, as_of=AS_OF)["repeater"]
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(student)
    client.post(
        reverse("students:edit", args=[student.pk]),
        repeater_data(student, repeater_contract="new-employer"),
    )
    student.refresh_from_db()
    assert build_dossier(student, as_of=AS_OF)["repeater"]["contract"] == "new-employer"


def test_a_repeater_presenting_the_previous_report_keeps_the_previous_evaluation(
    school_a: School,
) -> None:
    """Seed 001 §5: a repeater who presents the previous report keeps the previous session's
    evaluation: with the grid on file, no EVALUATION_MISSING."""
    student = school_a.student
    client = client_for(school_a.ddfpt)
    data = form_data(student, repeater="on", previous_session="2027", repeater_report="reuse")
    client.post(reverse("students:edit", args=[student.pk]), data)
    student.refresh_from_db()
    assert "EVALUATION_MISSING" in codes(student)
    data = form_data(
        student,
        repeater="on",
        previous_session="2027",
        repeater_report="reuse",
        repeater_previous_evaluation="on",
    )
    client.post(reverse("students:edit", args=[student.pk]), data)
    student.refresh_from_db()
    assert student.repeater_previous_evaluation is True
    assert "EVALUATION_MISSING" not in codes(student)


def test_a_contract_is_refused_in_french_for_a_student_who_is_not_an_apprentice(
    school_a: School,
) -> None:
    student = school_a.student
    response = client_for(school_a.ddfpt).post(
        reverse("students:edit", args=[student.pk]),
        repeater_data(student, pathway="scolaire", repeater_contract="extended"),
    )
    assert response.status_code == 200
    assert "ne se renseigne que pour un apprenti" in response.content.decode()
    student.refresh_from_db()
    assert student.repeater_contract == ""


def test_the_repeater_fields_are_cleared_when_the_student_no_longer_repeats(
    school_a: School,
) -> None:
    student = school_a.student
    client = client_for(school_a.ddfpt)
    client.post(
        reverse("students:edit", args=[student.pk]),
        repeater_data(student, repeater_contract="extended", repeater_previous_evaluation="on"),
    )
    student.refresh_from_db()
    client.post(
        reverse("students:edit", args=[student.pk]),
        form_data(student, pathway="apprentissage", repeater_contract="extended"),
    )
    student.refresh_from_db()
    assert (student.repeater, student.repeater_contract) == (False, "")
    assert student.repeater_previous_evaluation is False
    assert "repeater" not in build_dossier(student, as_of=AS_OF)
