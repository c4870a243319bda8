"""The jury's information: per exam session, a PDF listing the candidates authorised after a
partial stage and every granted derogation with its reason in French, issued by the rectorat,
stored with its SHA-256, never regenerated; a new issue is a new row."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

import pypdf
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.jury import issue_jury_notice
from milieu.exams.models import ExamSession, JuryNotice
from milieu.exams.operations import (
    RequestData,
    SessionData,
    create_request,
    grant_request,
    refuse_request,
    save_exam_session,
    submit_request,
)
from milieu.factories import StudentFactory
from tests.exams.conftest import School, client_for, reduction

PARTIAL = RequestData(
    DerogationKind.PARTIAL,
    DerogationReason.FORCE_MAJEURE,
    "Accident pendant la deuxième période.",
)


def text_of(content: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def ciel_session(academie: Any, by: Any) -> ExamSession:
    return save_exam_session(
        academie, SessionData("bts-ciel", 2028, date(2028, 5, 16), date(2028, 5, 5)), by=by
    )


def decided(school: School, student: Any, data: RequestData, delegate: Any, grant: bool) -> Any:
    request = create_request(student, data, by=school.ddfpt)
    submit_request(request, by=school.ddfpt)
    if grant:
        return grant_request(request, by=delegate)
    return refuse_request(request, by=delegate, reason="Pièces insuffisantes.")


@pytest.fixture
def candidates(school_a: School, school_b: School, delegate: Any) -> dict[str, Any]:
    """School A: a granted partial stage and a refused reduction; school B: a granted
    reduction; a BTS MM candidate of school A (another diploma) with a granted reduction."""
    partial = StudentFactory.create(cohort=school_a.cohort, last_name="Partiel")
    refused = StudentFactory.create(cohort=school_a.cohort, last_name="Refusé")
    reduced = StudentFactory.create(cohort=school_b.cohort, last_name="Réduit")
    other = StudentFactory.create(cohort=school_a.other_cohort, last_name="Mesure")
    decided(school_a, partial, PARTIAL, delegate, grant=True)
    decided(school_a, refused, reduction(), delegate, grant=False)
    decided(school_b, reduced, reduction("4", DerogationReason.AMENAGEMENT), delegate, grant=True)
    decided(school_a, other, reduction("9"), delegate, grant=True)
    return {"partial": partial, "refused": refused, "reduced": reduced, "other": other}


def test_the_notice_lists_partial_stages_and_every_granted_derogation_with_reasons(
    academie: Any, rectorat: Any, candidates: dict[str, Any]
) -> None:
    notice = issue_jury_notice(ciel_session(academie, rectorat), by=rectorat)
    text = text_of(bytes(notice.content))

    assert "Information du président du jury" in text
    assert "Candidats autorisés à se présenter après un stage partiel" in text
    partial_section, derogations = text.split("Dérogations accordées par le recteur", 1)
    assert "PARTIEL" in partial_section and candidates["partial"].ine in partial_section
    assert "RÉDUIT" not in partial_section
    assert "RÉDUIT" in derogations and "Durée du stage réduite à 4 semaines" in derogations
    assert "Formation aménagée" in derogations
    assert "Force majeure dûment constatée" in derogations
    assert "Autorisé(e) à se présenter après un stage partiel" in derogations
    # refused requests and another diploma's candidates are not the session's derogations
    assert "REFUSÉ" not in text and "MESURE" not in text
    assert "2 dérogations accordées" in text
    assert notice.issued_by == rectorat


def test_the_hash_is_stable_and_the_stored_pdf_is_sent_back_as_issued(
    academie: Any, rectorat: Any, candidates: dict[str, Any]
) -> None:
    exam_session = ciel_session(academie, rectorat)
    notice = issue_jury_notice(exam_session, by=rectorat)
    assert notice.sha256 == hashlib.sha256(bytes(notice.content)).hexdigest()
    url = reverse("exams:jury_notice_download", args=[exam_session.pk, notice.pk])

    first = client_for(rectorat).get(url)
    second = client_for(rectorat).get(url)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content == bytes(notice.content)
    assert first["X-Content-SHA256"] == notice.sha256
    notice.refresh_from_db()
    assert notice.sha256 == hashlib.sha256(bytes(notice.content)).hexdigest()
    with pytest.raises(ValueError, match="ne se modifie pas"):
        notice.save()


def test_a_new_derogation_and_a_new_issue_leave_the_old_notice_unchanged(
    academie: Any, rectorat: Any, school_a: School, delegate: Any, candidates: dict[str, Any]
) -> None:
    exam_session = ciel_session(academie, rectorat)
    old = issue_jury_notice(exam_session, by=rectorat)
    old_content, old_hash = bytes(old.content), old.sha256
    late = StudentFactory.create(cohort=school_a.cohort, last_name="Tardif")
    decided(school_a, late, reduction("5"), delegate, grant=True)

    new = issue_jury_notice(exam_session, by=delegate)

    old.refresh_from_db()
    assert bytes(old.content) == old_content and old.sha256 == old_hash
    assert "TARDIF" not in text_of(old_content)
    assert "TARDIF" in text_of(bytes(new.content))
    assert new.pk != old.pk and new.sha256 != old_hash
    assert JuryNotice.objects.filter(exam_session=exam_session).count() == 2


def test_only_the_rectorat_of_the_academie_issues(
    academie: Any, rectorat: Any, other_rectorat: Any, school_a: School
) -> None:
    exam_session = ciel_session(academie, rectorat)
    for user in (school_a.head, school_a.ddfpt, other_rectorat):
        with pytest.raises(PermissionDenied):
            issue_jury_notice(exam_session, by=user)
    assert not JuryNotice.objects.exists()


def test_the_page_confirms_then_issues_and_lists_the_notices(
    academie: Any, rectorat: Any, candidates: dict[str, Any]
) -> None:
    exam_session = ciel_session(academie, rectorat)
    client = client_for(rectorat)
    listing = reverse("exams:jury_notices", args=[exam_session.pk])
    issue = reverse("exams:jury_issue", args=[exam_session.pk])

    page = client.get(listing)
    assert page.status_code == 200
    assert "Émettre l’information du jury" in page.content.decode()
    assert "data-notices-empty" in page.content.decode()
    confirmation = client.get(issue)
    assert confirmation.status_code == 200 and 'name="confirmer"' in confirmation.content.decode()
    assert not JuryNotice.objects.exists()  # a GET issues nothing

    unconfirmed = client.post(issue, {})
    assert unconfirmed.status_code == 302 and not JuryNotice.objects.exists()
    done = client.post(issue, {"confirmer": "oui"}, follow=True)

    notice = JuryNotice.objects.get()
    body = done.content.decode()
    assert f"L’information du jury n° {notice.pk} est émise" in body
    assert notice.sha256 in body
    assert reverse("exams:jury_notice_download", args=[exam_session.pk, notice.pk]) in body
    sessions = client.get(reverse("exams:session_list")).content.decode()
    assert listing in sessions


def test_another_academie_and_the_schools_never_reach_the_notices(
    academie: Any, rectorat: Any, other_rectorat: Any, school_a: School
) -> None:
    exam_session = ciel_session(academie, rectorat)
    notice = issue_jury_notice(exam_session, by=rectorat)
    urls = [
        reverse("exams:jury_notices", args=[exam_session.pk]),
        reverse("exams:jury_issue", args=[exam_session.pk]),
        reverse("exams:jury_notice_download", args=[exam_session.pk, notice.pk]),
    ]
    for user in (other_rectorat, school_a.head):
        for url in urls:
            assert client_for(user).get(url).status_code == 404
    assert client_for(other_rectorat).post(urls[1], {"confirmer": "oui"}).status_code == 404
    assert JuryNotice.objects.count() == 1
    # a notice of another session is not reachable through this one
    other_session = save_exam_session(
        academie,
        SessionData("bts-metiers-de-la-mesure", 2028, date(2028, 5, 16), None),
        by=rectorat,
    )
    wrong = reverse("exams:jury_notice_download", args=[other_session.pk, notice.pk])
    assert client_for(rectorat).get(wrong).status_code == 404


def test_downloading_a_notice_is_recorded_for_the_minors_it_names(
    academie: Any, rectorat: Any, school_a: School, delegate: Any
) -> None:
    from milieu.audit.enums import AuditAction
    from milieu.audit.models import AuditEntry

    exam_session = ciel_session(academie, rectorat)
    minor = StudentFactory.create(cohort=school_a.cohort, minor=True)
    adult = StudentFactory.create(cohort=school_a.cohort, birth_date=date(2000, 1, 15))
    decided(school_a, minor, PARTIAL, delegate, grant=True)
    decided(school_a, adult, reduction("5"), delegate, grant=True)
    notice = issue_jury_notice(exam_session, by=rectorat)
    later = StudentFactory.create(cohort=school_a.cohort, minor=True)
    decided(school_a, later, reduction("5"), delegate, grant=True)  # not in this notice
    url = reverse("exams:jury_notice_download", args=[exam_session.pk, notice.pk])

    assert client_for(rectorat).get(url).status_code == 200

    entries = AuditEntry.objects.filter(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED)
    assert [entry.object_id for entry in entries] == [str(minor.pk)]
    assert entries.get().actor == rectorat
