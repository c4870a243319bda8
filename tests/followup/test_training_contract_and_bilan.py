"""bma-bijou's individual training contract (before each period) and individual review (after
it), seed 004 §1: one text per catalogue item, agreed by the tutor (link), the pedagogical team
and the candidate; the third agreement freezes it with its PDF; the dossier follows."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from milieu.exams.assembly import build_dossier
from milieu.followup.models import Bilan, FollowupAction, FollowupEvent, TrainingContract
from milieu.followup.operations import (
    BILAN,
    CONTRACT,
    DocumentKind,
    FollowupRefused,
    edit_period_document,
    items_of,
    sign_period_document,
)
from milieu.rules import evaluate
from milieu.rules.catalogue import get_catalogue
from tests.core.conftest import School
from tests.followup.conftest import Bijou, codes, link, make_bijou, on, pdf_of

BEFORE = date(2027, 5, 3)  # the period: 31/05/2027 – 09/07/2027
DURING = date(2027, 6, 15)
AFTER = date(2027, 9, 1)


def texts(kind: DocumentKind, bijou: Bijou, word: str = "Texte") -> list[str]:
    return [f"{word} {i + 1}" for i in range(len(items_of(kind, bijou.convention)))]


def three_signatures(kind: DocumentKind, bijou: Bijou) -> Any:
    """The tutor writes, the team and the candidate agree, the tutor agrees last."""
    _, access = link(bijou.convention, bijou.school.teacher)
    edit_period_document(
        kind, bijou.period, texts(kind, bijou), access=access, tutor_name="Jean Tuteur"
    )
    sign_period_document(kind, bijou.period, by=bijou.school.teacher)
    sign_period_document(kind, bijou.period, by=bijou.candidate)
    return sign_period_document(kind, bijou.period, access=access, tutor_name="Jean Tuteur")


def test_the_items_come_from_the_catalogue(bijou_a: Bijou) -> None:
    diploma = get_catalogue().get(bijou_a.cohort.diploma)
    assert diploma is not None
    extra = diploma.extra
    assert items_of(CONTRACT, bijou_a.convention) == extra["training_contract_items"]
    assert items_of(BILAN, bijou_a.convention) == extra["bilan_items"]


def test_three_agreements_establish_the_contract_and_freeze_it(bijou_a: Bijou) -> None:
    with on(BEFORE):
        contract = three_signatures(CONTRACT, bijou_a)

    assert contract.completed
    assert contract.answers == texts(CONTRACT, bijou_a)
    assert contract.items == items_of(CONTRACT, bijou_a.convention)
    assert contract.team_signed_by == bijou_a.school.teacher
    assert contract.candidate_signed_by == bijou_a.candidate
    assert contract.tutor_name == "Jean Tuteur"
    stored = TrainingContract.objects.get()
    content = pdf_of(stored)
    assert content.startswith(b"%PDF")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert not stored.established_late
    with pytest.raises(ValueError, match="figé"):
        stored.save()
    with pytest.raises(FollowupRefused, match="ne se modifie plus"):
        edit_period_document(
            CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a, "Autre"), by=bijou_a.candidate
        )
    with pytest.raises(FollowupRefused, match="déjà signé"):
        sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.school.ddfpt)
    signed = FollowupEvent.objects.filter(action=FollowupAction.CONTRACT_SIGNED)
    assert signed.count() == 3
    assert stored.sha256 in signed.order_by("-pk").first().detail  # type: ignore[union-attr]


def test_an_edit_clears_the_agreements_already_given(bijou_a: Bijou) -> None:
    _, access = link(bijou_a.convention, bijou_a.school.teacher)
    edit_period_document(CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a), by=bijou_a.candidate)
    sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.school.teacher)
    sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.candidate)

    edited = edit_period_document(
        CONTRACT,
        bijou_a.period,
        ["Précisé", *texts(CONTRACT, bijou_a)[1:]],
        access=access,
        tutor_name="Jean Tuteur",
    )

    assert (edited.team_signed_at, edited.candidate_signed_at, edited.tutor_signed_at) == (
        None,
        None,
        None,
    )
    assert not edited.completed
    event = FollowupEvent.objects.filter(action=FollowupAction.CONTRACT_EDITED).order_by("-pk")[0]
    assert event.actor is None and event.actor_label == "Jean Tuteur"
    assert "Rubrique 1 modifiée" in event.detail
    assert "l'équipe pédagogique, le candidat" in event.detail
    with pytest.raises(FollowupRefused, match="Aucune modification"):
        edit_period_document(
            CONTRACT, bijou_a.period, edited.answers, access=access, tutor_name="Jean Tuteur"
        )


def test_signing_needs_every_item_written_and_once_per_party(bijou_a: Bijou) -> None:
    partial = texts(CONTRACT, bijou_a)
    partial[2] = ""
    edit_period_document(CONTRACT, bijou_a.period, partial, by=bijou_a.school.teacher)
    with pytest.raises(FollowupRefused, match="rubrique 3 vide"):
        sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.candidate)

    edit_period_document(CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a), by=bijou_a.candidate)
    sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.candidate)
    with pytest.raises(FollowupRefused, match="Le candidat a déjà donné son accord"):
        sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.candidate)


def test_a_contract_established_after_the_period_started_says_so(
    client: Client, bijou_a: Bijou
) -> None:
    with on(DURING):
        contract = three_signatures(CONTRACT, bijou_a)
        client.force_login(bijou_a.candidate)
        page = client.get(
            reverse("followup:training_contract", kwargs={"period_pk": contract.period_id})
        )

    assert TrainingContract.objects.get().established_late
    assert "établi après le début de la période" in page.content.decode()
    assert "établi après le début de la période" in (
        FollowupEvent.objects.filter(action=FollowupAction.CONTRACT_SIGNED)
        .order_by("-pk")[0]
        .detail
    )


def test_the_bilan_is_signed_only_once_the_period_has_ended(bijou_a: Bijou) -> None:
    edit_period_document(
        BILAN, bijou_a.period, texts(BILAN, bijou_a, "Brouillon"), by=bijou_a.school.teacher
    )

    with on(DURING), pytest.raises(FollowupRefused) as refused:
        sign_period_document(BILAN, bijou_a.period, by=bijou_a.school.teacher)
    assert str(refused.value) == (
        "Le bilan individuel s'établit après la période : il pourra être signé à partir du "
        "09/07/2027."
    )
    assert Bilan.objects.get().team_signed_at is None

    with on(AFTER):
        bilan = three_signatures(BILAN, bijou_a)
    assert bilan.completed
    assert pdf_of(Bilan.objects.get()).startswith(b"%PDF")


def test_the_dossier_follows_the_contract_and_the_bilan(bijou_a: Bijou) -> None:
    student = bijou_a.student
    before = build_dossier(student, as_of=AFTER)
    (period,) = before["periods"]
    assert (period["training_contract"], period["bilan"]) == (False, False)
    found = codes(evaluate(before, today=AFTER))
    assert {"TRAINING_CONTRACT_MISSING", "BILAN_MISSING"} <= found

    with on(BEFORE):
        three_signatures(CONTRACT, bijou_a)
    middle = build_dossier(student, as_of=AFTER)
    assert middle["periods"][0]["training_contract"] is True
    found = codes(evaluate(middle, today=AFTER))
    assert "TRAINING_CONTRACT_MISSING" not in found
    assert "BILAN_MISSING" in found

    with on(AFTER):
        three_signatures(BILAN, bijou_a)
    after = build_dossier(student, as_of=AFTER)
    assert after["periods"][0]["bilan"] is True
    assert "BILAN_MISSING" not in codes(evaluate(after, today=AFTER))


def test_an_unfinished_document_does_not_count(bijou_a: Bijou) -> None:
    edit_period_document(CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a), by=bijou_a.candidate)
    sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.candidate)
    sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.school.teacher)

    dossier = build_dossier(bijou_a.student, as_of=AFTER)
    assert dossier["periods"][0]["training_contract"] is False
    assert "TRAINING_CONTRACT_MISSING" in codes(evaluate(dossier, today=AFTER))


# --- who may act ----------------------------------------------------------------------------


def test_a_classmate_who_is_not_the_candidate_cannot_sign(client: Client, bijou_a: Bijou) -> None:
    edit_period_document(CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a), by=bijou_a.candidate)

    with pytest.raises(PermissionDenied):
        sign_period_document(CONTRACT, bijou_a.period, by=bijou_a.classmate)
    with pytest.raises(PermissionDenied):
        edit_period_document(
            CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a, "X"), by=bijou_a.classmate
        )
    client.force_login(bijou_a.classmate)
    url = reverse("followup:training_contract", kwargs={"period_pk": bijou_a.period.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "sign"}).status_code == 404
    contract = TrainingContract.objects.get()
    assert contract.candidate_signed_at is None
    assert contract.answers == texts(CONTRACT, bijou_a)


@pytest.mark.parametrize("who", ["secretary", "head"])
def test_the_secretariat_reads_but_only_the_parties_sign(
    client: Client, bijou_a: Bijou, who: str
) -> None:
    edit_period_document(CONTRACT, bijou_a.period, texts(CONTRACT, bijou_a), by=bijou_a.candidate)
    user = getattr(bijou_a.school, who)
    client.force_login(user)
    url = reverse("followup:training_contract", kwargs={"period_pk": bijou_a.period.pk})
    assert client.get(url).status_code == 200
    answer = client.post(url, {"action": "sign"})
    contract = TrainingContract.objects.get()
    if who == "secretary":
        assert answer.status_code == 403
        assert contract.team_signed_at is None
    else:  # the head belongs to the pedagogical team (permissions: followup.team_sign)
        assert answer.status_code == 302
        assert contract.team_signed_by == user


def test_another_school_gets_a_404(client: Client, bijou_a: Bijou, school_b: School) -> None:
    client.force_login(school_b.head)
    for name in ("followup:training_contract", "followup:bilan"):
        url = reverse(name, kwargs={"period_pk": bijou_a.period.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "sign"}).status_code == 404
    assert not TrainingContract.objects.exists()


def test_the_link_of_intern_x_never_opens_intern_y_documents(
    client: Client, bijou_a: Bijou, bijou_b: Bijou
) -> None:
    token_a, _ = link(bijou_a.convention, bijou_a.school.teacher)
    with on(BEFORE):
        three_signatures(CONTRACT, bijou_b)
    tutor_url = reverse("followup:tutor", kwargs={"token": token_a})
    other = bijou_b.period.pk

    page = client.get(tutor_url).content.decode()
    assert "Texte 1" not in page
    refused = client.post(
        tutor_url,
        {
            "action": "bilan-edit",
            "period": other,
            f"bilan-{other}-answer_0": "Intrusion",
            f"bilan-{other}-tutor_name": "Jean Tuteur",
        },
    )
    assert refused.status_code == 400
    assert "Cette période ne fait pas partie de ce stage." in refused.content.decode()
    assert not Bilan.objects.exists()
    sign = client.post(
        tutor_url,
        {"action": "contract-sign", "contract-sign-period": other, "contract-sign-tutor_name": "J"},
    )
    assert sign.status_code == 400
    for name in ("followup:tutor_training_contract", "followup:tutor_bilan"):
        url = reverse(name, kwargs={"token": token_a, "period_pk": other})
        assert client.get(url).status_code == 404


def test_a_diploma_without_contract_has_no_contract_page(
    client: Client, school_a: School, convention_a: Any
) -> None:
    client.force_login(school_a.head)
    period = convention_a.active_periods().get()
    for name in ("followup:training_contract", "followup:bilan"):
        assert client.get(reverse(name, kwargs={"period_pk": period.pk})).status_code == 404
    with pytest.raises(FollowupRefused, match="ne prévoit pas"):
        edit_period_document(CONTRACT, period, ["x"], by=school_a.head)


# --- the pages ------------------------------------------------------------------------------


def test_the_three_parties_on_their_pages(client: Client, bijou_a: Bijou) -> None:
    period = bijou_a.period
    token, _ = link(bijou_a.convention, bijou_a.school.teacher)
    tutor_url = reverse("followup:tutor", kwargs={"token": token})
    tutor_page = client.get(tutor_url).content.decode()
    for item in items_of(CONTRACT, bijou_a.convention):
        assert escape(item) in tutor_page
    assert "efface les accords déjà donnés" in tutor_page

    data: dict[str, Any] = {
        f"contract-{period.pk}-answer_{i}": t for i, t in enumerate(texts(CONTRACT, bijou_a))
    }
    data.update(
        {
            "action": "contract-edit",
            "period": period.pk,
            f"contract-{period.pk}-tutor_name": "J. T.",
        }
    )
    with on(BEFORE):
        assert client.post(tutor_url, data, REMOTE_ADDR="10.2.2.2").status_code == 302

        client.force_login(bijou_a.candidate)
        page_url = reverse("followup:training_contract", kwargs={"period_pk": period.pk})
        page = client.get(page_url).content.decode()
        assert "Texte 1" in page
        assert "efface les accords déjà donnés" in page
        assert client.post(page_url, {"action": "sign"}).status_code == 302

        client.force_login(bijou_a.school.teacher)
        assert client.post(page_url, {"action": "sign"}).status_code == 302
        client.logout()
        signed = client.post(
            tutor_url,
            {
                "action": "contract-sign",
                "contract-sign-period": period.pk,
                "contract-sign-tutor_name": "J. T.",
            },
        )
        assert signed.status_code == 302

    contract = TrainingContract.objects.get()
    assert contract.completed
    pdf = client.get(
        reverse("followup:tutor_training_contract", kwargs={"token": token, "period_pk": period.pk})
    )
    assert pdf["X-Content-SHA256"] == contract.sha256
    client.force_login(bijou_a.candidate)
    own = client.get(reverse("followup:training_contract_pdf", kwargs={"period_pk": period.pk}))
    assert own.content == pdf_of(contract)

    client.force_login(bijou_a.school.ddfpt)
    staff = client.get(reverse("followup:convention", kwargs={"pk": bijou_a.convention.pk}))
    text = staff.content.decode()
    assert reverse("followup:training_contract", kwargs={"period_pk": period.pk}) in text
    assert reverse("followup:bilan", kwargs={"period_pk": period.pk}) in text
    assert text.count('data-event="contract-signed"') == 3
    assert 'data-event="contract-edited"' in text
    assert "10.2.2.2" in text


def test_the_candidate_edits_from_the_page(client: Client, bijou_a: Bijou) -> None:
    client.force_login(bijou_a.candidate)
    url = reverse("followup:bilan", kwargs={"period_pk": bijou_a.period.pk})
    data = {f"bilan-answer_{i}": t for i, t in enumerate(texts(BILAN, bijou_a))}
    data["action"] = "edit"

    assert client.post(url, data).status_code == 302

    bilan = Bilan.objects.get()
    assert bilan.answers == texts(BILAN, bijou_a)
    event = FollowupEvent.objects.get(action=FollowupAction.BILAN_EDITED)
    assert (event.actor, event.period) == (bijou_a.candidate, bijou_a.period)
    early = client.post(url, {"action": "sign"})
    assert early.status_code == 400
    assert escape("pourra être signé à partir du 09/07/2027") in early.content.decode()


def test_a_second_period_has_its_own_documents(school_a: School) -> None:
    bijou = make_bijou(
        school_a,
        "deux",
        periods=[(date(2027, 1, 4), date(2027, 2, 5)), (date(2027, 5, 31), date(2027, 7, 2))],
    )
    first, second = bijou.convention.active_periods()
    edit_period_document(CONTRACT, second, texts(CONTRACT, bijou), by=bijou.candidate)

    assert TrainingContract.objects.get().period == second
    assert not TrainingContract.objects.filter(period=first).exists()


def test_a_malformed_period_is_refused_in_french(client: Client, bijou_a: Bijou) -> None:
    token, _ = link(bijou_a.convention, bijou_a.school.teacher)
    response = client.post(
        reverse("followup:tutor", kwargs={"token": token}),
        {"action": "contract-edit", "period": "abc"},
    )
    assert response.status_code == 400
    assert "Cette période ne fait pas partie de ce stage." in response.content.decode()
    unknown = client.post(reverse("followup:tutor", kwargs={"token": token}), {"action": "x"})
    assert unknown.status_code == 400
    assert "Cette action n&#x27;existe pas." in unknown.content.decode()
