"""Exam sessions: the rectorat fixes the exam date and the report deadline, each change is
logged, and the verdict uses them over the cohort's internal reminder date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from milieu.exams.assembly import build_dossier
from milieu.exams.models import ExamSession, ExamSessionChange
from milieu.exams.operations import ExamsInvalid, SessionData, save_exam_session
from milieu.reports.models import ReportDeadline
from milieu.rules import evaluate
from tests.exams.conftest import School

CIEL_2028 = SessionData("bts-ciel", 2028, date(2028, 5, 16), date(2028, 5, 5), "Plateforme.", "")


def test_the_rectorat_fixes_a_session_and_each_change_is_logged(
    academie: Any, rectorat: Any, delegate: Any
) -> None:
    session = save_exam_session(academie, CIEL_2028, by=rectorat, ip="192.0.2.1")
    changed = SessionData(
        "bts-ciel", 2028, date(2028, 5, 16), date(2028, 4, 28), "Plateforme.", "Nancy-Metz"
    )
    save_exam_session(academie, changed, by=delegate, instance=session)
    save_exam_session(academie, changed, by=delegate, instance=session)  # nothing changes

    log = list(ExamSessionChange.objects.filter(exam_session=session).order_by("at", "pk"))
    assert [(c.actor, c.ip) for c in log] == [(rectorat, "192.0.2.1"), (delegate, None)]
    assert log[0].changes["exam_date"] == [None, "2028-05-16"]
    assert log[1].changes == {
        "pilot_academie": ["", "Nancy-Metz"],
        "report_deadline": ["2028-05-05", "2028-04-28"],
    }
    assert ExamSession.objects.get(pk=session.pk).report_deadline == date(2028, 4, 28)


def test_only_the_rectorat_of_the_academie_sets_a_session(
    academie: Any, school_a: School, other_rectorat: Any
) -> None:
    for outsider in (school_a.head, school_a.ddfpt, other_rectorat):
        with pytest.raises(PermissionDenied):
            save_exam_session(academie, CIEL_2028, by=outsider)
    assert not ExamSession.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SessionData("bts-ciel", 2028, date(2027, 5, 16)), "exam_date"),
        (SessionData("bts-ciel", 2028, date(2028, 5, 16), date(2028, 5, 20)), "report_deadline"),
        (SessionData("bts-inconnu", 2028, date(2028, 5, 16)), "diploma"),
    ],
)
def test_a_session_that_does_not_hold_together_is_refused(
    academie: Any, rectorat: Any, data: SessionData, field: str
) -> None:
    with pytest.raises(ExamsInvalid) as refused:
        save_exam_session(academie, data, by=rectorat)
    assert field in refused.value.errors


def test_one_session_per_academie_diploma_and_year(academie: Any, rectorat: Any) -> None:
    save_exam_session(academie, CIEL_2028, by=rectorat)
    with pytest.raises(ExamsInvalid, match="existe déjà"):
        save_exam_session(academie, CIEL_2028, by=rectorat)


def test_the_verdict_uses_the_sessions_deadline_over_the_cohorts(
    academie: Any, rectorat: Any, school_a: School
) -> None:
    """Seed 001 §4 / 003: the report is due at the date the exam's organisers fix; the school's
    own date for the cohort is only an internal reminder."""
    ReportDeadline.objects.create(
        cohort=school_a.cohort, deadline=date(2028, 3, 31), set_by=school_a.ddfpt
    )
    day = date(2028, 4, 15)  # after the school's reminder, before the rectorat's deadline
    without = build_dossier(school_a.student, as_of=day)
    assert without["report"] == {"submitted_on": None, "deadline": "2028-03-31"}
    assert "exam_date" not in without
    assert "REPORT_MISSING" in {f["code"] for f in evaluate(without, today=day)["findings"]}

    save_exam_session(academie, CIEL_2028, by=rectorat)

    with_session = build_dossier(school_a.student, as_of=day)
    assert with_session["exam_date"] == "2028-05-16"
    assert with_session["report"] == {"submitted_on": None, "deadline": "2028-05-05"}
    verdict = evaluate(with_session, today=day)
    assert "REPORT_MISSING" not in {f["code"] for f in verdict["findings"]}


def test_a_session_of_another_academie_or_diploma_does_not_apply(
    school_a: School, other_rectorat: Any
) -> None:
    from milieu.establishments.models import Academie

    other = Academie.objects.get(name="Lyon")
    save_exam_session(other, CIEL_2028, by=other_rectorat)
    dossier = build_dossier(school_a.student, as_of=timezone.localdate())
    assert "exam_date" not in dossier


def test_the_report_pages_show_the_rectorats_date_and_the_schools_reminder(
    academie: Any, rectorat: Any, school_a: School
) -> None:
    from django.urls import reverse

    from tests.exams.conftest import client_for

    ReportDeadline.objects.create(
        cohort=school_a.cohort, deadline=date(2028, 3, 31), set_by=school_a.ddfpt
    )
    save_exam_session(academie, CIEL_2028, by=rectorat)
    cohort_page = client_for(school_a.ddfpt).get(
        reverse("reports:cohort", args=[school_a.cohort.pk])
    )
    text = cohort_page.content.decode()
    assert "05/05/2028" in text and "fixée par le rectorat" in text and "rappel interne" in text
    # the school's own field is named a reminder, not « the deadline » the rectorat's date is
    assert "Rappel interne de l’établissement (date)" in text
    assert "Changer le rappel interne" in text and "Changer la date limite" not in text
    deposit = client_for(school_a.ddfpt).get(reverse("reports:deposit", args=[school_a.student.pk]))
    text = deposit.content.decode()
    assert "<strong>05/05/2028</strong>" in text
    assert "Rappel interne de l’établissement : 31/03/2028" in text
