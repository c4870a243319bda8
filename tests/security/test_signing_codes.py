"""Issue 9, item 5: signing codes are no longer resent without limit, and a resend no longer
resets the count of wrong codes. And "who registered a paper signature" is in the audit journal.
"""

from __future__ import annotations

import html
import threading
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.conventions.enums import SignatoryRole, SignatureMethod, SignatureState
from milieu.conventions.models import ConventionDocument, SignatureCodeSent, SignatureLink
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import (
    MAX_ATTEMPTS,
    CodeLimitReached,
    LinkRefused,
    resolve_link,
    send_code,
    send_for_signature,
)
from milieu.factories import AcademieFactory
from tests.conventions.conftest import code_for, draft, links_in_outbox
from tests.conventions.signing import token_of
from tests.core.conftest import School, make_school

# --- fixtures (as in tests/core and tests/conventions; this folder has no conftest of its own) --


@pytest.fixture
def academie(db: None) -> Any:
    return AcademieFactory.create(name="Strasbourg")


@pytest.fixture
def school_a(academie: Any) -> School:
    return make_school(academie, "A")


@pytest.fixture(autouse=True)
def _seals_and_mails(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seal made in a temporary folder; the e-mails deferred to the commit sent at once
    (tests run in a transaction that never commits)."""
    from django.db import transaction

    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.DEBUG = True  # the demo's self-signed seal is made on first use
    settings.SITE_URL = "http://testserver"
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


PARIS = ZoneInfo("Europe/Paris")
START = datetime(2027, 4, 12, 14, 30, tzinfo=PARIS)


def sent(school: School) -> Any:
    convention = draft(school)
    submit_convention(convention, by=school.teacher)
    validate_convention(convention, by=school.ddfpt)
    approve_convention(convention, by=school.head)
    send_for_signature(convention, by=school.ddfpt)
    return convention


def student_link(school: School) -> str:
    """The signing page of the student (the first party); the outbox emptied."""
    path = next(
        p
        for p in links_in_outbox()
        if resolve_link(token_of(p)).signatory.role == SignatoryRole.STUDENT
    )
    mail.outbox.clear()
    return path


def codes_mailed() -> int:
    return sum("Votre code de signature" in str(message.body) for message in mail.outbox)


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


@time_machine.travel(START, tick=False)
def test_a_fourth_code_within_the_hour_is_refused_saying_when_to_ask_again(
    school_a: School,
) -> None:
    sent(school_a)
    path = student_link(school_a)
    client = Client()

    answers = [client.post(path, {"action": "code"}) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    text = html.unescape(answers[3].content.decode())
    assert "déjà reçu 3 codes en moins d'une heure" in text
    assert "à partir de 15 h 30" in text  # the first code leaves the hour at 15 h 30 (Paris)
    assert answers[3]["Retry-After"] == str(3601)
    assert codes_mailed() == 3
    assert SignatureCodeSent.objects.count() == 3


def test_the_limit_is_a_sliding_hour(school_a: School) -> None:
    with time_machine.travel(START, tick=False) as clock:
        sent(school_a)
        link = resolve_link(token_of(student_link(school_a)))
        send_code(link)
        clock.shift(timedelta(minutes=20))
        send_code(link)
        send_code(link)
        clock.shift(timedelta(minutes=39))
        try:
            send_code(link)
        except CodeLimitReached as refused:
            assert "à partir de 15 h 30" in str(refused)
            assert refused.retry_after == 61
        else:
            raise AssertionError("a fourth code within the hour was sent")
        clock.shift(timedelta(minutes=1, seconds=1))
        send_code(link)  # the first code has left the hour: one more is allowed
        assert codes_mailed() == 4
        clock.shift(timedelta(seconds=1))
        try:
            send_code(link)  # but the 20-minute ones are still in it
        except CodeLimitReached:
            pass
        else:
            raise AssertionError("the window let a code through too early")


@time_machine.travel(START, tick=False)
def test_wrong_codes_are_counted_for_the_link_across_new_codes(school_a: School) -> None:
    sent(school_a)
    path = student_link(school_a)
    email = school_a.student.email
    client = Client()

    client.post(path, {"action": "code"})
    for left in (4, 3, 2):
        answer = client.post(path, {"action": "sign", "code": wrong(code_for(email))})
        assert f"Il vous reste {left} essai" in answer.content.decode()
    client.post(path, {"action": "code"})  # a new code does not give the tries back
    answer = client.post(path, {"action": "sign", "code": wrong(code_for(email))})
    assert "Il vous reste 1 essai." in answer.content.decode()
    answer = client.post(path, {"action": "sign", "code": wrong(code_for(email))})
    assert "Il vous reste 0 essai" in answer.content.decode()

    refused_code = client.post(path, {"action": "code"})
    right = client.post(path, {"action": "sign", "code": code_for(email)})

    assert "Trop d'essais avec ce lien" in html.unescape(refused_code.content.decode())
    assert "Trop d'essais avec ce lien" in html.unescape(right.content.decode())
    assert codes_mailed() == 2
    link = SignatureLink.objects.get(signatory__role=SignatoryRole.STUDENT, used_at__isnull=True)
    assert link.attempts == MAX_ATTEMPTS
    assert link.signatory.state == SignatureState.PENDING


@time_machine.travel(START, tick=False)
def test_the_limits_are_per_link(school_a: School) -> None:
    sent(school_a)
    tokens = [token_of(path) for path in links_in_outbox()]
    first, second = resolve_link(tokens[0]), resolve_link(tokens[1])
    for _ in range(3):
        send_code(first)

    send_code(second)  # another signatory's link is not held back

    assert SignatureCodeSent.objects.filter(link=second).count() == 1
    try:
        send_code(first)
    except LinkRefused:
        pass
    else:
        raise AssertionError("the first link took a fourth code")


@time_machine.travel(START, tick=False)
def test_each_code_sent_records_the_frozen_address(school_a: School) -> None:
    sent(school_a)
    link = resolve_link(token_of(student_link(school_a)))
    address = link.signatory.email
    school_a.student.email = "autre@exemple.fr"
    school_a.student.save()

    send_code(link)

    assert SignatureCodeSent.objects.get().email == address
    assert [message.to for message in mail.outbox] == [[address]]


@pytest.mark.django_db(transaction=True)
def test_six_requests_at_once_send_three_codes(academie: Any) -> None:
    """The link's row is locked while counting: parallel requests cannot all pass the check."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    school = make_school(academie, "P")
    sent(school)
    link = resolve_link(token_of(student_link(school)))
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            barrier.wait()
            send_code(link)
            outcomes.append("ok")
        except LinkRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 3
    assert SignatureCodeSent.objects.filter(link=link).count() == 3


# --- "who registered a paper signature" (audit) --------------------------------------------


def a_scan(convention: Any) -> SimpleUploadedFile:
    """A real PDF as the scan (the printed convention itself), so that any stricter check of
    uploaded PDFs accepts it."""
    printed = ConventionDocument.objects.get(
        convention=convention, kind=ConventionDocument.Kind.FOR_SIGNATURE
    )
    return SimpleUploadedFile("scan.pdf", bytes(printed.content), "application/pdf")


def test_a_paper_signature_is_journaled_with_its_author_and_ip(school_a: School) -> None:
    convention = sent(school_a)
    signatory = convention.signatories.get(role=SignatoryRole.HOST)
    client = Client()
    client.force_login(school_a.ddfpt)

    response = client.post(
        reverse("conventions:paper", args=[convention.pk, signatory.pk]),
        {f"papier-{signatory.pk}-scan": a_scan(convention)},
        REMOTE_ADDR="198.51.100.23",
    )

    assert response.status_code == 302
    signatory.refresh_from_db()
    assert signatory.method == SignatureMethod.PAPER
    row = AuditEntry.objects.get(action=AuditAction.PAPER_SIGNATURE)
    scan = ConventionDocument.objects.get(kind=ConventionDocument.Kind.PAPER_SCAN)
    assert row.actor == school_a.ddfpt and str(row.ip) == "198.51.100.23"
    assert row.establishment == school_a.establishment
    assert (row.object_type, row.object_id) == ("conventions.signatory", str(signatory.pk))
    assert row.changes["convention"] == convention.pk
    assert row.changes["role"] == SignatoryRole.HOST
    assert row.changes["scan_sha256"] == scan.sha256


def test_a_refused_paper_signature_writes_no_row(school_a: School) -> None:
    convention = sent(school_a)
    signatory = convention.signatories.get(role=SignatoryRole.HOST)
    client = Client()
    client.force_login(school_a.teacher)  # the cohort's teacher may not register it

    response = client.post(
        reverse("conventions:paper", args=[convention.pk, signatory.pk]),
        {f"papier-{signatory.pk}-scan": a_scan(convention)},
    )

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.PAPER_SIGNATURE).exists()
