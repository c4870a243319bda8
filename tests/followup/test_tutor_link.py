"""The tutor's link: one intern's convention, expiring, revocable, e-mailed to the tutor."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.models import Convention
from milieu.followup.models import TutorAccess
from milieu.followup.operations import (
    FollowupRefused,
    issue_tutor_link,
    renew_tutor_link,
    revoke_tutor_link,
)
from tests.core.conftest import School


def url(token: str) -> str:
    return reverse("followup:tutor", kwargs={"token": token})


def test_the_link_is_mailed_to_the_tutor_and_only_its_hash_is_stored(
    school_a: School, convention_a: Convention
) -> None:
    token = issue_tutor_link(convention_a, by=school_a.teacher)

    access = TutorAccess.objects.get()
    assert token not in access.token_hash
    assert access.created_by == school_a.teacher
    assert convention_a.tutor is not None
    (message,) = mail.outbox
    assert message.to == [convention_a.tutor.email]
    assert url(token) in message.body


def test_the_link_opens_its_intern_only(
    client: Client,
    school_a: School,
    school_b: School,
    convention_a: Convention,
    convention_b: Convention,
) -> None:
    token_a = issue_tutor_link(convention_a, by=school_a.ddfpt)
    issue_tutor_link(convention_b, by=school_b.ddfpt)

    page = client.get(url(token_a)).content.decode()

    assert school_a.student.full_name in page
    assert school_b.student.full_name not in page
    period_b = convention_b.active_periods().get()
    refused = client.post(
        url(token_a),
        {
            "action": "certificate",
            "certificate-period": period_b.pk,
            "certificate-tutor_name": "Jean Tuteur",
        },
    )
    assert refused.status_code == 400
    assert "Cette période ne fait pas partie de ce stage." in refused.content.decode()
    assert not hasattr(period_b, "certificate")
    pdf = reverse("followup:tutor_certificate", kwargs={"token": token_a, "period_pk": period_b.pk})
    assert client.get(pdf).status_code == 404


def test_an_expired_link_says_so_in_french(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    token = issue_tutor_link(convention_a, by=school_a.head)
    assert client.get(url(token)).status_code == 200

    expires = TutorAccess.objects.get().expires_at
    with time_machine.travel(expires + timedelta(minutes=1)):
        response = client.get(url(token))

    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()


def test_a_revoked_link_no_longer_opens(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    token = issue_tutor_link(convention_a, by=school_a.head)

    revoke_tutor_link(TutorAccess.objects.get(), by=school_a.head)

    response = client.get(url(token))
    assert response.status_code == 410
    assert "révoqué" in response.content.decode()


def test_an_unknown_token_is_gone(client: Client, db: None) -> None:
    assert client.get(url("inconnu")).status_code == 410


def test_a_draft_convention_gets_no_link(school_a: School) -> None:
    from tests.conventions.conftest import draft

    convention = draft(school_a)
    with pytest.raises(FollowupRefused, match="doit être signée"):
        issue_tutor_link(convention, by=school_a.head)


@pytest.mark.parametrize("who", ["student_user", "other_teacher"])
def test_only_the_cohort_staff_issue_links(
    school_a: School, convention_a: Convention, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        issue_tutor_link(convention_a, by=getattr(school_a, who))


# --- a link outlives the stage it is for (issue 13 §2) ------------------------------------------


def test_a_link_issued_before_a_future_stage_lives_until_its_end_and_a_grace(
    client: Client, school_a: School, convention_a: Convention, settings: Any
) -> None:
    """Issued on 04/12/2026 for a stage of 31/05–09/07/2027: it must not expire in April."""
    settings.TUTOR_LINK_GRACE_DAYS = 60
    last_day = max(p.end for p in convention_a.active_periods())
    with time_machine.travel("2026-12-04 10:00 +0100", tick=False):
        token = issue_tutor_link(convention_a, by=school_a.head)
    access = TutorAccess.objects.get()
    assert timezone.localtime(access.expires_at).date() == last_day + timedelta(days=60)
    with time_machine.travel(f"{last_day.isoformat()} 18:00 +0200", tick=False):
        assert client.get(url(token)).status_code == 200
    with time_machine.travel(access.expires_at + timedelta(minutes=1)):
        assert client.get(url(token)).status_code == 410


def test_the_same_link_is_renewed_from_the_follow_up_page(
    client: Client, school_a: School, convention_a: Convention, settings: Any
) -> None:
    settings.TUTOR_LINK_GRACE_DAYS = 30
    token = issue_tutor_link(convention_a, by=school_a.head)
    access = TutorAccess.objects.get()
    late = access.expires_at + timedelta(days=10)
    with time_machine.travel(late, tick=False):
        assert client.get(url(token)).status_code == 410
        staff = Client()
        staff.force_login(school_a.teacher)
        response = staff.post(
            reverse("followup:renew_link", kwargs={"pk": convention_a.pk, "access_pk": access.pk}),
            follow=True,
        )
        assert "est prolongé jusqu" in response.content.decode()
        assert client.get(url(token)).status_code == 200  # the same token, no new e-mail
        access.refresh_from_db()
        assert access.expires_at >= late + timedelta(days=30) - timedelta(minutes=1)
        event = convention_a.followup_events.latest("pk")
        assert event.action == "link-renewed" and event.actor == school_a.teacher
        with pytest.raises(FollowupRefused, match="Action déjà effectuée"):
            renew_tutor_link(access, by=school_a.teacher)


def test_only_the_team_renews_and_a_revoked_link_stays_revoked(
    school_a: School, convention_a: Convention
) -> None:
    issue_tutor_link(convention_a, by=school_a.head)
    access = TutorAccess.objects.get()
    with pytest.raises(PermissionDenied):
        renew_tutor_link(access, by=school_a.student_user)
    revoke_tutor_link(access, by=school_a.head)
    with pytest.raises(FollowupRefused, match="révoqué"):
        renew_tutor_link(access, by=school_a.head)
