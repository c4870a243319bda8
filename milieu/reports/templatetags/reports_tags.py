"""The tutor's report section, for the tutor's page (``milieu/followup``):

    {% load reports_tags %}{% tutor_report_section access token %}

shows the latest version of the intern's report, its conformity summary and, where the
catalogue's rules ask for the host's visa, the "Viser le rapport" form (posted to
``reports:tutor_endorse``, which sends the tutor back to their page).
"""

from __future__ import annotations

from typing import Any

from django import template

from milieu.reports.analysis import ReportAnalysis
from milieu.reports.conformity import REPORT_CODE_LABELS
from milieu.reports.models import ReportDeadline
from milieu.reports.operations import expectation_of, latest_deposit
from milieu.reports.queries import report_summary, today

register = template.Library()


@register.inclusion_tag("reports/_tutor_section.html")
def tutor_report_section(access: Any, token: str) -> dict[str, Any]:
    convention = access.convention
    student = convention.student
    expect = expectation_of(student)
    context: dict[str, Any] = {
        "access": access,
        "token": token,
        "student": student,
        "expect": expect,
        "tutor_name": str(convention.tutor) if convention.tutor_id else "",
    }
    if not expect.expected:
        return context
    deposit = latest_deposit(student.pk)
    deadline = (
        ReportDeadline.objects.filter(cohort_id=student.cohort_id)
        .values_list("deadline", flat=True)
        .first()
    )
    findings, error = report_summary(student, student.cohort, expect, deposit, deadline, today())
    context.update(
        {
            "deposit": deposit,
            "endorsement": getattr(deposit, "endorsement", None) if deposit else None,
            "analysis": ReportAnalysis.from_json(deposit.analysis) if deposit else None,
            "required": expect.required_sections(),
            "codes": [
                (f["code"], REPORT_CODE_LABELS.get(f["code"], f["code"]), f["severity"])
                for f in findings
            ],
            "error": error,
        }
    )
    return context
