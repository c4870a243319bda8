"""Business operations on visits: plan, report, cancel.

Each is atomic, locks the visit row when it changes one, and checks the permission through
`milieu.permissions` (403 when refused). A step no longer possible raises `VisitRefused` with a
French reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention
from milieu.permissions import require
from milieu.visits.enums import VisitStatus
from milieu.visits.models import Visit


class VisitRefused(Exception):
    """The operation is not possible now; the message says why, in French."""


def visiting_teachers(convention: Convention) -> list[Any]:
    """Who may be sent: the cohort's teachers and the convention's referent."""
    teachers = list(convention.student.cohort.teachers.order_by("last_name", "first_name", "pk"))
    if convention.referent is not None and convention.referent not in teachers:
        teachers.append(convention.referent)
    return teachers


def plan_visit(convention: Convention, *, by: Any, teacher: Any, when: datetime) -> Visit:
    """Plan a visit of `teacher` to the host of `convention` at `when`."""
    require(by, "visit.plan", convention)
    if convention.status in (ConventionStatus.CANCELLED, ConventionStatus.FINISHED):
        raise VisitRefused(
            f"La convention est « {convention.get_status_display()} » : "
            "aucune visite ne peut plus être planifiée."
        )
    if teacher not in visiting_teachers(convention):
        raise VisitRefused(
            "L'enseignant choisi n'enseigne pas dans la classe de l'élève "
            "et n'est pas son référent."
        )
    with transaction.atomic():
        return Visit.objects.create(
            convention=convention, teacher=teacher, planned_at=when, planned_by=by
        )


def record_visit_report(
    visit: Visit, *, by: Any, seen: str, difficulties: str, actions: str
) -> Visit:
    """The visiting teacher writes (or corrects) the report: the visit is then done."""
    require(by, "visit.report", visit)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == VisitStatus.CANCELLED:
            raise VisitRefused("Cette visite a été annulée : elle ne reçoit pas de compte rendu.")
        locked.seen, locked.difficulties, locked.actions = seen, difficulties, actions
        locked.status = VisitStatus.DONE
        locked.reported_at = timezone.now()
        locked.save(update_fields=["seen", "difficulties", "actions", "status", "reported_at"])
    return locked


def cancel_visit(visit: Visit, *, by: Any, reason: str) -> Visit:
    """Cancel a planned visit, with its reason."""
    require(by, "visit.cancel", visit)
    if not reason.strip():
        raise VisitRefused("Indiquez le motif de l'annulation.")
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == VisitStatus.CANCELLED:
            raise VisitRefused("Action déjà effectuée : cette visite est déjà annulée.")
        if locked.status == VisitStatus.DONE:
            raise VisitRefused("Cette visite a eu lieu : elle ne peut plus être annulée.")
        locked.status = VisitStatus.CANCELLED
        locked.cancel_reason = reason.strip()
        locked.save(update_fields=["status", "cancel_reason"])
    return locked
