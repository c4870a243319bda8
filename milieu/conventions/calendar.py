"""Hours and days of a convention: timetables, public holidays, school years.

Public holidays follow the place of the stay: France (with Alsace-Moselle's two extra days in the
Bas-Rhin, Haut-Rhin and Moselle, and each overseas département's own days), or the host's
country for a stay abroad.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import holidays

# the timetable arithmetic lives with the law it serves; imported from here by the conventions app
from milieu.rules.calendar import school_year_of as school_year_of
from milieu.rules.workplace import DAY_LABELS as DAY_LABELS
from milieu.rules.workplace import WEEKDAYS as WEEKDAYS
from milieu.rules.workplace import daily_minutes as daily_minutes
from milieu.rules.workplace import minutes as minutes
from milieu.rules.workplace import span_minutes as span_minutes
from milieu.rules.workplace import weekly_minutes as weekly_minutes


def subdivision_for(postal_code: str) -> str | None:
    """The `holidays` subdivision of a French postal code (Alsace-Moselle, overseas)."""
    code = postal_code.strip()
    if code[:2] in ("67", "68"):
        return "6AE"
    if code[:2] == "57":
        return "57"
    if code[:3] in ("971", "972", "973", "974", "976"):
        return code[:3]
    return None


@functools.lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except (NotImplementedError, KeyError):
        return frozenset()
    return frozenset(calendar)


def public_holidays(country: str, postal_code: str, start: date, end: date) -> list[date]:
    subdivision = subdivision_for(postal_code) if country == "FR" else None
    found: list[date] = []
    for year in range(start.year, end.year + 1):
        found.extend(d for d in _holidays(country, subdivision, year) if start <= d <= end)
    return sorted(found)


def days(start: date, end: date) -> Iterator[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def presence_days(
    periods: Iterable[tuple[date, date]], work_days: Iterable[str], holidays_: Iterable[date]
) -> int:
    """Days on which the intern is present: work days of the periods, public holidays excluded
    (domain.md: where hours matter, public holidays are not presence)."""
    wanted = {WEEKDAYS.index(d) for d in work_days}
    off = set(holidays_)
    seen: set[date] = set()
    for start, end in periods:
        for day in days(start, end):
            if day.weekday() in wanted and day not in off:
                seen.add(day)
    return len(seen)
