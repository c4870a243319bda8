from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from milieu.checker.checking import label_of
from milieu.checker.enums import SEVERITY_BADGES, Severity
from milieu.formats import fr_date, fr_number, weeks
from milieu.rules import references

register = template.Library()

register.filter("weeks", weeks)
register.filter("fr_date", fr_date)
register.filter("fr_number", fr_number)


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
