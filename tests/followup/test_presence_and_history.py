"""The tutor confirms the intern's presence; every follow-up operation leaves one history row
(`FollowupEvent`) that the school's follow-up page shows, newest first."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Convention
from milieu.followup.models import FollowupAction, FollowupEvent, PresenceConfirmation
from milieu.followup.operations import (
    FollowupRefused,
    confirm_presence,
    declare_absence,
    issue_certificate,
    revoke_tutor_link,
)
from tests.core.conftest import School
from tests.followup.conftest import link, on

DURING = date(2027, 6, 16)  # the period: 31/05/2027 – 09/07/2027


def presence_post(period_pk: int, day: str, name: str = "Jean Tuteur") -> dict[str, object]:
    return {
        "action": "presence",
        "presence-period": period_pk,
        "presence-day": day,
        "presence-tutor_name": name,
    }


def test_the_tutor_confirms_presence_and_the_school_sees_it(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    token, _ = link(convention_a, school_a.teacher)
    period = convention_a.active_periods().get()
    url = reverse("followup:tutor", kwargs={"token": token})

    with on(DURING):
        page = client.get(url).content.decode()
        assert "Je confirme la présence du stagiaire" in page
        response = client.post(url, presence_post(period.pk, "2027-06-15"), REMOTE_ADDR="10.3.3.3")

    assert response.status_code == 302
    confirmation = PresenceConfirmation.objects.get()
    assert (confirmation.day, confirmation.tutor_name) == (date(2027, 6, 15), "Jean Tuteur")
    event = FollowupEvent.objects.get(action=FollowupAction.PRESENCE_CONFIRMED)
    assert (event.period, event.actor_label, event.ip) == (period, "Jean Tuteur", "10.3.3.3")

    client.force_login(school_a.teacher)
    staff = client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk}))
    assert "Présence du stagiaire confirmée le 15/06/2027 par Jean Tuteur" in (
        staff.content.decode()
    )


def test_presence_is_confirmed_for_a_past_day_of_the_period_once(
    school_a: School, convention_a: Convention
) -> None:
    _, access = link(convention_a, school_a.teacher)
    period = convention_a.active_periods().get()
    with on(DURING):
        with pytest.raises(FollowupRefused, match="présence à venir"):
            confirm_presence(access, period, day=date(2027, 6, 17), tutor_name="J")
        with pytest.raises(FollowupRefused, match="doit se situer dans la période"):
            confirm_presence(access, period, day=date(2027, 5, 28), tutor_name="J")
        with pytest.raises(FollowupRefused, match="Indiquez votre nom"):
            confirm_presence(access, period, day=date(2027, 6, 1), tutor_name=" ")
        confirm_presence(access, period, day=date(2027, 6, 1), tutor_name="J")
        with pytest.raises(FollowupRefused, match="déjà confirmée"):
            confirm_presence(access, period, day=date(2027, 6, 1), tutor_name="J")
        declare_absence(
            access,
            period,
            start=date(2027, 6, 7),
            end=date(2027, 6, 8),
            days=2,
            reason="Maladie",
            declared_by="J",
        )
        with pytest.raises(FollowupRefused, match="Une absence est déclarée le 08/06/2027"):
            confirm_presence(access, period, day=date(2027, 6, 8), tutor_name="J")
    assert PresenceConfirmation.objects.count() == 1


def test_the_link_of_intern_x_never_confirms_intern_y(
    client: Client,
    school_a: School,
    school_b: School,
    convention_a: Convention,
    convention_b: Convention,
) -> None:
    token_a, access_a = link(convention_a, school_a.teacher)
    period_b = convention_b.active_periods().get()
    with on(DURING):
        refused = client.post(
            reverse("followup:tutor", kwargs={"token": token_a}),
            presence_post(period_b.pk, "2027-06-15"),
        )
        with pytest.raises(FollowupRefused, match="ne fait pas partie de ce stage"):
            confirm_presence(access_a, period_b, day=date(2027, 6, 15), tutor_name="J")
    assert refused.status_code == 400
    assert not PresenceConfirmation.objects.exists()


def test_every_operation_writes_its_history_row(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    client.force_login(school_a.teacher)
    client.post(
        reverse("followup:issue_link", kwargs={"pk": convention_a.pk}), REMOTE_ADDR="10.4.4.4"
    )
    _, access = link(convention_a, school_a.ddfpt)
    period = convention_a.active_periods().get()
    with on(DURING):
        declare_absence(
            access,
            period,
            start=date(2027, 6, 7),
            end=date(2027, 6, 7),
            days=1,
            reason="Rendez-vous médical",
            declared_by="Jean Tuteur",
            ip="10.5.5.5",
        )
        confirm_presence(access, period, day=date(2027, 6, 9), tutor_name="Jean Tuteur")
    with on(period.end, 18):  # a certificate is issued once the period has ended
        issue_certificate(access, period, tutor_name="Jean Tuteur")
        revoke_tutor_link(access, by=school_a.head, ip="10.6.6.6")
        with pytest.raises(FollowupRefused, match="déjà révoqué"):
            revoke_tutor_link(access, by=school_a.head)

    rows = list(FollowupEvent.objects.order_by("pk"))
    assert [row.action for row in rows] == [
        FollowupAction.LINK_ISSUED,
        FollowupAction.LINK_ISSUED,
        FollowupAction.ABSENCE_DECLARED,
        FollowupAction.PRESENCE_CONFIRMED,
        FollowupAction.CERTIFICATE_ISSUED,
        FollowupAction.LINK_REVOKED,
    ]
    assert (rows[0].actor, rows[0].ip) == (school_a.teacher, "10.4.4.4")
    assert rows[1].actor == school_a.ddfpt
    assert (rows[2].actor, rows[2].actor_label, rows[2].ip) == (None, "Jean Tuteur", "10.5.5.5")
    assert "Rendez-vous médical" in rows[2].detail
    assert rows[4].period == period
    assert (rows[5].actor, rows[5].ip) == (school_a.head, "10.6.6.6")

    page = client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk}))
    text = page.content.decode()
    positions = [text.index(f'data-event="{row.action}"') for row in reversed(rows[2:])]
    assert positions == sorted(positions)  # newest first (same instant: the latest row first)
    assert "Lien de suivi révoqué" in text


def test_a_refused_operation_writes_nothing(school_a: School, convention_a: Convention) -> None:
    _, access = link(convention_a, school_a.teacher)
    before = FollowupEvent.objects.count()
    period = convention_a.active_periods().get()
    with pytest.raises(FollowupRefused):
        declare_absence(
            access,
            period,
            start=date(2027, 6, 7),
            end=date(2027, 6, 7),
            days=99,
            reason="Maladie",
            declared_by="J",
        )
    assert FollowupEvent.objects.count() == before
