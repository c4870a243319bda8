"""Small builders for contract-v1.1 dossiers (plain dicts), with business defaults.

Defaults describe a scolaire candidate who did everything right: training from 2026-09-07
(a Monday), session 2028, judged on 2028-06-20, evaluation on file.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from milieu.rules import evaluate, get_catalogue

TRAINING_START = "2026-09-07"
AS_OF = "2028-06-20"

F = TypeVar("F", bound=Callable[..., Any])


def cites(diploma_id: str, rule_id: str, paragraph: str) -> Callable[[F], F]:
    """Mark a test as the test of one catalogue rule; the paragraph must be the rule's own.

    `tests/rules/test_catalogue.py` checks that every rule of every catalogue file is cited.
    """
    rule = next((r for r in get_catalogue().diplomas[diploma_id].rules if r.id == rule_id), None)

    def decorate(test: F) -> F:
        @functools.wraps(test)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            assert rule is not None, f"{diploma_id} has no rule {rule_id}"
            assert rule.paragraph == paragraph, (
                f"{diploma_id}/{rule_id} cites {rule.paragraph}, test says {paragraph}"
            )
            return test(*args, **kwargs)

        wrapper.cites = (diploma_id, rule_id, paragraph)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def weeks_later(start: str, weeks: int, days: int = -3) -> str:
    """The Friday ending `weeks` Monday-to-Friday weeks that begin on Monday `start`."""
    return (date.fromisoformat(start) + timedelta(weeks=weeks, days=days)).isoformat()


def period(
    start: str, end: str | None = None, *, weeks: int | None = None, **fields: Any
) -> dict[str, Any]:
    if end is None:
        assert weeks is not None
        end = weeks_later(start, weeks)
    value: dict[str, Any] = {
        "start": start,
        "end": end,
        "convention_signed": True,
        "certificate": True,
        "training_contract": True,
        "bilan": True,
        "host": {"name": "Atelier Dupont", "country": "FR"},
    }
    value.update(fields)
    return value


def special_contract(
    start: str,
    end: str | None = None,
    *,
    weeks: int | None = None,
    activities_fit: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    """A period worked under a *contrat de travail de type particulier* (contract v1.1): no
    convention, no stage certificate; the team's statement that its activities fit."""
    value = period(start, end, weeks=weeks, kind="special-contract", activities_fit=activities_fit)
    del value["convention_signed"], value["certificate"]
    value.update(fields)
    return value


def continuing(situation: str) -> dict[str, str]:
    """The fields of a continuing-education candidate in `situation`."""
    return {"pathway": "formation-continue", "continuing_situation": situation}


def report(**fields: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "submitted_on": "2028-03-30",
        "deadline": "2028-04-07",
        "pages": 20,
        "annex_pages": 5,
        "page_format": "A4",
        "sections": [],
        "section_pages": {},
        "english_documents": [],
        "endorsed_by_host": True,
        "parts": {},
    }
    value.update(fields)
    return value


GOOD_REPORTS: dict[str, dict[str, Any]] = {
    "bts-ciel": report(
        pages=29,
        sections=["presentation", "activities", "conclusion"],
        english_documents=[{"kind": "technical"}, {"kind": "press"}, {"kind": "press"}],
    ),
    "bts-metiers-de-la-mesure": report(
        pages=45,
        sections=[
            "presentation",
            "legal-analysis",
            "activities",
            "conclusion",
            "english-summary",
            "qsse-example",
        ],
        section_pages={"legal-analysis": 3, "qsse-example": 4},
    ),
    "bma-bijou": report(
        pages=15,
        annex_pages=10,
        page_format="A3",
        sections=["stage-reports", "bilans", "objectives", "contents", "steps", "costs"],
    ),
}

BIJOU_EXPERIENCE_REPORT = report(
    pages=45,
    annex_pages=5,
    page_format="A3",
    sections=["activity-report", "case-study"],
    parts={"activity-report": 30, "case-study": 20},
)

GOOD_PERIODS: dict[str, list[dict[str, Any]]] = {
    "bep-mpmi": [period("2026-09-21", weeks=1), period("2027-06-07", weeks=2)],
    "bts-metiers-de-la-mesure": [period("2027-05-03", weeks=12)],
    "bts-ccst": [period("2027-01-04", weeks=6), period("2027-05-03", weeks=8)],
    "bts-ciel": [period("2027-05-31", weeks=7)],
    "bma-bijou": [period("2027-01-04", weeks=6), period("2028-01-03", weeks=6)],
}


def dossier(diploma: str, **fields: Any) -> dict[str, Any]:
    """A complete, compliant scolaire dossier of `diploma`, with `fields` overriding."""
    value: dict[str, Any] = {
        "id": f"test-{diploma}",
        "diploma": diploma,
        "pathway": "scolaire",
        "session": 2028,
        "training_start": TRAINING_START,
        "as_of": AS_OF,
        "periods": [dict(p) for p in GOOD_PERIODS[diploma]],
        "evaluation": True,
    }
    if diploma in GOOD_REPORTS:
        value["report"] = dict(GOOD_REPORTS[diploma])
    value.update(fields)
    return value


def judge(value: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    result = evaluate(value, **kwargs)
    assert "error" not in result, result
    return result


def codes(result: dict[str, Any]) -> set[str]:
    return {f["code"] for f in result["findings"]}


def finding(result: dict[str, Any], code: str) -> dict[str, Any]:
    for f in result["findings"]:
        if f["code"] == code:
            return f
    raise AssertionError(f"{code} not in {codes(result)}")


def error_field(value: Any) -> str:
    result = evaluate(value)
    assert "error" in result, result
    return str(result["error"]["field"])
