"""The demo académie's exam side: a session per diploma and year, requests at every state
decided by `delegue.recteur@demo.milieu.fr`, and the candidates' verdicts follow them."""

from __future__ import annotations

from datetime import date
from io import BytesIO, StringIO
from typing import Any

import pypdf
import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from milieu.exams.assembly import build_dossier
from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationDecision, DerogationRequest, ExamSession, JuryNotice
from milieu.rules import evaluate

DAY = date(2026, 11, 23)


def findings(request: DerogationRequest) -> dict[str, Any]:
    return evaluate(build_dossier(request.student, as_of=DAY), today=DAY)


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_has_sessions_and_derogations_at_every_state(settings: Any, tmp_path: Any) -> None:
    from milieu.establishments.models import Cohort

    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False):
        call_command("loaddemo", stdout=StringIO())

    pairs = set(Cohort.objects.values_list("diploma", "session"))
    assert set(ExamSession.objects.values_list("diploma", "session")) == pairs
    assert ExamSession.objects.filter(pilot_academie="Nancy-Metz").exists()

    requests = list(DerogationRequest.objects.select_related("decided_by", "student__cohort"))
    assert {r.status for r in requests} == set(DerogationStatus.values)
    decided = [
        r for r in requests if r.status in (DerogationStatus.GRANTED, DerogationStatus.REFUSED)
    ]
    assert {r.decided_by.email for r in decided if r.decided_by} == {
        "delegue.recteur@demo.milieu.fr"
    }
    assert all(r.decided_by is not None for r in decided)
    granted = {r.kind: r for r in requests if r.status == DerogationStatus.GRANTED}
    assert set(granted) == {"reduction", "dispense", "partial"}
    assert DerogationDecision.objects.count() == 3

    # their candidates' verdicts follow the recteur's decisions
    reduction = findings(granted["reduction"])
    assert reduction["weeks_required"]["min"] == 4  # BTS CIEL reduced to 4 weeks (003 §3)
    dispense = granted["dispense"]
    assert dispense.student.cohort.diploma == "bts-ccst" and dispense.units == ["U4"]
    assert findings(dispense)["weeks_required"] == {"min": 7, "max": 8}  # halved (002 §C)
    partial = findings(granted["partial"])
    assert "PARTIAL_STAGE_AUTHORISED" in {f["code"] for f in partial["findings"]}
    refused = next(r for r in requests if r.status == DerogationStatus.REFUSED)
    assert build_dossier(refused.student, as_of=DAY)["derogations"] == []
    waiting = next(r for r in requests if r.status == DerogationStatus.SUBMITTED)
    assert waiting.attachments.exists()
    # the jury's information of the partial stage's session is issued and names the candidate
    notice = JuryNotice.objects.get()
    assert notice.exam_session.diploma == granted["partial"].student.cohort.diploma
    assert notice.issued_by.email == "examens@demo.milieu.fr"
    pdf = pypdf.PdfReader(BytesIO(bytes(notice.content)))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert granted["partial"].student.ine in text
    assert "Candidats autorisés à se présenter après un stage partiel" in text

    # every candidate has a stored verdict, as of the day the demo was built
    from milieu.exams.models import StoredVerdict
    from milieu.students.models import Student

    assert StoredVerdict.objects.count() == Student.objects.count()
    assert set(StoredVerdict.objects.values_list("as_of", flat=True)) == {DAY}
    assert StoredVerdict.objects.get(student=dispense.student).weeks_min == 7
