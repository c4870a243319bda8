"""French formats for what people read (pages, PDFs, e-mails): pure functions, also template
filters (`milieu_tags`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

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


def weeks(value: Any) -> str:
    """A number of weeks the French way: ``7``, ``7,5``, ``3,6``."""
    if value is None or isinstance(value, bool):
        return ""
    try:
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    except (TypeError, ValueError):
        return str(value)
    return text.replace(".", ",")


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
