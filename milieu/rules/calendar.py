"""The few calendar conventions every part of Milieu shares, defined once.

- The school year begins on 1 September: a day belongs to the school year named by the calendar
  year in which that year began (2026 for 2026-2027).
- The exam date, when the rectorat has not set one, is 1 June of the session (the contract's
  default, shared/spec/dossier.md).
- A stage works Monday to Friday unless its convention says otherwise (the contract's default
  `work_days`). The days' names are the contract's (`WEEKDAYS`, "mon" to "sun"); their French
  labels are `milieu.rules.workplace.DAY_LABELS`.

Pure Python, no Django.
"""

from __future__ import annotations

from datetime import date

SCHOOL_YEAR_FIRST_MONTH = 9
# The contract's names of the days, in the order of date.weekday() (0 = Monday).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WORK_DAY_NAMES: tuple[str, ...] = WEEKDAYS[:5]
DEFAULT_WORK_DAY_NUMBERS: tuple[int, ...] = tuple(range(5))  # date.weekday() of the names above


def school_year_of(day: date) -> int:
    """The calendar year in which the school year of `day` began (2026 for 2026-2027)."""
    return day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1


def default_exam_date(session: int) -> date:
    """The contract's exam date when the rectorat has set none: 1 June of the session."""
    return date(session, 6, 1)
