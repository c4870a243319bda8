"""Avenants: created on a signed convention, re-signed by its parties, sealed, then applied."""

from __future__ import annotations

import html
import subprocess
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from milieu.conventions import links
from milieu.conventions.amendments import (
    cancel_amendment,
    create_amendment,
    send_amendment_for_signature,
)
from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.models import (
    Amendment,
    AmendmentStatus,
    Convention,
    ConventionDocument,
    ConventionPeriod,
)
from milieu.conventions.operations import (
    ConventionRefused,
    cancel_convention,
    start_due_conventions,
)
from milieu.conventions.signatures import LinkRefused, refuse_with_link, resolve_link
from milieu.factories import HostSiteFactory, TutorFactory
from tests.conventions.conftest import PDFSIG, code_for, draft
from tests.conventions.signing import live_tokens, sign, sign_pending, signed
from tests.core.conftest import School

SHIFTED = [(date(2027, 6, 7), date(2027, 7, 16))]  # overlaps the signed 31/05 – 09/07


def _amend(convention: Convention, school: School, **changes: Any) -> Amendment:
    changes.setdefault("reason", "Report d'une semaine à la demande de l'entreprise.")
    return create_amendment(convention, by=school.ddfpt, **changes)


def _active(convention: Convention) -> list[tuple[date, date]]:
    return [(p.start, p.end) for p in convention.active_periods()]


# --- creating -----------------------------------------------------------------------------


def test_a_draft_convention_takes_no_avenant(school_a: School) -> None:
    convention = draft(school_a)
    with pytest.raises(ConventionRefused, match="qu'une convention signée ou un stage en cours"):
        _amend(convention, school_a, new_periods=SHIFTED)


@pytest.mark.parametrize("who", ["teacher", "secretary_b", "student_user"])
def test_only_the_establishment_managers_amend(
    school_a: School, school_b: School, who: str
) -> None:
    convention = signed(school_a)
    user = school_b.secretary if who == "secretary_b" else getattr(school_a, who)
    with pytest.raises(PermissionDenied):
        create_amendment(convention, by=user, reason="Report", new_periods=SHIFTED)


def test_an_avenant_changes_something(school_a: School) -> None:
    convention = signed(school_a)
    with pytest.raises(ConventionRefused) as refused:
        _amend(
            convention,
            school_a,
            reason="  ",
            new_periods=_active(convention),
            new_tutor=convention.tutor,
            new_weekly_hours=convention.weekly_hours,
        )
    assert refused.value.reasons == [
        "Indiquez l'objet de l'avenant.",
        "Un avenant modifie au moins un élément : périodes, fin anticipée, lieu, tuteur, "
        "horaires ou durée hebdomadaire.",
    ]


def test_the_new_values_are_checked(school_a: School) -> None:
    convention = signed(school_a)
    other_host_site = HostSiteFactory.create()
    with pytest.raises(ConventionRefused) as refused:
        _amend(
            convention,
            school_a,
            new_periods=[
                (date(2027, 6, 7), date(2027, 6, 30)),
                (date(2027, 6, 28), date(2027, 6, 1)),
            ],
            new_site=other_host_site,
            new_tutor=TutorFactory.create(),
            new_timetable={"mon": [["08:00", "07:00"]], "dim": [["08:00", "12:00"]]},
            new_weekly_hours=Decimal("50"),
        )
    text = " | ".join(refused.value.reasons)
    assert "La période du 28/06/2027 au 01/06/2027 finit avant de commencer." in text
    assert "se chevauchent" in text
    assert "Le lieu choisi n'appartient pas à l'organisme d'accueil." in text
    assert "Le tuteur choisi n'appartient pas à l'organisme d'accueil." in text
    assert "Le lundi, la plage 08:00–07:00 finit avant de commencer." in text
    assert "Jour inconnu dans les horaires : « dim »." in text
    assert "La durée hebdomadaire est comprise entre 0 et 48 heures." in text


def test_new_periods_never_overlap_another_convention_of_the_student(school_a: School) -> None:
    convention = signed(school_a)
    other = draft(school_a, periods=[(date(2027, 7, 19), date(2027, 7, 30))])
    with pytest.raises(ConventionRefused, match=f"de la convention n° {other.pk}"):
        _amend(convention, school_a, new_periods=[(date(2027, 5, 31), date(2027, 7, 23))])


def test_periods_or_early_end_not_both(school_a: School) -> None:
    convention = signed(school_a)
    with pytest.raises(ConventionRefused, match="soit de nouvelles périodes, soit une fin"):
        _amend(convention, school_a, new_periods=SHIFTED, early_end=date(2027, 6, 18))


@pytest.mark.parametrize("day", [date(2027, 5, 28), date(2027, 7, 9), date(2027, 8, 2)])
def test_an_early_end_falls_during_the_stage(school_a: School, day: date) -> None:
    convention = signed(school_a)
    with pytest.raises(
        ConventionRefused, match="tombe pendant le stage, entre le 31/05/2027 et le 08/07/2027"
    ):
        _amend(convention, school_a, early_end=day)


def test_one_open_avenant_at_a_time_numbered_in_order(school_a: School) -> None:
    convention = signed(school_a)
    first = _amend(convention, school_a, new_periods=SHIFTED)
    assert (first.number, first.status) == (1, AmendmentStatus.DRAFT)
    with pytest.raises(ConventionRefused, match="L'avenant n° 1 est en cours"):
        _amend(convention, school_a, early_end=date(2027, 6, 18))
    cancel_amendment(first, by=school_a.head, reason="Finalement inutile.")
    second = _amend(convention, school_a, early_end=date(2027, 6, 18))
    assert second.number == 2
    comments = list(convention.transitions.values_list("comment", flat=True))
    assert "Avenant n° 1 annulé : Finalement inutile." in comments
    assert convention.transitions.filter(comment__startswith="Avenant n° 2 créé").exists()


# --- sending and signing ------------------------------------------------------------------


def test_sending_renders_the_pdf_once_and_invites_the_parties_who_signed(
    school_a: School,
) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.secretary)
    assert amendment.status == AmendmentStatus.SIGNING
    original = list(
        convention.signatories.filter(amendment__isnull=True).values_list(
            "role", "name", "email", "on_behalf_of"
        )
    )
    again = list(amendment.signatories.values_list("role", "name", "email", "on_behalf_of"))
    assert again == original and len(again) == 4
    document = convention.documents.get(kind=ConventionDocument.Kind.AMENDMENT)
    assert document.amendment == amendment
    assert document.sha256 == ConventionDocument.digest(bytes(document.content))
    assert len(mail.outbox) == 4
    assert {m.to[0] for m in mail.outbox} == {row[2] for row in original}
    assert all(
        m.subject == f"Avenant n° 1 à la convention de stage n° {convention.pk} à signer"
        for m in mail.outbox
    )
    assert "Objet de l'avenant : Report d'une semaine" in mail.outbox[0].body
    with pytest.raises(ConventionRefused, match="Action déjà effectuée"):
        send_amendment_for_signature(amendment, by=school_a.secretary)
    assert convention.documents.filter(kind=ConventionDocument.Kind.AMENDMENT).count() == 1


def test_the_signing_page_shows_the_avenant_and_its_pdf(school_a: School) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    token = live_tokens()[0]
    client = Client()
    page = client.get(f"/conventions/signer/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "avenant n° 1" in text
    assert "Report d" in text and "07/06/2027 au 16/07/2027" in text
    assert "Je signe l'avenant" in html.unescape(text)
    pdf = client.get(f"/conventions/signer/{token}/document.pdf")
    document = convention.documents.get(kind=ConventionDocument.Kind.AMENDMENT)
    assert pdf["X-Content-SHA256"] == document.sha256
    assert pdf.content == bytes(document.content)
    email = page.context["signatory"].email
    client.post(f"/conventions/signer/{token}/", {"action": "code"})
    done = client.post(f"/conventions/signer/{token}/", {"action": "sign", "code": code_for(email)})
    assert "l'avenant signé et scellé" in html.unescape(done.content.decode())


def test_the_last_signature_seals_the_avenant_and_applies_the_new_periods(
    school_a: School, tmp_path: Any
) -> None:
    convention = signed(school_a)
    replaced = list(convention.active_periods())
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    sign_pending(but=1)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.SIGNING
    assert _active(convention) == [(date(2027, 5, 31), date(2027, 7, 9))]

    sign_pending()

    amendment.refresh_from_db()
    convention.refresh_from_db()
    assert amendment.status == AmendmentStatus.SIGNED and amendment.signed_at
    assert convention.status == ConventionStatus.SIGNED  # the convention's status stays
    assert _active(convention) == SHIFTED
    new = convention.active_periods().get()
    assert new.amendment == amendment
    kept = ConventionPeriod.objects.get(pk=replaced[0].pk)
    assert kept.active is False  # kept for history
    last = convention.transitions.last()
    assert last is not None
    assert (last.from_status, last.to_status, last.comment) == (
        "signed",
        "signed",
        "Avenant n° 1 signé",
    )
    signed_pdf = convention.documents.get(kind=ConventionDocument.Kind.AMENDMENT)
    assert all(
        s.signed_document_sha256 == signed_pdf.sha256 and s.state == SignatureState.SIGNED
        for s in amendment.signatories.all()
    )
    sealed = bytes(convention.documents.get(kind=ConventionDocument.Kind.AMENDMENT_SEALED).content)
    original = bytes(signed_pdf.content)
    assert sealed.startswith(original)  # the file signed, byte for byte, then the signature page
    assert len(sealed) > len(original)
    copies = [m for m in mail.outbox if "signée et scellée" in m.subject]
    assert copies and {m.to[0] for m in copies} == {
        s.email.lower() for s in amendment.signatories.all() if s.email
    }
    assert all(m.attachments[0][1] == sealed for m in copies)
    if PDFSIG is None:
        pytest.skip("pdfsig (poppler-utils) absent: the seal is not verified independently here")
    path = tmp_path / "avenant.pdf"
    path.write_bytes(sealed)
    report = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in report.stdout


def test_an_early_end_cuts_the_last_period(school_a: School) -> None:
    convention = signed(
        school_a,
        periods=[(date(2027, 5, 31), date(2027, 6, 11)), (date(2027, 6, 21), date(2027, 7, 9))],
    )
    amendment = _amend(
        convention,
        school_a,
        reason="Rupture anticipée d'un commun accord.",
        early_end=date(2027, 6, 25),
    )
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    sign_pending()
    assert _active(convention) == [
        (date(2027, 5, 31), date(2027, 6, 11)),
        (date(2027, 6, 21), date(2027, 6, 25)),
    ]
    assert convention.active_periods().last().amendment == amendment  # type: ignore[union-attr]
    assert convention.periods.filter(active=False).count() == 1


def test_place_tutor_timetable_and_hours_change(school_a: School) -> None:
    convention = signed(school_a)
    site = HostSiteFactory.create(host=convention.host, name="Agence de Colmar")
    tutor = TutorFactory.create(host=convention.host)
    timetable = {
        day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in ("mon", "tue", "wed", "thu")
    }
    amendment = _amend(
        convention,
        school_a,
        reason="Changement d'agence et de tuteur.",
        new_site=site,
        new_tutor=tutor,
        new_timetable=timetable,
        new_weekly_hours=Decimal("28"),
    )
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    sign_pending()
    convention.refresh_from_db()
    assert (convention.site, convention.tutor) == (site, tutor)
    assert convention.timetable == timetable
    assert convention.work_days == ["mon", "tue", "wed", "thu"]
    assert convention.weekly_hours == Decimal("28")
    assert _active(convention) == [(date(2027, 5, 31), date(2027, 7, 9))]  # dates untouched


def test_an_avenant_during_the_stage_keeps_it_in_progress(school_a: School) -> None:
    convention = signed(school_a)
    start_due_conventions(today=convention.first_day)  # the daily task starts the stage
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.IN_PROGRESS
    amendment = _amend(convention, school_a, early_end=date(2027, 6, 18))
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    sign_pending()
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.IN_PROGRESS
    assert _active(convention) == [(date(2027, 5, 31), date(2027, 6, 18))]


def test_a_blocking_problem_of_the_amended_convention_refuses_the_sending(
    school_a: School,
) -> None:
    convention = signed(school_a)
    amendment = _amend(
        convention,
        school_a,
        reason="Prolongation jusqu'à fin août.",
        new_periods=[(date(2027, 5, 31), date(2027, 8, 27))],
    )
    with pytest.raises(ConventionRefused, match=r"une gratification d'au moins 4\.50 €/h est due"):
        send_amendment_for_signature(amendment, by=school_a.ddfpt)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.DRAFT
    assert _active(convention) == [(date(2027, 5, 31), date(2027, 7, 9))]  # nothing kept
    assert not convention.documents.filter(kind=ConventionDocument.Kind.AMENDMENT).exists()


# --- refusing and cancelling --------------------------------------------------------------


def test_a_refusal_cancels_the_avenant_with_its_reason(school_a: School) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    first, second, *_ = live_tokens()
    sign(first)
    mail.outbox.clear()
    client = Client()
    answer = client.post(
        f"/conventions/signer/{second}/",
        {"action": "refuse", "reason": "La nouvelle date ne convient pas."},
    )
    assert answer.status_code == 200
    assert "l'avenant n° 1 est annulé" in html.unescape(answer.content.decode())
    amendment.refresh_from_db()
    convention.refresh_from_db()
    assert amendment.status == AmendmentStatus.CANCELLED
    assert convention.status == ConventionStatus.SIGNED and convention.version == 1
    assert _active(convention) == [(date(2027, 5, 31), date(2027, 7, 9))]
    refused = amendment.signatories.get(state=SignatureState.REFUSED)
    assert refused.refusal_reason == "La nouvelle date ne convient pas."
    last = convention.transitions.last()
    assert last is not None and last.comment.startswith("Avenant n° 1 refusé par")
    assert last.comment.endswith(": La nouvelle date ne convient pas.")
    assert live_tokens() == []  # every link of the avenant is closed
    assert [m.to for m in mail.outbox] == [[school_a.ddfpt.email]]
    assert "La nouvelle date ne convient pas." in mail.outbox[0].body


def test_a_refused_link_cannot_refuse_twice(school_a: School) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    token = live_tokens()[0]
    refuse_with_link(token, "Non.", ip=None)
    with pytest.raises(LinkRefused):
        refuse_with_link(token, "Non.", ip=None)


def test_cancelling_the_convention_cancels_its_open_avenant(school_a: School) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    token = live_tokens()[0]
    cancel_convention(convention, by=school_a.head, comment="L'entreprise ferme.")
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.CANCELLED
    with pytest.raises(LinkRefused, match="Cet avenant n'attend plus votre signature"):
        resolve_link(token)


def test_a_manager_cancels_an_avenant_in_signature_and_its_links_close(school_a: School) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    with pytest.raises(ConventionRefused, match="Indiquez le motif"):
        cancel_amendment(amendment, by=school_a.ddfpt, reason="")
    cancel_amendment(amendment, by=school_a.ddfpt, reason="Erreur de dates.")
    assert live_tokens() == []
    with pytest.raises(ConventionRefused, match="Action déjà effectuée"):
        cancel_amendment(amendment, by=school_a.ddfpt, reason="Encore.")


def test_a_signature_landing_after_a_cancellation_is_not_recorded(
    school_a: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    convention = signed(school_a)
    amendment = _amend(convention, school_a, new_periods=SHIFTED)
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    token = live_tokens()[0]
    verify = links.verify_code

    def verify_then_cancel(link: Any, code: str) -> str | None:
        problem = verify(link, code)
        cancel_amendment(amendment, by=school_a.ddfpt, reason="Erreur de dates.")
        return problem

    monkeypatch.setattr(links, "verify_code", verify_then_cancel)
    with pytest.raises(LinkRefused, match="Ce document n'attend plus votre signature"):
        sign(token)
    assert not amendment.signatories.filter(state=SignatureState.SIGNED).exists()
