"""The shared calendar conventions (`milieu.rules.calendar`)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from milieu.rules.calendar import (
    DEFAULT_WORK_DAY_NAMES,
    DEFAULT_WORK_DAY_NUMBERS,
    default_exam_date,
    school_year_of,
)
from milieu.rules.workplace import WEEKDAYS

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(days)
def test_a_school_year_runs_from_1_september_to_31_august(day: date) -> None:
    year = school_year_of(day)
    assert date(year, 9, 1) <= day <= date(year + 1, 8, 31)


@given(days)
def test_the_next_day_stays_in_the_year_or_opens_the_next_on_1_september(day: date) -> None:
    following = day + timedelta(days=1)
    expected = school_year_of(day) + (1 if (following.month, following.day) == (9, 1) else 0)
    assert school_year_of(following) == expected


def test_the_default_exam_date_is_1_june_of_the_session() -> None:
    assert default_exam_date(2027) == date(2027, 6, 1)


def test_the_default_work_days_are_monday_to_friday_by_name_and_number() -> None:
    assert [WEEKDAYS[n] for n in DEFAULT_WORK_DAY_NUMBERS] == list(DEFAULT_WORK_DAY_NAMES)
    assert DEFAULT_WORK_DAY_NAMES == ("mon", "tue", "wed", "thu", "fri")
