"""An iCalendar (RFC 5545) feed of a teacher's visits, written by hand.

Lines end with CRLF and are folded at 75 octets (§3.1); text values escape backslashes,
semicolons, commas and newlines (§3.3.11); times are in UTC (§3.3.5, form #2).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from milieu.visits.enums import VisitStatus
from milieu.visits.models import Visit

CRLF = "\r\n"
VISIT_LENGTH = timedelta(hours=1)


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a character."""
    chunks: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def visit_summary(visit: Visit) -> str:
    convention = visit.convention
    return f"Visite de stage : {convention.student.full_name} chez {convention.host.name}"


def visit_description(visit: Visit) -> str:
    period = visit.period
    return f"Période de stage du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}."


def visit_location(visit: Visit) -> str:
    host = visit.convention.site or visit.convention.host
    town = " ".join(part for part in (getattr(host, "postal_code", ""), host.city) if part)
    return ", ".join(part for part in (host.address, town) if part)


def calendar(visits: Iterable[Visit], *, domain: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Milieu//Visites de stage//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Mes visites de stage",
    ]
    for visit in visits:
        lines += [
            "BEGIN:VEVENT",
            f"UID:visite-{visit.pk}@{domain}",
            f"DTSTAMP:{utc(now)}",
            f"DTSTART:{utc(visit.planned_at)}",
            f"DTEND:{utc(visit.planned_at + VISIT_LENGTH)}",
            f"SUMMARY:{escape_text(visit_summary(visit))}",
            f"DESCRIPTION:{escape_text(visit_description(visit))}",
            "STATUS:" + ("CANCELLED" if visit.status == VisitStatus.CANCELLED else "CONFIRMED"),
        ]
        location = visit_location(visit)
        if location:
            lines.append(f"LOCATION:{escape_text(location)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
