"""Each problem `check_convention` finds before approval, with the French message it shows.

Minors' working time, public holidays (Alsace-Moselle's Good Friday for a host in the 67),
gratification beyond 308 h with one host in a school year at the year's rate (`milieu/rules/law/code-du-travail.toml`),
at most 924 h with one host, host quotas, interns per tutor, and the engine's warnings.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from milieu.conventions.checks import Problem, check_convention
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.conventions.operations import blocking_reasons, create_convention
from milieu.factories import HostFactory, StudentFactory, TutorFactory
from milieu.rules.workplace import LAW_PATH, get_law
from tests.conventions.conftest import draft
from tests.core.conftest import School

FIVE_DAYS = ["mon", "tue", "wed", "thu", "fri"]


def _problems(convention: Convention, code: str) -> list[Problem]:
    return [p for p in check_convention(convention) if p.code == code]


def _only(convention: Convention, code: str) -> Problem:
    found = _problems(convention, code)
    assert len(found) == 1, check_convention(convention)
    return found[0]


def _minor(school: School, born: date = date(2010, 6, 1)) -> None:
    school.student.birth_date = born
    school.student.save()


def _timetable(**days: list[list[str]]) -> dict[str, list[list[str]]]:
    base = {day: [["08:30", "12:00"], ["13:30", "17:00"]] for day in FIVE_DAYS}
    base.update(days)
    return base


def test_a_plain_convention_of_an_adult_has_no_problem(school_a: School) -> None:
    assert check_convention(draft(school_a)) == []


def test_no_period_is_the_only_problem_of_an_empty_convention(school_a: School) -> None:
    convention = draft(school_a)
    convention.periods.update(active=False)
    assert check_convention(convention) == [
        Problem("NO_PERIOD", True, "La convention ne comporte aucune période.")
    ]


# --- minors -------------------------------------------------------------------------------


def test_a_minor_works_at_most_8_hours_a_day(school_a: School) -> None:
    _minor(school_a)
    convention = draft(school_a, timetable=_timetable(mon=[["08:00", "12:00"], ["13:00", "18:00"]]))
    problem = _only(convention, "MINOR_DAILY_HOURS")
    assert problem.blocking
    assert problem.message == "Élève mineur : 9 h le lundi, 8 h au plus."


def test_a_minor_works_at_most_35_hours_a_week(school_a: School) -> None:
    _minor(school_a)
    week = {day: [["08:00", "12:00"], ["13:00", "16:30"]] for day in FIVE_DAYS}
    convention = draft(school_a, timetable=week, weekly_hours=Decimal("37.5"))
    problem = _only(convention, "MINOR_WEEKLY_HOURS")
    assert problem.blocking
    assert problem.message == "Élève mineur : 37.5 h par semaine, 35 h au plus."


def test_the_same_hours_are_allowed_for_an_adult(school_a: School) -> None:
    week = {day: [["08:00", "12:00"], ["13:00", "16:30"]] for day in FIVE_DAYS}
    convention = draft(school_a, timetable=week, weekly_hours=Decimal("37.5"))
    assert not [p for p in check_convention(convention) if p.code.startswith("MINOR_")]


def test_no_night_work_for_a_minor_after_22_h(school_a: School) -> None:
    _minor(school_a)  # 16 on the first day
    convention = draft(school_a, timetable=_timetable(tue=[["14:00", "18:00"], ["18:30", "22:30"]]))
    problem = _only(convention, "MINOR_NIGHT_WORK")
    assert problem.blocking
    assert problem.message == (
        "Élève mineur : travail de nuit le mardi (18:30–22:30) ; interdit après 22 h et avant 6 h."
    )


def test_no_work_after_20_h_under_16(school_a: School) -> None:
    _minor(school_a, born=date(2012, 1, 15))  # 15 on the first day
    convention = draft(school_a, timetable=_timetable(wed=[["12:00", "16:00"], ["16:30", "20:30"]]))
    problem = _only(convention, "MINOR_NIGHT_WORK")
    assert problem.message == (
        "Élève mineur : travail de nuit le mercredi (16:30–20:30) ; interdit après 20 h et avant 6 h."
    )


def test_no_work_before_6_h_for_a_minor(school_a: School) -> None:
    _minor(school_a)
    convention = draft(school_a, timetable=_timetable(thu=[["05:30", "09:30"], ["10:00", "13:00"]]))
    assert "jeudi (05:30–09:30)" in _only(convention, "MINOR_NIGHT_WORK").message


def test_a_minor_has_a_break_after_4_h_30(school_a: School) -> None:
    _minor(school_a)
    convention = draft(school_a, timetable=_timetable(fri=[["08:00", "13:00"]]))
    problem = _only(convention, "MINOR_BREAK")
    assert problem.blocking
    assert problem.message == (
        "Élève mineur : pause de 30 minutes due après 4 h 30 de travail (vendredi 08:00–13:00)."
    )


def test_a_minor_does_not_work_on_sunday(school_a: School) -> None:
    _minor(school_a)
    convention = draft(school_a, work_days=[*FIVE_DAYS[1:], "sat", "sun"])
    problem = _only(convention, "MINOR_SUNDAY")
    assert (problem.blocking, problem.message) == (
        True,
        "Élève mineur : pas de travail le dimanche.",
    )


def test_a_minor_does_not_work_on_a_public_holiday(school_a: School) -> None:
    _minor(school_a)
    convention = draft(school_a, periods=[(date(2027, 7, 5), date(2027, 7, 16))])
    problem = _only(convention, "MINOR_PUBLIC_HOLIDAY")
    assert problem.blocking
    assert problem.message == (
        "Élève mineur : le 14/07/2027 est un jour férié, il ne peut y travailler ; "
        "prévoyez-le non travaillé dans la convention."
    )


@pytest.mark.parametrize(
    ("postal_code", "good_friday_off"),
    [("67000", True), ("68100", True), ("57000", True), ("75011", False), ("13001", False)],
)
def test_good_friday_is_a_holiday_in_alsace_moselle_only(
    school_a: School, postal_code: str, good_friday_off: bool
) -> None:
    _minor(school_a)
    host = HostFactory.create(postal_code=postal_code)
    convention = draft(school_a, periods=[(date(2027, 3, 22), date(2027, 3, 26))])
    convention.host = host
    convention.tutor = TutorFactory.create(host=host)
    convention.save()
    holidays = _problems(convention, "MINOR_PUBLIC_HOLIDAY")
    assert bool(holidays) is good_friday_off
    if good_friday_off:
        assert holidays[0].message.startswith("Élève mineur : le 26/03/2027 est un jour férié")


def test_an_adult_may_work_on_a_public_holiday(school_a: School) -> None:
    convention = draft(school_a, periods=[(date(2027, 7, 5), date(2027, 7, 16))])
    assert _problems(convention, "MINOR_PUBLIC_HOLIDAY") == []


# --- hours with one host ------------------------------------------------------------------


def test_the_rates_are_those_of_the_law_file() -> None:
    law = tomllib.loads(LAW_PATH.read_text(encoding="utf-8"))
    table = law["gratification"]["minimum_hourly"]
    assert table == {"2024": "4.35", "2025": "4.35", "2026": "4.50"}
    assert get_law().minimum_hourly_gratification(2025) == Decimal("4.35")
    assert get_law().minimum_hourly_gratification(2026) == Decimal("4.50")
    assert get_law().minimum_hourly_gratification(2027) == Decimal("4.50")  # the latest known year


def test_44_days_of_7_hours_need_no_gratification(school_a: School) -> None:
    # 04/01 – 04/03/2027: 44 week days, no public holiday in the Bas-Rhin
    convention = draft(school_a, periods=[(date(2027, 1, 4), date(2027, 3, 4))])
    assert _problems(convention, "GRATIFICATION_DUE") == []


def test_beyond_308_hours_a_gratification_is_due_at_the_rate_of_the_year(
    school_a: School,
) -> None:
    convention = draft(school_a, periods=[(date(2027, 1, 4), date(2027, 3, 5))])  # 45 days
    problem = _only(convention, "GRATIFICATION_DUE")
    assert problem.blocking
    assert problem.message == (
        f"315 h chez {convention.host} en 2026-2027, plus de 308 h : une gratification d'au moins "
        "4.50 €/h est due (code de l'éducation, L124-6)."
    )


def test_the_2025_rate_applies_to_a_stay_of_2025(school_a: School) -> None:
    cohort = school_a.cohort
    cohort.training_start, cohort.school_year, cohort.session = date(2024, 9, 2), 2024, 2026
    cohort.save()
    convention = draft(school_a, periods=[(date(2025, 1, 6), date(2025, 3, 28))])
    assert (
        "une gratification d'au moins 4.35 €/h est due"
        in _only(convention, "GRATIFICATION_DUE").message
    )


def test_a_gratification_below_the_rate_is_refused_and_one_at_the_rate_accepted(
    school_a: School,
) -> None:
    convention = draft(
        school_a,
        periods=[(date(2027, 1, 4), date(2027, 3, 5))],
        gratification_hourly=Decimal("4.00"),
    )
    assert _only(convention, "GRATIFICATION_DUE").message.endswith(" ; 4.00 €/h est prévu.")
    convention.gratification_hourly = Decimal("4.50")
    convention.save()
    assert _problems(convention, "GRATIFICATION_DUE") == []


def test_stays_with_the_same_host_add_up_within_a_school_year(school_a: School) -> None:
    convention = draft(school_a)  # 31/05 – 09/07/2027: 30 days, 210 h
    assert _problems(convention, "GRATIFICATION_DUE") == []
    create_convention(
        student=school_a.student,
        host=convention.host,
        periods=[(date(2027, 3, 1), date(2027, 3, 25))],  # 19 days, 133 h
        by=school_a.ddfpt,
    )
    assert "343 h chez" in _only(convention, "GRATIFICATION_DUE").message


def test_a_stay_of_another_school_year_does_not_add_up(school_a: School) -> None:
    convention = draft(school_a)
    create_convention(
        student=school_a.student,
        host=convention.host,
        periods=[(date(2026, 6, 1), date(2026, 6, 26))],  # school year 2025-2026
        by=school_a.ddfpt,
    )
    assert _problems(convention, "GRATIFICATION_DUE") == []


def test_at_most_six_months_with_one_host_in_a_school_year(school_a: School) -> None:
    convention = draft(
        school_a,
        # 178 days of presence: 185 week days less 7 public holidays of the Bas-Rhin
        periods=[(date(2026, 9, 14), date(2027, 5, 28))],
        gratification_hourly=Decimal("4.50"),
    )
    problem = _only(convention, "HOST_SIX_MONTHS")
    assert problem.blocking
    assert problem.message.startswith(
        f"1246 h chez {convention.host} en 2026-2027 : au plus 6 mois"
    )
    assert problem.message.endswith(
        "(924 h) avec un même organisme par année scolaire (code de l'éducation, L124-5)."
    )


# --- quotas -------------------------------------------------------------------------------


def _interns_at(convention: Convention, school: School, count: int, **fields: Any) -> None:
    for _ in range(count):
        other = StudentFactory.create(cohort=school.cohort)
        create_convention(
            student=other,
            host=convention.host,
            periods=[(date(2027, 6, 7), date(2027, 6, 18))],
            by=school.ddfpt,
            **fields,
        )


def test_a_host_under_20_staff_takes_3_interns_a_week(school_a: School) -> None:
    convention = draft(school_a)
    convention.host.headcount = 12
    convention.host.save()
    _interns_at(convention, school_a, 2)
    assert _problems(convention, "HOST_QUOTA") == []
    _interns_at(convention, school_a, 1)
    problem = _only(convention, "HOST_QUOTA")
    assert not problem.blocking
    assert problem.message == (
        f"4 stagiaires chez {convention.host} la semaine du 07/06/2027 pour un plafond de 3 "
        "(code de l'éducation, R124-10)."
    )


def test_a_host_of_20_staff_or_more_takes_15_percent(school_a: School) -> None:
    convention = draft(school_a)
    convention.host.headcount = 40  # 15 % of 40: 6
    convention.host.save()
    _interns_at(convention, school_a, 5)
    assert _problems(convention, "HOST_QUOTA") == []
    _interns_at(convention, school_a, 1)
    assert "7 stagiaires" in _only(convention, "HOST_QUOTA").message


def test_a_tutor_follows_at_most_3_interns_at_once(school_a: School) -> None:
    convention = draft(school_a)
    _interns_at(convention, school_a, 2, tutor=convention.tutor)
    assert _problems(convention, "TUTOR_OVERLOAD") == []
    _interns_at(convention, school_a, 1, tutor=convention.tutor)
    problem = _only(convention, "TUTOR_OVERLOAD")
    assert not problem.blocking
    assert problem.message == "Le tuteur suivrait 4 stagiaires en même temps ; 3 au plus (R124-13)."


# --- the engine and the others ------------------------------------------------------------


def test_the_ccst_summer_rest_blocks_the_approval_paragraph_b1(school_a: School) -> None:
    """Seed 002 §B.1: periods prolonged in the holidays « sous réserve du respect d'une période
    de 4 semaines consécutives de repos, pendant les vacances d'été »: the engine's finding
    (a warning on the verdict) refuses the convention's approval."""
    cohort = school_a.cohort
    cohort.diploma = "bts-ccst"
    cohort.save()
    convention = draft(school_a, periods=[(date(2027, 7, 5), date(2027, 8, 13))])
    problem = _only(convention, "SUMMER_REST_NOT_RESPECTED")
    assert problem.blocking
    # the engine's severity as the engine gives it, shown beside the convention's decision
    assert problem.severity == "warning"
    assert problem.engine_severity_label == "Avertissement"
    assert problem.ref.endswith("§B.1")  # the CCST seed, §B.1
    assert problem.message.startswith(
        "Repos estival non respecté (annexe BTS CCST, §B.1 : les périodes ne se prolongent "
        "pendant les vacances « sous réserve du respect d'une période de 4 semaines "
        "consécutives de repos, pendant les vacances d'été ») : Moins de 28 jours consécutifs "
        "sans stage en juillet-août"
    )
    assert "été 2027 : 18 jours de repos consécutifs au plus" in problem.message
    assert problem.message in blocking_reasons(convention)


def test_the_convention_page_shows_the_engine_s_own_severity_paragraph_b1(
    school_a: School, client: Any
) -> None:
    """Seed 002 §B.1: the page says the finding stops the approval, and that the engine itself
    gives it as a warning (the severity shown as the engine gives it)."""
    cohort = school_a.cohort
    cohort.diploma = "bts-ccst"
    cohort.save()
    convention = draft(school_a, periods=[(date(2027, 7, 5), date(2027, 8, 13))])
    client.force_login(school_a.ddfpt)
    page = client.get(f"/conventions/{convention.pk}/").content.decode()
    item = page[page.index('data-problem="SUMMER_REST_NOT_RESPECTED"') :]
    item = item[: item.index("</li>")]
    assert "data-blocking" in item
    assert 'data-engine-severity="warning"' in item
    assert "Moteur : avertissement" in item


def test_a_ccst_summer_with_four_weeks_of_rest_is_approvable_paragraph_b1(
    school_a: School,
) -> None:
    cohort = school_a.cohort
    cohort.diploma = "bts-ccst"
    cohort.save()
    convention = draft(school_a, periods=[(date(2027, 6, 28), date(2027, 7, 23))])
    assert _problems(convention, "SUMMER_REST_NOT_RESPECTED") == []


def test_timetable_and_weekly_hours_disagree(school_a: School) -> None:
    convention = draft(school_a, weekly_hours=Decimal("30"))
    problem = _only(convention, "TIMETABLE_MISMATCH")
    assert not problem.blocking
    assert (
        problem.message
        == "Les horaires quotidiens totalisent 35 h par semaine pour 30 h annoncées."
    )


def test_two_stages_at_once_are_blocking(school_a: School) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the second period itself (test_concurrency.py)")
    convention = draft(school_a)
    other = create_convention(
        student=school_a.student,
        host=HostFactory.create(),
        periods=[(date(2027, 7, 5), date(2027, 7, 16))],
        by=school_a.ddfpt,
    )
    problem = _only(convention, "PERIODS_OVERLAP")
    assert problem.blocking
    assert problem.message == (
        f"La période du 31/05/2027 au 09/07/2027 chevauche la période du 05/07/2027 au 16/07/2027 "
        f"de la convention n° {other.pk} : un élève ne peut être en stage à deux endroits à la fois."
    )


def test_blocking_problems_come_first(school_a: School) -> None:
    _minor(school_a)
    convention = draft(school_a, weekly_hours=Decimal("30"), work_days=[*FIVE_DAYS, "sun"])
    found = check_convention(convention)
    assert [p.blocking for p in found] == sorted((p.blocking for p in found), reverse=True)
    assert {p.code for p in found} >= {"MINOR_SUNDAY", "TIMETABLE_MISMATCH"}
    assert ConventionPeriod.objects.filter(convention=convention).count() == 1
