"""The dossier contract v1.1 (shared/spec/dossier.md): worked examples, errors, counting, status."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine

from milieu.rules import dumps_verdict, evaluate
from tests.rules.builders import codes, dossier, error_field, finding, judge, period

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"
EXAMPLES = EXAMPLES_DIR / "examples.json"
EXAMPLES_V11 = EXAMPLES_DIR / "examples_v11.json"


def _examples(path: Path = EXAMPLES) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.skipif(
    not EXAMPLES.is_file(), reason="shared/spec/examples absent beside the repository"
)
@pytest.mark.parametrize("example", _examples(), ids=lambda e: e["name"])
def test_worked_example(example: dict[str, Any]) -> None:
    _check_example(example)


@pytest.mark.skipif(
    not EXAMPLES_V11.is_file(),
    reason="shared/spec/examples/examples_v11.json absent beside the repository",
)
@pytest.mark.parametrize("example", _examples(EXAMPLES_V11), ids=lambda e: e["name"])
def test_worked_example_of_v11(example: dict[str, Any]) -> None:
    _check_example(example)


def _check_example(example: dict[str, Any]) -> None:
    result = evaluate(example["dossier"])
    expect = example["expect"]
    assert result["id"] == example["dossier"].get("id")
    if expect["error"] is not None:
        assert result["error"]["field"].startswith(expect["error"])
        assert result["error"]["message"]
        return
    assert "error" not in result
    found = {f["code"]: f for f in result["findings"]}
    if expect["status"] is not None:
        assert result["status"] == expect["status"]
    if expect["weeks_completed"] is not None:
        assert result["weeks_completed"] == expect["weeks_completed"]
    if expect["weeks_min"] is not None:
        assert result["weeks_required"]["min"] == expect["weeks_min"]
    for code in expect["present"]:
        assert code in found
    for code in expect["absent"]:
        assert code not in found
    for code in expect["not_blocking"]:
        assert code not in found or found[code]["severity"] != "blocking"


# --- the shape of a verdict ----------------------------------------------------------------


def test_a_verdict_has_the_contract_fields_in_order() -> None:
    result = judge(dossier("bts-ciel", periods=[period("2027-05-31", weeks=5)]))
    assert list(result) == [
        "id",
        "diploma",
        "pathway",
        "status",
        "weeks_completed",
        "weeks_required",
        "findings",
    ]
    for f in result["findings"]:
        assert f["severity"] in ("blocking", "warning", "info")
        assert f["message"] and f["ref"].startswith("003_f06874f93b6cc55f.txt §")
    assert json.loads(dumps_verdict(result)) == result


def test_a_code_appears_at_most_once() -> None:
    periods = [
        period("2027-01-04", weeks=2, certificate=False),
        period("2027-05-03", weeks=2, certificate=False, convention_signed=False),
    ]
    result = judge(dossier("bts-ciel", periods=periods))
    listed = [f["code"] for f in result["findings"]]
    assert len(listed) == len(set(listed))
    assert finding(result, "CERTIFICATE_MISSING")["detail"] == [0, 1]


def test_id_is_echoed_and_optional() -> None:
    value = dossier("bts-ciel")
    del value["id"]
    assert judge(value)["id"] is None


def test_unknown_fields_are_ignored() -> None:
    assert judge(dossier("bts-ciel", colour="blue", extra={"a": 1}))["status"] == "compliant"


def test_verdict_text_is_compact_utf8_json() -> None:
    text = dumps_verdict(judge(dossier("bts-metiers-de-la-mesure", periods=[])))
    assert "\n" not in text and "effectuée sur 12 requises" in text
    assert text.startswith('{"id":"test-bts-metiers-de-la-mesure","diploma":')


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"diploma": "bts-inconnu"}, "/diploma"),
        ({"diploma": None}, "/diploma"),
        ({"pathway": None}, "/pathway"),
        ({"pathway": "alternance"}, "/pathway"),
        ({"pathway": "formation-continue"}, "/continuing_situation"),
        (
            {"pathway": "formation-continue", "continuing_situation": "retraite"},
            "/continuing_situation",
        ),
        ({"session": "2028"}, "/session"),
        ({"session": True}, "/session"),
        ({"session": None}, "/session"),
        ({"training_start": "07/09/2026"}, "/training_start"),
        ({"training_start": None}, "/training_start"),
        ({"as_of": "2028-02-30"}, "/as_of"),
        ({"exam_date": 20280601}, "/exam_date"),
        ({"distance": "oui"}, "/distance"),
        ({"evaluation": 1}, "/evaluation"),
        ({"periods": {}}, "/periods"),
        ({"periods": [period("2027-05-31", "2027-05-30")]}, "/periods/0/end"),
        ({"periods": [period("2027-05-31", "2027-13-01")]}, "/periods/0/end"),
        ({"periods": [period("2027-5-31", "2027-06-30")]}, "/periods/0/start"),
        ({"periods": [period("2027-05-31", weeks=1, absence_days=-1)]}, "/periods/0/absence_days"),
        ({"periods": [period("2027-05-31", weeks=1, absence_days=6)]}, "/periods/0/absence_days"),
        ({"periods": [period("2027-05-31", weeks=1, absence_days=1.5)]}, "/periods/0/absence_days"),
        (
            {"periods": [period("2027-05-31", weeks=1, work_days=["lundi"])]},
            "/periods/0/work_days/0",
        ),
        ({"periods": [period("2027-05-31", weeks=1, work_days=[])]}, "/periods/0/work_days"),
        (
            {"periods": [period("2027-05-31", weeks=1, work_days=["mon", "mon"])]},
            "/periods/0/work_days/1",
        ),
        ({"periods": [period("2027-05-31", weeks=1, certificate="yes")]}, "/periods/0/certificate"),
        (
            {"periods": [period("2027-05-31", weeks=1, host={"country": "France"})]},
            "/periods/0/host/country",
        ),
        ({"periods": [period("2027-05-31", weeks=7), "x"]}, "/periods/1"),
        (
            {"work_certificates": [{"start": "2027-01-01", "end": "2026-01-01"}]},
            "/work_certificates/0/end",
        ),
        (
            {
                "work_certificates": [
                    {"start": "2027-01-01", "end": "2027-06-01", "full_time": "yes"}
                ]
            },
            "/work_certificates/0/full_time",
        ),
        (
            {"derogations": [{"kind": "waiver", "reason": "vae", "decided_by": "recteur"}]},
            "/derogations/0/kind",
        ),
        (
            {"derogations": [{"kind": "dispense", "reason": "pity", "decided_by": "recteur"}]},
            "/derogations/0/reason",
        ),
        (
            {"derogations": [{"kind": "dispense", "reason": "vae", "decided_by": "ministre"}]},
            "/derogations/0/decided_by",
        ),
        (
            {"derogations": [{"kind": "reduction", "reason": "vae", "decided_by": "recteur"}]},
            "/derogations/0/weeks",
        ),
        (
            {
                "derogations": [
                    {"kind": "reduction", "reason": "vae", "decided_by": "recteur", "weeks": -1}
                ]
            },
            "/derogations/0/weeks",
        ),
        (
            {
                "derogations": [
                    {"kind": "dispense", "reason": "vae", "decided_by": "recteur", "units": [4]}
                ]
            },
            "/derogations/0/units/0",
        ),
        ({"report": "yes"}, "/report"),
        ({"report": {"submitted_on": "hier"}}, "/report/submitted_on"),
        ({"report": {"pages": -3}}, "/report/pages"),
        ({"report": {"page_format": "A0"}}, "/report/page_format"),
        (
            {"report": {"english_documents": [{"kind": "novel"}]}},
            "/report/english_documents/0/kind",
        ),
        (
            {"report": {"section_pages": {"legal-analysis": "deux"}}},
            "/report/section_pages/legal-analysis",
        ),
        ({"report": {"sections": "presentation"}}, "/report/sections"),
        ({"repeater": {"previous_session": 2027, "report": "copy"}}, "/repeater/report"),
        ({"repeater": {"report": "reuse"}}, "/repeater/previous_session"),
        (
            {"repeater": {"previous_session": 2027, "report": "reuse", "previous_evaluation": 1}},
            "/repeater/previous_evaluation",
        ),
        (
            {"repeater": {"previous_session": 2027, "report": "reuse", "contract": "renewed"}},
            "/repeater/contract",
        ),
        ({"periods": [period("2027-05-31", weeks=7, kind="contrat")]}, "/periods/0/kind"),
        ({"periods": [period("2027-05-31", weeks=7, kind="")]}, "/periods/0/kind"),
        ({"periods": [period("2027-05-31", weeks=7, kind=1)]}, "/periods/0/kind"),
        (
            {"periods": [period("2027-05-31", weeks=7, activities_fit="oui")]},
            "/periods/0/activities_fit",
        ),
        (
            {"periods": [period("2027-05-31", weeks=7, convention_signed_on="28/05/2027")]},
            "/periods/0/convention_signed_on",
        ),
        (
            {"periods": [period("2027-05-31", weeks=7, convention_signed_on="2027-02-30")]},
            "/periods/0/convention_signed_on",
        ),
        (
            {
                "periods": [
                    period("2027-05-31", weeks=7, work_days=["mon"], convention_signed_on=True)
                ]
            },
            "/periods/0/convention_signed_on",
        ),
        ({"id": 12}, "/id"),
    ],
)
def test_a_dossier_that_cannot_be_judged_names_the_field(
    change: dict[str, Any], field: str
) -> None:
    value = {**dossier("bts-ciel"), **change}
    for key, content in change.items():
        if content is None:
            del value[key]
    assert error_field(value) == field
    result = evaluate(value)
    assert list(result) == ["id", "error"]
    assert list(result["error"]) == ["field", "message"]


def test_an_error_keeps_the_id() -> None:
    result = evaluate(dossier("bts-ciel", pathway="x"))
    assert result["id"] == "test-bts-ciel"
    assert "scolaire" in result["error"]["message"]  # says what is admitted, in French


@pytest.mark.parametrize("value", [[], "dossier", 3, None])
def test_a_dossier_that_is_not_an_object_is_an_error_at_the_root(value: Any) -> None:
    assert evaluate(value) == {
        "id": None,
        "error": {"field": "", "message": "dossier : un objet JSON est attendu"},
    }


def test_v11_errors_are_in_french_and_name_what_is_admitted() -> None:
    kind = evaluate(dossier("bts-ciel", periods=[period("2027-05-31", weeks=7, kind="cdd")]))
    assert kind["error"] == {
        "field": "/periods/0/kind",
        "message": "kind : « cdd » n'est pas admis (valeurs admises : stage, special-contract)",
    }
    contract = evaluate(
        dossier(
            "bts-ciel",
            pathway="apprentissage",
            repeater={"previous_session": 2027, "report": "new", "contract": "prolonge"},
        )
    )
    assert "extended, new-employer" in contract["error"]["message"]


def test_v11_fields_are_optional_and_null_means_absent() -> None:
    plain = judge(dossier("bts-ciel"))
    explicit = dossier(
        "bts-ciel",
        periods=[
            period("2027-05-31", weeks=7, kind=None, activities_fit=None, convention_signed_on=None)
        ],
        repeater=None,
    )
    assert judge(explicit) == plain
    stage = dossier("bts-ciel", periods=[period("2027-05-31", weeks=7, kind="stage")])
    assert judge(stage) == plain
    repeater = {"previous_session": 2027, "report": "reuse", "previous_evaluation": None}
    assert judge(dossier("bts-ciel", repeater={**repeater, "contract": None}))["status"] == (
        "compliant"
    )


def test_a_period_reads_the_same_by_the_fast_and_the_checked_path() -> None:
    # work_days sends a period through the checked reader; without it, the fast one
    fast = period(
        "2027-03-01",
        weeks=7,
        convention_signed_on="2027-03-03",
        kind="special-contract",
        activities_fit=True,
    )
    checked = {**fast, "work_days": ["mon", "tue", "wed", "thu", "fri"]}
    for situation in ("reconversion", "perfectionnement"):
        base = {"pathway": "formation-continue", "continuing_situation": situation}
        assert judge(dossier("bts-ciel", **base, periods=[fast])) == judge(
            dossier("bts-ciel", **base, periods=[checked])
        )
    late = period("2027-05-31", weeks=7, convention_signed_on="2027-06-02")
    slow = {**late, "work_days": ["mon", "tue", "wed", "thu", "fri"]}
    assert judge(dossier("bts-ciel", periods=[late])) == judge(dossier("bts-ciel", periods=[slow]))
    assert "CONVENTION_SIGNED_LATE" in codes(judge(dossier("bts-ciel", periods=[late])))


def test_null_optional_fields_take_their_defaults() -> None:
    result = judge(
        dossier("bts-ciel", exam_date=None, distance=None, derogations=None, repeater=None)
    )
    assert result["status"] == "compliant"


# --- counting -------------------------------------------------------------------------


def test_public_holidays_count_as_presence() -> None:
    # 3 – 28 May 2027 holds 1 May? no: 8 May (Saturday), Ascension 6 May and Whit Monday 24 May
    result = judge(dossier("bts-ciel", periods=[period("2027-05-03", "2027-06-11")]))
    assert result["weeks_completed"] == 6.0


def test_absences_are_subtracted_as_days() -> None:
    result = judge(dossier("bts-ciel", periods=[period("2027-05-31", weeks=7, absence_days=3)]))
    assert result["weeks_completed"] == 6.4


def test_work_days_set_the_week() -> None:
    # Monday–Saturday: 18 presence days are 3 weeks
    days = ["mon", "tue", "wed", "thu", "fri", "sat"]
    result = judge(
        dossier("bts-ciel", periods=[period("2027-05-31", "2027-06-19", work_days=days)])
    )
    assert result["weeks_completed"] == 3.0


def test_mixed_week_lengths_are_exact() -> None:
    four = ["mon", "tue", "wed", "thu"]
    result = judge(
        dossier(
            "bts-ciel",
            periods=[
                period("2027-05-31", "2027-06-24", work_days=four),
                period("2027-06-28", weeks=2),
            ],
        )
    )
    assert result["weeks_completed"] == 6.0


def test_periods_not_finished_are_pending_while_they_would_fill_the_minimum() -> None:
    result = judge(
        dossier(
            "bts-ciel", as_of="2027-06-15", report=None, periods=[period("2027-05-31", weeks=7)]
        )
    )
    assert result["status"] == "pending"
    assert result["weeks_completed"] == 0.0
    assert finding(result, "PERIOD_NOT_FINISHED")["severity"] == "info"
    assert "DURATION_BELOW_MINIMUM" not in codes(result)


def test_a_shortfall_the_planned_periods_cannot_fill_is_a_finding_now() -> None:
    result = judge(
        dossier(
            "bts-ciel", as_of="2027-06-15", report=None, periods=[period("2027-05-31", weeks=3)]
        )
    )
    assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"
    assert result["status"] == "non-compliant"


def test_a_period_ending_on_as_of_is_finished() -> None:
    result = judge(
        dossier(
            "bts-ciel", as_of="2027-07-16", report=None, periods=[period("2027-05-31", weeks=7)]
        )
    )
    assert "PERIOD_NOT_FINISHED" not in codes(result)
    assert result["weeks_completed"] == 7.0 and result["status"] == "pending"  # report not yet due


def test_exam_date_defaults_to_first_of_june_of_the_session() -> None:
    late = judge(
        dossier(
            "bts-ciel",
            report={
                "submitted_on": "2028-06-02",
                "pages": 10,
                "sections": ["presentation", "activities", "conclusion"],
                "english_documents": [{"kind": "technical"}, {"kind": "press"}, {"kind": "press"}],
            },
        )
    )
    assert "REPORT_LATE" in codes(late)
    on_time = judge(
        dossier(
            "bts-ciel",
            exam_date="2028-06-10",
            report={
                "submitted_on": "2028-06-02",
                "pages": 10,
                "sections": ["presentation", "activities", "conclusion"],
                "english_documents": [{"kind": "technical"}, {"kind": "press"}, {"kind": "press"}],
            },
        )
    )
    assert "REPORT_LATE" not in codes(on_time)


def test_as_of_defaults_to_today() -> None:
    value = dossier("bts-ciel", report=None)
    del value["as_of"]
    with time_machine.travel(date(2027, 6, 15), tick=False):
        assert evaluate(value)["status"] == "pending"
    with time_machine.travel(date(2028, 6, 15), tick=False):
        assert "REPORT_MISSING" in codes(evaluate(value))
    assert evaluate(value, today=date(2027, 6, 15))["status"] == "pending"


def test_weeks_completed_is_rounded_to_two_decimals() -> None:
    # 1 day of a 3-day week = 0.333… weeks
    result = judge(
        dossier(
            "bts-ciel",
            periods=[period("2027-05-31", "2027-05-31", work_days=["mon", "wed", "fri"])],
        )
    )
    assert result["weeks_completed"] == 0.33
