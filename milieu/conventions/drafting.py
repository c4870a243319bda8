"""Editing a draft convention: its fields and its periods, while nobody has validated it yet.

`create_convention` (operations) opens a draft; `update_convention` changes it. Both go through
`milieu.permissions`; an edit after the draft has left (submitted, validated…) is refused
politely, since the pedagogical team may already be reading it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.flow import ConventionRefused, add_periods
from milieu.conventions.models import Convention
from milieu.people.models import User
from milieu.permissions import Action, require

EDITABLE_FIELDS = frozenset(
    {
        "host",
        "site",
        "tutor",
        "referent",
        "placement",
        "host_signatory_name",
        "host_signatory_position",
        "host_signatory_email",
        "tutor_signs",
        "work_days",
        "timetable",
        "weekly_hours",
        "gratification_hourly",
        "objectives",
        "activities",
        "competencies",
        "annex_items",
        "follow_up",
        "evaluation_terms",
        "accident_insurance",
        "liability_insurance",
        "foreign_law_adaptations",
        "embassy_notified_on",
        "meals",
        "lodging",
        "transport",
        "insurance_costs",
    }
)


def update_convention(
    convention: Convention,
    *,
    by: User,
    periods: list[tuple[date, date]],
    **fields: Any,
) -> Convention:
    """Change a draft: its fields and its periods (replaced as a whole)."""
    require(by, Action.CONVENTION_CHANGE, convention)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if not periods:
        raise ConventionRefused(["Indiquez au moins une période."])
    for start, end in periods:
        if end < start:
            raise ConventionRefused([f"La période du {start:%d/%m/%Y} finit avant de commencer."])
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        if locked.status != ConventionStatus.DRAFT:
            raise ConventionRefused(
                [
                    "La convention n'est plus modifiable : elle est "
                    f"« {locked.get_status_display()} »."
                ]
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        locked.periods.filter(active=True).delete()
        add_periods(locked, periods)
    convention.refresh_from_db()
    return convention
