"""Display of identifiers the French way: SIRET in groups of 3-3-3-5, SIREN 3-3-3."""

from __future__ import annotations

from django import template

from milieu.hosts.countries import country_name as _country_name

register = template.Library()


@register.filter
def siret(value: str) -> str:
    """``12345678900012`` → ``123 456 789 00012``; anything else unchanged."""
    text = str(value or "")
    if len(text) == 14 and text.isdigit():
        return f"{text[0:3]} {text[3:6]} {text[6:9]} {text[9:]}"
    return text


@register.filter
def siren(value: str) -> str:
    """The SIREN of a SIRET, ``123 456 789``."""
    text = str(value or "")[:9]
    if len(text) == 9 and text.isdigit():
        return f"{text[0:3]} {text[3:6]} {text[6:9]}"
    return text


@register.filter
def country_name(code: str) -> str:
    return _country_name(str(code or ""))
