"""What PostgreSQL guarantees: row locks (two clicks at once, one wins) and the exclusion
constraint (one student is never in two stages at once). Skipped on SQLite."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from milieu.conventions.amendments import create_amendment, send_amendment_for_signature
from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionDocument, ConventionPeriod
from milieu.conventions.operations import (
    ConventionRefused,
    approve_convention,
    create_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import (
    LinkRefused,
    resolve_link,
    send_code,
    sign_with_link,
    signing,
)
from milieu.factories import HostFactory, StudentFactory
from tests.conventions.conftest import code_for, draft
from tests.conventions.signing import live_tokens, sent, sign, signed
from tests.core.conftest import School, make_school


def _vendor_is_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and exclusion constraints need PostgreSQL")


def _at_once(*calls: Callable[[], object]) -> list[str]:
    """Run the calls in threads released together; each outcome is "ok" or the refusal's text."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except (ConventionRefused, LinkRefused) as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_one_wins(academie: Any) -> None:
    _vendor_is_postgresql()
    school = make_school(academie, "C")
    convention = draft(school)
    submit_convention(convention, by=school.teacher)
    validate_convention(convention, by=school.ddfpt)

    outcomes = _at_once(
        lambda: approve_convention(convention, by=school.head, ip="10.0.0.1"),
        lambda: approve_convention(convention, by=school.head, ip="10.0.0.2"),
    )

    assert sorted(outcomes)[-1] == "ok"
    refused = [o for o in outcomes if o != "ok"]
    assert len(refused) == 1
    assert refused[0].startswith("Action déjà effectuée")
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.APPROVED
    assert convention.transitions.filter(to_status=ConventionStatus.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_two_last_signatures_at_once_complete_the_convention_once(
    academie: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each signature locks the convention's row first: the second waits for the first to
    commit, then sees every party signed. Without that lock both would check "anyone still
    pending?" before the other commits, and the convention would stay in signature for ever:
    the wait below lets both reach that check together unless the lock keeps one out."""
    _vendor_is_postgresql()
    both_signed = threading.Barrier(2)
    complete = signing.complete_if_all_signed

    def complete_when_both_signed(*args: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_signed.wait(timeout=2)  # broken: the other one waits for our lock, go on alone
        complete(*args)

    school = make_school(academie, "D")
    convention = sent(school)
    *first, third, fourth = live_tokens()
    for token in first:
        sign(token)
    codes = {}
    for token in (third, fourth):
        link = resolve_link(token)
        send_code(link)
        codes[token] = code_for(link.signatory.email)
    monkeypatch.setattr(signing, "complete_if_all_signed", complete_when_both_signed)

    outcomes = _at_once(
        *(
            lambda token=token: sign_with_link(token, codes[token], ip=None, user_agent="a")
            for token in (third, fourth)
        )
    )

    assert outcomes == ["ok", "ok"]
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SIGNED  # neither saw the other one pending
    assert convention.transitions.filter(to_status=ConventionStatus.SIGNED).count() == 1
    assert convention.documents.filter(kind=ConventionDocument.Kind.SEALED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_avenant_sent_twice_at_once_is_sent_once(academie: Any) -> None:
    _vendor_is_postgresql()
    school = make_school(academie, "E")
    convention = signed(school)
    amendment = create_amendment(
        convention, by=school.ddfpt, reason="Fin anticipée.", early_end=date(2027, 6, 18)
    )

    outcomes = _at_once(
        lambda: send_amendment_for_signature(amendment, by=school.ddfpt),
        lambda: send_amendment_for_signature(amendment, by=school.secretary),
    )

    assert sorted(outcomes)[-1] == "ok"
    assert [o for o in outcomes if o != "ok"] == [
        "Action déjà effectuée ou impossible : l'avenant est « En signature »."
    ]
    assert amendment.signatories.count() == 4
    assert convention.documents.filter(kind=ConventionDocument.Kind.AMENDMENT).count() == 1


def test_an_overlapping_active_period_breaks_the_exclusion_constraint(school_a: School) -> None:
    _vendor_is_postgresql()
    convention = draft(school_a)  # 31/05/2027 – 09/07/2027
    overlapping = {
        "convention": convention,
        "student": school_a.student,
        "start": date(2027, 7, 5),
        "end": date(2027, 7, 16),
    }
    with (
        pytest.raises(IntegrityError, match="convention_period_no_overlap_per_student"),
        transaction.atomic(),
    ):
        ConventionPeriod.objects.create(**overlapping)
    # an inactive period (history) and another student's period do not count
    ConventionPeriod.objects.create(**overlapping, active=False)
    other = StudentFactory.create(cohort=school_a.cohort)
    ConventionPeriod.objects.create(**{**overlapping, "student": other})
    # back to back is not overlapping
    ConventionPeriod.objects.create(**{**overlapping, "start": date(2027, 7, 10)})


def test_create_convention_turns_the_constraint_into_a_french_refusal(school_a: School) -> None:
    _vendor_is_postgresql()
    draft(school_a)
    with pytest.raises(ConventionRefused) as refused:
        create_convention(
            student=school_a.student,
            host=HostFactory.create(),
            periods=[(date(2027, 7, 5), date(2027, 7, 23))],
            by=school_a.ddfpt,
        )
    assert refused.value.reasons == [
        "Cette période chevauche une autre convention de l'élève : un élève ne peut être en "
        "stage à deux endroits à la fois."
    ]
    assert school_a.student.conventions.count() == 1
