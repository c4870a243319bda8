"""The avenant screens: the form prefilled from the convention, the avenant's page and its actions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from milieu.conventions.amendment_forms import span_name
from milieu.conventions.amendments import create_amendment, send_amendment_for_signature
from milieu.conventions.calendar import WEEKDAYS
from milieu.conventions.enums import SignatureState
from milieu.conventions.models import Amendment, AmendmentStatus, Convention
from tests.conventions.conftest import draft
from tests.conventions.signing import signed
from tests.core.conftest import School
from tests.security.samples import one_page_pdf


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _payload(convention: Convention, **changes: Any) -> dict[str, str]:
    """The form as the page shows it (the convention unchanged), then `changes`."""
    periods = changes.pop("periods", [(p.start, p.end) for p in convention.active_periods()])
    data = {
        "reason": "Report d'une semaine.",
        "early_end": "",
        "site": "",
        "tutor": "",
        "weekly_hours": str(convention.weekly_hours),
        "periodes-TOTAL_FORMS": str(len(periods)),
        "periodes-INITIAL_FORMS": str(len(periods)),
        "periodes-MIN_NUM_FORMS": "0",
        "periodes-MAX_NUM_FORMS": "1000",
    }
    for index, (start, end) in enumerate(periods):
        data[f"periodes-{index}-start"] = start.isoformat()
        data[f"periodes-{index}-end"] = end.isoformat()
    for day in WEEKDAYS:
        spans = convention.timetable.get(day, [])
        for number in (1, 2):
            begin, finish = spans[number - 1] if len(spans) >= number else ("", "")
            data[span_name(day, number, "debut")] = begin
            data[span_name(day, number, "fin")] = finish
    data.update({key: str(value) for key, value in changes.items()})
    return data


def test_the_form_shows_the_convention_as_it_is(school_a: School) -> None:
    convention = signed(school_a)
    page = _client(school_a.ddfpt).get(f"/conventions/{convention.pk}/avenants/nouveau/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nouvel avenant à la convention n° " in text
    assert 'value="2027-05-31"' in text and 'value="2027-07-09"' in text
    assert 'value="08:30"' in text and 'value="35.00"' in text


@pytest.mark.parametrize(("who", "status"), [("teacher", 403), ("student_user", 403)])
def test_only_managers_open_the_form(school_a: School, who: str, status: int) -> None:
    convention = signed(school_a)
    page = _client(getattr(school_a, who)).get(f"/conventions/{convention.pk}/avenants/nouveau/")
    assert page.status_code == status


def test_another_school_does_not_see_the_convention(school_a: School, school_b: School) -> None:
    convention = signed(school_a)
    client = _client(school_b.ddfpt)
    assert client.get(f"/conventions/{convention.pk}/avenants/nouveau/").status_code == 404
    amendment = create_amendment(
        convention, by=school_a.ddfpt, reason="Report.", early_end=date(2027, 6, 18)
    )
    assert client.get(f"/conventions/avenants/{amendment.pk}/").status_code == 404


def test_a_draft_convention_sends_back_with_a_message(school_a: School) -> None:
    convention = draft(school_a)
    answer = _client(school_a.ddfpt).get(
        f"/conventions/{convention.pk}/avenants/nouveau/", follow=True
    )
    assert "Un avenant ne modifie qu’une convention signée" in answer.content.decode()


def test_posting_new_dates_creates_a_draft_avenant(school_a: School) -> None:
    convention = signed(school_a)
    client = _client(school_a.ddfpt)
    answer = client.post(
        f"/conventions/{convention.pk}/avenants/nouveau/",
        _payload(convention, periods=[(date(2027, 6, 7), date(2027, 7, 16))]),
    )
    amendment = Amendment.objects.get(convention=convention)
    assert (
        answer.status_code == 302 and answer["Location"] == f"/conventions/avenants/{amendment.pk}/"
    )
    assert amendment.new_periods == [{"start": "2027-06-07", "end": "2027-07-16"}]
    assert amendment.new_timetable is None and amendment.new_weekly_hours is None  # unchanged
    page = client.get(answer["Location"]).content.decode()
    assert "Brouillon" in page
    assert "du 31/05/2027 au 09/07/2027" in page and "du 07/06/2027 au 16/07/2027" in page
    assert "Envoyer l’avenant en signature" in page


def test_posting_the_convention_unchanged_says_what_is_missing(school_a: School) -> None:
    convention = signed(school_a)
    answer = _client(school_a.ddfpt).post(
        f"/conventions/{convention.pk}/avenants/nouveau/", _payload(convention)
    )
    assert answer.status_code == 200
    assert "Un avenant modifie au moins un élément" in answer.content.decode()
    assert not Amendment.objects.exists()


def test_new_hours_from_the_form(school_a: School) -> None:
    convention = signed(school_a)
    _client(school_a.ddfpt).post(
        f"/conventions/{convention.pk}/avenants/nouveau/",
        _payload(
            convention,
            weekly_hours="28",
            **{span_name("fri", 1, "debut"): "", span_name("fri", 1, "fin"): ""},
            **{span_name("fri", 2, "debut"): "", span_name("fri", 2, "fin"): ""},
        ),
    )
    amendment = Amendment.objects.get()
    assert amendment.new_weekly_hours == 28
    assert amendment.new_timetable is not None and "fri" not in amendment.new_timetable


def test_send_then_record_a_paper_signature_then_cancel(school_a: School) -> None:
    convention = signed(school_a)
    amendment = create_amendment(
        convention, by=school_a.ddfpt, reason="Fin anticipée.", early_end=date(2027, 6, 18)
    )
    client = _client(school_a.secretary)
    client.post(f"/conventions/avenants/{amendment.pk}/envoyer/")
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.SIGNING
    page = client.get(f"/conventions/avenants/{amendment.pk}/").content.decode()
    assert "Avenant soumis à la signature" in page and "Enregistrer la signature sur papier" in page
    document = amendment.documents.get()
    pdf = client.get(f"/conventions/avenants/{amendment.pk}/documents/{document.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-SHA256"] == document.sha256

    signatory = amendment.signatories.first()
    assert signatory is not None
    scan = SimpleUploadedFile("scan.pdf", one_page_pdf("scan"), content_type="application/pdf")
    client.post(
        f"/conventions/avenants/{amendment.pk}/signataires/{signatory.pk}/papier/", {"scan": scan}
    )
    signatory.refresh_from_db()
    assert (signatory.state, signatory.method) == (SignatureState.SIGNED, "paper")

    refused = client.post(
        f"/conventions/avenants/{amendment.pk}/annuler/", {"comment": ""}, follow=True
    )
    assert "Indiquez le motif de l’annulation de l’avenant." in refused.content.decode()
    client.post(f"/conventions/avenants/{amendment.pk}/annuler/", {"comment": "Erreur."})
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.CANCELLED


def test_the_student_reads_the_avenant_without_its_buttons(school_a: School) -> None:
    convention = signed(school_a)
    amendment = create_amendment(
        convention, by=school_a.ddfpt, reason="Fin anticipée.", early_end=date(2027, 6, 18)
    )
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    client = _client(school_a.student_user)
    page = client.get(f"/conventions/avenants/{amendment.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "le stage prend fin le 18/06/2027" in text
    assert "Envoyer l’avenant" not in text and "Annuler l’avenant" not in text
    assert (
        client.post(f"/conventions/avenants/{amendment.pk}/annuler/", {"comment": "x"}).status_code
        == 403
    )
