"""Invitations: the managers invite students without an account; the link sets a password."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.factories import StudentFactory
from milieu.people.enums import Role
from milieu.people.invitations import joined_count
from milieu.people.models import Invitation, Membership, User
from tests.school.conftest import School, client_for

PASSWORD = "Tournesol-Rapide-42"


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def _invite(client: Client, student_pk: int, capture: Any) -> str:
    outbox_before = len(mail.outbox)
    with capture(execute=True):  # the mail leaves on commit
        response = client.post(reverse("invite_student", kwargs={"pk": student_pk}))
    assert response.status_code == 302
    assert len(mail.outbox) == outbox_before + 1
    return _link(mail.outbox[-1])


@pytest.fixture
def newcomer(school_a: School) -> Any:
    return StudentFactory.create(
        cohort=school_a.cohort, email="Lea.Martin@exemple.fr", first_name="Léa", last_name="Martin"
    )


def test_an_invited_student_sets_a_password_is_logged_in_and_reaches_the_report_deposit(
    school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ddfpt = client_for(school_a.ddfpt)
    link = _invite(ddfpt, newcomer.pk, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["lea.martin@exemple.fr"]
    assert message.subject == "Votre invitation à rejoindre Milieu"
    assert "choisir votre mot de passe" in message.body
    stored = Invitation.objects.get()
    assert link.split("/")[2] not in stored.token_hash  # only the hash is stored

    student_client = Client()
    page = student_client.get(link)
    assert page.status_code == 200
    assert "Rejoindre Milieu" in page.content.decode()
    response = student_client.post(link, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    user = User.objects.get(email="lea.martin@exemple.fr")
    assert user.check_password(PASSWORD)
    newcomer.refresh_from_db()
    assert newcomer.user_id == user.pk
    assert Membership.objects.filter(
        user=user, role=Role.STUDENT, establishment=school_a.establishment
    ).exists()
    deposit = student_client.get(reverse("reports:deposit", kwargs={"pk": newcomer.pk}))
    assert deposit.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.INVITATION_ACCEPTED).count() == 1


def test_a_used_link_is_refused_in_french(
    school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _invite(client_for(school_a.secretary), newcomer.pk, django_capture_on_commit_callbacks)
    Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})

    again = Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})

    assert again.status_code == 410
    assert "a déjà servi" in again.content.decode()
    assert User.objects.filter(email="lea.martin@exemple.fr").count() == 1


def test_an_expired_link_is_refused_in_french(
    settings: Any, school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.INVITATION_LIFETIME_DAYS = 14
    start = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(start, tick=False):
        link = _invite(client_for(school_a.ddfpt), newcomer.pk, django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(days=13), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(start + timedelta(days=14, minutes=1), tick=False):
        response = Client().post(link, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="lea.martin@exemple.fr").exists()


def test_resending_revokes_the_old_link(
    school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ddfpt = client_for(school_a.ddfpt)
    old = _invite(ddfpt, newcomer.pk, django_capture_on_commit_callbacks)
    new = _invite(ddfpt, newcomer.pk, django_capture_on_commit_callbacks)

    refused = Client().get(old)
    assert refused.status_code == 410
    assert "remplacé par un plus récent" in refused.content.decode()
    assert Client().get(new).status_code == 200
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_weak_password_is_refused_with_french_messages(
    school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link = _invite(client_for(school_a.ddfpt), newcomer.pk, django_capture_on_commit_callbacks)

    response = Client().post(link, {"password1": "123", "password2": "123"})

    assert response.status_code == 400
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not User.objects.filter(email="lea.martin@exemple.fr").exists()


def test_only_managers_invite(school_a: School, newcomer: Any) -> None:
    url = reverse("invite_student", kwargs={"pk": newcomer.pk})
    cohort_url = reverse("invite_cohort", kwargs={"pk": school_a.cohort.pk})

    assert client_for(school_a.teacher).post(url).status_code == 403
    assert client_for(school_a.teacher).post(cohort_url).status_code == 403
    assert client_for(school_a.student_user).post(url).status_code == 404
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_another_school_gets_a_404(school_a: School, school_b: School, newcomer: Any) -> None:
    url = reverse("invite_student", kwargs={"pk": newcomer.pk})
    cohort_url = reverse("invite_cohort", kwargs={"pk": school_a.cohort.pk})

    assert client_for(school_b.ddfpt).post(url).status_code == 404
    assert client_for(school_b.head).post(cohort_url).status_code == 404
    assert not Invitation.objects.exists()


def test_a_cohort_invitation_reaches_every_student_without_account_with_an_address(
    school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    StudentFactory.create(cohort=school_a.cohort, email="")  # no address: skipped
    StudentFactory.create(cohort=school_a.cohort, email="paul.durand@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(school_a.secretary).post(
            reverse("invite_cohort", kwargs={"pk": school_a.cohort.pk})
        )

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lea.martin@exemple.fr",
        "paul.durand@exemple.fr",
    ]
    assert AuditEntry.objects.filter(action=AuditAction.STUDENT_INVITED).count() == 2


def test_the_cohort_page_counts_who_has_joined(school_a: School, newcomer: Any) -> None:
    StudentFactory.create(cohort=school_a.cohort, email="paul.durand@exemple.fr")

    page = client_for(school_a.ddfpt).get(
        reverse("establishments:cohort_detail", kwargs={"pk": school_a.cohort.pk})
    )

    assert joined_count(school_a.cohort).sentence == "1 élève sur 3 a rejoint Milieu"
    html = page.content.decode()
    assert "1 élève sur 3 a rejoint Milieu" in html
    assert reverse("invite_cohort", kwargs={"pk": school_a.cohort.pk}) in html


def test_the_joined_sentence_agrees_in_number() -> None:
    from milieu.people.invitations import JoinedCount

    assert JoinedCount(12, 30).sentence == "12 élèves sur 30 ont rejoint Milieu"
    assert JoinedCount(0, 1).sentence == "0 élève sur 1 a rejoint Milieu"


def test_a_student_who_already_has_an_account_is_not_invited(school_a: School) -> None:
    response = client_for(school_a.ddfpt).post(
        reverse("invite_student", kwargs={"pk": school_a.student.pk}), follow=True
    )

    assert "a déjà un compte" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_import_done_page_offers_to_invite_the_cohort(school_a: School) -> None:
    from milieu.imports.models import ImportJob

    job = ImportJob.objects.create(
        establishment=school_a.establishment,
        cohort=school_a.cohort,
        kind="eleves",
        file_name="eleves.csv",
        created_by=school_a.ddfpt,
        status="done",
    )

    html = client_for(school_a.ddfpt).get(reverse("imports:job", kwargs={"pk": job.pk})).content
    assert b"data-invite-imported" in html
    assert reverse("invite_cohort", kwargs={"pk": school_a.cohort.pk}).encode() in html


def test_the_student_page_offers_to_invite_then_to_resend(
    school_a: School, newcomer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("students:detail", kwargs={"pk": newcomer.pk})
    ddfpt = client_for(school_a.ddfpt)
    assert "Inviter à rejoindre Milieu" in ddfpt.get(url).content.decode()
    assert (
        "Inviter à rejoindre Milieu" not in client_for(school_a.teacher).get(url).content.decode()
    )

    _invite(ddfpt, newcomer.pk, django_capture_on_commit_callbacks)

    page = ddfpt.get(url).content.decode()
    assert "Renvoyer l’invitation" in page
    assert "Dernière invitation envoyée le" in page
    assert "à lea.martin@exemple.fr, valable jusqu’au" in page
