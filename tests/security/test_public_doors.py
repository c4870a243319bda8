"""Issue 9, item 2: the public checker can no longer be slowed down by one anonymous client.

- the engine counts overlapping periods by sorting and sweeping (checked against day-by-day and
  pair-by-pair references, and by counting the work done, never by timing);
- a dossier holds at most 200 periods (and bounded lists elsewhere), refused with the contract's
  error object, the same through the three doors;
- a request body above 256 KiB is refused (413) before it is read, on the API and on the page;
- anonymous checks are limited per address (429 with ``Retry-After``), signed-in ones per account.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from milieu.checker.limits import throttle
from milieu.rules import counting, dumps_verdict, evaluate
from milieu.rules.counting import UNITS_PER_WEEK, overlap_count, overlapping_pairs, units_of
from milieu.rules.engine import OVERLAPS_LISTED
from milieu.rules.parsing import (
    MAX_DEROGATIONS,
    MAX_PERIODS,
    MAX_REPORT_ITEMS,
    MAX_UNITS,
    MAX_WORK_CERTIFICATES,
    Period,
    scheduled_days,
)
from tests.rules.builders import dossier, period
from tests.security.public_check_doors import (
    API,
    PAGE,
    page_verdicts,
    through_api,
    through_cli,
    through_page,
)

BASE = date(2027, 1, 4).toordinal()  # a Monday


# --- the sweep, against references that count day by day and pair by pair --------------------


def naive_units(periods: list[Period]) -> int:
    """The engine's former day-by-day count (what the contract says, one day at a time)."""
    cover: dict[int, list[int]] = {}
    for p in periods:
        weight = UNITS_PER_WEEK // len(p.work_days)
        for day in range(p.start, p.end + 1):
            if (day - 1) % 7 in p.work_days:
                entry = cover.setdefault(day, [0, 0])
                entry[0] += 1
                entry[1] = max(entry[1], weight)
    units = sum(weight for _, weight in cover.values())
    for p in periods:
        weight = UNITS_PER_WEEK // len(p.work_days)
        alone = sum(
            weight
            for day in range(p.start, p.end + 1)
            if (day - 1) % 7 in p.work_days and cover[day][0] == 1
        )
        units -= min(p.absence_days * weight, alone)
    return units


def naive_pairs(periods: list[Period]) -> set[tuple[int, int]]:
    return {
        (a.index, b.index)
        for a in periods
        for b in periods
        if a.index < b.index and a.start <= b.end and b.start <= a.end
    }


def make_period(index: int, start: int, length: int, days: tuple[int, ...], absence: int) -> Period:
    end = start + length
    scheduled = scheduled_days(start, end, days)
    return Period(
        start,
        end,
        min(absence, scheduled),
        days,
        scheduled,
        True,
        True,
        True,
        True,
        None,
        "FR",
        index,
    )


work_days = st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s)))
spans = st.lists(
    st.tuples(st.integers(0, 90), st.integers(0, 60), work_days, st.integers(0, 10)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(spans)
def test_the_sweep_counts_the_same_units_as_a_day_by_day_count(
    drawn: list[tuple[int, int, tuple[int, ...], int]],
) -> None:
    periods = [
        make_period(i, BASE + offset, length, days, absence)
        for i, (offset, length, days, absence) in enumerate(drawn)
    ]

    assert units_of(periods) == naive_units(periods)


@settings(max_examples=400, deadline=None)
@given(spans, st.integers(1, 10))
def test_overlapping_pairs_and_their_count_match_a_pairwise_check(
    drawn: list[tuple[int, int, tuple[int, ...], int]], limit: int
) -> None:
    periods = [
        make_period(i, BASE + offset, length, days, absence)
        for i, (offset, length, days, absence) in enumerate(drawn)
    ]
    expected = naive_pairs(periods)

    every = overlapping_pairs(periods)
    first = overlapping_pairs(periods, limit=limit)

    assert {(a.index, b.index) for a, b in every} == expected
    assert len(every) == len(expected)  # each pair once
    assert overlap_count(periods) == len(expected)
    assert [(a.index, b.index) for a, b in first] == [(a.index, b.index) for a, b in every[:limit]]


def test_weekdays_between_matches_the_calendar() -> None:
    first = date(2027, 2, 24).toordinal()
    for length in range(0, 30):
        last = first + length
        for weekday in range(7):
            expected = sum(
                1 for day in range(first, last + 1) if date.fromordinal(day).weekday() == weekday
            )
            assert counting.weekdays_between(first, last, weekday) == expected
    assert counting.weekdays_between(first, first - 1, 0) == 0


def _counted_sweep(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = counting.weekdays_between

    def counted(first: int, last: int, weekday: int) -> int:
        calls[0] += 1
        return real(first, last, weekday)

    monkeypatch.setattr(counting, "weekdays_between", counted)
    return calls


def test_the_sweep_work_grows_with_the_periods_not_with_their_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The work is bounded by 7 × 2 events per period, whether periods last a week or 50 years,
    and doubles (no more) when the periods double: no n² and no day-by-day loop."""
    calls = _counted_sweep(monkeypatch)

    def work(count: int, length: int) -> int:
        calls[0] = 0
        periods = [make_period(i, BASE + i, length, (0, 1, 2, 3, 4), 0) for i in range(count)]
        units_of(periods)
        return calls[0]

    short, long = work(200, 6), work(200, 50 * 365)
    # one week or fifty years: at most one count per event and weekday, none per day
    assert short <= 7 * 2 * 200 and long <= 7 * 2 * 200
    assert work(400, 50 * 365) <= 2 * long + 7


def test_a_dossier_of_200_overlapping_periods_is_judged_and_its_verdict_stays_small(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counted_sweep(monkeypatch)
    same = period("2027-05-31", weeks=6)
    value = dossier("bts-ciel", periods=[dict(same) for _ in range(MAX_PERIODS)])

    result = evaluate(value)

    assert "error" not in result
    assert result["weeks_completed"] == 6.0  # shared days count once
    overlap = next(f for f in result["findings"] if f["code"] == "PERIODS_OVERLAP")
    assert len(overlap["detail"]) == OVERLAPS_LISTED
    assert overlap["detail"][:2] == [[0, 1], [0, 2]]
    assert MAX_PERIODS * (MAX_PERIODS - 1) // 2 - OVERLAPS_LISTED == 19_850
    assert "périodes 1 et 51, et 19\u202f850 autres paires" in overlap["message"]
    assert calls[0] <= 7 * 2 * MAX_PERIODS * 2  # completed and projected counts at most
    assert len(dumps_verdict(result)) < 5_000


def test_a_few_overlaps_are_all_listed_as_before() -> None:
    value = dossier(
        "bts-ciel",
        periods=[
            period("2027-05-31", weeks=4),
            period("2027-06-21", weeks=4),
            period("2027-06-22", "2027-06-24"),
        ],
    )

    overlap = next(f for f in evaluate(value)["findings"] if f["code"] == "PERIODS_OVERLAP")

    assert overlap["detail"] == [[0, 1], [0, 2], [1, 2]]
    assert "autres paires" not in overlap["message"]


intervals = st.lists(
    st.tuples(st.integers(0, 400), st.integers(0, 80)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=12,
)
windows = st.lists(
    st.tuples(st.integers(0, 450), st.integers(0, 61)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(intervals, windows)
def test_free_runs_of_many_windows_match_one_window_at_a_time(
    spans: list[tuple[int, int]], frames: list[tuple[int, int]]
) -> None:
    assert counting.longest_free_runs(spans, frames) == [
        counting.longest_free_run(spans, low, high) for low, high in frames
    ]


def test_a_training_of_three_centuries_names_ten_summers_and_counts_the_others() -> None:
    value = dossier(
        "bts-ccst",
        session=2199,
        training_start="1900-01-01",
        as_of="2199-12-31",
        periods=[period("1900-07-02", "2199-08-30")],
    )

    result = evaluate(value)

    summer = next(f for f in result["findings"] if f["code"] == "SUMMER_REST_NOT_RESPECTED")
    assert summer["detail"] == list(range(1900, 2199))  # every summer before the exam
    assert summer["message"].count("été ") == 10
    assert ", et 289 autres étés" in summer["message"]
    assert len(dumps_verdict(result)) < 4_000


# --- what one dossier may hold -------------------------------------------------------------


def _items(name: str, count: int) -> dict[str, Any]:
    certificate = {"start": "2026-01-05", "end": "2026-02-05", "full_time": True, "in_sector": True}
    derogation = {"kind": "dispense", "reason": "vae", "decided_by": "recteur"}
    report = {"submitted_on": "2028-03-30", "deadline": "2028-04-07", "pages": 20}
    if name == "periods":
        return {"periods": [period("2027-05-31", weeks=6) for _ in range(count)]}
    if name == "work_certificates":
        return {"work_certificates": [certificate] * count}
    if name == "derogations":
        return {"derogations": [derogation] * count}
    if name == "units":
        return {"derogations": [{**derogation, "units": [f"U{i}" for i in range(count)]}]}
    if name == "sections":
        return {"report": {**report, "sections": [f"s{i}" for i in range(count)]}}
    if name == "english_documents":
        return {"report": {**report, "english_documents": [{"kind": "press"}] * count}}
    if name in ("section_pages", "parts"):
        return {"report": {**report, name: {f"s{i}": 1 for i in range(count)}}}
    raise AssertionError(name)


CAPS = [
    ("periods", MAX_PERIODS, "/periods", "périodes"),
    ("work_certificates", MAX_WORK_CERTIFICATES, "/work_certificates", "certificats de travail"),
    ("derogations", MAX_DEROGATIONS, "/derogations", "dérogations"),
    ("units", MAX_UNITS, "/derogations/0/units", "unités"),
    ("sections", MAX_REPORT_ITEMS, "/report/sections", "parties"),
    ("english_documents", MAX_REPORT_ITEMS, "/report/english_documents", "documents"),
    ("section_pages", MAX_REPORT_ITEMS, "/report/section_pages", "entrées"),
    ("parts", MAX_REPORT_ITEMS, "/report/parts", "entrées"),
]


@pytest.mark.parametrize(("name", "limit", "field", "what"), CAPS)
def test_a_list_at_its_limit_is_judged_one_more_is_refused_naming_the_limit(
    name: str, limit: int, field: str, what: str
) -> None:
    at_limit = evaluate(dossier("bts-ciel", **_items(name, limit)))
    over = evaluate(dossier("bts-ciel", **_items(name, limit + 1)))

    assert "error" not in at_limit
    assert over["id"] == "test-bts-ciel"
    assert over["error"]["field"] == field
    assert over["error"]["message"].endswith(f"{limit + 1} {what}, au plus {limit} par dossier")


def test_an_id_longer_than_200_characters_is_refused() -> None:
    result = evaluate(dossier("bts-ciel", id="x" * 201))

    assert result == {
        "id": None,
        "error": {"field": "/id", "message": "id : 201 caractères, au plus 200"},
    }
    assert "error" not in evaluate(dossier("bts-ciel", id="x" * 200))


@pytest.mark.django_db
def test_the_three_doors_refuse_201_periods_with_the_same_error_object(
    client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = dossier("bts-ciel", **_items("periods", MAX_PERIODS + 1))
    text = json.dumps(value)

    code, out, _ = through_cli(text, tmp_path, capsys)
    api = through_api(client, text)
    page = through_page(client, text)

    assert code == 1
    expected = dumps_verdict(evaluate(value))
    assert out == expected + "\n"
    assert api.status_code == 422 and api.content.decode() == expected
    assert page.status_code == 200 and page_verdicts(page) == [expected]
    assert "au plus 200 par dossier" in page.content.decode()


def test_the_page_judges_at_most_100_dossiers_at_once(client: Client) -> None:
    hundred = through_page(client, json.dumps([dossier("bts-ciel")] * 100))
    more = through_page(client, json.dumps([dossier("bts-ciel")] * 101))

    assert len(page_verdicts(hundred)) == 100
    assert page_verdicts(more) == []
    assert "Trop de dossiers d’un coup : 101 (au plus 100)" in more.content.decode()


def test_the_command_line_reads_a_file_larger_than_the_web_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    batch = [dossier("bts-ciel", id=f"d{i}") for i in range(400)]
    text = json.dumps(batch)
    assert len(text.encode()) > settings.PUBLIC_CHECK_MAX_BYTES

    code, out, err = through_cli(text, tmp_path, capsys)

    assert code == 0 and err == ""
    assert [v["status"] for v in json.loads(out)] == ["compliant"] * 400


# --- 256 KiB per request on the public doors ---------------------------------------------------


def _padded(size: int) -> str:
    """A valid dossier whose JSON text is exactly `size` bytes (an ignored field pads it)."""
    value = dossier("bts-ciel", note="")
    text = json.dumps(value)
    return json.dumps({**value, "note": "x" * (size - len(text))})


def test_the_api_refuses_a_body_over_256_kib_with_a_french_413(client: Client) -> None:
    response = through_api(client, _padded(256 * 1024 + 1))

    assert response.status_code == 413
    body = response.json()
    assert body["id"] is None and body["error"]["field"] == ""
    message = body["error"]["message"]
    assert message.startswith("La requête fait 262\u202f145 octets")
    assert "limite de 256 Kio (262\u202f144 octets)" in message
    assert response.content.decode() == dumps_verdict(body)


def test_the_api_judges_a_body_of_exactly_256_kib(client: Client) -> None:
    text = _padded(256 * 1024)
    assert len(text.encode()) == 256 * 1024

    response = through_api(client, text)

    assert response.status_code == 200
    assert response.json()["status"] == "compliant"


def test_the_page_refuses_a_pasted_text_over_256_kib_in_french(client: Client) -> None:
    response = through_page(client, _padded(300 * 1024))

    assert response.status_code == 413
    html = response.content.decode()
    assert 'data-check-refused="413"' in html
    assert "au-delà de la limite de 256 Kio" in html
    assert "milieu check" in html
    assert "data-verdict-json" not in html


def test_the_page_refuses_an_uploaded_file_over_256_kib_in_french(client: Client) -> None:
    upload = SimpleUploadedFile("gros.json", _padded(300 * 1024).encode(), "application/json")

    response = client.post(PAGE, {"dossier": "", "fichier": upload})

    assert response.status_code == 413
    assert "au-delà de la limite de 256 Kio" in response.content.decode()


def test_the_htmx_page_answers_the_refusal_as_a_fragment(client: Client) -> None:
    response = through_page(client, _padded(300 * 1024), headers={"HX-Request": "true"})

    assert response.status_code == 413
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="verificateur">')
    assert "au-delà de la limite de 256 Kio" in html


def test_an_oversized_body_is_refused_before_the_csrf_check_reads_it() -> None:
    client = Client(enforce_csrf_checks=True)

    response = through_page(client, _padded(300 * 1024))

    assert response.status_code == 413


def test_the_csrf_check_still_protects_the_page() -> None:
    response = Client(enforce_csrf_checks=True).post(PAGE, {"dossier": "{}"})

    assert response.status_code == 403


# --- rate limit ----------------------------------------------------------------------------

GOOD = json.dumps(dossier("bts-ciel"))


@pytest.fixture
def three_per_minute(settings: Any) -> None:
    settings.PUBLIC_CHECK_RATE = 3
    settings.PUBLIC_CHECK_RATE_SIGNED_IN = 5
    settings.PUBLIC_CHECK_WINDOW = 60


@pytest.mark.usefixtures("three_per_minute")
def test_the_api_answers_429_with_retry_after_once_an_address_passes_its_limit(
    client: Client,
) -> None:
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, 15), tick=False):
        answers = [through_api(client, GOOD).status_code for _ in range(4)]
        refused = through_api(client, GOOD)

    assert answers == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    body = refused.json()
    assert body == {
        "id": None,
        "error": {
            "field": "",
            "message": "Trop de vérifications : au plus 3 par minute depuis votre adresse. "
            "Réessayez dans 45 secondes.",
        },
    }


@pytest.mark.usefixtures("three_per_minute")
def test_the_next_window_accepts_checks_again(client: Client) -> None:
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, 59), tick=False) as traveller:
        assert [through_api(client, GOOD).status_code for _ in range(4)] == [200, 200, 200, 429]
        traveller.shift(timedelta(seconds=1))
        assert through_api(client, GOOD).status_code == 200


@pytest.mark.usefixtures("three_per_minute")
def test_each_address_has_its_own_counter(client: Client) -> None:
    for _ in range(3):
        through_api(client, GOOD, REMOTE_ADDR="203.0.113.7")

    assert through_api(client, GOOD, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert through_api(client, GOOD, REMOTE_ADDR="198.51.100.2").status_code == 200


@pytest.mark.usefixtures("three_per_minute")
def test_the_page_and_the_api_share_an_address_counter_and_the_page_keeps_the_text(
    client: Client,
) -> None:
    for _ in range(3):
        through_api(client, GOOD)

    page = through_page(client, GOOD)
    fragment = through_page(client, GOOD, headers={"HX-Request": "true"})

    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    html = page.content.decode()
    assert 'data-check-refused="429"' in html
    assert "Trop de vérifications : au plus 3 par minute depuis votre adresse." in html
    assert "&quot;test-bts-ciel&quot;" in html.split('id="id_dossier"')[1]
    assert "data-verdict-json" not in html
    assert fragment.status_code == 429
    assert fragment.content.decode().lstrip().startswith('<div id="verificateur">')


@pytest.mark.usefixtures("three_per_minute")
def test_showing_the_page_is_not_counted(client: Client) -> None:
    for _ in range(5):
        assert client.get(PAGE).status_code == 200

    assert through_page(client, GOOD).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("three_per_minute")
def test_a_signed_in_user_is_counted_per_account_with_the_higher_limit(client: Client) -> None:
    from milieu.factories import UserFactory

    for _ in range(3):
        through_api(client, GOOD)
    client.force_login(UserFactory.create())

    answers = [through_api(client, GOOD).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
    assert "pour votre compte" in through_page(client, GOOD).content.decode()


@pytest.mark.usefixtures("three_per_minute")
def test_a_limit_of_zero_means_no_limit(client: Client, settings: Any) -> None:
    settings.PUBLIC_CHECK_RATE = 0

    assert {through_api(client, GOOD).status_code for _ in range(5)} == {200}


@pytest.mark.usefixtures("three_per_minute")
def test_a_burst_in_parallel_cannot_pass_the_limit(rf: Any) -> None:
    """`cache.add` then `cache.incr`: twenty simultaneous requests, exactly three let through."""
    from django.contrib.auth.models import AnonymousUser

    passed: list[bool] = []
    barrier = threading.Barrier(20)

    def ask() -> None:
        request = rf.post(API, data=GOOD, content_type="application/json")
        request.user = AnonymousUser()
        barrier.wait()
        passed.append(throttle(request) is None)

    threads = [threading.Thread(target=ask) for _ in range(20)]
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, 15), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert passed.count(True) == 3


def test_the_openapi_schema_documents_413_and_429(client: Client) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"][API]["post"]

    assert {"413", "422", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["description"]
