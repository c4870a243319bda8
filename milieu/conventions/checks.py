"""What must be true before a convention is approved, and what deserves a warning.

The diploma's rules come from the engine (`milieu.rules.judge` on the student's dossier with
this convention's periods planned): nothing here re-implements a seed rule. Around them, the law
every convention obeys (domain.md): no two stages at once, minors' working time, gratification
beyond 308 hours with one host in a school year, at most 6 months with one host, host quotas and
interns per tutor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from milieu.conventions.calendar import (
    WEEKDAYS,
    presence_days,
    public_holidays,
    school_year_of,
    weekly_minutes,
)
from milieu.conventions.enums import OPEN_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.rules import get_catalogue, judge
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
from milieu.rules.workplace import (
    Breach,
    get_law,
    host_quota_breach,
    host_year_breaches,
    minor_holiday_breach,
    minor_timetable_breaches,
    tutor_breach,
)

ENGINE_CODES = {
    "FIRST_YEAR_BLOCK_MISSING",
    "SUMMER_REST_NOT_RESPECTED",
    "DURATION_ABOVE_MAXIMUM",
    "PHASES_NOT_AS_RECOMMENDED",
}

# Decision (issue 11; seed 002 §B.1): « Ces périodes peuvent être prolongées pendant les vacances
# scolaires sous réserve du respect d'une période de 4 semaines consécutives de repos, pendant les
# vacances d'été. » The engine judges the dossier with a warning (the days done still count), but
# a convention whose periods would break the rest is not approved: the condition is put on the
# periods the convention organises. The rule itself stays in the engine (`judge`), read here.
BLOCKING_ENGINE_CODES = {"SUMMER_REST_NOT_RESPECTED"}

BLOCKING_ENGINE_PREFIX = {
    "SUMMER_REST_NOT_RESPECTED": (
        "Repos estival non respecté ({ref} : les périodes ne se prolongent pendant les vacances "
        "« sous réserve du respect d'une période de 4 semaines consécutives de repos, pendant "
        "les vacances d'été ») : "
    ),
}


ENGINE_SEVERITY_LABELS = {"info": "Information", "warning": "Avertissement", "blocking": "Bloquant"}


@dataclass(frozen=True)
class Problem:
    """One finding of the checks. `blocking`: it stops the head's approval of the convention.
    `severity`: for a finding of the engine, its severity exactly as the engine gives it (shown
    beside the convention's own decision when the two differ: `BLOCKING_ENGINE_CODES`)."""

    code: str
    blocking: bool
    message: str
    ref: str = ""
    severity: str = ""

    @property
    def engine_severity_label(self) -> str:
        """The engine's own severity in French when the convention treats the finding otherwise
        (« Avertissement » for a warning that stops the approval), else ""."""
        if not self.severity or (self.severity == "blocking") == self.blocking:
            return ""
        return ENGINE_SEVERITY_LABELS.get(self.severity, self.severity)


def _periods(convention: Convention) -> list[ConventionPeriod]:
    return list(convention.periods.filter(active=True).order_by("start"))


def _work_days(convention: Convention) -> list[str]:
    return list(convention.work_days or DEFAULT_WORK_DAY_NAMES)


def check_convention(convention: Convention) -> list[Problem]:
    """Every problem, blocking first; an empty list means the convention may be approved."""
    problems: list[Problem] = []
    periods = _periods(convention)
    if not periods:
        return [Problem("NO_PERIOD", True, "La convention ne comporte aucune période.")]
    problems += _overlaps(convention, periods)
    problems += _engine(convention, periods)
    problems += _abroad(convention)
    problems += _timetable(convention)
    if convention.student.is_minor_on(periods[0].start):
        problems += _minors(convention, periods)
    problems += _hours_with_host(convention, periods)
    problems += _quotas(convention, periods)
    return sorted(problems, key=lambda p: not p.blocking)


def _overlaps(convention: Convention, periods: list[ConventionPeriod]) -> list[Problem]:
    found = []
    for period in periods:
        clash = (
            ConventionPeriod.objects.filter(
                student=convention.student,
                active=True,
                start__lte=period.end,
                end__gte=period.start,
            )
            .exclude(convention=convention)
            .filter(convention__status__in=list(OPEN_STATUSES))
            .select_related("convention")
            .first()
        )
        if clash:
            found.append(
                Problem(
                    "PERIODS_OVERLAP",
                    True,
                    f"La période {period} chevauche la période {clash} de la convention n° {clash.convention_id} : "
                    "un élève ne peut être en stage à deux endroits à la fois.",
                )
            )
    return found


DossierBuilder = Callable[..., dict[str, Any]]
_dossier_builder: list[DossierBuilder] = []


def use_dossier_builder(builder: DossierBuilder) -> None:
    """Receive the function that builds a student's dossier (`milieu.exams.assembly.build_dossier`,
    given by the exams app when it is ready): the exams app sits above this one, which therefore
    does not import it."""
    _dossier_builder[:] = [builder]


def planned_dossier(convention: Convention, periods: list[ConventionPeriod]) -> dict[str, Any]:
    """The student's dossier with this convention's periods planned, judged at the training start."""
    if not _dossier_builder:
        raise RuntimeError("no dossier builder: the exams app is not installed")
    cohort = convention.student.cohort
    dossier = _dossier_builder[0](convention.student, as_of=cohort.training_start)
    others = [
        (p.start, p.end)
        for p in ConventionPeriod.objects.filter(
            student=convention.student, active=True, convention__status__in=list(OPEN_STATUSES)
        ).exclude(convention=convention)
    ]
    spans = sorted(set(others + [(p.start, p.end) for p in periods]))
    dossier["periods"] = [
        {"start": s.isoformat(), "end": e.isoformat(), "work_days": _work_days(convention)}
        for s, e in spans
    ]
    return dossier


def _engine(convention: Convention, periods: list[ConventionPeriod]) -> list[Problem]:
    verdict = judge(planned_dossier(convention, periods))
    if "error" in verdict:
        return [
            Problem(
                "DOSSIER_ERROR", True, f"Dossier impossible à juger : {verdict['error']['message']}"
            )
        ]
    return [
        Problem(
            f["code"],
            f["code"] in BLOCKING_ENGINE_CODES,
            BLOCKING_ENGINE_PREFIX.get(f["code"], "").format(ref=_cited(convention, f["ref"]))
            + f["message"],
            f["ref"],
            severity=f["severity"],
        )
        for f in verdict["findings"]
        if f["code"] in ENGINE_CODES
    ]


def _cited(convention: Convention, ref: str) -> str:
    """« annexe BTS CCST, §B.1 » for the engine's reference « 002_….txt §B.1 »."""
    diploma = get_catalogue().get(convention.student.cohort.diploma)
    paragraph = ref.rsplit(" ", 1)[-1]
    return f"{diploma.short}, {paragraph}" if diploma else paragraph


def _abroad(convention: Convention) -> list[Problem]:
    """A stay abroad (seeds 001 and 003 §2.1.1): the convention « peut être adaptée pour tenir
    compte des contraintes imposées par la législation du pays d'accueil », and the stage is under
    the control of the embassy's cultural service. Decision: before approval, every convention
    abroad states its adaptations (« aucune » is an answer) and the day the embassy's service was
    told; the paragraph is cited where the diploma's text says it (catalogue `abroad_terms_ref`)."""
    if not convention.abroad:
        return []
    diploma = get_catalogue().get(convention.student.cohort.diploma)
    paragraph = str(diploma.extra.get("abroad_terms_ref", "")) if diploma else ""
    cited = f" ({diploma.short}, {paragraph})" if diploma and paragraph else ""
    country = convention.host.country
    found = []
    if not convention.foreign_law_adaptations.strip():
        found.append(
            Problem(
                "ABROAD_ADAPTATIONS_MISSING",
                True,
                f"Stage à l'étranger ({country}){cited} : indiquez ce que la convention adapte au "
                "droit du pays d'accueil (ou qu'elle n'adapte rien).",
            )
        )
    if convention.embassy_notified_on is None:
        found.append(
            Problem(
                "EMBASSY_NOT_NOTIFIED",
                True,
                f"Stage à l'étranger ({country}){cited} : indiquez le jour où le service de "
                "coopération et d'action culturelle de l'ambassade de France a été avisé du stage.",
            )
        )
    return found


def _timetable(convention: Convention) -> list[Problem]:
    found = []
    weekly = weekly_minutes(convention.timetable) / 60
    if abs(weekly - float(convention.weekly_hours)) > 0.01:
        found.append(
            Problem(
                "TIMETABLE_MISMATCH",
                False,
                f"Les horaires quotidiens totalisent {weekly:g} h par semaine pour {float(convention.weekly_hours):g} h annoncées.",
            )
        )
    for day in WEEKDAYS:
        if convention.timetable.get(day) and day not in _work_days(convention):
            found.append(
                Problem(
                    "TIMETABLE_MISMATCH",
                    False,
                    f"Des horaires sont donnés un jour non travaillé ({day}).",
                )
            )
    return found


def _breaches(breaches: list[Breach]) -> list[Problem]:
    return [Problem(b.code, b.blocking, b.message, b.ref) for b in breaches]


def _minors(convention: Convention, periods: list[ConventionPeriod]) -> list[Problem]:
    """A minor's working time (`milieu.rules.workplace`), and the public holidays of the stay."""
    age = convention.student.age_on(periods[0].start)
    found = _breaches(minor_timetable_breaches(convention.timetable, _work_days(convention), age))
    host = convention.host
    worked = {WEEKDAYS.index(d) for d in _work_days(convention)}
    for period in periods:
        for holiday in public_holidays(host.country, host.postal_code, period.start, period.end):
            if holiday.weekday() in worked:
                found += _breaches([minor_holiday_breach(holiday)])
    return found


def _hours_with_host(convention: Convention, periods: list[ConventionPeriod]) -> list[Problem]:
    """Gratification beyond 308 h with one host in a school year; at most 924 h (6 months)."""
    host = convention.host
    found: list[Problem] = []
    years = sorted({school_year_of(p.start) for p in periods})
    for year in years:
        low, high = date(year, 9, 1), date(year + 1, 8, 31)
        spans = [
            (max(p.start, low), min(p.end, high))
            for p in ConventionPeriod.objects.filter(
                Q(convention=convention) | Q(convention__status__in=list(OPEN_STATUSES)),
                student=convention.student,
                convention__host=host,
                active=True,
                start__lte=high,
                end__gte=low,
            )
        ]
        off = public_holidays(host.country, host.postal_code, low, high)
        hours = presence_days(spans, _work_days(convention), off) * get_law().hours_per_day
        first_year = min(p.start for p in periods).year
        found += _breaches(
            host_year_breaches(hours, str(host), year, convention.gratification_hourly, first_year)
        )
    return found


def _interns_with(convention: Convention, start: date, end: date, **where: Any) -> int:
    """The convention's student and the other students with an open convention (`where`: at
    the same host, with the same tutor) whose active period meets `start`..`end`."""
    others = (
        ConventionPeriod.objects.filter(
            active=True,
            start__lte=end,
            end__gte=start,
            convention__status__in=list(OPEN_STATUSES),
            **where,
        )
        .exclude(student=convention.student)
        .values("student")
        .distinct()
        .count()
    )
    return others + 1


def _quotas(convention: Convention, periods: list[ConventionPeriod]) -> list[Problem]:
    host = convention.host
    found: list[Problem] = []
    if host.headcount is not None:
        for period in periods:
            monday = period.start - timedelta(days=period.start.weekday())
            while monday <= period.end:
                sunday = monday + timedelta(days=6)
                at_host = _interns_with(convention, monday, sunday, convention__host=host)
                breach = host_quota_breach(at_host, str(host), monday, host.headcount)
                if breach:
                    found += _breaches([breach])
                    break
                monday += timedelta(days=7)
    if convention.tutor_id:
        first, last = periods[0].start, periods[-1].end
        followed = _interns_with(convention, first, last, convention__tutor_id=convention.tutor_id)
        overload = tutor_breach(followed)
        if overload:
            found += _breaches([overload])
    return found
