"""The report URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from typing import Any

from tests.test_url_matrix import Kwargs, World, row


def _deposit(w: World) -> Any:
    """A stored version of school A's student's report, made on first use."""
    if "report_deposit" not in w.objects:
        from milieu import storage
        from milieu.reports.analysis import ReportAnalysis
        from milieu.reports.models import ReportDeposit

        content = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
        stored = storage.store("reports", content, suffix="pdf")
        analysis = ReportAnalysis(
            diploma_id="bts-ciel",
            total_pages=1,
            pages=1,
            annex_pages=0,
            annex_start=None,
            page_format="A4",
            largest_page_mm=(210, 297),
            page_formats={"A4": 1},
            sections=("conclusion",),
            section_starts={"conclusion": 1},
            section_pages={"conclusion": 1},
            parts={},
            english_documents=(),
            language_by_page={1: "fr"},
            headings_source="outline",
        )
        w.objects["report_deposit"] = ReportDeposit.objects.create(
            student=w.a.student,
            version=1,
            original_name="rapport.pdf",
            path=stored.path,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=w.a.student_user,
            analysis=analysis.as_json(),
        )
    return w.objects["report_deposit"]


def _receipt(w: World) -> Any:
    """A report of school A's student received and waiting for its analysis."""
    if "report_receipt" not in w.objects:
        from milieu.reports.models import ReportReceipt

        w.objects["report_receipt"] = ReportReceipt.objects.create(
            student=w.a.student,
            original_name="rapport.pdf",
            path="reports/en-attente.pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=w.a.student_user,
        )
    return w.objects["report_receipt"]


STUDENT: Kwargs = lambda w: {"pk": w.a.student.pk}  # noqa: E731

#                 an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
STUDENT_READ = row("302  200  200  200  200  404  200  404  404  404  404  200  404")
COHORT_READ = row("302  200  200  200  200  404  404  404  404  404  404  200  404")
# a teacher of the cohort corrects figures; an empty form (no reason) is a 400 with its message
CORRECT = row("302  403  403  403  400  404  403  404  404  404  404  403  404")
GONE = row("410  410  410  410  410  410  410  410  410  410  410  410  410")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "reports:deposit": (STUDENT, "get", STUDENT_READ),
    "reports:download": (
        lambda w: {"pk": w.a.student.pk, "deposit_pk": _deposit(w).pk},
        "get",
        STUDENT_READ,
    ),
    "reports:correct": (
        lambda w: {"pk": w.a.student.pk, "deposit_pk": _deposit(w).pk},
        "post",
        CORRECT,
    ),
    "reports:cohort": (lambda w: {"pk": w.a.cohort.pk}, "get", COHORT_READ),
    "reports:analysis": (
        lambda w: {"pk": w.a.student.pk, "receipt_pk": _receipt(w).pk},
        "get",
        STUDENT_READ,
    ),
    "reports:tutor_endorse": (
        lambda w: {"token": "inconnu", "deposit_pk": _deposit(w).pk},
        "post",
        GONE,
    ),
    "reports:tutor_download": (
        lambda w: {"token": "inconnu", "deposit_pk": _deposit(w).pk},
        "get",
        GONE,
    ),
}
