"""The data-protection purge (`milieu.dataprotection.retention`) also removes the exam side's
data of candidates past retention: their derogation requests with the supporting PDFs (files
included) and the recteur's decision PDFs, the exam service's pronouncements on their report,
their stored verdicts; and the jury's information PDFs of the sessions past it. A recent
session's data stays."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import time_machine

from milieu.dataprotection.retention import purge
from milieu.establishments.models import Cohort
from milieu.exams.jury import issue_jury_notice
from milieu.exams.models import (
    DerogationAttachment,
    DerogationDecision,
    DerogationRequest,
    JuryNotice,
    ReportConformity,
    StoredVerdict,
)
from milieu.exams.operations import (
    SessionData,
    create_request,
    grant_request,
    save_exam_session,
    submit_request,
)
from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import CohortFactory, StudentFactory
from milieu.students.models import Student
from tests.exams.conftest import School, reduction, upload

PAST = datetime(2034, 1, 2, 9, tzinfo=UTC)  # session 2028 + 5 years is over, 2031 is not


def granted(student: Any, school: School, delegate: Any) -> DerogationRequest:
    request = create_request(student, reduction(), by=school.ddfpt, uploads=[upload()])
    submit_request(request, by=school.ddfpt)
    return grant_request(request, by=delegate)


def test_the_purge_removes_derogations_decisions_jury_notices_and_verdicts_past_retention(
    academie: Any, school_a: School, rectorat: Any, delegate: Any, settings: Any
) -> None:
    with time_machine.travel(datetime(2028, 3, 1, tzinfo=UTC), tick=False):
        old = granted(school_a.student, school_a, delegate)
        recent_cohort: Cohort = CohortFactory.create(
            establishment=school_a.establishment, name="BTS CIEL 2031", session=2031
        )
        recent = StudentFactory.create(cohort=recent_cohort)
        kept = granted(recent, school_a, delegate)
        notices = [
            issue_jury_notice(
                save_exam_session(
                    academie,
                    SessionData("bts-ciel", year, date(year, 5, 16), date(year, 5, 5)),
                    by=rectorat,
                ),
                by=rectorat,
            )
            for year in (2028, 2031)
        ]
        refresh_verdicts(Student.objects.all(), date(2028, 3, 1))
        ReportConformity.objects.create(
            student=school_a.student, conforming=True, reason="ok", decided_by=rectorat
        )
    old_file = Path(settings.PRIVATE_FILES_ROOT) / old.attachments.get().path
    kept_file = Path(settings.PRIVATE_FILES_ROOT) / kept.attachments.get().path
    assert old_file.is_file() and kept_file.is_file()

    with time_machine.travel(PAST, tick=False):
        dry = purge()
        counts = dry.per_establishment[school_a.establishment.name]
        assert counts["demandes de dérogation"] == 1
        assert counts["décisions du recteur (PDF)"] == 1
        assert counts["pièces des demandes de dérogation"] == 1
        assert counts["verdicts enregistrés"] == 1
        assert counts["conformités des rapports prononcées"] == 1
        assert dry.general["informations du jury (PDF)"] == 1
        assert DerogationRequest.objects.count() == 2  # a dry run changes nothing
        purge(apply=True)

    assert list(DerogationRequest.objects.all()) == [kept]
    assert list(DerogationDecision.objects.values_list("request_id", flat=True)) == [kept.pk]
    assert list(DerogationAttachment.objects.values_list("request_id", flat=True)) == [kept.pk]
    assert list(JuryNotice.objects.all()) == [notices[1]]
    assert not ReportConformity.objects.exists()
    assert list(StoredVerdict.objects.values_list("student_id", flat=True)) == [recent.pk]
    assert not old_file.exists() and kept_file.is_file()
    assert not Student.objects.filter(pk=school_a.student.pk).exists()
