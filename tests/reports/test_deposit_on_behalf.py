"""Staff deposit a report on behalf of a student who handed it on paper or by e-mail: the cohort's
teacher, the head, the DDFPT (and the secretariat); the deposit records who did it and when."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from milieu.reports.models import ReportDeposit
from tests.core.conftest import School
from tests.reports.conftest import Candidate, upload


@pytest.mark.parametrize("who", ["teacher", "head", "ddfpt", "secretary"])
def test_the_cohorts_staff_deposit_for_the_student_and_the_page_says_so(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None, who: str
) -> None:
    staff = mm_a.teacher if who == "teacher" else getattr(mm_a.school, who)
    client.force_login(staff)
    page = client.get(mm_a.page).content.decode()
    assert "data-report-upload" in page
    assert "Vous déposez le rapport pour" in page

    response = client.post(mm_a.page, {"fichier": upload(mm_pdf)})

    assert response.status_code == 302
    deposit = ReportDeposit.objects.get()
    assert deposit.student == mm_a.student
    assert deposit.uploaded_by == staff
    # the student sees who deposited for them, and when
    client.force_login(mm_a.user)
    shown = client.get(mm_a.page).content.decode()
    when = timezone.localtime(deposit.uploaded_at).strftime("%d/%m/%Y")
    assert f"déposée par {staff} pour l’élève, le {when}" in shown


def test_the_students_own_deposit_is_not_marked_on_behalf(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    client.force_login(mm_a.user)
    client.post(mm_a.page, {"fichier": upload(mm_pdf)})

    page = client.get(mm_a.page).content.decode()
    assert "data-on-behalf" not in page
    assert "Vous déposez le rapport pour" not in page


def test_a_teacher_of_another_cohort_and_the_rectorat_do_not_deposit(
    client: Client,
    mm_a: Candidate,
    school_a: School,
    rectorat: Any,
    mm_pdf: bytes,
    before_deadline: None,
) -> None:
    client.force_login(school_a.teacher)  # teaches the CIEL cohort, not MM
    assert client.post(mm_a.page, {"fichier": upload(mm_pdf)}).status_code == 404
    client.force_login(rectorat)
    assert client.post(mm_a.page, {"fichier": upload(mm_pdf)}).status_code == 403
    assert not ReportDeposit.objects.exists()
