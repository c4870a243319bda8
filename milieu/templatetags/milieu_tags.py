from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from milieu.dossiers.checking import label_of
from milieu.dossiers.enums import SEVERITY_BADGES, Severity

register = template.Library()


@register.filter
def weeks(value: Any) -> str:
    """A number of weeks the French way: ``7``, ``7,5``, ``3,6``."""
    if value is None or isinstance(value, bool):
        return ""
    try:
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return str(value)
    return text.replace(".", ",")


@register.filter
def severity_label(value: str) -> str:
    return label_of(Severity, value)


@register.filter
def severity_badge(value: str) -> str:
    return SEVERITY_BADGES.get(value, "")


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, prefix: str, unless: str = "") -> SafeString:
    """``aria-current="page"`` on the menu link of the section the page belongs to.

    ``unless`` names a sub-section with its own menu link (``/organismes/tuteurs/``).
    """
    request = context.get("request")
    path = getattr(request, "path", "")
    current = path == "/" if prefix == "/" else bool(prefix) and path.startswith(prefix)
    if unless and path.startswith(unless):
        current = False
    return mark_safe('aria-current="page"') if current else mark_safe("")
