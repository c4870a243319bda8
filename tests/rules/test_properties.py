"""Properties of counting and judging, checked by hypothesis on generated dossiers."""

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from milieu.rules import dumps_verdict, evaluate
from milieu.rules.counting import covered_days, longest_free_run
from milieu.rules.parsing import WEEKDAYS, scheduled_days

DIPLOMAS = ["bep-mpmi", "bts-metiers-de-la-mesure", "bts-ccst", "bts-ciel", "bma-bijou"]
BASE = date(2026, 9, 7).toordinal()

work_days = st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True)


@st.composite
def periods(draw: Any, finished: bool | None = None) -> dict[str, Any]:
    start = BASE + draw(st.integers(0, 600))
    end = start + draw(st.integers(0, 90))
    days = draw(st.one_of(st.none(), work_days))
    value: dict[str, Any] = {
        "start": date.fromordinal(start).isoformat(),
        "end": date.fromordinal(end).isoformat(),
        "convention_signed": draw(st.booleans()),
        "certificate": draw(st.booleans()),
        "training_contract": draw(st.booleans()),
        "bilan": draw(st.booleans()),
    }
    indexes = tuple(WEEKDAYS.index(d) for d in days) if days else (0, 1, 2, 3, 4)
    scheduled = scheduled_days(start, end, indexes)
    value["absence_days"] = draw(st.integers(0, scheduled))
    if days is not None:
        value["work_days"] = days
    # contract v1.1
    kind = draw(st.sampled_from([None, None, "stage", "special-contract"]))
    if kind is not None:
        value["kind"] = kind
    if draw(st.booleans()):
        value["activities_fit"] = draw(st.booleans())
    if draw(st.booleans()):
        signed_on = start + draw(st.integers(-20, 10))
        value["convention_signed_on"] = date.fromordinal(signed_on).isoformat()
    return value


@st.composite
def special_contracts(draw: Any) -> dict[str, Any]:
    return {**draw(periods()), "kind": "special-contract"}


@st.composite
def dossiers(draw: Any) -> dict[str, Any]:
    pathway = draw(
        st.sampled_from(
            ["scolaire", "apprentissage", "formation-continue", "experience-professionnelle"]
        )
    )
    value: dict[str, Any] = {
        "id": "h",
        "diploma": draw(st.sampled_from(DIPLOMAS)),
        "pathway": pathway,
        "session": 2028,
        "training_start": "2026-09-07",
        "as_of": date.fromordinal(BASE + draw(st.integers(0, 700))).isoformat(),
        "periods": draw(st.lists(periods(), max_size=4)),
        "evaluation": draw(st.booleans()),
        "apprenticeship_evidence": draw(st.booleans()),
    }
    if pathway == "formation-continue":
        value["continuing_situation"] = draw(
            st.sampled_from(["premiere-formation", "reconversion", "perfectionnement"])
        )
    if draw(st.booleans()):
        value["derogations"] = [
            {
                "kind": draw(st.sampled_from(["reduction", "dispense", "partial"])),
                "reason": draw(
                    st.sampled_from(
                        ["force-majeure", "force-majeure", "amenagement", "vae", "other"]
                    )
                ),
                "decided_by": draw(st.sampled_from(["recteur", "chef-etablissement"])),
                "weeks": draw(st.integers(0, 16)),
                "units": draw(
                    st.lists(st.sampled_from(["U4", "U6", "U1"]), max_size=2, unique=True)
                ),
            }
        ]
    if draw(st.integers(0, 3)) == 0:
        value["repeater"] = {
            "previous_session": 2027,
            "report": draw(st.sampled_from(["reuse", "modified", "new"])),
            "previous_evaluation": draw(st.booleans()),
        }
        contract = draw(st.sampled_from([None, "extended", "new-employer"]))
        if contract is not None:
            value["repeater"]["contract"] = contract
    if draw(st.booleans()):
        value["report"] = {
            "submitted_on": draw(
                st.one_of(st.none(), st.sampled_from(["2028-03-01", "2028-05-01", "2028-06-15"]))
            ),
            "pages": draw(st.integers(0, 70)),
            "annex_pages": draw(st.integers(0, 20)),
            "sections": draw(
                st.lists(
                    st.sampled_from(
                        ["presentation", "activities", "conclusion", "legal-analysis", "costs"]
                    ),
                    unique=True,
                )
            ),
        }
    return value


def _essence(result: dict[str, Any]) -> tuple[Any, ...]:
    """What must not depend on the order periods are listed in (messages name periods by rank)."""
    return (
        result["status"],
        result["weeks_completed"],
        result["weeks_required"],
        sorted((f["code"], f["severity"], f["ref"]) for f in result["findings"]),
    )


@settings(max_examples=300, deadline=None)
@given(dossiers(), st.randoms(use_true_random=False))
def test_the_verdict_does_not_depend_on_the_order_of_periods(
    value: dict[str, Any], random: Any
) -> None:
    shuffled = {**value, "periods": list(value["periods"])}
    random.shuffle(shuffled["periods"])
    assert _essence(evaluate(value)) == _essence(evaluate(shuffled))


@settings(max_examples=300, deadline=None)
@given(dossiers(), periods())
def test_adding_a_finished_certified_period_never_lowers_weeks_completed(
    value: dict[str, Any], extra: dict[str, Any]
) -> None:
    before = evaluate(value)
    extra = {**extra, "certificate": True}
    if extra["end"] > value["as_of"]:
        extra["end"] = value["as_of"]
        extra["absence_days"] = 0
        if extra["start"] > extra["end"]:
            extra["start"] = extra["end"]
    after = evaluate({**value, "periods": [*value["periods"], extra]})
    if "error" in before or "error" in after:
        return
    assert after["weeks_completed"] >= before["weeks_completed"]


def _without(result: dict[str, Any], code: str) -> tuple[Any, ...]:
    return _essence({**result, "findings": [f for f in result["findings"] if f["code"] != code]})


def _counts(value: dict[str, Any]) -> bool:
    """Whether a special-contract period counts for this candidate (contract v1.1)."""
    return value["pathway"] == "formation-continue" and value.get("continuing_situation") in (
        "premiere-formation",
        "reconversion",
    )


@settings(max_examples=300, deadline=None)
@given(dossiers(), special_contracts())
def test_a_special_contract_that_does_not_count_changes_nothing_but_its_warning(
    value: dict[str, Any], contract: dict[str, Any]
) -> None:
    if _counts(value):
        contract = {**contract, "activities_fit": False}
    before = evaluate(value)
    after = evaluate({**value, "periods": [*value["periods"], contract]})
    if "error" in before or "error" in after:
        return
    assert after["weeks_completed"] == before["weeks_completed"]
    assert _without(after, "SPECIAL_CONTRACT_NOT_CONFIRMED") == _without(
        before, "SPECIAL_CONTRACT_NOT_CONFIRMED"
    )
    warned = "SPECIAL_CONTRACT_NOT_CONFIRMED" in {f["code"] for f in after["findings"]}
    assert warned == (_counts(value) and value["diploma"] in DIPLOMAS)


@settings(max_examples=300, deadline=None)
@given(dossiers(), special_contracts())
def test_a_special_contract_that_counts_never_lowers_weeks_completed(
    value: dict[str, Any], contract: dict[str, Any]
) -> None:
    value = {**value, "pathway": "formation-continue", "continuing_situation": "reconversion"}
    contract = {**contract, "activities_fit": True}
    before = evaluate(value)
    after = evaluate({**value, "periods": [*value["periods"], contract]})
    if "error" in before or "error" in after:
        return
    assert after["weeks_completed"] >= before["weeks_completed"]
    assert not {"CONVENTION_MISSING", "CERTIFICATE_MISSING"} & {
        f["code"] for f in after["findings"]
    } - {f["code"] for f in before["findings"]}


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_a_derogation_whose_reason_does_not_fit_is_as_if_absent(value: dict[str, Any]) -> None:
    derogations = value.get("derogations") or []
    unfit = [
        g
        for g in derogations
        if (g["kind"] == "partial" and g["reason"] != "force-majeure")
        or (
            g["kind"] == "reduction"
            and g["reason"] not in ("force-majeure", "amenagement", "positionnement")
        )
    ]
    if not unfit:
        return
    kept = [g for g in derogations if g not in unfit]
    with_unfit = evaluate(value)
    without = evaluate({**value, "derogations": kept})
    if "error" in with_unfit:
        return
    codes = {f["code"] for f in with_unfit["findings"]}
    assert "DEROGATION_REASON_NOT_APPLICABLE" in codes
    ignored = {"DEROGATION_REASON_NOT_APPLICABLE", "DEROGATION_NOT_BY_RECTEUR"}
    assert with_unfit["weeks_required"] == without["weeks_required"]
    assert with_unfit["status"] == without["status"]
    assert {c for c in codes if c not in ignored} == {
        f["code"] for f in without["findings"] if f["code"] not in ignored
    }


@settings(max_examples=300, deadline=None)
@given(periods())
def test_weeks_times_work_days_equals_presence_days(p: dict[str, Any]) -> None:
    value = {
        "diploma": "bts-ciel",
        "pathway": "scolaire",
        "session": 2030,
        "training_start": "2026-09-07",
        "as_of": "2029-01-01",
        "periods": [{**p, "certificate": True, "kind": "stage"}],
    }
    result = evaluate(value)
    n = len(p.get("work_days", WEEKDAYS[:5]))
    indexes = tuple(WEEKDAYS.index(d) for d in p.get("work_days", WEEKDAYS[:5]))
    start = date.fromisoformat(p["start"]).toordinal()
    end = date.fromisoformat(p["end"]).toordinal()
    presence = scheduled_days(start, end, indexes) - p["absence_days"]
    assert abs(result["weeks_completed"] * n - presence) <= 0.005 * n


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_json_round_trip_is_stable(value: dict[str, Any]) -> None:
    result = evaluate(value)
    again = evaluate(json.loads(json.dumps(value)))
    assert dumps_verdict(result) == dumps_verdict(again)
    assert json.loads(dumps_verdict(result)) == result


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_status_follows_the_severities(value: dict[str, Any]) -> None:
    result = evaluate(value)
    if "error" in result:
        return
    blocking = any(f["severity"] == "blocking" for f in result["findings"])
    assert (result["status"] == "non-compliant") == blocking
    listed = [f["code"] for f in result["findings"]]
    assert len(listed) == len(set(listed))


@given(st.integers(1, 800_000), st.integers(0, 800), work_days)
def test_scheduled_days_matches_a_day_by_day_count(
    start: int, length: int, days: list[str]
) -> None:
    indexes = tuple(sorted(WEEKDAYS.index(d) for d in days))
    expected = sum(
        1 for day in range(start, start + length + 1) if date.fromordinal(day).weekday() in indexes
    )
    assert scheduled_days(start, start + length, indexes) == expected


intervals = st.lists(
    st.tuples(st.integers(0, 120), st.integers(0, 40)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=6,
)


@given(intervals, st.integers(0, 100), st.integers(0, 100))
def test_covered_days_and_longest_free_run_match_a_day_by_day_count(
    spans: list[tuple[int, int]], low: int, width: int
) -> None:
    high = low + width
    covered = {day for a, b in spans for day in range(a, b + 1) if low <= day <= high}
    assert covered_days(spans, low, high) == len(covered)
    longest = run = 0
    for day in range(low, high + 1):
        run = 0 if day in covered else run + 1
        longest = max(longest, run)
    assert longest_free_run(spans, low, high) == longest


def test_summer_rest_is_counted_on_calendar_days() -> None:
    july = date(2027, 7, 1).toordinal()
    august_end = date(2027, 8, 31).toordinal()
    spans = [(july, july + 13), (july + 14 + 27, july + 14 + 27 + 5)]
    assert longest_free_run(spans, july, august_end) == 27
    assert (date(2027, 7, 1) + timedelta(days=14 + 27)).isoformat() == "2027-08-11"
