"""Display helpers of the convention screens: state badges, weekdays in French, short hashes."""

from __future__ import annotations

from typing import Any

from django import template

from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.forms import DAY_LABELS

register = template.Library()

S = ConventionStatus

_BADGES: dict[str, str] = {
    S.DRAFT: "",
    S.SUBMITTED: "fr-badge--info",
    S.VALIDATED: "fr-badge--new",
    S.APPROVED: "fr-badge--new",
    S.SIGNING: "fr-badge--warning",
    S.SIGNED: "fr-badge--success",
    S.IN_PROGRESS: "fr-badge--success",
    S.FINISHED: "fr-badge--success",
    S.CANCELLED: "fr-badge--error",
}

_SIGNATURE_BADGES: dict[str, str] = {
    SignatureState.PENDING: "fr-badge--warning",
    SignatureState.SIGNED: "fr-badge--success",
    SignatureState.REFUSED: "fr-badge--error",
}


@register.filter
def convention_badge(status: str | None) -> str:
    """The DSFR badge modifier of a convention state."""
    return _BADGES.get(status or "", "")


@register.filter
def convention_label(status: str | None) -> str:
    """The French label of a convention state ("" for the creation of the draft)."""
    if not status:
        return "Création"
    try:
        return str(S(status).label)
    except ValueError:
        return status


@register.filter
def signature_badge(state: str | None) -> str:
    return _SIGNATURE_BADGES.get(state or "", "")


@register.filter
def day_label(day: str) -> str:
    """ "mon" → "lundi"."""
    return DAY_LABELS.get(day, day)


@register.filter
def day_labels(days: list[str] | None) -> str:
    """["mon", "tue"] → "lundi, mardi"."""
    return ", ".join(DAY_LABELS.get(day, day) for day in days or [])


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def short_hash(value: str | None) -> str:
    return f"{value[:12]}…" if value else ""
