"""The pages: the school's requests and form, the rectorat's queue and decision page, the
sessions, the dashboard's count; a school never sees another school's requests, a rectorat
user only their académie's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationRequest, ExamSession
from milieu.exams.operations import submit_request
from tests.exams.conftest import School, client_for, draft_request, upload


def test_the_student_page_offers_a_request_to_the_head_and_the_ddfpt_only(
    school_a: School, rectorat: Any
) -> None:
    url = reverse("students:detail", args=[school_a.student.pk])
    target = reverse("exams:derogation_create", args=[school_a.student.pk])
    for user in (school_a.head, school_a.ddfpt):
        assert target in client_for(user).get(url).content.decode()
    for user in (school_a.teacher, school_a.secretary, school_a.student_user, rectorat):
        page = client_for(user).get(url)
        assert page.status_code == 200 and target not in page.content.decode()


def test_the_form_shows_the_catalogues_floor_and_refuses_below_it(school_a: School) -> None:
    client = client_for(school_a.ddfpt)
    url = reverse("exams:derogation_create", args=[school_a.student.pk])
    page = client.get(url).content.decode()
    assert "pas moins de 4 semaines" in page and "§3" in page

    response = client.post(
        url,
        {
            "kind": "reduction",
            "reason": "force-majeure",
            "weeks": "3",
            "justification": "Hospitalisation.",
            "transmettre": "1",
        },
    )
    assert response.status_code == 400
    assert "en dessous de 4 semaines" in response.content.decode()
    assert not DerogationRequest.objects.exists()


def test_the_ddfpt_submits_a_request_with_its_pdf_from_the_form(
    school_a: School, delegate: Any
) -> None:
    response = client_for(school_a.ddfpt).post(
        reverse("exams:derogation_create", args=[school_a.student.pk]),
        {
            "kind": "reduction",
            "reason": "force-majeure",
            "weeks": "4,5",
            "justification": "Hospitalisation de deux semaines.",
            "attachments": [upload("certificat.pdf")],
            "transmettre": "1",
        },
    )
    request = DerogationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exams:derogation_detail", args=[request.pk])
    assert request.status == DerogationStatus.SUBMITTED
    assert request.weeks == Decimal("4.5")
    assert request.attachments.get().original_name == "certificat.pdf"


def test_a_hostile_attachment_is_refused_in_french_and_nothing_is_kept(school_a: School) -> None:
    response = client_for(school_a.ddfpt).post(
        reverse("exams:derogation_create", args=[school_a.student.pk]),
        {
            "kind": "partial",
            "reason": "force-majeure",
            "justification": "Hospitalisation.",
            "attachments": [upload("piece.pdf", b"MZ\x90\x00executable")],
        },
    )
    assert response.status_code == 400
    assert "un fichier PDF est attendu" in response.content.decode()
    assert not DerogationRequest.objects.exists()


def test_a_school_lists_only_its_requests(school_a: School, school_b: School) -> None:
    mine = draft_request(school_a)
    theirs = draft_request(school_b)
    page = client_for(school_a.ddfpt).get(reverse("exams:derogation_list")).content.decode()
    assert f'data-derogation="{mine.pk}"' in page
    assert f'data-derogation="{theirs.pk}"' not in page
    assert school_b.student.full_name not in page
    detail = client_for(school_a.head).get(reverse("exams:derogation_detail", args=[theirs.pk]))
    assert detail.status_code == 404


def test_the_rectorat_sees_its_academies_submitted_requests_not_the_drafts(
    school_a: School, school_b: School, delegate: Any, other_delegate: Any
) -> None:
    draft = draft_request(school_a)
    sent = draft_request(school_b)
    submit_request(sent, by=school_b.ddfpt)
    page = client_for(delegate).get(reverse("exams:derogation_list")).content.decode()
    assert f'data-derogation="{sent.pk}"' in page
    assert f'data-derogation="{draft.pk}"' not in page
    for pk in (draft.pk, sent.pk):
        url = reverse("exams:derogation_detail", args=[pk])
        assert client_for(other_delegate).get(url).status_code == 404
    assert (
        client_for(delegate).get(reverse("exams:derogation_detail", args=[draft.pk])).status_code
        == 404
    )


def test_the_queue_lists_submitted_requests_oldest_first(
    school_a: School, school_b: School, delegate: Any
) -> None:
    first, second, third = draft_request(school_a), draft_request(school_b), draft_request(school_a)
    for request in (first, second, third):
        submit_request(request, by=request.created_by)
    now = timezone.now()
    DerogationRequest.objects.filter(pk=second.pk).update(submitted_at=now - timedelta(days=3))
    DerogationRequest.objects.filter(pk=first.pk).update(submitted_at=now - timedelta(days=2))
    DerogationRequest.objects.filter(pk=third.pk).update(submitted_at=now - timedelta(days=1))
    page = client_for(delegate).get(reverse("exams:derogation_queue")).content.decode()
    order = [page.index(f'data-derogation="{r.pk}"') for r in (second, first, third)]
    assert order == sorted(order)
    assert "Examiner et décider" in page


def test_the_delegate_grants_from_the_decision_page(school_a: School, delegate: Any) -> None:
    request = draft_request(school_a)
    submit_request(request, by=school_a.ddfpt)
    client = client_for(delegate)
    page = client.get(reverse("exams:derogation_detail", args=[request.pk])).content.decode()
    assert "Accorder la dérogation" in page and "Refuser la demande" in page
    response = client.post(
        reverse("exams:derogation_transition", args=[request.pk, "accorder"]),
        {"comment": "", "retour": "file"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("exams:derogation_queue")
    assert DerogationRequest.objects.get(pk=request.pk).status == DerogationStatus.GRANTED
    school_page = client_for(school_a.ddfpt).get(
        reverse("exams:derogation_detail", args=[request.pk])
    )
    assert "Décision du recteur (PDF)" in school_page.content.decode()


def test_the_exam_service_reads_the_queue_but_cannot_decide(
    school_a: School, rectorat: Any
) -> None:
    request = draft_request(school_a)
    submit_request(request, by=school_a.ddfpt)
    client = client_for(rectorat)
    page = client.get(reverse("exams:derogation_detail", args=[request.pk])).content.decode()
    assert "Accorder la dérogation" not in page
    response = client.post(reverse("exams:derogation_transition", args=[request.pk, "accorder"]))
    assert response.status_code == 403
    assert DerogationRequest.objects.get(pk=request.pk).status == DerogationStatus.SUBMITTED


def test_the_rectorat_dashboard_counts_what_waits(school_a: School, delegate: Any) -> None:
    for _ in range(2):
        submit_request(draft_request(school_a), by=school_a.ddfpt)
    draft_request(school_a)
    page = client_for(delegate).get(reverse("dashboard")).content.decode()
    assert 'data-derogations-waiting="2"' in page
    assert "Demandes de dérogation à décider : 2" in page


def test_the_rectorat_creates_and_edits_a_session_from_its_pages(
    academie: Any, rectorat: Any, school_a: School
) -> None:
    client = client_for(rectorat)
    response = client.post(
        reverse("exams:session_create"),
        {
            "diploma": "bts-ciel",
            "session": "2028",
            "exam_date": "2028-05-16",
            "report_deadline": "2028-05-05",
            "transmission": "Plateforme académique.",
        },
    )
    assert response.status_code == 302
    session = ExamSession.objects.get()
    assert (session.academie, session.updated_by) == (academie, rectorat)
    bad = client.post(
        reverse("exams:session_edit", args=[session.pk]),
        {
            "diploma": "bts-ciel",
            "session": "2028",
            "exam_date": "2028-05-16",
            "report_deadline": "2028-06-01",
        },
    )
    assert bad.status_code == 400
    assert "dossier doit précéder l&#x27;examen" in bad.content.decode()
    listing = client.get(reverse("exams:session_list")).content.decode()
    assert "16/05/2028" in listing and "05/05/2028" in listing
    assert client_for(school_a.head).get(reverse("exams:session_create")).status_code == 403


def test_every_missing_field_is_named_at_once(school_a: School) -> None:
    response = client_for(school_a.ddfpt).post(
        reverse("exams:derogation_create", args=[school_a.student.pk]), {"kind": "reduction"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choisissez le motif de la demande." in page
    assert "Indiquez la durée de stage demandée, en semaines." in page
    assert "Exposez la situation du candidat" in page


def test_withdrawing_a_request_asks_for_a_confirmation_first(school_a: School) -> None:
    """Walked in Chromium: « Retirer la demande » withdrew it (for good) in one click."""
    mine = draft_request(school_a)
    client = client_for(school_a.ddfpt)
    page = client.get(reverse("exams:derogation_detail", args=[mine.pk])).content.decode()
    action = reverse("exams:derogation_transition", args=[mine.pk, "retirer"])
    block = page.split("<summary")[-1].split("</details>")[0]
    assert "Retirer la demande" in block and f'action="{action}"' in block
    assert "Confirmer le retrait" in block
    response = client.post(action)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == DerogationStatus.WITHDRAWN


def test_the_status_filter_has_a_button_and_no_inline_script_the_csp_would_block(
    school_a: School,
) -> None:
    """Walked in Chromium: the filter's `onchange` was refused by the Content-Security-Policy
    (script-src 'self') and its button hidden in <noscript>: no way to filter."""
    mine = draft_request(school_a)
    client = client_for(school_a.ddfpt)
    page = client.get(reverse("exams:derogation_list")).content.decode()
    form = page.split("data-status-filter")[1].split("</form>")[0]
    assert "onchange" not in form and "<noscript>" not in form
    assert '<button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">Filtrer' in form
    filtered = client.get(reverse("exams:derogation_list"), {"etat": "granted"}).content.decode()
    assert f'data-derogation="{mine.pk}"' not in filtered
    drafts = client.get(reverse("exams:derogation_list"), {"etat": "draft"}).content.decode()
    assert f'data-derogation="{mine.pk}"' in drafts
