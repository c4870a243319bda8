"""Issue 13 §18: the teachers in charge of the cohort receive an e-mail when a report is
deposited (after the commit), one each; a refused file sends nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import TestCase

from milieu.reports.operations import ReportRefused, deposit_report
from tests.reports.conftest import Candidate, upload


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://milieu.exemple.fr"


def test_each_teacher_of_the_cohort_is_told_of_a_deposit(
    mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    from milieu.factories import member
    from milieu.people.enums import Role

    second = member(Role.TEACHER, establishment=mm_a.school.establishment, email="z@exemple.fr")
    mm_a.cohort.teachers.add(second)

    with TestCase.captureOnCommitCallbacks(execute=True):
        deposit = deposit_report(mm_a.student, upload(mm_pdf), by=mm_a.user)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([mm_a.teacher.email, second.email])
    message = mail.outbox[0]
    assert message.subject == f"Rapport de stage déposé — {mm_a.student.full_name}"
    assert f"version {deposit.version}, « rapport.pdf »" in message.body
    assert f"({deposit.analysis['total_pages']} pages)" in message.body
    assert f"https://milieu.exemple.fr/rapports/eleves/{mm_a.student.pk}/" in message.body


def test_a_refused_file_sends_nothing(mm_a: Candidate, before_deadline: None) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True), pytest.raises(ReportRefused):
        deposit_report(mm_a.student, upload(b"pas un PDF"), by=mm_a.user)

    assert mail.outbox == []
