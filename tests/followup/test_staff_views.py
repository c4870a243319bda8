"""The school's follow-up page of a convention, per role; school B never sees school A's."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Convention
from milieu.followup.models import TutorAccess
from tests.core.conftest import School


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("head", 200),
        ("ddfpt", 200),
        ("secretary", 200),
        ("teacher", 200),
        ("other_teacher", 404),
        ("student_user", 403),
    ],
)
def test_the_follow_up_page_per_role(
    client: Client, school_a: School, convention_a: Convention, who: str, code: int
) -> None:
    client.force_login(getattr(school_a, who))
    url = reverse("followup:convention", kwargs={"pk": convention_a.pk})
    assert client.get(url).status_code == code


def test_the_rectorat_reads_but_does_not_issue(
    client: Client, rectorat: object, convention_a: Convention
) -> None:
    client.force_login(rectorat)  # type: ignore[arg-type]
    assert (
        client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk})).status_code
        == 200
    )
    issue = reverse("followup:issue_link", kwargs={"pk": convention_a.pk})
    assert client.post(issue).status_code == 403


def test_school_b_gets_a_404(client: Client, school_b: School, convention_a: Convention) -> None:
    client.force_login(school_b.head)
    assert (
        client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk})).status_code
        == 404
    )
    assert (
        client.post(reverse("followup:issue_link", kwargs={"pk": convention_a.pk})).status_code
        == 404
    )
    assert TutorAccess.objects.count() == 0


def test_the_teacher_sends_then_revokes_a_link(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    client.force_login(school_a.teacher)
    response = client.post(reverse("followup:issue_link", kwargs={"pk": convention_a.pk}))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    access = TutorAccess.objects.get()

    revoke = reverse("followup:revoke_link", kwargs={"pk": convention_a.pk, "access_pk": access.pk})
    # walked in Chromium: « Révoquer » cut the tutor off in one click; it now asks first
    page = client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk}))
    confirm = (
        page.content.decode().split(f'data-revoke-link="{access.pk}"')[1].split("</details>")[0]
    )
    assert f'action="{revoke}"' in confirm and "Confirmer la révocation" in confirm
    assert "ne se rétablit pas" in confirm
    client.post(revoke)
    again = client.post(revoke, follow=True)

    access.refresh_from_db()
    assert access.revoked
    assert "Action déjà effectuée." in again.content.decode()
