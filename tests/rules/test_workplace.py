"""The law every convention obeys (`milieu/rules/law/code-du-travail.toml`), one test per article.

Each test names the article its rule cites; `test_every_rule_of_the_law_file_is_tested` checks
that no rule of the file is left without one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest

from milieu.rules import workplace
from milieu.rules.workplace import (
    LAW_PATH,
    LawFileError,
    get_law,
    host_quota_breach,
    host_year_breaches,
    load_law,
    minor_holiday_breach,
    minor_timetable_breaches,
    tutor_breach,
)

F = TypeVar("F", bound=Callable[..., Any])
CITED: set[tuple[str, ...]] = set()

WEEK = {d: [["08:00", "12:00"], ["13:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
DAYS = ["mon", "tue", "wed", "thu", "fri"]


def article(*path: str, says: str) -> Callable[[F], F]:
    """Mark a test as the test of the law file's rule at `path`, whose article must be `says`."""
    CITED.add(path)

    def decorate(test: F) -> F:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            assert get_law().article(*path) == says
            return test(*args, **kwargs)

        wrapper.__name__ = test.__name__
        return wrapper  # type: ignore[return-value]

    return decorate


def codes(breaches: list[workplace.Breach]) -> list[str]:
    return [b.code for b in breaches]


@article("minors", "weekly_hours", says="Code du travail, L3162-1")
def test_a_minor_works_35_hours_a_week_at_most() -> None:
    assert minor_timetable_breaches(WEEK, DAYS, 17) == []
    longer = dict(WEEK, fri=[["08:00", "12:00"], ["13:00", "17:00"]])
    (breach,) = minor_timetable_breaches(longer, DAYS, 17)
    assert breach.code == "MINOR_WEEKLY_HOURS"
    assert breach.message == "Élève mineur : 36 h par semaine, 35 h au plus."
    assert breach.ref == "Code du travail, L3162-1"


@article("minors", "daily_hours", says="Code du travail, L3162-1")
def test_a_minor_works_8_hours_a_day_at_most() -> None:
    timetable = {"mon": [["08:00", "12:00"], ["12:30", "17:00"]]}
    assert codes(minor_timetable_breaches(timetable, ["mon"], 17)) == ["MINOR_DAILY_HOURS"]


@article("minors", "break", says="Code du travail, L3162-3")
def test_a_minor_has_a_break_after_4_h_30() -> None:
    timetable = {"mon": [["08:00", "12:31"]]}
    (breach,) = minor_timetable_breaches(timetable, ["mon"], 17)
    assert breach.code == "MINOR_BREAK"
    assert "pause de 30 minutes due après 4 h 30 de travail (lundi 08:00–12:31)" in breach.message
    assert minor_timetable_breaches({"mon": [["08:00", "12:30"]]}, ["mon"], 17) == []


@article("minors", "night", says="Code du travail, L3163-1 et L3163-2")
def test_no_night_work_and_an_earlier_night_under_16() -> None:
    evening = {"mon": [["17:00", "21:00"]]}
    assert minor_timetable_breaches(evening, ["mon"], 16) == []
    (breach,) = minor_timetable_breaches(evening, ["mon"], 15)
    assert breach.code == "MINOR_NIGHT_WORK"
    assert breach.message.endswith("interdit après 20 h et avant 6 h.")
    early = {"mon": [["05:30", "09:30"]]}
    assert codes(minor_timetable_breaches(early, ["mon"], 17)) == ["MINOR_NIGHT_WORK"]


@article("minors", "sunday", says="Code du travail, L3164-2")
def test_a_minor_does_not_work_on_sunday() -> None:
    sunday = {"sun": [["08:00", "12:00"]]}
    assert codes(minor_timetable_breaches(sunday, ["sun"], 17)) == ["MINOR_SUNDAY"]


@article("minors", "public_holiday", says="Code du travail, L3164-6")
def test_a_minor_does_not_work_on_a_public_holiday() -> None:
    breach = minor_holiday_breach(date(2027, 5, 1))
    assert breach.blocking and breach.code == "MINOR_PUBLIC_HOLIDAY"
    assert breach.message.startswith("Élève mineur : le 01/05/2027 est un jour férié")


@article("gratification", says="Code de l'éducation, L124-6 et D124-6")
def test_a_gratification_is_due_beyond_308_hours_at_the_years_minimum() -> None:
    assert host_year_breaches(308, "Acme", 2026, None, 2027) == []
    (due,) = host_year_breaches(315, "Acme", 2026, None, 2027)
    assert due.code == "GRATIFICATION_DUE"
    assert "d'au moins 4.50 €/h" in due.message
    assert host_year_breaches(315, "Acme", 2026, Decimal("4.50"), 2027) == []
    assert codes(host_year_breaches(315, "Acme", 2024, Decimal("4.40"), 2025)) == []
    assert get_law().minimum_hourly_gratification(2023) == Decimal("4.35")  # the first known year


@article("host_year", says="Code de l'éducation, L124-5")
def test_at_most_924_hours_with_one_host_in_a_school_year() -> None:
    assert "HOST_SIX_MONTHS" not in codes(host_year_breaches(924, "Acme", 2026, Decimal(5), 2027))
    assert "HOST_SIX_MONTHS" in codes(host_year_breaches(931, "Acme", 2026, Decimal(5), 2027))


@article("host_quota", says="Code de l'éducation, R124-10")
def test_host_quota_is_15_percent_from_20_staff_else_3() -> None:
    law = get_law()
    assert law.host_quota(19) == 3
    assert law.host_quota(40) == 6
    assert host_quota_breach(3, "Acme", date(2027, 1, 4), 10) is None
    breach = host_quota_breach(4, "Acme", date(2027, 1, 4), 10)
    assert breach is not None and not breach.blocking
    assert "4 stagiaires chez Acme la semaine du 04/01/2027 pour un plafond de 3" in breach.message


@article("tutor", says="Code de l'éducation, R124-13")
def test_a_tutor_follows_three_interns_at_most() -> None:
    assert tutor_breach(3) is None
    breach = tutor_breach(4)
    assert breach is not None and breach.code == "TUTOR_OVERLOAD"


def _rules(node: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path] if "article" in node else []
    for key, value in node.items():
        if isinstance(value, dict):
            found += _rules(value, (*path, key))
    return found


def test_every_rule_of_the_law_file_is_tested() -> None:
    rules = _rules(tomllib.loads(LAW_PATH.read_text(encoding="utf-8")))
    assert set(rules) == CITED


def test_a_changed_figure_changes_the_check(tmp_path: Path) -> None:
    text = LAW_PATH.read_text(encoding="utf-8").replace("max = 35", "max = 30")
    changed = tmp_path / "code-du-travail.toml"
    changed.write_text(text, encoding="utf-8")
    law = load_law(changed)
    assert codes(minor_timetable_breaches(WEEK, DAYS, 17, law)) == ["MINOR_WEEKLY_HOURS"]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("max = 35", 'max = "35"', "minors/weekly_hours/max"),
        ('start = "22:00"', 'start = "25:00"', "minors/night/start"),
        ("Code du travail, L3164-2", "Article 12", "minors/sunday/article"),
    ],
)
def test_a_wrong_law_file_is_refused_in_french(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    wrong = tmp_path / "code-du-travail.toml"
    wrong.write_text(LAW_PATH.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(LawFileError, match=f"la valeur de « {field} » ne convient pas"):
        load_law(wrong)
