"""Weeks from days, the one conversion (`milieu.rules.durations`, contract "Counting the duration")."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from milieu.rules.counting import UNITS_PER_WEEK
from milieu.rules.durations import weeks_figure, weeks_from_days, weeks_from_units


def test_presence_days_over_the_work_days_to_the_hundredth() -> None:
    assert weeks_from_days(15) == Decimal("3.00")
    assert weeks_from_days(14) == Decimal("2.80")
    assert weeks_from_days(1, 3) == Decimal("0.33")
    assert weeks_from_days(2, 3) == Decimal("0.67")  # half up, never truncated
    assert weeks_from_days(0) == Decimal("0.00")


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=7))
def test_days_and_week_units_give_the_same_weeks(days: int, per_week: int) -> None:
    units = days * (UNITS_PER_WEEK // per_week)
    assert weeks_from_days(days, per_week) == weeks_from_units(units)


@given(st.integers(min_value=0, max_value=10**7))
def test_the_verdict_figures_are_those_the_float_rounding_gave(units: int) -> None:
    assert weeks_figure(units) == float(weeks_from_units(units)) == round(units / UNITS_PER_WEEK, 2)
