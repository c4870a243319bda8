"""The student page's derogation block: ``{% load exams_tags %}{% student_derogations student %}``.

It lists the requests of the student the user may see and offers a new request when
`milieu.permissions` allows it; the students app's view stays unaware of this app."""

from __future__ import annotations

from typing import Any

from django import template

from milieu.exams.conformity import latest_conformity
from milieu.exams.enums import STATUS_BADGES
from milieu.exams.queries import visible_derogations
from milieu.permissions import Action, can
from milieu.rules.references import CONFORMITY_PRONOUNCED

register = template.Library()


@register.inclusion_tag("exams/_student_derogations.html", takes_context=True)
def student_derogations(context: template.Context, student: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    may_request = can(user, Action.DEROGATION_REQUEST, student)
    rows = []
    if user is not None and (may_request or can(user, Action.DEROGATION_LIST)):
        rows = [
            (item, STATUS_BADGES.get(item.status, ""))
            for item in visible_derogations(user)
            .filter(student=student)
            .order_by("-created_at", "-pk")
        ]
    return {"student": student, "rows": rows, "may_request": may_request}


@register.inclusion_tag("exams/_student_conformity.html", takes_context=True)
def student_conformity(context: template.Context, student: Any) -> dict[str, Any]:
    """The exam service's latest pronouncement on the report (seed 001 §4), for the diplomas
    whose conformity it pronounces; the exam service gets the link to pronounce (one query,
    none for another diploma)."""
    if str(student.cohort.diploma) not in CONFORMITY_PRONOUNCED:
        return {"shown": False}
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "shown": True,
        "student": student,
        "decision": latest_conformity(student),
        "may_pronounce": can(user, Action.REPORT_CONFORMITY_PRONOUNCE, student),
    }
