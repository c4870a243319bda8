"""The student's evidence page, the deposit form, review actions, the download, the queue."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from milieu.evidence.enums import EvidenceKind, EvidenceStatus
from milieu.evidence.models import EvidenceDocument
from milieu.evidence.operations import accept_evidence, deposit_evidence, refuse_evidence
from milieu.factories import StudentFactory
from milieu.students.models import Student
from tests.evidence.conftest import PDF, School, account, candidate, cohort_2026, pdf
from tests.security.samples import one_page_pdf

CONTRACT = EvidenceKind.APPRENTICESHIP_CONTRACT.value
CERTIFICATE = EvidenceKind.WORK_CERTIFICATE.value


def page_url(student: Student) -> str:
    return reverse("evidence:student", kwargs={"student_pk": student.pk})


def logged(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def stored_files() -> list[Path]:
    return [p for p in Path(settings.PRIVATE_FILES_ROOT).rglob("*") if p.is_file()]


def certificate_post(**fields: Any) -> dict[str, Any]:
    data = {
        "piece-kind": CERTIFICATE,
        "piece-file": pdf("certificat.pdf"),
        "piece-employer": "Mesures de l'Est",
        "piece-start": "2025-06-01",
        "piece-end": "2025-12-31",
        "piece-full_time": "oui",
        "piece-in_sector": "oui",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- the page ----------------------------------------------------------------------------------


def test_a_stage_pathway_says_no_document_is_needed(client: Client, school_a: School) -> None:
    page = logged(client, school_a.student_user).get(page_url(school_a.student))
    text = page.content.decode()
    assert page.status_code == 200
    assert "data-no-evidence" in text
    assert "aucune pièce justificative" in text
    assert "data-deposit" not in text  # no form


def test_the_apprentice_sees_the_engine_finding_and_the_apprenticeship_kinds(
    client: Client, school_a: School, apprentice: Student
) -> None:
    page = logged(client, school_a.student_user).get(page_url(apprentice))
    text = page.content.decode()
    assert 'data-pathway-mode="apprenticeship"' in text
    assert 'data-finding-code="APPRENTICESHIP_EVIDENCE_MISSING"' in text
    assert "Ni copie du contrat d&#x27;apprentissage ni attestation" in text
    assert "Copie du contrat d&#x27;apprentissage" in text
    assert "Attestation de l&#x27;employeur (statut d&#x27;apprenti)" in text
    assert "data-work-certificate-fields" not in text
    assert "vérifiée par l’établissement" in text


def test_a_candidate_sees_how_many_days_are_attested(
    client: Client, school_a: School, perfectionnement: Student
) -> None:
    deposit_evidence(
        perfectionnement,
        by=school_a.head,
        kind=CERTIFICATE,
        upload=pdf(),
        employer="Mesures de l'Est",
        start=date(2026, 1, 1),
        end=date(2026, 4, 30),
        full_time=True,
        in_sector=True,
    )
    text = logged(client, perfectionnement.user).get(page_url(perfectionnement)).content.decode()
    assert "120 jours attestés sur 182" in text
    assert 'data-finding-code="WORK_EXPERIENCE_INSUFFICIENT"' in text
    assert "120 jours à temps plein sur les 365 jours" in text
    assert "data-work-certificate-fields" in text


def test_a_professional_experience_candidate_sees_the_missing_certificates(
    client: Client, school_a: School, experienced: Student
) -> None:
    text = logged(client, experienced.user).get(page_url(experienced)).content.decode()
    assert 'data-finding-code="WORK_CERTIFICATES_MISSING"' in text
    assert "Aucun certificat de travail au dossier" in text

    deposit_evidence(
        experienced,
        by=school_a.ddfpt,
        kind=CERTIFICATE,
        upload=pdf(),
        employer="Usinage Rhénan",
        start=date(2024, 9, 1),
        end=date(2025, 8, 31),
        full_time=True,
        in_sector=True,
    )
    text = logged(client, experienced.user).get(page_url(experienced)).content.decode()
    assert "WORK_CERTIFICATES_MISSING" not in text
    assert "data-evidence-findings-none" in text
    assert 'data-verdict-status="compliant"' in text
    assert "Usinage Rhénan" in text


# --- deposit through the page ------------------------------------------------------------------


def test_the_student_deposits_a_contract(
    client: Client, school_a: School, apprentice: Student
) -> None:
    response = logged(client, school_a.student_user).post(
        page_url(apprentice), {"piece-kind": CONTRACT, "piece-file": pdf("contrat.pdf")}
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert (document.kind, document.status) == (CONTRACT, EvidenceStatus.DEPOSITED)
    page = client.get(page_url(apprentice)).content.decode()
    assert "sera vérifiée par l’établissement" in page
    assert f'data-withdraw="{document.pk}"' in page
    assert f'data-refuse="{document.pk}"' not in page


def test_a_managers_deposit_through_the_page_is_accepted(
    client: Client, school_a: School, apprentice: Student
) -> None:
    response = logged(client, school_a.head).post(
        page_url(apprentice), {"piece-kind": CONTRACT, "piece-file": pdf()}, follow=True
    )
    assert "déposée et acceptée" in response.content.decode()
    assert EvidenceDocument.objects.get().status == EvidenceStatus.ACCEPTED
    assert "data-evidence-findings-none" in response.content.decode()


def test_a_bad_certificate_keeps_what_was_typed(
    client: Client, school_a: School, perfectionnement: Student
) -> None:
    response = logged(client, perfectionnement.user).post(
        page_url(perfectionnement),
        certificate_post(
            **{"piece-end": "2025-05-01", "piece-full_time": None, "piece-in_sector": "non"}
        ),
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "La fin de l’emploi attesté précède son début." in text.replace("&#x27;", "’").replace(
        "'", "’"
    )
    assert "Indiquez si l&#x27;emploi était à temps plein ou à temps partiel." in text
    assert 'value="Mesures de l&#x27;Est"' in text
    assert 'value="2025-06-01"' in text
    assert 'value="2025-05-01"' in text
    assert re.search(r'name="piece-in_sector" value="non"[^>]*checked', text)
    assert not re.search(r'name="piece-in_sector" value="oui"[^>]*checked', text)
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


def test_an_unreadable_date_is_said_in_french(
    client: Client, school_a: School, perfectionnement: Student
) -> None:
    response = logged(client, perfectionnement.user).post(
        page_url(perfectionnement), certificate_post(**{"piece-start": "31/02/2025"})
    )
    assert response.status_code == 400
    assert "Saisissez une date valide" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0


def test_a_kind_the_pathway_does_not_take_is_refused(
    client: Client, school_a: School, perfectionnement: Student
) -> None:
    response = logged(client, perfectionnement.user).post(
        page_url(perfectionnement), {"piece-kind": CONTRACT, "piece-file": pdf()}
    )
    assert response.status_code == 400
    assert "pas attendue pour la voie" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0


def test_no_file_is_said_in_french(client: Client, school_a: School, apprentice: Student) -> None:
    response = logged(client, school_a.student_user).post(
        page_url(apprentice), {"piece-kind": CONTRACT}
    )
    assert response.status_code == 400
    assert "Choisissez un fichier à déposer." in response.content.decode()


def test_a_stage_student_posting_anyway_stores_nothing(client: Client, school_a: School) -> None:
    response = logged(client, school_a.student_user).post(
        page_url(school_a.student), {"piece-kind": CONTRACT, "piece-file": pdf()}, follow=True
    )
    assert "Aucune pièce justificative n’est attendue" in response.content.decode()
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


# --- review and withdraw through the page -----------------------------------------------------


def test_the_head_accepts_from_the_queue_and_returns_to_it(
    client: Client, school_a: School, apprentice: Student
) -> None:
    document = deposit_evidence(apprentice, by=school_a.teacher, kind=CONTRACT, upload=pdf())
    response = logged(client, school_a.head).post(
        reverse("evidence:accept", kwargs={"pk": document.pk}), {"retour": "file"}
    )
    assert response["Location"] == reverse("evidence:pending")
    document.refresh_from_db()
    assert document.status == EvidenceStatus.ACCEPTED
    again = client.post(
        reverse("evidence:accept", kwargs={"pk": document.pk}),
        follow=True,
        HTTP_REFERER=reverse("evidence:pending"),  # the page the button is on
    )
    assert "Action déjà effectuée ou impossible : cette pièce est « Acceptée »." in (
        again.content.decode()
    )


def test_a_refusal_without_reason_is_refused_then_one_with_a_reason_reaches_the_depositor(
    client: Client,
    school_a: School,
    apprentice: Student,
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    url = reverse("evidence:refuse", kwargs={"pk": document.pk})
    empty = logged(client, school_a.secretary).post(url, {"reason": "  "}, follow=True)
    assert "Indiquez le motif du refus" in empty.content.decode()
    document.refresh_from_db()
    assert document.status == EvidenceStatus.DEPOSITED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "La signature de l'employeur manque."})
    assert response["Location"] == page_url(apprentice)
    document.refresh_from_db()
    assert document.status == EvidenceStatus.REFUSED
    assert len(mail.outbox) == 1

    page = logged(client, school_a.student_user).get(page_url(apprentice)).content.decode()
    assert "data-refusal-reason" in page
    assert "Motif : La signature de l&#x27;employeur manque." in page


def test_the_depositor_withdraws(client: Client, school_a: School, apprentice: Student) -> None:
    document = deposit_evidence(apprentice, by=school_a.teacher, kind=CONTRACT, upload=pdf())
    url = reverse("evidence:withdraw", kwargs={"pk": document.pk})
    assert logged(client, school_a.head).post(url).status_code == 403
    assert logged(client, school_a.student_user).post(url).status_code == 403
    response = logged(client, school_a.teacher).post(url)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == EvidenceStatus.WITHDRAWN


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "ddfpt", "secretary", "teacher", "student_user"])
def test_another_schools_people_get_a_404_everywhere(
    client: Client, school_a: School, school_b: School, apprentice: Student, who: str
) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    logged(client, getattr(school_b, who))
    assert client.get(page_url(apprentice)).status_code == 404
    assert client.post(page_url(apprentice), {"piece-kind": CONTRACT}).status_code == 404
    for name in ("accept", "refuse", "withdraw"):
        url = reverse(f"evidence:{name}", kwargs={"pk": document.pk})
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.get(reverse("evidence:download", kwargs={"pk": document.pk})).status_code == 404
    document.refresh_from_db()
    assert document.status == EvidenceStatus.DEPOSITED


def test_a_student_cannot_open_or_deposit_for_another(
    client: Client, school_a: School, apprentice: Student
) -> None:
    other = StudentFactory.create(cohort=school_a.cohort, pathway="apprentissage")
    logged(client, school_a.student_user)
    assert client.get(page_url(other)).status_code == 404
    response = client.post(page_url(other), {"piece-kind": CONTRACT, "piece-file": pdf()})
    assert response.status_code == 404
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


def test_a_teacher_deposits_but_cannot_review(
    client: Client, school_a: School, apprentice: Student
) -> None:
    logged(client, school_a.teacher)
    response = client.post(page_url(apprentice), {"piece-kind": CONTRACT, "piece-file": pdf()})
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.status == EvidenceStatus.DEPOSITED
    assert client.post(reverse("evidence:accept", kwargs={"pk": document.pk})).status_code == 403
    refuse = reverse("evidence:refuse", kwargs={"pk": document.pk})
    assert client.post(refuse, {"reason": "Non."}).status_code == 403
    assert client.get(reverse("evidence:pending")).status_code == 403
    document.refresh_from_db()
    assert document.status == EvidenceStatus.DEPOSITED


def test_the_rectorat_reads_without_deposit_form(
    client: Client, school_a: School, apprentice: Student, rectorat: Any
) -> None:
    page = logged(client, rectorat).get(page_url(apprentice))
    assert page.status_code == 200
    assert "data-deposit" not in page.content.decode()
    response = client.post(page_url(apprentice), {"piece-kind": CONTRACT, "piece-file": pdf()})
    assert response.status_code == 403
    assert EvidenceDocument.objects.count() == 0


# --- download ----------------------------------------------------------------------------------


def test_the_download_is_an_attachment_with_its_hash(
    client: Client, school_a: School, apprentice: Student
) -> None:
    document = deposit_evidence(
        apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf("Contrat signé.html")
    )
    response = logged(client, school_a.teacher).get(
        reverse("evidence:download", kwargs={"pk": document.pk})
    )
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]  # the bytes' kind, not the name's
    assert ".html" not in response["Content-Disposition"]
    assert response["X-Content-SHA256"] == hashlib.sha256(PDF).hexdigest()
    assert response["Cache-Control"] == "private, no-store"


def test_the_file_is_read_only_after_the_permission_check(
    client: Client,
    school_a: School,
    school_b: School,
    apprentice: Student,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    reads: list[str] = []
    monkeypatch.setattr("milieu.evidence.views.storage.read", lambda path: reads.append(path))
    url = reverse("evidence:download", kwargs={"pk": document.pk})
    assert logged(client, school_b.head).get(url).status_code == 404
    assert logged(client, school_a.other_teacher).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert reads == []


# --- the review queue --------------------------------------------------------------------------


def test_the_queue_lists_the_pending_documents_of_the_managers_school_only(
    client: Client, school_a: School, school_b: School, apprentice: Student
) -> None:
    waiting = deposit_evidence(apprentice, by=school_a.student_user, kind=CONTRACT, upload=pdf())
    done = deposit_evidence(
        apprentice,
        by=school_a.student_user,
        kind=EvidenceKind.EMPLOYER_ATTESTATION,
        upload=pdf("a.pdf", one_page_pdf("autre")),
    )
    accept_evidence(done, by=school_a.head)
    b_student = candidate(school_b, pathway="apprentissage")
    b_waiting = deposit_evidence(b_student, by=account(b_student), kind=CONTRACT, upload=pdf())

    text = logged(client, school_a.ddfpt).get(reverse("evidence:pending")).content.decode()
    assert f'data-document="{waiting.pk}"' in text
    assert f'data-document="{done.pk}"' not in text
    assert f'data-document="{b_waiting.pk}"' not in text
    assert b_student.full_name not in text

    text = logged(client, school_b.head).get(reverse("evidence:pending")).content.decode()
    assert f'data-document="{b_waiting.pk}"' in text
    assert apprentice.full_name not in text


def test_the_queue_is_empty_when_nothing_waits(client: Client, school_a: School) -> None:
    text = logged(client, school_a.secretary).get(reverse("evidence:pending")).content.decode()
    assert "data-pending-empty" in text


def cohort_count(school: School) -> int:
    return int(school.establishment.cohorts.count())


def _grow(school: School, times: int) -> None:
    """`times` × (a cohort with an apprentice and a perfectionnement candidate, each with a
    document waiting, one refused and one accepted)."""
    for n in range(times):
        cohort = cohort_2026(school, name=f"BTS CIEL 2026 groupe {cohort_count(school)}")
        apprentice = candidate(school, cohort, pathway="apprentissage")
        for k, kind in enumerate((CONTRACT, EvidenceKind.EMPLOYER_ATTESTATION.value, CONTRACT)):
            document = deposit_evidence(
                apprentice,
                by=account(apprentice),
                kind=kind,
                upload=pdf("c.pdf", one_page_pdf(f"{n}-{k}")),
            )
            if k == 1:
                refuse_evidence(document, by=school.head, reason="Illisible.")
            elif k == 2:
                accept_evidence(document, by=school.head)
        worker = candidate(school, cohort, continuing="perfectionnement")
        deposit_evidence(
            worker,
            by=school.teacher,
            kind=CERTIFICATE,
            upload=pdf("w.pdf", one_page_pdf(f"w{n}")),
            employer=f"Employeur {n}",
            start=date(2025, 1, 1),
            end=date(2025, 6, 30),
            full_time=True,
            in_sector=True,
        )


def test_the_queue_runs_a_constant_number_of_queries(
    client: Client, school_a: School, count_queries: Callable[[Client, str], int]
) -> None:
    logged(client, school_a.head)
    url = reverse("evidence:pending")
    _grow(school_a, 1)
    once = count_queries(client, url)
    _grow(school_a, 9)
    assert EvidenceDocument.objects.filter(status=EvidenceStatus.DEPOSITED).count() == 20
    assert count_queries(client, url) == once


@pytest.mark.parametrize("who", ["head", "teacher"])
def test_the_student_page_runs_a_constant_number_of_queries(
    client: Client,
    school_a: School,
    perfectionnement: Student,
    count_queries: Callable[[Client, str], int],
    who: str,
) -> None:
    def add(n: int) -> None:
        document = deposit_evidence(
            perfectionnement,
            by=school_a.teacher if n % 2 else account(perfectionnement),
            kind=CERTIFICATE,
            upload=pdf("c.pdf", one_page_pdf(str(n))),
            employer="Mesures",
            start=date(2025, 1, 1),
            end=date(2025, 1, 1 + n % 28),
            full_time=True,
            in_sector=True,
        )
        if n % 3 == 1:
            accept_evidence(document, by=school_a.head)
        elif n % 3 == 2:
            refuse_evidence(document, by=school_a.head, reason="Illisible.")

    logged(client, getattr(school_a, who))
    url = page_url(perfectionnement)
    add(0)
    once = count_queries(client, url)
    for n in range(1, 10):
        add(n)
    assert count_queries(client, url) == once
