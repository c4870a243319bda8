"""`contract_report(student)`: the contract's `report` object from the database, in two queries,
in a shape the engine accepts."""

from __future__ import annotations

from datetime import date
from typing import Any

import time_machine
from django.test import Client

from milieu.exams.assembly import build_dossier
from milieu.reports.models import ReportDeadline, ReportDeposit, ReportEndorsement
from milieu.reports.queries import contract_report
from milieu.rules import evaluate
from tests.reports.conftest import AFTER, DEADLINE, Candidate, tutor_token, upload


def judged(candidate: Candidate, as_of: date) -> dict[str, Any]:
    verdict = evaluate(build_dossier(candidate.student, as_of=as_of))
    assert "error" not in verdict, verdict
    return verdict


def report_codes(verdict: dict[str, Any]) -> set[str]:
    return {f["code"] for f in verdict["findings"] if f["code"].startswith("REPORT_")}


def test_nothing_on_file_is_none(mm_a: Candidate, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(2):
        assert contract_report(mm_a.student) is None
    # the engine then judges against the exam date (1 June of the session)
    assert "REPORT_MISSING" in report_codes(judged(mm_a, date(2028, 6, 2)))
    assert "REPORT_MISSING" not in report_codes(judged(mm_a, date(2028, 5, 31)))


def test_a_deadline_without_deposit(mm_a: Candidate, django_assert_max_num_queries: Any) -> None:
    ReportDeadline.objects.create(cohort=mm_a.cohort, deadline=DEADLINE, set_by=mm_a.teacher)
    with django_assert_max_num_queries(2):
        report = contract_report(mm_a.student)
    assert report == {"submitted_on": None, "deadline": "2028-04-07"}
    before = judged(mm_a, date(2028, 4, 7))
    assert report_codes(before) == set()  # due on the 7th: not missing yet
    after = judged(mm_a, date(2028, 4, 8))
    missing = next(f for f in after["findings"] if f["code"] == "REPORT_MISSING")
    assert "07/04/2028" in missing["message"]


def test_the_latest_version_with_its_own_visa(
    client: Client,
    mm_a: Candidate,
    mm_pdf: bytes,
    mm_bad_pdf: bytes,
    django_assert_max_num_queries: Any,
) -> None:
    ReportDeadline.objects.create(cohort=mm_a.cohort, deadline=DEADLINE, set_by=mm_a.teacher)
    with time_machine.travel(AFTER, tick=False):
        access_token = tutor_token(mm_a)
        client.force_login(mm_a.user)
        client.post(mm_a.page, {"fichier": upload(mm_pdf)})
        first = ReportDeposit.objects.get()
        from milieu.followup.operations import resolve_access

        ReportEndorsement.objects.create(
            deposit=first, access=resolve_access(access_token), tutor_name="T"
        )
        with django_assert_max_num_queries(2):
            report = contract_report(mm_a.student)
        assert report is not None
        assert report == {
            "submitted_on": "2028-04-10",
            "deadline": "2028-04-07",
            "pages": 15,
            "annex_pages": 4,
            "page_format": "A4",
            "sections": [
                "presentation",
                "legal-analysis",
                "activities",
                "qsse-example",
                "conclusion",
                "english-summary",
            ],
            "section_pages": first.analysis["section_pages"],
            "english_documents": [],
            "endorsed_by_host": True,
            "parts": {},
        }
        assert report_codes(judged(mm_a, date(2028, 4, 10))) == {"REPORT_LATE"}

        client.post(mm_a.page, {"fichier": upload(mm_bad_pdf)})
        report = contract_report(mm_a.student)
    assert report is not None
    assert report["endorsed_by_host"] is False  # version 2 has no visa of its own
    assert "conclusion" not in report["sections"]
    assert {"REPORT_LATE", "REPORT_NOT_ENDORSED", "REPORT_SECTION_MISSING"} <= report_codes(
        judged(mm_a, date(2028, 4, 10))
    )
