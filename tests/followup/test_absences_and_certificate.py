"""Absences declared by the tutor and the certificate, counted as the dossier contract says."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Convention
from milieu.exams.assembly import build_dossier
from milieu.followup.models import Absence, Certificate, TutorAccess
from milieu.followup.operations import (
    FollowupRefused,
    declare_absence,
    issue_certificate,
    issue_tutor_link,
    resolve_access,
)
from milieu.rules import evaluate
from tests.core.conftest import School
from tests.followup.conftest import on

AFTER = date(2027, 9, 1)  # the period 31/05/2027 – 09/07/2027 is over: 30 working days


def issued(access: TutorAccess, period: Any, **fields: Any) -> Certificate:
    """The certificate issued on the period's last day (none before it: issue 11)."""
    with on(period.end, 18):
        return issue_certificate(access, period, **fields)


@pytest.fixture
def access(school_a: School, convention_a: Convention) -> TutorAccess:
    return resolve_access(issue_tutor_link(convention_a, by=school_a.teacher))


def absence(access: TutorAccess, days: int, **fields: Any) -> Absence:
    period = access.convention.active_periods().get()
    values: dict[str, Any] = {
        "start": date(2027, 6, 7),
        "end": date(2027, 6, 8),
        "days": days,
        "reason": "Maladie",
        "declared_by": "Jean Tuteur",
    }
    values.update(fields)
    return declare_absence(access, period, **values)


def codes(verdict: dict[str, Any]) -> set[str]:
    assert "error" not in verdict, verdict
    return {finding["code"] for finding in verdict["findings"]}


def test_absences_beyond_the_scheduled_days_are_refused_in_french(access: TutorAccess) -> None:
    absence(access, 28)

    with pytest.raises(FollowupRefused) as refused:
        absence(access, 3)

    assert str(refused.value) == (
        "Les absences (31 jours) dépasseraient les 30 jours prévus de la période."
    )
    assert Absence.objects.count() == 1


def test_an_absence_outside_the_period_is_refused(access: TutorAccess) -> None:
    with pytest.raises(FollowupRefused, match="doit se situer dans la période"):
        absence(access, 1, start=date(2027, 7, 12), end=date(2027, 7, 12))


def test_the_tutor_declares_an_absence_from_the_page(client: Client, access: TutorAccess) -> None:
    token = issue_tutor_link(access.convention, by=access.created_by)
    period = access.convention.active_periods().get()
    response = client.post(
        reverse("followup:tutor", kwargs={"token": token}),
        {
            "action": "absence",
            "absence-period": period.pk,
            "absence-start": "2027-06-07",
            "absence-end": "2027-06-09",
            "absence-days": "3",
            "absence-reason": "Maladie",
            "absence-declared_by": "Jean Tuteur",
        },
    )
    assert response.status_code == 302
    assert Absence.objects.get().days == 3


def test_the_certificate_counts_presence_and_stores_its_hash(access: TutorAccess) -> None:
    absence(access, 2)
    period = access.convention.active_periods().get()

    certificate = issued(
        access, period, tutor_name="Jean Tuteur", gratification_paid=Decimal("650.40")
    )

    assert (certificate.scheduled_days, certificate.absence_days) == (30, 2)
    assert certificate.presence_days == 28
    assert certificate.weeks == Decimal("5.60")
    assert certificate.gratification_paid == Decimal("650.40")
    content = bytes(certificate.content)
    assert content.startswith(b"%PDF")
    assert certificate.sha256 == hashlib.sha256(content).hexdigest()


def test_the_certificate_is_issued_once_and_never_changes(access: TutorAccess) -> None:
    period = access.convention.active_periods().get()
    certificate = issued(access, period, tutor_name="Jean Tuteur")

    with pytest.raises(FollowupRefused, match="déjà délivrée"):
        issued(access, period, tutor_name="Jean Tuteur")
    with pytest.raises(ValueError, match="figée"):
        certificate.save()
    with pytest.raises(FollowupRefused, match="absences sont closes"):
        absence(access, 1)


def test_the_verdict_moves_as_the_pieces_arrive(school_a: School, access: TutorAccess) -> None:
    before = build_dossier(school_a.student, as_of=AFTER)
    (period_before,) = before["periods"]
    assert (period_before["absence_days"], period_before["certificate"]) == (0, False)
    assert "CERTIFICATE_MISSING" in codes(evaluate(before, today=AFTER))

    absence(access, 2)
    issued(access, access.convention.active_periods().get(), tutor_name="Jean Tuteur")

    after = build_dossier(school_a.student, as_of=AFTER)
    (period_after,) = after["periods"]
    assert (period_after["absence_days"], period_after["certificate"]) == (2, True)
    verdict = evaluate(after, today=AFTER)
    assert "CERTIFICATE_MISSING" not in codes(verdict)
    assert verdict["weeks_completed"] == 5.6


def test_the_tutor_downloads_the_certificate(client: Client, access: TutorAccess) -> None:
    token = issue_tutor_link(access.convention, by=access.created_by)
    period = access.convention.active_periods().get()
    certificate = issued(access, period, tutor_name="Jean Tuteur")

    response = client.get(
        reverse("followup:tutor_certificate", kwargs={"token": token, "period_pk": period.pk})
    )

    assert response.status_code == 200
    assert response["X-Content-SHA256"] == certificate.sha256
    assert Certificate.objects.count() == 1
