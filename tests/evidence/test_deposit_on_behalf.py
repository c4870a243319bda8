"""A piece deposited by the staff for a student is shown as deposited on the student's behalf."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from milieu.evidence.enums import EvidenceKind
from milieu.evidence.models import EvidenceDocument
from milieu.evidence.operations import deposit_evidence
from milieu.students.models import Student
from tests.evidence.conftest import School, pdf


def _page(client: Client, student: Student) -> str:
    return client.get(
        reverse("evidence:student", kwargs={"student_pk": student.pk})
    ).content.decode()


def test_a_teachers_deposit_for_the_student_records_who_and_says_for_the_student(
    client: Client, school_a: School, apprentice: Student
) -> None:
    deposit_evidence(
        apprentice,
        by=school_a.teacher,
        kind=EvidenceKind.EMPLOYER_ATTESTATION,
        upload=pdf("attestation.pdf"),
    )
    document = EvidenceDocument.objects.get()
    assert document.deposited_by == school_a.teacher
    assert document.deposited_at is not None

    client.force_login(school_a.student_user)
    page = _page(client, apprentice)
    assert f"par {school_a.teacher} <span data-on-behalf>pour l’élève</span>" in page


def test_the_students_own_deposit_is_not_marked_on_behalf(
    client: Client, school_a: School, apprentice: Student
) -> None:
    deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
        upload=pdf(),
    )

    client.force_login(school_a.head)
    assert "data-on-behalf" not in _page(client, apprentice)
