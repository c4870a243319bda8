"""Issue 13 §14 and §17: the person who submits a convention does not validate it for the team
(unless the establishment allows a single person), and « Relancer » from the convention's page
sends each awaited party a new link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.operations import (
    FOUR_EYES_REFUSAL,
    ConventionRefused,
    submit_convention,
    validate_convention,
)
from tests.conventions.conftest import draft
from tests.conventions.payloads import client_for
from tests.conventions.signing import sent, sign_pending
from tests.core.conftest import School

SENT_AT = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)


# --- four eyes ------------------------------------------------------------------------------


def test_the_teacher_who_submitted_cannot_validate(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    with pytest.raises(ConventionRefused) as refused:
        validate_convention(convention, by=school_a.teacher)

    assert refused.value.reasons == [FOUR_EYES_REFUSAL]
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SUBMITTED


def test_another_member_of_the_team_validates(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    validate_convention(convention, by=school_a.ddfpt)

    convention.refresh_from_db()
    assert convention.status == ConventionStatus.VALIDATED


def test_the_student_submits_and_their_teacher_validates(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.student_user)

    validate_convention(convention, by=school_a.teacher)

    convention.refresh_from_db()
    assert convention.status == ConventionStatus.VALIDATED


def test_a_small_team_may_validate_alone_when_the_establishment_allows_it(
    school_a: School,
) -> None:
    school_a.establishment.single_person_validation = True
    school_a.establishment.save()
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    validate_convention(convention, by=school_a.teacher)

    convention.refresh_from_db()
    assert convention.status == ConventionStatus.VALIDATED


def test_the_latest_submission_counts_after_a_return(school_a: School) -> None:
    from milieu.conventions.operations import return_convention

    convention = draft(school_a)
    submit_convention(convention, by=school_a.ddfpt)
    return_convention(convention, by=school_a.teacher, comment="Préciser les activités.")
    submit_convention(convention, by=school_a.teacher)

    with pytest.raises(ConventionRefused):
        validate_convention(convention, by=school_a.teacher)
    validate_convention(convention, by=school_a.ddfpt)


def test_the_page_tells_the_submitter_in_french(school_a: School) -> None:
    convention = draft(school_a)
    submit_convention(convention, by=school_a.teacher)

    response = client_for(school_a.teacher).post(
        reverse("conventions:transition", args=[convention.pk, "valider"])
    )

    assert response.status_code == 200
    assert "principe des quatre yeux" in unescape(response.content.decode())
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SUBMITTED


# --- « Relancer » from the page -------------------------------------------------------------


def remind_url(convention: Any) -> str:
    return reverse("conventions:remind", args=[convention.pk])


def test_relancer_sends_a_new_link_to_each_awaited_party(school_a: School) -> None:
    with time_machine.travel(SENT_AT, tick=False) as clock:
        convention = sent(school_a)
        sign_pending(but=2)
        mail.outbox.clear()
        clock.move_to(SENT_AT + timedelta(days=1))

        response = client_for(school_a.ddfpt).post(remind_url(convention))

    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:detail", args=[convention.pk])
    reminders = [m for m in mail.outbox if m.subject.startswith("Rappel : ")]
    assert len(reminders) == 2
    assert all("/conventions/signer/" in m.body for m in reminders)
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert flashed == [
        f"Convention n° {convention.pk} : 2 signataires relancés, un nouveau lien leur a été "
        "envoyé par courriel."
    ]


def test_a_second_click_the_same_day_reminds_nobody(school_a: School) -> None:
    with time_machine.travel(SENT_AT, tick=False) as clock:
        convention = sent(school_a)
        clock.move_to(SENT_AT + timedelta(days=4))
        client = client_for(school_a.ddfpt)
        client.post(remind_url(convention))
        mail.outbox.clear()
        response = client.post(remind_url(convention))

    assert mail.outbox == []
    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert "déjà été relancés il y a moins d’un jour" in flashed[-1]


def test_relancer_goes_back_to_the_dashboard_it_came_from(school_a: School) -> None:
    with time_machine.travel(SENT_AT, tick=False):
        convention = sent(school_a)
        response = client_for(school_a.ddfpt).post(
            remind_url(convention), {"suivant": reverse("dashboard")}
        )
        elsewhere = client_for(school_a.ddfpt).post(
            remind_url(convention), {"suivant": "https://ailleurs.exemple.com/"}
        )

    assert response["Location"] == reverse("dashboard")
    assert elsewhere["Location"] == reverse("conventions:detail", args=[convention.pk])


def test_relancer_a_convention_not_in_signature_is_refused_in_french(school_a: School) -> None:
    convention = draft(school_a)

    response = client_for(school_a.ddfpt).post(remind_url(convention))

    flashed = [str(m) for m in get_messages(response.wsgi_request)]
    assert flashed == ["Aucune signature n'est attendue pour cette convention."]
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["teacher", "student_user"])
def test_teachers_and_students_may_not_remind(school_a: School, role: str) -> None:
    with time_machine.travel(SENT_AT, tick=False):
        convention = sent(school_a)
        mail.outbox.clear()
        response = client_for(getattr(school_a, role)).post(remind_url(convention))

    assert response.status_code == 403
    assert mail.outbox == []


def test_the_page_offers_relancer_to_the_managers_only(school_a: School) -> None:
    with time_machine.travel(SENT_AT, tick=False):
        convention = sent(school_a)
        page = reverse("conventions:detail", args=[convention.pk])
        ddfpt = client_for(school_a.ddfpt).get(page).content.decode()
        teacher = client_for(school_a.teacher).get(page).content.decode()

    assert f'data-remind="{convention.pk}"' in ddfpt
    assert "Confirmer la relance" in ddfpt
    assert "data-remind=" not in teacher
