"""Helpers for the hand-written DSFR form markup (``milieu/forms/_field.html``)."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def describedby(field: BoundField) -> str:
    """The ``aria-describedby`` of a field: its help text (Django's id) and its error message."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)
