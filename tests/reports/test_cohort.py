"""The cohort's report page: the deadline (set by the cohort's staff only) and each student's
latest version, in a constant number of queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.factories import StudentFactory
from milieu.reports.models import ReportDeadline, ReportDeposit, ReportEndorsement, ReportRefusal
from milieu.reports.operations import ReportRefused, set_deadline
from milieu.reports.queries import deadline_history
from tests.core.conftest import School
from tests.reports.conftest import DEADLINE, PARIS, Candidate, tutor_token, upload


def url(candidate: Candidate) -> str:
    return reverse("reports:cohort", kwargs={"pk": candidate.cohort.pk})


def test_the_cohort_staff_set_and_change_the_deadline(
    client: Client, mm_a: Candidate, school_a: School, before_deadline: None
) -> None:
    client.force_login(mm_a.teacher)
    page = client.get(url(mm_a)).content.decode()
    assert "Aucune date limite n’est fixée" in page and "01/06/2028" in page
    assert client.post(url(mm_a), {"deadline": "2028-04-07"}).status_code == 302
    row = ReportDeadline.objects.get()
    assert (row.cohort, row.deadline, row.set_by) == (mm_a.cohort, DEADLINE, mm_a.teacher)

    client.force_login(school_a.ddfpt)
    assert client.post(url(mm_a), {"deadline": "2028-04-14"}).status_code == 302
    row.refresh_from_db()
    assert (row.deadline, row.set_by) == (date(2028, 4, 14), school_a.ddfpt)
    assert ReportDeadline.objects.count() == 1
    page = client.get(url(mm_a)).content.decode()
    assert "14/04/2028" in page and "Changer la date limite" in page


def test_who_may_set_the_deadline(
    client: Client,
    mm_a: Candidate,
    school_a: School,
    school_b: School,
    rectorat: Any,
    other_rectorat: Any,
    before_deadline: None,
) -> None:
    expected = {
        school_a.head: 302,
        school_a.secretary: 302,
        mm_a.teacher: 302,
        rectorat: 403,  # reads the list, sets nothing
        school_a.teacher: 404,  # teaches another cohort
        mm_a.user: 404,
        school_b.head: 404,
        other_rectorat: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.post(url(mm_a), {"deadline": "2028-04-07"}).status_code == status, user
    client.force_login(rectorat)
    page = client.get(url(mm_a)).content.decode()
    assert "data-deadline-form" not in page
    with pytest.raises(Exception, match="droit"):
        set_deadline(mm_a.cohort, DEADLINE, by=rectorat)


def test_a_wrong_date_is_a_french_message(
    client: Client, mm_a: Candidate, before_deadline: None
) -> None:
    client.force_login(mm_a.teacher)
    for value, words in (
        ("", "Indiquez la date limite."),
        ("demain", "Indiquez une date valide"),
        ("2031-01-01", "La date limite doit se situer entre le début de la formation"),
    ):
        response = client.post(url(mm_a), {"deadline": value})
        assert response.status_code == 400, value
        assert words in response.content.decode(), value
    assert not ReportDeadline.objects.exists()
    with pytest.raises(ReportRefused, match="07/09/2026"):
        set_deadline(mm_a.cohort, date(2026, 1, 1), by=mm_a.teacher)


def test_the_list_shows_latest_version_summary_visa_and_lateness(
    client: Client, mm_a: Candidate, mm_pdf: bytes, mm_bad_pdf: bytes, before_deadline: None
) -> None:
    ReportDeadline.objects.create(cohort=mm_a.cohort, deadline=DEADLINE, set_by=mm_a.teacher)
    late = StudentFactory.create(cohort=mm_a.cohort, last_name="Zola")
    endorsed = StudentFactory.create(cohort=mm_a.cohort, last_name="Abel")
    faulty = StudentFactory.create(cohort=mm_a.cohort, last_name="Bodin")
    for student, pdf, day in (
        (endorsed, mm_pdf, date(2028, 3, 1)),
        (faulty, mm_bad_pdf, date(2028, 3, 2)),
        (late, mm_pdf, date(2028, 4, 9)),
    ):
        deposit = _deposit(student, pdf, day)
    ReportEndorsement.objects.create(
        deposit=ReportDeposit.objects.get(student=endorsed), access=_access(mm_a), tutor_name="T"
    )
    ReportRefusal.objects.create(
        student=mm_a.student, reason="Le fichier est vide.", attempted_by=mm_a.user
    )
    assert deposit.student == late

    client.force_login(mm_a.teacher)
    page = client.get(url(mm_a)).content.decode()

    def row(student: Any) -> str:
        return page.split(f'data-student="{student.pk}"')[1].split("</tr>")[0]

    assert "v1 du 01/03/2028" in row(endorsed) and "visé" in row(endorsed)
    assert "conforme" in row(endorsed) and "à temps" in row(endorsed)
    assert 'data-code="REPORT_SECTION_MISSING"' in row(faulty)
    assert 'data-code="REPORT_NOT_ENDORSED"' in row(faulty) and "à viser" in row(faulty)
    assert 'data-code="REPORT_LATE"' in row(late) and "en retard" in row(late)
    assert "aucun dépôt" in row(mm_a.student) and "1 refusé" in row(mm_a.student)
    assert "en attente" in row(mm_a.student)  # before the deadline: nothing due yet
    assert "07/04/2028" in page


def _deposit(student: Any, pdf: bytes, day: date) -> ReportDeposit:
    """A deposit made through the operation, dated `day`."""
    import time_machine

    from milieu.reports.operations import deposit_report

    if student.user is None:
        from milieu.factories import member
        from milieu.people.enums import Role

        student.user = member(
            Role.STUDENT,
            establishment=student.cohort.establishment,
            email=f"{student.ine.lower()}@compte.exemple.fr",
        )
        student.save()
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=PARIS), tick=False):
        return deposit_report(student, upload(pdf), by=student.user)


def _access(candidate: Candidate) -> Any:
    from milieu.followup.operations import resolve_access

    return resolve_access(tutor_token(candidate))


def _queries(client: Client, candidate: Candidate) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(candidate))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_a_constant_number_of_queries_whatever_the_number_of_students(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    ReportDeadline.objects.create(cohort=mm_a.cohort, deadline=DEADLINE, set_by=mm_a.teacher)
    access = _access(mm_a)
    analysed = _deposit(mm_a.student, mm_pdf, date(2028, 3, 1))  # one real analysis, reused

    def add(count: int) -> None:
        for _ in range(count):
            student = StudentFactory.create(cohort=mm_a.cohort)
            for version, day in ((1, 1), (2, 2)):
                deposit = ReportDeposit.objects.create(
                    student=student,
                    version=version,
                    original_name="rapport.pdf",
                    path=f"reports/test/{student.pk}-{version}.pdf",
                    size=analysed.size,
                    sha256=analysed.sha256,
                    uploaded_at=datetime(2028, 3, day, 9, tzinfo=PARIS),
                    uploaded_by=mm_a.user,
                    analysis=analysed.analysis,
                )
            ReportEndorsement.objects.create(deposit=deposit, access=access, tutor_name="T")
            ReportRefusal.objects.create(student=student, reason="vide", attempted_by=mm_a.user)

    add(1)
    client.force_login(mm_a.teacher)
    one = _queries(client, mm_a)
    add(9)
    ten = _queries(client, mm_a)
    assert ten == one, (one, ten)
    assert one <= 12
    page = client.get(url(mm_a)).content.decode()
    assert page.count("v2 du 02/03/2028") == 10
    # version 2 of each is endorsed; only mm_a's own version 1 is not
    assert page.count('data-code="REPORT_NOT_ENDORSED"') == 1


def test_a_cohort_whose_diploma_expects_no_report(
    client: Client, school_a: School, before_deadline: None
) -> None:
    from milieu.establishments.models import Cohort

    Cohort.objects.filter(pk=school_a.cohort.pk).update(diploma="bep-mpmi")
    client.force_login(school_a.teacher)
    page = client.get(reverse("reports:cohort", kwargs={"pk": school_a.cohort.pk}))
    assert page.status_code == 200
    assert "Aucun rapport n’est attendu" in page.content.decode()


def test_each_change_of_the_deadline_is_journaled_and_shown_on_the_page(
    client: Client, mm_a: Candidate, school_a: School, before_deadline: None
) -> None:
    """Issue 16: a deadline was overwritten with no trace; each change is now an audit row
    (who, when, from where, old → new date), listed on the cohort's page."""
    client.force_login(mm_a.teacher)
    client.post(url(mm_a), {"deadline": "2028-04-07"}, REMOTE_ADDR="192.0.2.7")
    client.force_login(school_a.ddfpt)
    client.post(url(mm_a), {"deadline": "2028-04-14"})
    client.post(url(mm_a), {"deadline": "2028-04-14"})  # the same date again: no change
    row = ReportDeadline.objects.get()
    entries = AuditEntry.objects.filter(action=AuditAction.REPORT_DEADLINE_CHANGED).order_by("pk")
    assert [(e.actor, e.changes["deadline"]) for e in entries] == [
        (mm_a.teacher, [None, "2028-04-07"]),
        (school_a.ddfpt, ["2028-04-07", "2028-04-14"]),
    ]
    first = entries[0]
    assert first.ip == "192.0.2.7"
    assert first.establishment == mm_a.cohort.establishment
    assert (first.object_type, first.object_id) == ("reports.reportdeadline", str(row.pk))

    [latest, earliest] = deadline_history(row)
    assert (latest.before, latest.after) == (DEADLINE, date(2028, 4, 14))
    assert (earliest.before, earliest.after) == (None, DEADLINE)

    page = client.get(url(mm_a)).content.decode()
    assert page.count("data-deadline-change") == 2
    assert "aucune date → 07/04/2028" in page
    assert "07/04/2028 → 14/04/2028" in page


def test_a_refused_deadline_leaves_no_journal_row(
    mm_a: Candidate, school_a: School, before_deadline: None
) -> None:
    with pytest.raises(ReportRefused):
        set_deadline(mm_a.cohort, date(2000, 1, 1), by=school_a.head)
    assert not AuditEntry.objects.filter(action=AuditAction.REPORT_DEADLINE_CHANGED).exists()
