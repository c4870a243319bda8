"""The dossier carries the recteur's granted derogations (and nothing else makes one), the exam
session's date and deadline; the verdict follows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import time_machine

from milieu.conventions.models import Convention
from milieu.exams.assembly import build_dossier
from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.operations import (
    RequestData,
    create_request,
    grant_request,
    refuse_request,
    submit_request,
    withdraw_request,
)
from milieu.factories import ConventionFactory, HostFactory, TutorFactory
from milieu.followup.operations import issue_certificate, issue_tutor_link, resolve_access
from milieu.rules import evaluate
from tests.exams.conftest import School, ccst_student, draft_request, reduction

AFTER = date(2028, 9, 1)


def certified_stage(student: Any, by: Any, start: date, end: date) -> Convention:
    """A signed convention over one period, its certificate issued by the tutor."""
    host = HostFactory.create(headcount=50)
    convention = ConventionFactory.create(
        signed=True,
        student=student,
        host=host,
        periods=[(start, end)],
        created_by=by,
        tutor=TutorFactory.create(host=host, email="tuteur@exemple.fr"),
        activities="Prospection et négociation.",
    )
    with time_machine.travel(datetime(end.year, end.month, end.day, 18, tzinfo=UTC), tick=False):
        access = resolve_access(issue_tutor_link(convention, by=by))
        issue_certificate(access, convention.active_periods().get(), tutor_name="Jean Tuteur")
    return convention


def test_a_granted_reduction_enters_the_dossier_decided_by_the_recteur(
    school_a: School, delegate: Any
) -> None:
    request = draft_request(school_a, reduction("4.5"))
    assert build_dossier(school_a.student, as_of=AFTER)["derogations"] == []
    submit_request(request, by=school_a.ddfpt)
    assert build_dossier(school_a.student, as_of=AFTER)["derogations"] == []
    grant_request(request, by=delegate)
    assert build_dossier(school_a.student, as_of=AFTER)["derogations"] == [
        {"kind": "reduction", "reason": "force-majeure", "decided_by": "recteur", "weeks": 4.5}
    ]


def test_refused_withdrawn_and_waiting_requests_stay_out_of_the_dossier(
    school_a: School, delegate: Any
) -> None:
    refused, withdrawn, waiting = (draft_request(school_a) for _ in range(3))
    for request in (refused, withdrawn, waiting):
        submit_request(request, by=school_a.ddfpt)
    refuse_request(refused, by=delegate, reason="Non justifiée.")
    withdraw_request(withdrawn, by=school_a.ddfpt)
    draft_request(school_a)  # a draft
    assert build_dossier(school_a.student, as_of=AFTER)["derogations"] == []


def test_a_non_compliant_ccst_candidate_becomes_compliant_after_a_granted_reduction(
    school_a: School, delegate: Any
) -> None:
    """Seed 002 §C: the BTS CCST stage (14 to 16 weeks) may be reduced for force majeure to no
    less than 10 weeks. An 11-week certified stage is non-compliant until the recteur grants a
    reduction to 11 weeks."""
    student = ccst_student(school_a)
    certified_stage(student, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    before = evaluate(build_dossier(student, as_of=AFTER), today=AFTER)
    assert before["status"] == "non-compliant"
    assert [f["code"] for f in before["findings"]] == ["DURATION_BELOW_MINIMUM"]
    assert before["weeks_completed"] == 11.0

    request = create_request(student, reduction("11"), by=school_a.ddfpt)
    submit_request(request, by=school_a.ddfpt)
    grant_request(request, by=delegate)

    after = evaluate(build_dossier(student, as_of=AFTER), today=AFTER)
    assert after["status"] == "compliant", after["findings"]
    assert after["weeks_required"] == {"min": 11, "max": 16}
    assert after["findings"] == []


def test_a_granted_ccst_u4_dispense_halves_the_stage(school_a: School, delegate: Any) -> None:
    """Seed 002 §C: « si la dispense ne porte que sur l'une ou l'autre de ces unités la durée du
    stage est réduite de moitié »."""
    student = ccst_student(school_a)
    data = RequestData(DerogationKind.DISPENSE, DerogationReason.VAE, "VAE de U4.", units=("U4",))
    request = create_request(student, data, by=school_a.ddfpt)
    submit_request(request, by=school_a.head)
    grant_request(request, by=delegate)
    dossier = build_dossier(student, as_of=AFTER)
    assert dossier["derogations"] == [
        {"kind": "dispense", "reason": "vae", "decided_by": "recteur", "units": ["U4"]}
    ]
    assert evaluate(dossier, today=AFTER)["weeks_required"] == {"min": 7, "max": 8}


def test_a_granted_partial_stage_is_authorised_and_the_jury_informed(
    school_a: School, delegate: Any
) -> None:
    """Seed 003 §3 and the partial rule: the recteur authorises sitting the exam after part of
    the stage; the shortfall is no longer blocking."""
    data = RequestData(DerogationKind.PARTIAL, DerogationReason.FORCE_MAJEURE, "Hospitalisation.")
    request = create_request(school_a.student, data, by=school_a.ddfpt)
    submit_request(request, by=school_a.ddfpt)
    grant_request(request, by=delegate)
    verdict = evaluate(build_dossier(school_a.student, as_of=AFTER), today=AFTER)
    codes = {f["code"]: f["severity"] for f in verdict["findings"]}
    assert codes["PARTIAL_STAGE_AUTHORISED"] == "info"
    assert codes["DURATION_BELOW_MINIMUM"] == "warning"
