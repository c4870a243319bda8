"""Reminders: one per pending signatory every 3 days, with a new link, never to the wrong person."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from milieu.conventions.amendments import create_amendment, send_amendment_for_signature
from milieu.conventions.models import Signatory
from milieu.conventions.signatures import (
    LinkRefused,
    refuse_with_link,
    remind_pending,
    resolve_link,
)
from milieu.conventions.tasks import remind_signatories
from tests.conventions.signing import live_tokens, sent, sign, signed, token_of
from tests.core.conftest import School

SENT_AT = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
THREE_DAYS = timedelta(days=3)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(SENT_AT, tick=False) as traveller:
        yield traveller


def _reminders() -> list[Any]:
    return [m for m in mail.outbox if m.subject.startswith("Rappel : ")]


def _link_in(message: Any) -> str:
    match = re.search(r"http://testserver(/conventions/signer/[^/\s]+/)", message.body)
    assert match
    return token_of(match.group(1))


def test_no_reminder_before_three_days(school_a: School, clock: Any) -> None:
    sent(school_a)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS - timedelta(minutes=1))
    assert remind_pending() == 0
    assert mail.outbox == []


def test_exactly_one_reminder_after_three_days_and_none_again_the_same_day(
    school_a: School, clock: Any
) -> None:
    convention = sent(school_a)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    assert remind_pending() == 4
    assert len(_reminders()) == len(mail.outbox) == 4
    assert {m.subject for m in mail.outbox} == {
        f"Rappel : Convention de stage n° {convention.pk} à signer"
    }
    clock.move_to(SENT_AT + THREE_DAYS + timedelta(hours=8))
    assert remind_pending() == 0
    assert len(mail.outbox) == 4
    clock.move_to(SENT_AT + 2 * THREE_DAYS)
    assert remind_pending() == 4  # 3 days after the last reminder, once more


def test_never_to_a_signer_who_already_signed(school_a: School, clock: Any) -> None:
    sent(school_a)
    student_token = live_tokens()[0]
    clock.move_to(SENT_AT + timedelta(days=1))
    signer = sign(student_token)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    assert remind_pending() == 3
    assert signer.email not in {m.to[0] for m in mail.outbox}


def test_each_reminder_carries_the_link_of_its_own_addressee(school_a: School, clock: Any) -> None:
    sent(school_a)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    remind_pending()
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        signatory = resolve_link(_link_in(message)).signatory
        assert message.to == [signatory.email]
        assert f"Bonjour {signatory.name}," in message.body
    assert len({tuple(m.to) for m in mail.outbox}) == 4


def test_a_new_link_replaces_the_old_one(school_a: School, clock: Any) -> None:
    sent(school_a)
    old = live_tokens()
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    remind_pending()
    new = [_link_in(m) for m in mail.outbox]
    assert set(new).isdisjoint(old)
    with pytest.raises(LinkRefused, match="remplacé par un lien plus récent"):
        resolve_link(old[0])
    assert Client().get(f"/conventions/signer/{old[0]}/").status_code == 410
    assert sign(new[0]).state == "signed"


def test_no_reminder_once_the_convention_left_signature(school_a: School, clock: Any) -> None:
    sent(school_a)
    refuse_with_link(live_tokens()[1], "Les horaires ne conviennent pas.", ip=None)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    assert remind_pending() == 0
    assert mail.outbox == []


def test_the_parties_of_an_avenant_are_reminded_of_the_avenant(
    school_a: School, clock: Any
) -> None:
    convention = signed(school_a)
    clock.move_to(SENT_AT + timedelta(days=10))
    amendment = create_amendment(
        convention,
        by=school_a.ddfpt,
        reason="Report.",
        new_weekly_hours=convention.weekly_hours - 1,
    )
    send_amendment_for_signature(amendment, by=school_a.ddfpt)
    sign(live_tokens()[0])
    mail.outbox.clear()
    clock.move_to(SENT_AT + timedelta(days=13))
    assert remind_pending() == 3  # the avenant's pending parties only, not the convention's
    assert {m.subject for m in mail.outbox} == {
        f"Rappel : Avenant n° 1 à la convention de stage n° {convention.pk} à signer"
    }
    reminded = {resolve_link(_link_in(m)).signatory for m in mail.outbox}
    assert all(s.amendment_id == amendment.pk for s in reminded)


def test_the_command_is_idempotent_and_has_a_dry_run(school_a: School, clock: Any) -> None:
    sent(school_a)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    out = io.StringIO()
    call_command("remind_signatories", "--dry-run", stdout=out)
    assert out.getvalue() == "4 signataires à relancer (simulation : rien n’est envoyé).\n"
    assert mail.outbox == []
    assert not Signatory.objects.filter(last_reminder_at__isnull=False).exists()
    out = io.StringIO()
    call_command("remind_signatories", stdout=out)
    assert out.getvalue() == "4 signataires relancés.\n"
    out = io.StringIO()
    call_command("remind_signatories", stdout=out)
    assert out.getvalue() == "0 signataire relancé.\n"
    assert len(mail.outbox) == 4


def test_the_task_reminds_like_the_command(school_a: School, clock: Any, settings: Any) -> None:
    settings.TASKS = IMMEDIATE
    sent(school_a)
    mail.outbox.clear()
    clock.move_to(SENT_AT + THREE_DAYS)
    result = remind_signatories.enqueue()
    assert result.return_value == 4
    assert len(_reminders()) == 4
