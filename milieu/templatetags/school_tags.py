"""Small display helpers of the school screens (host choice statuses)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from milieu.hosts.enums import PlacementStatus

register = template.Library()

_BADGES: dict[str, str] = {
    PlacementStatus.PROPOSED: "fr-badge--info",
    PlacementStatus.VALIDATED: "fr-badge--new",
    PlacementStatus.ARRETE: "fr-badge--success",
    PlacementStatus.REJECTED: "fr-badge--error",
    PlacementStatus.WITHDRAWN: "",
}


@register.filter
def placement_badge(status: str | None) -> str:
    """The DSFR badge modifier of a host-choice status (none: no choice yet)."""
    if not status:
        return "fr-badge--warning"
    if status == "convention":
        return "fr-badge--success"
    return _BADGES.get(status, "")


@register.filter
def placement_label(status: str | None) -> str:
    if not status:
        return "Aucun organisme"
    if status == "convention":
        return "Remplacé par la convention"
    try:
        return str(PlacementStatus(status).label)
    except ValueError:
        return status


@register.filter
def is_minor_on(student: Any, day: date) -> bool:
    """Minority is derived from the birth date on the given day (`Student.is_minor_on`)."""
    return bool(student.is_minor_on(day))


@register.filter
def age_on(student: Any, day: date) -> int:
    return int(student.age_on(day))
