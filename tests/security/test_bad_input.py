"""Issue 9, item 7 (the JSON doors): hostile JSON gives a French answer, never a server error.

Each text goes through the three doors: ``milieu check`` (an error object and exit code 1, or
one French line and exit code 2 for text that cannot be read as JSON, never a traceback), the
API (422 with the contract's error object) and the page « Vérifier un dossier » (the French
message shown, the text kept). Then hypothesis throws odd values at the engine's reader.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from milieu.rules import dumps_verdict, evaluate, get_catalogue
from milieu.rules.reader import InputError, load_json
from milieu.rules.text import render_text
from tests.rules.builders import dossier, period
from tests.security.public_check_doors import page_verdicts, through_api, through_cli, through_page

VALID = dossier("bts-ciel")
VALID_TEXT = json.dumps(VALID)


def _with(**fields: Any) -> str:
    return json.dumps({**VALID, **fields})


# --- text that is not readable JSON: exit 2, 422, a French message on the page -------------------

UNREADABLE = [
    pytest.param(
        '{"a":' * 10_000 + "1" + "}" * 10_000,
        "des tableaux ou objets sont imbriqués trop profondément pour être lus",
        id="objects-nested-10000-deep",
    ),
    pytest.param(
        "[" * 10_000 + "]" * 10_000,
        "des tableaux ou objets sont imbriqués trop profondément pour être lus",
        id="arrays-10000-deep",
    ),
    pytest.param(
        VALID_TEXT[:-1] + ', "session": ' + "9" * 5_000 + "}",
        "un nombre entier a plus de 4\u202f300 chiffres",
        id="integer-of-5000-digits",
    ),
    pytest.param(
        VALID_TEXT[:-1] + ', "note": -' + "1" * 4_301 + "}",
        "un nombre entier a plus de 4\u202f300 chiffres",
        id="negative-integer-in-an-ignored-field",
    ),
    pytest.param(VALID_TEXT[:-1] + ', "x": NaN}', "« NaN » n’est pas un nombre JSON", id="nan"),
    pytest.param(
        VALID_TEXT[:-1] + ', "x": -Infinity}',
        "« -Infinity » n’est pas un nombre JSON",
        id="minus-infinity",
    ),
]


@pytest.mark.parametrize(("text", "reason"), UNREADABLE)
def test_the_command_says_in_one_line_why_the_text_is_not_json(
    text: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = through_cli(text, tmp_path, capsys)

    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert f"JSON invalide : {reason}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "reason"), UNREADABLE)
def test_the_api_answers_422_in_french(text: str, reason: str, client: Client) -> None:
    response = through_api(client, text)

    assert response.status_code == 422
    body = response.json()
    assert body["id"] is None and body["error"]["field"] == ""
    assert body["error"]["message"] == (
        f"Le corps de la requête n’est pas du JSON valide : {reason}."
    )


@pytest.mark.parametrize(("text", "reason"), UNREADABLE)
def test_the_page_explains_in_french_and_keeps_the_text(
    text: str, reason: str, client: Client
) -> None:
    response = through_page(client, text)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Le texte n’est pas du JSON valide : {reason}." in html
    assert 'aria-invalid="true"' in html
    assert "data-verdict-json" not in html
    assert len(html.split('id="id_dossier"')[1].split("</textarea>")[0]) > len(text) // 2


def test_json_lines_with_a_hostile_line_are_refused_at_that_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VALID_TEXT + "\n" + "[" * 10_000 + "]" * 10_000 + "\n"

    code, _, err = through_cli(text, tmp_path, capsys)

    assert code == 2
    assert "JSON Lines invalide ligne 2 : des tableaux ou objets sont imbriqués" in err


# --- dossiers that are JSON but cannot be judged: one error object, the same through every door ----

NOT_JUDGED = [
    pytest.param(
        VALID_TEXT.replace('"test-bts-ciel"', '"\\ud800"'),
        {
            "id": None,
            "error": {
                "field": "/id",
                "message": "id : « \\ud800 » contient un caractère invalide "
                "(demi-paire de substitution UTF-16 isolée)",
            },
        },
        id="lone-surrogate-in-the-id",
    ),
    pytest.param(
        _with(
            report={
                "submitted_on": "2028-03-30",
                "section_pages": {"\ud800/x": -1},
            }
        ),
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/report/section_pages/\\ud800~1x",
                "message": "section_pages.\\ud800/x : -1 n'est pas un nombre de pages "
                "(entier positif)",
            },
        },
        id="lone-surrogate-in-a-key-echoed-in-the-pointer",
    ),
    pytest.param(
        _with(diploma="\udfff" * 3),
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/diploma",
                "message": "diploma : « \\udfff\\udfff\\udfff » n'est pas un diplôme du catalogue "
                "(diplômes connus : bep-mpmi, bma-bijou, bts-ccst, bts-ciel, "
                "bts-metiers-de-la-mesure)",
            },
        },
        id="lone-surrogates-in-a-quoted-value",
    ),
    pytest.param(
        _with(training_start="9999-12-31"),
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/training_start",
                "message": "début de la formation : « 9999-12-31 » est hors des dates admises "
                "(du 01/01/1900 au 31/12/2199)",
            },
        },
        id="training-start-9999-12-31",
    ),
    pytest.param(
        _with(periods=[period("0001-01-01", "0001-01-05")]),
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/periods/0/start",
                "message": "période 1, début : « 0001-01-01 » est hors des dates admises "
                "(du 01/01/1900 au 31/12/2199)",
            },
        },
        id="period-in-year-1",
    ),
    pytest.param(
        VALID_TEXT[:-1] + ', "derogations": [{"kind": "reduction", "reason": "force-majeure", '
        '"decided_by": "recteur", "weeks": 1e400}]}',
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/derogations/0/weeks",
                "message": "weeks : un nombre infini n'est pas un nombre de semaines entre 0 et 520",
            },
        },
        id="float-overflowing-to-infinity",
    ),
    pytest.param(
        _with(session=10**4000),
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/session",
                "message": "session : un nombre de 4\u202f001 chiffres n'est pas une année de session",
            },
        },
        id="integer-of-4001-digits",
    ),
    pytest.param(
        _with(pathway="x" * 100_000),
        {
            "id": "test-bts-ciel",
            "error": {
                "field": "/pathway",
                "message": "pathway : « "
                + "x" * 57
                + "… » n'est pas admis (valeurs admises : scolaire, apprentissage, "
                "formation-continue, experience-professionnelle)",
            },
        },
        id="very-long-string",
    ),
    pytest.param(
        _with(periods=[{"start": "2027-05-31", "end": "2027-06-25", "host": [[[[[]]]]]}]),
        {
            "id": "test-bts-ciel",
            "error": {"field": "/periods/0/host", "message": "host : un objet JSON est attendu"},
        },
        id="nested-lists-where-an-object-is-expected",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NOT_JUDGED)
def test_the_three_doors_give_the_same_error_object(
    text: str,
    expected: dict[str, Any],
    client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    canonical = dumps_verdict(expected)

    code, out, err = through_cli(text, tmp_path, capsys)
    api = through_api(client, text)
    page = through_page(client, text)

    assert (code, out, err) == (1, canonical + "\n", "")
    assert api.status_code == 422 and api.content.decode() == canonical
    assert page.status_code == 200 and page_verdicts(page) == [canonical]
    assert "Ce dossier ne peut pas être jugé" in page.content.decode()


def test_the_text_report_of_the_command_is_printable_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.json"
    path.write_text(VALID_TEXT.replace('"test-bts-ciel"', '"\\udc80"'), encoding="utf-8")
    from milieu.cli import main

    code = main(["check", "--format", "text", str(path)])
    out, _ = capsys.readouterr()

    assert code == 1
    assert "impossible à juger" in out and "\\udc80" in out


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_dates_at_the_edges_of_the_admitted_range_give_a_verdict(day: str) -> None:
    value = {
        **VALID,
        "training_start": day,
        "as_of": day,
        "exam_date": day,
        "periods": [period(day, day)],
        "work_certificates": [{"start": day, "end": day, "full_time": True, "in_sector": True}],
    }
    for diploma in ("bep-mpmi", "bts-metiers-de-la-mesure", "bts-ccst", "bts-ciel", "bma-bijou"):
        for pathway, situation in (
            ("scolaire", None),
            ("formation-continue", "perfectionnement"),
            ("experience-professionnelle", None),
        ):
            extra = {"continuing_situation": situation} if situation else {}
            result = evaluate({**value, "diploma": diploma, "pathway": pathway, **extra})
            assert "status" in result, result


# --- hypothesis: odd values anywhere, never an exception, always printable -----------------------

DATES = st.one_of(
    st.dates(date(1900, 1, 1), date(1901, 12, 31)),
    st.dates(date(2198, 1, 1), date(2199, 12, 31)),
    st.dates(date(2026, 1, 1), date(2029, 12, 31)),
    st.dates(),
).map(date.isoformat)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(10**300), 10**300),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["\ud800", "\udfff", "mon", "sun", "A3", "larger", "recteur", "U4", "reuse"]),
    DATES,
)
ANY_JSON = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = [
    "id",
    "diploma",
    "pathway",
    "continuing_situation",
    "distance",
    "session",
    "exam_date",
    "training_start",
    "as_of",
    "periods",
    "apprenticeship_evidence",
    "work_certificates",
    "professional_experience_in_sector",
    "derogations",
    "report",
    "evaluation",
    "repeater",
]


@st.composite
def odd_periods(draw: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"start": draw(DATES), "end": draw(DATES)}
    for name in ("absence_days", "work_days", "certificate", "convention_signed", "host"):
        if draw(st.booleans()):
            value[name] = draw(ANY_JSON)
    return value


@st.composite
def odd_dossiers(draw: Any) -> dict[str, Any]:
    value = dict(
        dossier(
            draw(st.sampled_from(sorted(get_catalogue().ids()))),
            pathway=draw(
                st.sampled_from(
                    [
                        "scolaire",
                        "apprentissage",
                        "formation-continue",
                        "experience-professionnelle",
                    ]
                )
            ),
            continuing_situation=draw(
                st.sampled_from(["premiere-formation", "reconversion", "perfectionnement"])
            ),
            training_start=draw(DATES),
            as_of=draw(DATES),
            exam_date=draw(DATES),
            periods=draw(st.lists(odd_periods(), max_size=3)),
        )
    )
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        value[name] = draw(ANY_JSON)
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_dossiers())
def test_the_engine_never_raises_and_its_answer_is_always_printable(value: dict[str, Any]) -> None:
    result = evaluate(value, today=date(2028, 6, 20))

    assert ("error" in result) != ("status" in result)
    dumps_verdict(result).encode("utf-8")
    render_text(result, get_catalogue(), 1).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.text(alphabet='[]{}",:0123456789-.eE \\u', max_size=60),
        st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3), max_leaves=6).map(
            lambda v: json.dumps(v, allow_nan=True)
        ),
    )
)
def test_the_reader_either_reads_or_refuses_in_french(text: str) -> None:
    try:
        load_json(text)
    except json.JSONDecodeError:
        pass  # each door words a syntax error itself
    except InputError as error:
        assert str(error)
