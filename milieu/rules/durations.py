"""The duration completed against the duration required (contract v1.1, "Counting the duration")."""

from __future__ import annotations

from milieu.rules.counting import UNITS_PER_WEEK
from milieu.rules.judgement import Judgement
from milieu.rules.output import fr_number, json_number


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
                "weeks_completed": round(completed, 2),
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
                "weeks_completed": round(completed, 2),
                "weeks_max": json_number(weeks_max),
            },
        )
    if partial and partial_rule is not None:
        j.add(
            "PARTIAL_STAGE_AUTHORISED",
            partial_rule,
            "Le recteur autorise le candidat à se présenter après un stage partiel ; le jury doit en être informé",
        )
