"""The law every convention obeys, whatever the diploma: gratification, hours with one host, host
quotas, tutors, and minors' working time.

The figures and the articles they come from live in `law/code-du-travail.toml`, checked against
`law/code-du-travail.schema.json` when loaded; this module turns them into problems, each citing
its article. Pure Python, no Django: `milieu.conventions.checks` gathers the facts of a convention
(timetable, hours with the host, interns at the host or with the tutor) and asks here.

Where is the minors' weekly limit, and how do I change it? `[minors.weekly_hours]` in
`law/code-du-travail.toml`.
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema

from milieu.rules.calendar import WEEKDAYS as WEEKDAYS

LAW_DIR = Path(__file__).with_name("law")
LAW_PATH = LAW_DIR / "code-du-travail.toml"
LAW_SCHEMA_PATH = LAW_DIR / "code-du-travail.schema.json"

DAY_LABELS: dict[str, str] = {
    "mon": "lundi",
    "tue": "mardi",
    "wed": "mercredi",
    "thu": "jeudi",
    "fri": "vendredi",
    "sat": "samedi",
    "sun": "dimanche",
}

Timetable = Mapping[str, Sequence[Sequence[str]]]
"""Working hours per weekday: ``{"mon": [["08:00", "12:00"], ["13:00", "16:00"]], …}``."""


class LawFileError(ValueError):
    """The law file does not follow its schema (the message is French and names the field)."""


@dataclass(frozen=True)
class Breach:
    """One rule of the law a convention would break: a code, a French message, the article."""

    code: str
    blocking: bool
    message: str
    ref: str


@dataclass(frozen=True)
class Law:
    data: Mapping[str, Any]

    def article(self, *path: str) -> str:
        node: Any = self.data
        for key in path:
            node = node[key]
        return str(node["article"])

    @property
    def hours_per_day(self) -> int:
        return int(self.data["gratification"]["hours_per_day"])

    @property
    def gratification_hours(self) -> int:
        return int(self.data["gratification"]["hours_threshold"])

    @property
    def max_hours_per_host_year(self) -> int:
        return int(self.data["host_year"]["max_hours"])

    @property
    def max_interns_per_tutor(self) -> int:
        return int(self.data["tutor"]["max_interns"])

    def minimum_hourly_gratification(self, year: int) -> Decimal | None:
        """The minimum €/h of the calendar year; the latest known year's beyond the table."""
        table = self.data["gratification"]["minimum_hourly"]
        known = sorted(int(y) for y in table)
        if not known:
            return None
        usable = [y for y in known if y <= year] or known[:1]
        return Decimal(table[str(usable[-1])])

    def host_quota(self, headcount: int) -> int:
        """How many interns a host of this headcount may have in one week."""
        quota = self.data["host_quota"]
        if headcount >= quota["staff_threshold"]:
            return int(headcount * quota["percent"] // 100)
        return int(quota["small_host"])


def _schema_message(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(racine)"
    return f"{LAW_PATH.name} : la valeur de « {where} » ne convient pas ({error.message})."


def load_law(path: Path = LAW_PATH) -> Law:
    """Read and check a law file; a `LawFileError` in French when it is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LawFileError(f"{path.name} : fichier TOML illisible ({exc}).") from exc
    schema = json.loads(LAW_SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path)
    )
    if errors:
        raise LawFileError(_schema_message(errors[0]))
    return Law(data)


@functools.cache
def get_law() -> Law:
    return load_law()


# Timetables -------------------------------------------------------------------------------------


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def span_minutes(span: Iterable[str]) -> int:
    begin, finish = span
    return minutes(finish) - minutes(begin)


def daily_minutes(timetable: Timetable, weekday: str) -> int:
    return sum(span_minutes(span) for span in timetable.get(weekday, []))


def weekly_minutes(timetable: Timetable) -> int:
    return sum(daily_minutes(timetable, day) for day in WEEKDAYS)


def _hours(clock: str) -> str:
    """« 22:00 » → « 22 h », « 20:30 » → « 20 h 30 »."""
    hours, mins = clock.split(":")
    return f"{int(hours)} h" + ("" if mins == "00" else f" {mins}")


# Minors -----------------------------------------------------------------------------------------


def minor_timetable_breaches(
    timetable: Timetable, work_days: Iterable[str], age: int, law: Law | None = None
) -> list[Breach]:
    """A minor's timetable against the daily and weekly limits, the break, nights and Sundays."""
    law = law or get_law()
    rules = law.data["minors"]
    night = rules["night"]
    night_start = minutes(night["start_under_16"] if age < 16 else night["start"])
    night_end = minutes(night["end"])
    found: list[Breach] = []
    weekly_max = rules["weekly_hours"]["max"]
    weekly = weekly_minutes(timetable)
    if weekly > weekly_max * 60:
        found.append(
            Breach(
                "MINOR_WEEKLY_HOURS",
                True,
                f"Élève mineur : {weekly / 60:g} h par semaine, {weekly_max} h au plus.",
                law.article("minors", "weekly_hours"),
            )
        )
    daily_max = rules["daily_hours"]["max"]
    pause = rules["break"]
    for day in WEEKDAYS:
        spans = timetable.get(day, [])
        if not spans:
            continue
        if daily_minutes(timetable, day) > daily_max * 60:
            found.append(
                Breach(
                    "MINOR_DAILY_HOURS",
                    True,
                    f"Élève mineur : {daily_minutes(timetable, day) / 60:g} h le {DAY_LABELS[day]}, "
                    f"{daily_max} h au plus.",
                    law.article("minors", "daily_hours"),
                )
            )
        for begin, finish in spans:
            if minutes(begin) < night_end or minutes(finish) > night_start:
                start_label = night["start_under_16"] if age < 16 else night["start"]
                found.append(
                    Breach(
                        "MINOR_NIGHT_WORK",
                        True,
                        f"Élève mineur : travail de nuit le {DAY_LABELS[day]} ({begin}–{finish}) ; interdit après "
                        f"{_hours(start_label)} et avant {_hours(night['end'])}.",
                        law.article("minors", "night"),
                    )
                )
            if span_minutes([begin, finish]) > pause["after_minutes"]:
                after = pause["after_minutes"]
                found.append(
                    Breach(
                        "MINOR_BREAK",
                        True,
                        f"Élève mineur : pause de {pause['minutes']} minutes due après "
                        f"{_hours(f'{after // 60:02d}:{after % 60:02d}')} de travail ({DAY_LABELS[day]} {begin}–{finish}).",
                        law.article("minors", "break"),
                    )
                )
    if "sun" in set(work_days):
        found.append(
            Breach(
                "MINOR_SUNDAY",
                True,
                "Élève mineur : pas de travail le dimanche.",
                law.article("minors", "sunday"),
            )
        )
    return found


def minor_holiday_breach(holiday: date, law: Law | None = None) -> Breach:
    """A public holiday falls on a day the minor would work."""
    law = law or get_law()
    return Breach(
        "MINOR_PUBLIC_HOLIDAY",
        True,
        f"Élève mineur : le {holiday:%d/%m/%Y} est un jour férié, il ne peut y travailler ; "
        "prévoyez-le non travaillé dans la convention.",
        law.article("minors", "public_holiday"),
    )


# Hours with one host, quotas, tutors ------------------------------------------------------------


def host_year_breaches(
    hours: int,
    host: str,
    school_year: int,
    gratification_hourly: Decimal | None,
    calendar_year: int,
    law: Law | None = None,
) -> list[Breach]:
    """`hours` of presence with `host` in the school year beginning in `school_year`: at most
    6 months, and a gratification beyond 2 months at the minimum of `calendar_year`."""
    law = law or get_law()
    found: list[Breach] = []
    years = f"{school_year}-{school_year + 1}"
    if hours > law.max_hours_per_host_year:
        found.append(
            Breach(
                "HOST_SIX_MONTHS",
                True,
                f"{hours} h chez {host} en {years} : au plus 6 mois ({law.max_hours_per_host_year} h) "
                "avec un même organisme par année scolaire (code de l'éducation, L124-5).",
                law.article("host_year"),
            )
        )
    if hours > law.gratification_hours:
        minimum = law.minimum_hourly_gratification(calendar_year)
        given = gratification_hourly
        if given is None or (minimum is not None and given < minimum):
            found.append(
                Breach(
                    "GRATIFICATION_DUE",
                    True,
                    f"{hours} h chez {host} en {years}, plus de {law.gratification_hours} h : "
                    f"une gratification d'au moins {minimum} €/h est due (code de l'éducation, L124-6)"
                    + ("." if given is None else f" ; {given} €/h est prévu."),
                    law.article("gratification"),
                )
            )
    return found


def host_quota_breach(
    interns: int, host: str, monday: date, headcount: int, law: Law | None = None
) -> Breach | None:
    """`interns` at `host` in the week of `monday`, this convention's included."""
    law = law or get_law()
    limit = law.host_quota(headcount)
    if interns <= limit:
        return None
    return Breach(
        "HOST_QUOTA",
        False,
        f"{interns} stagiaires chez {host} la semaine du {monday:%d/%m/%Y} pour un plafond de {limit} "
        "(code de l'éducation, R124-10).",
        law.article("host_quota"),
    )


def tutor_breach(interns: int, law: Law | None = None) -> Breach | None:
    """A tutor who would follow `interns` at once, this convention's included."""
    law = law or get_law()
    if interns <= law.max_interns_per_tutor:
        return None
    return Breach(
        "TUTOR_OVERLOAD",
        False,
        f"Le tuteur suivrait {interns} stagiaires en même temps ; {law.max_interns_per_tutor} au plus (R124-13).",
        law.article("tutor"),
    )
