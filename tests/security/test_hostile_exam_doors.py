"""Hostile input on the exam doors: the session form, the derogation request and its pieces,
the report conformity pronouncement, the API keys and the verdicts API's query.

Each door answers a French message with the input kept (or a 4xx), never a server error, and
stores nothing it should not."""

# ruff: noqa: F811  (pytest fixtures imported from the exams conftest)
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.exams.models import DerogationRequest, ExamSession, ReportConformity
from milieu.exams.operations import SessionData, save_exam_session
from milieu.students.models import Student
from tests.exams.conftest import (  # noqa: F401  (fixtures)
    School,
    academie,
    client_for,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
    upload,
)
from tests.security.hostile import (
    BAD_DATES,
    BAD_NUMBERS,
    CONTROL,
    ESCAPED,
    LONG,
    NUL,
    RTL,
    SCRIPT,
    no_traceback,
)
from tests.security.samples import HOSTILE_PDFS, image

SESSION_URL = reverse("exams:session_create")
VALID_SESSION = {
    "diploma": "bts-ciel",
    "session": "2028",
    "exam_date": "2028-05-16",
    "report_deadline": "2028-05-05",
    "transmission": "Plateforme.",
    "pilot_academie": "",
}


# --- exam sessions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transmission", LONG),
        ("transmission", NUL),
        ("transmission", CONTROL),
        ("transmission", RTL),
        ("pilot_academie", LONG),
        ("pilot_academie", NUL),
        ("pilot_academie", "Nancy\nBcc: x@y.fr"),
        ("pilot_academie", RTL),
        *[("session", n) for n in BAD_NUMBERS],
        *[("exam_date", d) for d in BAD_DATES],
        *[("report_deadline", d) for d in BAD_DATES],
        ("diploma", SCRIPT),
    ],
)
def test_the_session_form_refuses_hostile_values_in_french(
    rectorat: Any, field: str, value: Any
) -> None:
    response = client_for(rectorat).post(SESSION_URL, {**VALID_SESSION, field: value})

    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert 'aria-invalid="true"' in html or "fr-error-text" in html or "fr-alert" in html
    assert not ExamSession.objects.exists()


def test_the_session_form_escapes_script_and_keeps_it_as_text(rectorat: Any) -> None:
    client = client_for(rectorat)
    assert client.post(SESSION_URL, {**VALID_SESSION, "transmission": SCRIPT}).status_code == 302
    session = ExamSession.objects.get()
    assert session.transmission == SCRIPT
    page = client.get(reverse("exams:session_edit", args=[session.pk])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_the_session_form_needs_the_csrf_token(rectorat: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(rectorat)
    response = client.post(SESSION_URL, VALID_SESSION)
    assert response.status_code == 403
    assert not ExamSession.objects.exists()


def test_a_double_submission_of_a_session_is_refused_in_french(rectorat: Any) -> None:
    client = client_for(rectorat)
    assert client.post(SESSION_URL, VALID_SESSION).status_code == 302
    again = client.post(SESSION_URL, VALID_SESSION)
    assert again.status_code == 400 and "existe déjà" in again.content.decode()
    assert ExamSession.objects.count() == 1


def test_another_academies_session_is_not_found(
    academie: Any, rectorat: Any, other_rectorat: Any
) -> None:
    session = save_exam_session(
        academie, SessionData("bts-ciel", 2028, date(2028, 5, 16)), by=rectorat
    )
    client = client_for(other_rectorat)
    url = reverse("exams:session_edit", args=[session.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, VALID_SESSION).status_code == 404


# --- derogation requests and their pieces ----------------------------------------------------

VALID_REQUEST = {
    "kind": "reduction",
    "reason": "force-majeure",
    "weeks": "5",
    "justification": "Hospitalisation pendant la période de stage.",
}


def _derogation_url(school: School) -> str:
    return reverse("exams:derogation_create", args=[school.student.pk])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("justification", LONG),
        ("justification", NUL),
        ("justification", CONTROL),
        ("justification", RTL),
        ("justification", ""),
        *[("weeks", n) for n in BAD_NUMBERS],
        ("weeks", "1000"),
        ("kind", SCRIPT),
        ("reason", SCRIPT),
    ],
)
def test_the_derogation_form_refuses_hostile_values_in_french(
    school_a: School, field: str, value: str
) -> None:
    response = client_for(school_a.ddfpt).post(
        _derogation_url(school_a), {**VALID_REQUEST, field: value}
    )

    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert "fr-error-text" in html or "fr-alert" in html or 'aria-invalid="true"' in html
    assert not DerogationRequest.objects.exists()
    if field == "justification" and value == LONG:
        assert "au plus" in html


def test_the_derogation_justification_is_escaped_on_display(school_a: School) -> None:
    client = client_for(school_a.ddfpt)
    response = client.post(_derogation_url(school_a), {**VALID_REQUEST, "justification": SCRIPT})
    assert response.status_code == 302
    found = DerogationRequest.objects.get()
    page = client.get(reverse("exams:derogation_detail", args=[found.pk])).content.decode()
    assert SCRIPT not in page and ESCAPED.split("alert")[0] in page


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("photo.pdf", image("PNG"), "PDF"),
        ("vide.pdf", b"", ""),
        *[
            pytest.param(f"{case}.pdf", None, words, id=case)
            for case, (_, words) in HOSTILE_PDFS.items()
            if case in ("javascript", "encrypted", "content-bomb", "truncated")
        ],
    ],
)
def test_the_derogation_pieces_go_through_the_file_checks(
    school_a: School, name: str, content: bytes | None, words: str
) -> None:
    if content is None:
        content = HOSTILE_PDFS[name.removesuffix(".pdf")][0]()
    response = client_for(school_a.ddfpt).post(
        _derogation_url(school_a), {**VALID_REQUEST, "attachments": [upload(name, content)]}
    )

    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert words in html
    assert "Hospitalisation pendant la période de stage." in html  # the input is kept
    assert not DerogationRequest.objects.exists()


def test_another_schools_student_and_request_are_not_found(
    school_a: School, school_b: School
) -> None:
    client = client_for(school_b.ddfpt)
    assert client.post(_derogation_url(school_a), VALID_REQUEST).status_code == 404
    client_for(school_a.ddfpt).post(_derogation_url(school_a), VALID_REQUEST)
    found = DerogationRequest.objects.get()
    for name in ("exams:derogation_detail", "exams:derogation_edit"):
        assert client.get(reverse(name, args=[found.pk])).status_code == 404
    assert (
        client.post(reverse("exams:derogation_edit", args=[found.pk]), VALID_REQUEST).status_code
        == 404
    )


def test_the_derogation_form_needs_the_csrf_token(school_a: School) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_a.ddfpt)
    assert client.post(_derogation_url(school_a), VALID_REQUEST).status_code == 403
    assert not DerogationRequest.objects.exists()


# --- the report conformity pronouncement -----------------------------------------------------

CONFORMITY_URL = reverse("exams:report_conformity")


@pytest.fixture
def mm_candidate(academie: Any, rectorat: Any, school_a: School) -> Student:
    from milieu.factories import StudentFactory

    save_exam_session(
        academie,
        SessionData("bts-metiers-de-la-mesure", 2028, date(2028, 5, 16), date(2028, 5, 5)),
        by=rectorat,
    )
    return StudentFactory.create(cohort=school_a.other_cohort)


@pytest.mark.parametrize(
    "changes",
    [
        {"reason": LONG},
        {"reason": NUL},
        {"reason": CONTROL},
        {"reason": RTL},
        {"decision": SCRIPT},
        {"decision": "non-conforme", "ground": SCRIPT},
        *[{"decision": "non-conforme", "ground": "late", "received_on": d} for d in BAD_DATES],
        {"student": ["²"]},
        {"student": ["9" * 30]},
        {"student": ["-1"]},
        {"query": "page=" + "9" * 30 + "&session=abc"},
    ],
    ids=repr,
)
def test_the_conformity_pronouncement_refuses_hostile_values(
    rectorat: Any, mm_candidate: Student, changes: dict[str, Any]
) -> None:
    form = {
        "student": [str(mm_candidate.pk)],
        "decision": "conforme",
        "reason": "Rapport complet.",
        "step": "commit",
        **changes,
    }
    response = client_for(rectorat).post(CONFORMITY_URL, form)

    html = response.content.decode()
    no_traceback(html)
    late_ok = changes.get("received_on") in ("0001-01-01", "9999-12-31")
    if late_ok:  # a real date, however odd: the pronouncement may be recorded or refused
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 400
        assert not ReportConformity.objects.exists()


def test_the_conformity_page_escapes_what_it_shows_back(
    rectorat: Any, mm_candidate: Student
) -> None:
    response = client_for(rectorat).post(
        CONFORMITY_URL,
        {"student": [str(mm_candidate.pk)], "decision": "conforme", "reason": SCRIPT},
    )
    html = response.content.decode()
    assert response.status_code == 200 and SCRIPT not in html


def test_another_academies_candidate_cannot_be_pronounced(
    other_rectorat: Any, mm_candidate: Student
) -> None:
    response = client_for(other_rectorat).post(
        CONFORMITY_URL,
        {
            "student": [str(mm_candidate.pk)],
            "decision": "conforme",
            "reason": "x",
            "step": "commit",
        },
    )
    assert response.status_code == 400 and not ReportConformity.objects.exists()


# --- the rectorat's API keys and the verdicts API -------------------------------------------

TOKENS_URL = reverse("exams:api_tokens")


@pytest.mark.parametrize("label", [LONG, NUL, CONTROL, RTL, "", " \n "], ids=repr)
def test_an_api_key_label_must_be_a_plain_line(rectorat: Any, label: str) -> None:
    from milieu.exams.models import ApiToken

    response = client_for(rectorat).post(TOKENS_URL, {"label": label})

    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert "fr-error-text" in html or "fr-alert" in html
    assert not ApiToken.objects.exists()


def test_a_line_break_in_an_api_key_label_is_folded_into_one_line(rectorat: Any) -> None:
    from milieu.exams.models import ApiToken

    client_for(rectorat).post(TOKENS_URL, {"label": "Clé\nBcc: x@y.fr"})
    assert ApiToken.objects.get().label == "Clé Bcc: x@y.fr"


def test_the_board_filters_ignore_digits_that_are_not_ascii(rectorat: Any) -> None:
    for value in ("²", "9" * 30, "-1"):
        response = client_for(rectorat).get(
            reverse("exams:board"), {"session": value, "establishment": value}
        )
        assert response.status_code == 200


def test_an_api_key_label_is_escaped(rectorat: Any) -> None:
    client = client_for(rectorat)
    response = client.post(TOKENS_URL, {"label": SCRIPT})
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()
    assert SCRIPT not in client.get(TOKENS_URL).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"session": "abc"},
        {"session": "9" * 30},
        {"limit": "-1"},
        {"limit": "9" * 30},
        {"offset": str(10**12)},
        {"offset": "-5"},
        {"status": SCRIPT},
        {"establishment": SCRIPT},
        {"diploma": "\x00"},
        {"since": "0001-01-01"},
        {"since": "2028-02-31"},
    ],
    ids=repr,
)
def test_the_verdicts_api_answers_hostile_queries_without_error(
    rectorat: Any, query: dict[str, str]
) -> None:
    from milieu.exams.api_tokens import create_token

    _, key = create_token(rectorat.memberships.first().academie, "Test", by=rectorat)
    response = Client().get(reverse("api-v1:verdicts"), query, HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code in (200, 400, 422), response.content[:300]
    body = response.content.decode()
    assert SCRIPT not in body or response["Content-Type"].startswith("application/json")
    assert "Traceback" not in body


# --- the board's exports: every cell through `milieu.exports.safe_cell` ---------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_board_exports_neutralise_formula_names(
    academie: Any, rectorat: Any, school_a: School, fmt: str
) -> None:
    import csv
    import io

    from milieu.exams.verdicts import refresh_verdicts
    from milieu.factories import StudentFactory
    from tests.security.hostile import FORMULAS

    save_exam_session(academie, SessionData("bts-ciel", 2028, date(2028, 5, 16)), by=rectorat)
    for formula in FORMULAS:
        StudentFactory.create(cohort=school_a.cohort, last_name=formula, first_name=formula)
    refresh_verdicts(Student.objects.all(), date(2028, 5, 10))

    response = client_for(rectorat).get(reverse("exams:board_export", args=[fmt]))

    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    if fmt == "csv":
        cells = [
            c
            for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
            for c in row
        ]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    found = [c for c in cells if any(f in c for f in FORMULAS)]
    assert found, "the hostile names are exported"
    assert not [c for c in found if c[:1] in "=+-@"]


def test_a_derogation_request_sent_twice_is_kept_once(school_a: School) -> None:
    client = client_for(school_a.ddfpt)
    assert client.post(_derogation_url(school_a), VALID_REQUEST).status_code == 302
    again = client.post(_derogation_url(school_a), VALID_REQUEST)
    no_traceback(again.content.decode())
    assert again.status_code == 400 and "déjà enregistrée" in again.content.decode()
    assert DerogationRequest.objects.count() == 1


def test_an_api_key_sent_twice_is_refused_in_french(rectorat: Any) -> None:
    from milieu.exams.models import ApiToken

    client = client_for(rectorat)
    assert client.post(TOKENS_URL, {"label": "Cyclades"}).status_code == 200
    again = client.post(TOKENS_URL, {"label": "Cyclades"})
    assert again.status_code == 400 and "déjà le libellé" in again.content.decode()
    assert ApiToken.objects.count() == 1


def test_another_academies_api_key_cannot_be_revoked(rectorat: Any, other_rectorat: Any) -> None:
    from milieu.exams.api_tokens import create_token

    token, _ = create_token(rectorat.memberships.first().academie, "Cyclades", by=rectorat)
    url = reverse("exams:api_token_revoke", args=[token.pk])
    client = client_for(other_rectorat)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_hostile_piece_added_on_edit_is_refused_and_another_schools_piece_is_not_found(
    school_a: School, school_b: School
) -> None:
    client = client_for(school_a.ddfpt)
    sent = {**VALID_REQUEST, "attachments": [upload("certificat.pdf")]}
    assert client.post(_derogation_url(school_a), sent).status_code == 302
    found = DerogationRequest.objects.get()
    piece = found.attachments.get()
    edit = reverse("exams:derogation_edit", args=[found.pk])
    hostile = HOSTILE_PDFS["javascript"][0]()
    refused = client.post(edit, {**VALID_REQUEST, "attachments": [upload("js.pdf", hostile)]})
    assert refused.status_code == 400 and "JavaScript" in refused.content.decode()
    assert found.attachments.count() == 1
    download = reverse("exams:attachment_download", args=[found.pk, piece.pk])
    assert client.get(download).status_code == 200
    assert client_for(school_b.ddfpt).get(download).status_code == 404
