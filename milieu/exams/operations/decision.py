"""The recteur's decision granting a derogation: a PDF rendered once, when granted."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from milieu.conventions.documents import render_pdf
from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.models import DerogationDecision, DerogationRequest
from milieu.exams.operations.refusals import ExamsRefused
from milieu.exams.options import derogation_options
from milieu.people.models import User


def decision_context(request: DerogationRequest, by: User) -> dict[str, Any]:
    """What the decision says, frozen at the moment it is granted."""
    student = request.student
    cohort = student.cohort
    school = cohort.establishment
    options = derogation_options(student)
    option = options.kinds.get(request.kind)
    diploma = options.diploma
    return {
        "request": request,
        "student": student,
        "cohort": cohort,
        "school": school,
        "academie": school.academie,
        "diploma_title": diploma.title if diploma else cohort.diploma,
        "rule": option.rule if option else None,
        "source": options.cite(option.rule) if option else "",
        "decided_on": timezone.localdate(),
        "delegate": by.get_full_name() or by.email,
        "halved": bool(
            request.kind == DerogationKind.DISPENSE
            and options.units
            and set(request.units) != set(options.units)
        ),
        "reason_label": DerogationReason(request.reason).label,
    }


def issue_decision(request: DerogationRequest, by: User) -> DerogationDecision:
    if DerogationDecision.objects.filter(request=request).exists():
        raise ExamsRefused("La décision de cette demande est déjà délivrée.")
    pdf = render_pdf("exams/pdf/decision.html", decision_context(request, by))
    return DerogationDecision.objects.create(request=request, content=pdf)
