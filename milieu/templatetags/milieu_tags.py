from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from milieu.dossiers.checking import label_of
from milieu.dossiers.enums import SEVERITY_BADGES, Severity
from milieu.rules import references

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


_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@register.filter
def fr_date(value: Any) -> str:
    """A date the French way, « 31 mai 2027 » (« 1er mai 2027 »), from a date or an ISO string
    (the snapshots of signed documents keep their dates as ISO text)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if not isinstance(value, date):
        return str(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


@register.filter
def fr_number(value: Any) -> str:
    """A quantity the French way, without useless decimals: ``35``, ``7,5``, ``4,25``."""
    if value in (None, "") or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def finding_label(code: str) -> str:
    """A finding code in French words (« Durée de stage insuffisante »)."""
    return references.finding_label(str(code))


@register.filter
def ref_link(ref: Any) -> SafeString:
    """A verdict's ``ref`` as people read it, « Annexe BTS CIEL, §3 », linking to the paragraph
    quoted on the diploma's rules page; the raw text when no diploma cites it."""
    text = str(ref or "")
    found = references.read_reference(text)
    if found is None:
        return format_html("{}", text)
    url = reverse("regulation:diploma_detail", args=[found.diploma_id])
    return format_html(
        '<a href="{}#{}" data-ref="{}">{}</a>',
        url,
        paragraph_anchor(found.paragraph),
        text,
        found.label,
    )


@register.filter
def paragraph_anchor(paragraph: str) -> str:
    """The anchor of a quoted paragraph on the rules page: §B.3.b → ``paragraphe-B-3-b``."""
    return "paragraphe-" + "-".join(references.paragraph_key(paragraph))


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
