"""The duration completed against the duration required (contract v1.1, "Counting the duration"),
and the one conversion of days into weeks that every part of Milieu uses.

The contract (``shared/spec/dossier.md``, "Counting the duration"): "A period's presence days are
the days from `start` to `end` inclusive whose weekday is in `work_days`, minus `absence_days`.
Weeks = presence days ÷ number of `work_days` (5 by default), as a decimal" and, in the verdict,
"`weeks_completed` rounded to 2 decimals". `weeks_from_days` is that, once: an exact decimal
quotient rounded half up to the hundredth. The engine (in week units, `weeks_from_units`) uses
it; the attendance figures and certificates (`milieu.followup`) are to call it too.

(No tie can occur: units are whole and a week is 420 of them, so a quotient is never exactly
halfway between two hundredths; the float rounding the engine used gave the same figures.)
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from milieu.rules.calendar import DEFAULT_WORK_DAY_NUMBERS
from milieu.rules.counting import UNITS_PER_WEEK
from milieu.rules.judgement import Judgement
from milieu.rules.output import fr_number, json_number

HUNDREDTH = Decimal("0.01")
_UNITS_PER_WEEK = Decimal(UNITS_PER_WEEK)


def weeks_from_days(days: int, work_days_per_week: int = len(DEFAULT_WORK_DAY_NUMBERS)) -> Decimal:
    """Presence days as weeks, to the hundredth, half up (14 days of a 5-day week: 2.80)."""
    return (Decimal(days) / Decimal(work_days_per_week)).quantize(HUNDREDTH, ROUND_HALF_UP)


def weeks_from_units(units: int) -> Decimal:
    """Week units (`milieu.rules.counting`, 420 a week) as weeks, rounded as `weeks_from_days`."""
    return (Decimal(units) / _UNITS_PER_WEEK).quantize(HUNDREDTH, ROUND_HALF_UP)


@functools.lru_cache(maxsize=4096)  # a few totals recur (whole weeks); asked for every dossier
def weeks_figure(units: int) -> float:
    """`weeks_from_units` as the verdict's JSON number (`weeks_completed`: 12.0, 7.6)."""
    return float(weeks_from_units(units))


def judge_duration(
    j: Judgement,
    weeks_min: float,
    weeks_max: float | None,
    completed_units: int,
    projected_units: int,
    has_unfinished: bool,
) -> None:
    duration = j.firsts.get("duration")
    assert duration is not None
    partial_rule = j.firsts.get("partial")
    partial = partial_rule is not None and any(g.kind == "partial" for g in j.valid_derogations)
    completed = completed_units / UNITS_PER_WEEK
    if completed_units < weeks_min * UNITS_PER_WEEK and not (
        has_unfinished and projected_units >= weeks_min * UNITS_PER_WEEK
    ):
        message = f"{fr_number(completed)} semaine{'s' if completed >= 2 else ''} effectuée{'s' if completed >= 2 else ''} sur {fr_number(weeks_min)} requise{'s' if weeks_min >= 2 else ''}"
        if has_unfinished:
            message += (
                f" ({fr_number(projected_units / UNITS_PER_WEEK)} en comptant les périodes prévues)"
            )
        if partial:
            message += " ; stage partiel autorisé par le recteur, le jury en sera informé"
        j.add(
            "DURATION_BELOW_MINIMUM",
            duration,
            message,
            severity="warning" if partial else None,
            detail={
                "weeks_completed": weeks_figure(completed_units),
                "weeks_min": json_number(weeks_min),
            },
        )
    if weeks_max is not None and completed_units > weeks_max * UNITS_PER_WEEK:
        j.add(
            "DURATION_ABOVE_MAXIMUM",
            duration,
            f"{fr_number(completed)} semaines effectuées pour {fr_number(weeks_max)} au plus",
            severity=duration.params.get("above_severity", "warning"),
            detail={
                "weeks_completed": weeks_figure(completed_units),
                "weeks_max": json_number(weeks_max),
            },
        )
    if partial and partial_rule is not None:
        j.add(
            "PARTIAL_STAGE_AUTHORISED",
            partial_rule,
            "Le recteur autorise le candidat à se présenter après un stage partiel ; le jury doit en être informé",
        )
