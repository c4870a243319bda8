"""`build_dossier`: the contract-v1 dossier of a student, built from the database."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from milieu.exams.assembly import build_dossier
from milieu.factories import (
    CohortFactory,
    CohortPeriodFactory,
    ConventionFactory,
    HostFactory,
    PlacementFactory,
    StudentFactory,
)
from milieu.hosts.enums import PlacementStatus
from milieu.rules import evaluate
from tests.school.conftest import School

AS_OF = date(2027, 3, 1)


def codes(verdict: dict[str, Any]) -> set[str]:
    assert "error" not in verdict, verdict
    return {finding["code"] for finding in verdict["findings"]}


def plain_json(value: Any) -> bool:
    """Only the types a JSON file would give (no str or int subclasses such as TextChoices)."""
    if isinstance(value, dict):
        return all(type(k) is str and plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_json(item) for item in value)
    return value is None or type(value) in (str, int, float, bool)


def test_a_school_pupil_with_an_arrete_host(school_a: School) -> None:
    host = HostFactory.create(name="Usinage Martin")
    PlacementFactory.create(
        student=school_a.student,
        cohort_period=school_a.period,
        host=host,
        status=PlacementStatus.ARRETE,
    )

    dossier = build_dossier(school_a.student, as_of=AS_OF)

    assert dossier == {
        "id": school_a.student.ine,
        "diploma": "bts-ciel",
        "pathway": "scolaire",
        "distance": False,
        "session": 2028,
        "training_start": "2026-09-07",
        "as_of": "2027-03-01",
        "periods": [
            {
                "start": "2027-05-31",
                "end": "2027-07-16",
                "absence_days": 0,
                "convention_signed": False,
                "certificate": False,
                "training_contract": False,
                "bilan": False,
                "host": {"name": "Usinage Martin", "country": "FR"},
            }
        ],
        "apprenticeship_evidence": False,
        "work_certificates": [],
        "professional_experience_in_sector": False,
        "derogations": [],
        "report": None,
        "evaluation": False,
    }
    assert plain_json(dossier)
    assert json.loads(json.dumps(dossier)) == dossier
    verdict = evaluate(dossier)
    assert verdict["status"] == "pending"
    assert "PERIOD_NOT_FINISHED" in codes(verdict)


def test_only_arrete_choices_become_periods(school_a: School) -> None:
    for status in (
        PlacementStatus.PROPOSED,
        PlacementStatus.REJECTED,
        PlacementStatus.WITHDRAWN,
    ):
        PlacementFactory.create(
            student=school_a.student, cohort_period=school_a.period, status=status
        )
    validated_period = CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
    )
    PlacementFactory.create(
        student=school_a.student, cohort_period=validated_period, status=PlacementStatus.VALIDATED
    )

    assert build_dossier(school_a.student, as_of=AS_OF)["periods"] == []


def test_periods_follow_the_calendar_and_keep_the_host_country(school_a: School) -> None:
    later = CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
    )
    other = StudentFactory.create(cohort=school_a.cohort)
    PlacementFactory.create(
        student=other,
        cohort_period=later,
        host=HostFactory.create(abroad=True),
        status=PlacementStatus.ARRETE,
    )
    PlacementFactory.create(
        student=other, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )

    periods = build_dossier(other, as_of=AS_OF)["periods"]

    assert [p["start"] for p in periods] == ["2027-05-31", "2027-11-08"]
    assert periods[1]["host"]["country"] == "DE"


def test_an_apprentice_is_judged_on_the_employer_evidence(school_a: School) -> None:
    cohort = CohortFactory.create(establishment=school_a.establishment, diploma="bep-mpmi")
    apprentice = StudentFactory.create(cohort=cohort, apprentice=True)

    dossier = build_dossier(apprentice, as_of=AS_OF)

    assert dossier["pathway"] == "apprentissage"
    assert "continuing_situation" not in dossier
    assert dossier["apprenticeship_evidence"] is False
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(evaluate(dossier))


@pytest.mark.parametrize("situation", ["premiere-formation", "reconversion", "perfectionnement"])
def test_continuing_education_carries_its_situation(school_a: School, situation: str) -> None:
    trainee = StudentFactory.create(cohort=school_a.cohort, continuing=situation, distance=True)

    dossier = build_dossier(trainee, as_of=AS_OF)

    assert (dossier["pathway"], dossier["continuing_situation"]) == (
        "formation-continue",
        situation,
    )
    assert dossier["distance"] is True
    assert plain_json(dossier)
    assert "error" not in evaluate(dossier)


def sector_certificate(student: Any, by: Any) -> None:
    """An in-sector work certificate deposited by a manager (accepted at once)."""
    from milieu.evidence.operations import deposit_evidence
    from tests.evidence.conftest import pdf

    deposit_evidence(
        student,
        by=by,
        kind="work-certificate",
        upload=pdf("certificat.pdf"),
        employer="Usinage du Ried",
        start=date(2020, 1, 6),
        end=date(2024, 6, 28),
        full_time=True,
        in_sector=True,
    )


def test_bep_continuing_education_with_sector_experience_is_dispensed(school_a: School) -> None:
    cohort = CohortFactory.create(establishment=school_a.establishment, diploma="bep-mpmi")
    trainee = StudentFactory.create(cohort=cohort, continuing="reconversion")
    sector_certificate(trainee, school_a.ddfpt)  # 000 §3, accepted (issue 11)

    dossier = build_dossier(trainee, as_of=AS_OF)

    assert dossier["professional_experience_in_sector"] is True
    assert "STAGE_DISPENSED" in codes(evaluate(dossier))


def test_a_repeater_carries_the_previous_session_and_report(school_a: School) -> None:
    repeater = StudentFactory.create(cohort=school_a.cohort, repeater_with=True)

    dossier = build_dossier(repeater, as_of=AS_OF)

    assert dossier["repeater"] == {
        "previous_session": 2027,
        "report": "modified",
        "previous_evaluation": False,
    }
    assert plain_json(dossier)
    assert "error" not in evaluate(dossier)


def test_a_non_repeater_has_no_repeater_entry(school_a: School) -> None:
    assert "repeater" not in build_dossier(school_a.student, as_of=AS_OF)


def test_the_cohort_gives_diploma_session_and_training_start(school_a: School) -> None:
    cohort = CohortFactory.create(
        establishment=school_a.establishment,
        diploma="bma-bijou",
        school_year=2027,
        session=2029,
        training_start=date(2027, 9, 6),
    )
    student = StudentFactory.create(cohort=cohort)

    dossier = build_dossier(student, as_of=date(2027, 10, 1))

    assert (
        dossier["diploma"],
        dossier["session"],
        dossier["training_start"],
        dossier["as_of"],
    ) == (
        "bma-bijou",
        2029,
        "2027-09-06",
        "2027-10-01",
    )


# --- periods from conventions (issue "Conventions") -----------------------------------------
# Until conventions were managed, every period came from an arrêté choice with
# `convention_signed` false. A signed convention (or one whose stage is in progress or finished)
# now gives its active periods, signed, with its working days; an arrêté choice that no signed
# convention covers keeps the former behaviour.


def convention_for(
    school: School,
    status: str,
    spans: list[tuple[date, date]],
    *,
    host: Any = None,
    placement: Any = None,
    work_days: list[str] | None = None,
) -> Any:

    convention = ConventionFactory.in_status(
        status,
        student=school.student,
        host=host or HostFactory.create(name="Mesures Kieffer"),
        periods=spans,
        created_by=school.teacher,
        placement=placement,
        work_days=work_days or ["mon", "tue", "wed", "thu", "fri"],
    )
    return convention


@pytest.mark.parametrize("status", ["signed", "in-progress", "finished"])
def test_a_signed_convention_gives_its_periods_signed_with_its_work_days(
    school_a: School, status: str
) -> None:
    convention_for(
        school_a,
        status,
        [(date(2027, 5, 31), date(2027, 6, 18)), (date(2027, 11, 8), date(2027, 11, 26))],
        work_days=["tue", "wed", "thu", "fri", "sat"],
    )

    periods = build_dossier(school_a.student, as_of=AS_OF)["periods"]

    assert [(p["start"], p["end"]) for p in periods] == [
        ("2027-05-31", "2027-06-18"),
        ("2027-11-08", "2027-11-26"),
    ]
    assert all(p["convention_signed"] is True for p in periods)
    assert periods[0]["work_days"] == ["tue", "wed", "thu", "fri", "sat"]
    assert periods[0]["host"] == {"name": "Mesures Kieffer", "country": "FR"}
    dossier = build_dossier(school_a.student, as_of=AS_OF)
    assert plain_json(dossier)
    assert "CONVENTION_MISSING" not in codes(evaluate(dossier))


@pytest.mark.parametrize("status", ["draft", "submitted", "validated", "approved", "signing"])
def test_a_convention_not_yet_signed_gives_no_period(school_a: School, status: str) -> None:
    convention_for(school_a, status, [(date(2027, 5, 31), date(2027, 6, 18))])

    assert build_dossier(school_a.student, as_of=AS_OF)["periods"] == []


def test_a_choice_covered_by_a_signed_convention_is_not_counted_twice(school_a: School) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )
    convention_for(school_a, "signed", [(date(2027, 6, 7), date(2027, 7, 9))], host=placement.host)

    periods = build_dossier(school_a.student, as_of=AS_OF)["periods"]

    assert [(p["start"], p["convention_signed"]) for p in periods] == [("2027-06-07", True)]


def test_a_choice_whose_convention_is_not_signed_stays_without_convention(
    school_a: School,
) -> None:
    placement = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )
    convention_for(
        school_a,
        "approved",
        [(date(2027, 5, 31), date(2027, 7, 9))],
        host=placement.host,
        placement=placement,
    )

    periods = build_dossier(school_a.student, as_of=AS_OF)["periods"]

    assert [(p["start"], p["end"], p["convention_signed"]) for p in periods] == [
        ("2027-05-31", "2027-07-16", False)
    ]
    assert "work_days" not in periods[0]


def test_signed_periods_and_uncovered_choices_are_in_calendar_order(school_a: School) -> None:
    later = CohortPeriodFactory.create(
        cohort=school_a.cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 17)
    )
    PlacementFactory.create(
        student=school_a.student, cohort_period=later, status=PlacementStatus.ARRETE
    )
    convention_for(school_a, "signed", [(date(2027, 5, 31), date(2027, 7, 9))])

    periods = build_dossier(school_a.student, as_of=AS_OF)["periods"]

    assert [(p["start"], p["convention_signed"]) for p in periods] == [
        ("2027-05-31", True),
        ("2027-11-08", False),
    ]


def test_a_period_replaced_by_an_avenant_is_not_in_the_dossier(school_a: School) -> None:
    convention = convention_for(school_a, "signed", [(date(2027, 5, 31), date(2027, 7, 9))])
    convention.periods.update(active=False)
    convention.periods.create(
        student=school_a.student, start=date(2027, 6, 7), end=date(2027, 7, 16)
    )

    periods = build_dossier(school_a.student, as_of=AS_OF)["periods"]

    assert [(p["start"], p["end"]) for p in periods] == [("2027-06-07", "2027-07-16")]
