"""The tutor's link: one intern's convention, expiring, revocable, e-mailed to the tutor."""

from __future__ import annotations

from datetime import timedelta

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
    LINK_LIFETIME,
    FollowupRefused,
    issue_tutor_link,
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

    with time_machine.travel(timezone.now() + LINK_LIFETIME + timedelta(minutes=1)):
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
