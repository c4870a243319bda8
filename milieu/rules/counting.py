"""Counting days and weeks as the contract says (shared/spec/dossier.md, "Counting the duration").

Weeks are kept exact as integer *units*: one presence day of a period that works `n` days a week
is worth UNITS_PER_WEEK // n units (420 is divisible by 1..7), so weeks = units / 420 with no
rounding error until the verdict prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from milieu.rules.dossier import Period, WorkCertificate

UNITS_PER_WEEK = 420


def units_of(periods: Sequence[Period]) -> int:
    """Presence of the periods in week units; days shared by several periods count once."""
    if not periods:
        return 0
    if len(periods) == 1 or not any_overlap(periods):
        return sum(
            (p.scheduled_days - p.absence_days) * (UNITS_PER_WEEK // len(p.work_days))
            for p in periods
        )
    # Days shared by several periods count once, at the largest weight among them (so the order
    # periods are listed in does not matter). A period's absences can only remove days that it
    # alone covers: adding a period can then never lower the total.
    cover: dict[int, list[int]] = {}
    for p in periods:
        weight = UNITS_PER_WEEK // len(p.work_days)
        work_days = p.work_days
        for day in range(p.start, p.end + 1):
            if (day - 1) % 7 in work_days:
                entry = cover.get(day)
                if entry is None:
                    cover[day] = [1, weight]
                else:
                    entry[0] += 1
                    entry[1] = max(entry[1], weight)
    units = sum(entry[1] for entry in cover.values())
    for p in periods:
        if not p.absence_days:
            continue
        weight = UNITS_PER_WEEK // len(p.work_days)
        alone = sum(
            weight
            for day in range(p.start, p.end + 1)
            if (day - 1) % 7 in p.work_days and cover[day][0] == 1
        )
        units -= min(p.absence_days * weight, alone)
    return units


def any_overlap(periods: Iterable[Period]) -> bool:
    last_end = None
    for p in sorted(periods, key=_start):
        if last_end is not None and p.start <= last_end:
            return True
        last_end = p.end if last_end is None else max(last_end, p.end)
    return False


def overlapping_pairs(periods: Sequence[Period]) -> list[tuple[Period, Period]]:
    pairs = []
    ordered = sorted(periods, key=_start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start > a.end:
                break
            pairs.append((a, b) if a.index < b.index else (b, a))
    return pairs


def _start(p: Period) -> int:
    return p.start


def covered_days(intervals: Iterable[tuple[int, int]], low: int, high: int) -> int:
    """How many days of [low, high] (ordinals, inclusive) at least one interval covers."""
    clipped = sorted((max(a, low), min(b, high)) for a, b in intervals if b >= low and a <= high)
    total = 0
    current_start = current_end = None
    for a, b in clipped:
        if current_end is None or a > current_end + 1:
            if current_end is not None and current_start is not None:
                total += current_end - current_start + 1
            current_start, current_end = a, b
        elif b > current_end:
            current_end = b
    if current_end is not None and current_start is not None:
        total += current_end - current_start + 1
    return total


def longest_free_run(intervals: Iterable[tuple[int, int]], low: int, high: int) -> int:
    """The longest run of consecutive days of [low, high] that no interval covers."""
    clipped = sorted((max(a, low), min(b, high)) for a, b in intervals if b >= low and a <= high)
    longest = 0
    cursor = low  # first day not yet known to be covered
    for a, b in clipped:
        if a > cursor:
            longest = max(longest, a - cursor)
        cursor = max(cursor, b + 1)
    if high + 1 > cursor:
        longest = max(longest, high + 1 - cursor)
    return longest


def work_experience_days(
    certificates: Sequence[WorkCertificate], exam_date: int, window: int, full_time_only: bool
) -> int:
    """Days of the `window` days before `exam_date` covered by in-sector work certificates."""
    return covered_days(
        (
            (c.start, c.end)
            for c in certificates
            if c.in_sector and (c.full_time or not full_time_only)
        ),
        exam_date - window,
        exam_date - 1,
    )


def anniversary(ordinal: int, years: int = 1) -> int:
    """The same calendar day `years` later (29 February becomes 1 March)."""
    day = date.fromordinal(ordinal)
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:
        return date(day.year + years, 3, 1).toordinal()
