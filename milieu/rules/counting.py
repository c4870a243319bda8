"""Counting days and weeks as the contract says (shared/spec/dossier.md, "Counting the duration").

Weeks are kept exact as integer *units*: one presence day of a period that works `n` days a week
is worth UNITS_PER_WEEK // n units (420 is divisible by 1..7), so weeks = units / 420 with no
rounding error until the verdict prints them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date

from milieu.rules.parsing import Period, WorkCertificate

UNITS_PER_WEEK = 420


def units_of(periods: Sequence[Period]) -> int:
    """Presence of the periods in week units; days shared by several periods count once.

    Days shared by several periods count once, at the largest weight among them (so the order
    periods are listed in does not matter). A period's absences can only remove days that it
    alone covers: adding a period can then never lower the total.

    Counted by a sweep, weekday by weekday, over the periods' starts and ends: O(n log n) in the
    number of periods, whatever their length (a day-by-day count grew with the days covered).
    """
    if not periods:
        return 0
    if len(periods) == 1 or not any_overlap(periods):
        return sum(
            (p.scheduled_days - p.absence_days) * (UNITS_PER_WEEK // len(p.work_days))
            for p in periods
        )
    units = 0
    alone = [0] * len(periods)  # units each period covers with no other period that day
    for weekday in range(7):
        events: list[tuple[int, int, int]] = []
        for position, p in enumerate(periods):
            if weekday in p.work_days:
                events.append((p.start, 1, position))
                events.append((p.end + 1, -1, position))
        if not events:
            continue
        events.sort()
        active = 0
        position_sum = 0  # the position of the only active period when `active` is 1
        by_size = [0] * 8  # active periods by their number of work days (1..7)
        previous = events[0][0]
        for day, delta, position in events:
            if day > previous and active:
                days = weekdays_between(previous, day - 1, weekday)
                if days:
                    smallest = next(size for size in range(1, 8) if by_size[size])
                    units += days * (UNITS_PER_WEEK // smallest)
                    if active == 1:
                        alone[position_sum] += days * (UNITS_PER_WEEK // smallest)
            previous = day
            active += delta
            position_sum += delta * position
            by_size[len(periods[position].work_days)] += delta
    for position, p in enumerate(periods):
        if p.absence_days:
            weight = UNITS_PER_WEEK // len(p.work_days)
            units -= min(p.absence_days * weight, alone[position])
    return units


def weekdays_between(first: int, last: int, weekday: int) -> int:
    """How many days of [first, last] (ordinals, inclusive) fall on `weekday` (0 = Monday)."""
    if last < first:
        return 0
    # ordinal 1 (0001-01-01) is a Monday: day d falls on weekday (d - 1) % 7
    anchor = weekday + 1
    return (last - anchor) // 7 - (first - 1 - anchor) // 7


def any_overlap(periods: Iterable[Period]) -> bool:
    last_end = None
    for p in sorted(periods, key=_start):
        if last_end is not None and p.start <= last_end:
            return True
        last_end = p.end if last_end is None else max(last_end, p.end)
    return False


def overlap_count(periods: Sequence[Period]) -> int:
    """How many pairs of periods share at least one day, in O(n log n) (without listing them).

    In start order, a later period overlaps an earlier one exactly when it starts on or before
    the earlier one's end: a binary search counts them.
    """
    ordered = sorted(periods, key=_start)
    starts = [p.start for p in ordered]
    return sum(
        bisect_right(starts, a.end, lo=index + 1) - index - 1 for index, a in enumerate(ordered)
    )


def overlapping_pairs(
    periods: Sequence[Period], limit: int | None = None
) -> list[tuple[Period, Period]]:
    """The pairs of periods that share days, in start order, the first `limit` of them at most.

    Each pair is (lower index, higher index). The cost is O(n log n) plus the pairs returned.
    """
    pairs: list[tuple[Period, Period]] = []
    if limit is not None and limit <= 0:
        return pairs
    ordered = sorted(periods, key=_start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start > a.end:
                break
            pairs.append((a, b) if a.index < b.index else (b, a))
            if limit is not None and len(pairs) >= limit:
                return pairs
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


def merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The days the intervals cover, as sorted, disjoint, non-adjacent intervals."""
    result: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if result and a <= result[-1][1] + 1:
            if b > result[-1][1]:
                result[-1] = (result[-1][0], b)
        else:
            result.append((a, b))
    return result


def longest_free_runs(
    intervals: Iterable[tuple[int, int]], windows: Sequence[tuple[int, int]]
) -> list[int]:
    """`longest_free_run` for each window, the intervals sorted and merged once: O((n + w) log n)
    for n intervals and w windows, instead of a sort of every interval for every window."""
    cover = merged(intervals)
    ends = [b for _, b in cover]
    runs = []
    for low, high in windows:
        position = bisect_left(ends, low)  # the first interval that ends in or after the window
        nearby = []
        while position < len(cover) and cover[position][0] <= high:
            nearby.append(cover[position])
            position += 1
        runs.append(longest_free_run(nearby, low, high))
    return runs


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
    if day.year + years > date.max.year:
        # Beyond the calendar Python can write: one day after its last one is as good an end.
        return date.max.toordinal() + 1
    try:
        return day.replace(year=day.year + years).toordinal()
    except ValueError:
        return date(day.year + years, 3, 1).toordinal()
