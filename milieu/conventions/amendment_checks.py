"""What an avenant's new values must satisfy before it is created: readable timetables,
periods that neither overlap each other nor another convention of the student. Each reason is
French, for the person who typed them."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Any

from milieu.conventions.amendment_documents import DAY_LABELS, fr_date
from milieu.conventions.calendar import WEEKDAYS, minutes, weekly_minutes
from milieu.conventions.enums import OPEN_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def timetable_reasons(timetable: dict[str, Any]) -> list[str]:
    reasons = []
    for day, spans in timetable.items():
        if day not in WEEKDAYS:
            reasons.append(f"Jour inconnu dans les horaires : « {day} ».")
            continue
        ordered = []
        for span in spans:
            if (
                not isinstance(span, list | tuple)
                or len(span) != 2
                or not all(isinstance(t, str) and HHMM.match(t) for t in span)
            ):
                reasons.append(f"Horaire illisible le {DAY_LABELS[day]} : écrivez 08:30–12:00.")
                continue
            if minutes(span[1]) <= minutes(span[0]):
                reasons.append(
                    f"Le {DAY_LABELS[day]}, la plage {span[0]}–{span[1]} finit avant de commencer."
                )
            ordered.append((minutes(span[0]), minutes(span[1])))
        ordered.sort()
        if any(b[0] < a[1] for a, b in pairwise(ordered)):
            reasons.append(f"Le {DAY_LABELS[day]}, deux plages horaires se chevauchent.")
    if not reasons and weekly_minutes(timetable) == 0:
        reasons.append("Les nouveaux horaires ne comportent aucune plage de travail.")
    return reasons


def period_reasons(convention: Convention, periods: list[tuple[date, date]]) -> list[str]:
    if not periods:
        return ["Indiquez au moins une période."]
    reasons = [
        f"La période du {fr_date(s)} au {fr_date(e)} finit avant de commencer."
        for s, e in periods
        if e < s
    ]
    ordered = sorted(periods)
    for (s1, e1), (s2, e2) in pairwise(ordered):
        if s2 <= e1:
            reasons.append(
                f"Les périodes du {fr_date(s1)} au {fr_date(e1)} et du {fr_date(s2)} au {fr_date(e2)} se chevauchent."
            )
    for start, end in ordered:
        clash = (
            ConventionPeriod.objects.filter(
                student_id=convention.student_id, active=True, start__lte=end, end__gte=start
            )
            .exclude(convention=convention)
            .filter(convention__status__in=list(OPEN_STATUSES))
            .first()
        )
        if clash is not None:
            reasons.append(
                f"La période du {fr_date(start)} au {fr_date(end)} chevauche la période {clash} de la "
                f"convention n° {clash.convention_id} : un élève ne peut être en stage à deux "
                "endroits à la fois."
            )
    return reasons


def same_timetable(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def norm(t: dict[str, Any]) -> dict[str, list[list[str]]]:
        return {d: [list(s) for s in spans] for d, spans in t.items() if spans}

    return norm(a) == norm(b)
