"""Issue 11: a certificate cannot be issued before its period has ended (seed 001 §4: « En fin de
stage […] un certificat attestant de la présence […] est délivré »), and the school records the
paper certificate of a host that will not use the link (scan and dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.conventions.models import Convention
from milieu.exams.assembly import build_dossier
from milieu.followup.models import Certificate, FollowupAction, FollowupEvent
from milieu.followup.operations import (
    FollowupRefused,
    issue_certificate,
    record_paper_certificate,
)
from milieu.rules import evaluate
from tests.core.conftest import School
from tests.followup.conftest import link, on
from tests.security.samples import one_page_pdf

SCAN = one_page_pdf("Attestation de stage signée par l'entreprise")


def scan(content: bytes = SCAN, name: str = "attestation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def paper_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "papier-scan": scan(),
        "papier-signed_by": "Marie Directrice",
        "papier-signed_on": "2027-07-12",
        "papier-absence_days": "2",
    }
    data.update(changes)
    return data


def test_the_tutor_cannot_issue_the_certificate_before_the_period_ends(
    school_a: School, convention_a: Convention
) -> None:
    """Seed 001 §4: the certificate comes « en fin de stage »: refused in French the day before
    the last day, issued on the last day."""
    _, access = link(convention_a, school_a.ddfpt)
    period = convention_a.active_periods().get()
    eve = date.fromordinal(period.end.toordinal() - 1)
    with on(eve), pytest.raises(FollowupRefused, match="se délivre à la fin de la période"):
        issue_certificate(access, period, tutor_name="Jean Tuteur")
    assert not Certificate.objects.exists()
    with on(period.end, 18):
        issue_certificate(access, period, tutor_name="Jean Tuteur")
    assert Certificate.objects.filter(period=period).exists()


def test_the_tutor_page_refuses_an_early_certificate_in_french(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    token, _ = link(convention_a, school_a.ddfpt)
    period = convention_a.active_periods().get()
    with on(period.start):
        response = client.post(
            reverse("followup:tutor", kwargs={"token": token}),
            {
                "action": "certificate",
                "certificate-period": str(period.pk),
                "certificate-tutor_name": "Jean Tuteur",
            },
        )
    assert response.status_code == 400
    assert "se délivre à la fin de la période" in response.content.decode()
    assert not Certificate.objects.exists()


def test_staff_record_a_paper_certificate_that_counts_in_the_dossier(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    """Issue 11: the host will not use the link; the DDFPT records the scan it signed, with its
    date and the absences it states. The certificate is on file and the verdict follows."""
    period = convention_a.active_periods().get()
    after = date(2027, 9, 1)
    before = evaluate(build_dossier(school_a.student, as_of=after), today=after)
    assert "CERTIFICATE_MISSING" in {f["code"] for f in before["findings"]}
    url = reverse(
        "followup:paper_certificate", kwargs={"pk": convention_a.pk, "period_pk": period.pk}
    )
    with on(date(2027, 7, 15)):
        client.force_login(school_a.ddfpt)
        page = client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk}))
        assert f'data-paper-certificate="{period.pk}"' in page.content.decode()
        response = client.post(url, paper_post())
    assert response.status_code == 302
    certificate = Certificate.objects.get(period=period)
    assert certificate.paper and certificate.recorded_by == school_a.ddfpt
    assert certificate.signed_on == date(2027, 7, 12)
    assert bytes(certificate.content) == SCAN
    assert certificate.absence_days == 2
    assert FollowupEvent.objects.filter(action=FollowupAction.PAPER_CERTIFICATE).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.PAPER_CERTIFICATE, actor=school_a.ddfpt
    ).exists()
    (dossier_period,) = build_dossier(school_a.student, as_of=after)["periods"]
    assert (dossier_period["certificate"], dossier_period["absence_days"]) == (True, 2)
    with on(date(2027, 7, 15)):
        page = client.get(reverse("followup:convention", kwargs={"pk": convention_a.pk}))
    text = page.content.decode()
    assert "Attestation papier signée le 12/07/2027 par Marie Directrice" in text
    assert f'data-paper-certificate="{period.pk}"' not in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"papier-signed_on": "2027-06-01"}, "entre la fin de la période"),
        ({"papier-absence_days": "99"}, "jours prévus de la période"),
        ({"papier-scan": scan(b"not a pdf at all", "attestation.pdf")}, "PDF"),
    ],
)
def test_a_wrong_paper_certificate_is_refused_in_french(
    client: Client,
    school_a: School,
    convention_a: Convention,
    changes: dict[str, Any],
    message: str,
) -> None:
    period = convention_a.active_periods().get()
    url = reverse(
        "followup:paper_certificate", kwargs={"pk": convention_a.pk, "period_pk": period.pk}
    )
    with on(date(2027, 7, 15)):
        client.force_login(school_a.ddfpt)
        response = client.post(url, paper_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Marie Directrice" in response.content.decode()  # what was typed is kept
    assert not Certificate.objects.exists()


def test_no_paper_certificate_before_the_period_ends(
    school_a: School, convention_a: Convention
) -> None:
    period = convention_a.active_periods().get()
    with on(period.start), pytest.raises(FollowupRefused, match="fin de la période"):
        record_paper_certificate(
            period,
            by=school_a.ddfpt,
            upload=scan(),
            signed_by="Marie Directrice",
            signed_on=period.start,
            absence_days=0,
        )
    assert not Certificate.objects.exists()


def test_a_student_may_not_record_a_paper_certificate(
    client: Client, school_a: School, convention_a: Convention
) -> None:
    period = convention_a.active_periods().get()
    url = reverse(
        "followup:paper_certificate", kwargs={"pk": convention_a.pk, "period_pk": period.pk}
    )
    with on(date(2027, 7, 15)):
        client.force_login(school_a.student_user)
        assert client.post(url, paper_post()).status_code == 403
    assert not Certificate.objects.exists()
