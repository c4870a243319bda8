"""Hostile input on the follow-up doors: the paper certificate, the BEP pedagogy session, the
tutor's answer to a visit on the tutor link.

Each answers a French message with the input kept, never a server error, and stores nothing."""

# ruff: noqa: F811  (pytest fixtures imported from the follow-up conftest)
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.conventions.models import Convention
from milieu.followup.models import Certificate, PedagogySession
from milieu.visits.enums import TutorAnswer
from milieu.visits.models import Visit
from tests.core.conftest import School, academie, school_a, school_b  # noqa: F401
from tests.followup.conftest import (  # noqa: F401
    _on_commit_runs_now,
    convention_a,
    convention_b,
    link,
    on,
    signed,
)
from tests.followup.test_certificate_rules import SCAN, paper_post, scan
from tests.followup.test_tutor_visits import answer, bijou, planned
from tests.security.hostile import (
    BAD_DATES,
    BAD_NUMBERS,
    CONTROL,
    LONG,
    NUL,
    RTL,
    SCRIPT,
    no_traceback,
)
from tests.security.samples import HOSTILE_PDFS, image

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- paper certificates ----------------------------------------------------------------------


def _paper_url(convention: Convention) -> str:
    period = convention.active_periods().get()
    return reverse(
        "followup:paper_certificate", kwargs={"pk": convention.pk, "period_pk": period.pk}
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("signed_by", LONG),
        ("signed_by", NUL),
        ("signed_by", CONTROL),
        ("signed_by", RTL),
        ("signed_by", "Marie\nBcc: x@y.fr"),
        *[("signed_on", d) for d in BAD_DATES],
        *[("absence_days", n) for n in BAD_NUMBERS],
    ],
)
def test_the_paper_certificate_refuses_hostile_values(
    school_a: School, convention_a: Convention, field: str, value: str
) -> None:
    with on(date(2027, 7, 15)):
        response = client_for(school_a.ddfpt).post(
            _paper_url(convention_a), paper_post(**{f"papier-{field}": value})
        )
    assert response.status_code == 400
    no_traceback(response.content.decode())
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (image("PNG"), "attestation.pdf"),
        (b"", "vide.pdf"),
        (HOSTILE_PDFS["javascript"][0](), "js.pdf"),
        (HOSTILE_PDFS["encrypted"][0](), "chiffre.pdf"),
        (HOSTILE_PDFS["content-bomb"][0](), "bombe.pdf"),
    ],
    ids=["png-as-pdf", "empty", "javascript", "encrypted", "content-bomb"],
)
def test_the_paper_certificate_scan_goes_through_the_file_checks(
    school_a: School, convention_a: Convention, content: bytes, name: str
) -> None:
    with on(date(2027, 7, 15)):
        response = client_for(school_a.ddfpt).post(
            _paper_url(convention_a), paper_post(**{"papier-scan": scan(content, name)})
        )
    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert 'value="Marie Directrice"' in html
    assert not Certificate.objects.exists()


def test_a_paper_certificate_of_another_school_is_not_found(
    school_b: School, convention_a: Convention
) -> None:
    with on(date(2027, 7, 15)):
        response = client_for(school_b.ddfpt).post(_paper_url(convention_a), paper_post())
    assert response.status_code == 404 and not Certificate.objects.exists()


def test_a_paper_certificate_needs_the_csrf_token(
    school_a: School, convention_a: Convention
) -> None:
    with on(date(2027, 7, 15)):
        client = Client(enforce_csrf_checks=True)
        client.force_login(school_a.ddfpt)
        assert client.post(_paper_url(convention_a), paper_post()).status_code == 403
    assert not Certificate.objects.exists()


def test_a_paper_certificate_sent_twice_is_kept_once(
    school_a: School, convention_a: Convention
) -> None:
    with on(date(2027, 7, 15)):
        client = client_for(school_a.ddfpt)
        assert client.post(_paper_url(convention_a), paper_post()).status_code == 302
        again = client.post(_paper_url(convention_a), paper_post(**{"papier-scan": scan(SCAN)}))
    assert again.status_code in (302, 400)
    no_traceback(again.content.decode())
    assert Certificate.objects.count() == 1


# --- the BEP pedagogy session ----------------------------------------------------------------

BEP_PERIOD = (date(2027, 1, 4), date(2027, 1, 8))


def _bep(school: School) -> Convention:
    school.cohort.diploma = "bep-mpmi"
    school.cohort.save()
    return signed(school, periods=[BEP_PERIOD])


def _pedagogy(convention: Convention, **changes: str) -> tuple[str, dict[str, str]]:
    period = convention.active_periods().get()
    prefix = f"pedagogie-{period.pk}"
    data = {
        "kind": "preparation",
        "held_on": "2026-12-17",
        "led_by": "M. Martin",
        "content": "Consignes de sécurité",
        **changes,
    }
    url = reverse("followup:record_pedagogy", args=[convention.pk, period.pk])
    return url, {f"{prefix}-{k}": v for k, v in data.items()}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("led_by", LONG),
        ("led_by", NUL),
        ("led_by", RTL),
        ("led_by", "M. Martin\nBcc: x@y.fr"),
        ("content", LONG),
        ("content", NUL),
        ("content", CONTROL),
        ("content", RTL),
        ("kind", SCRIPT),
        *[("held_on", d) for d in BAD_DATES],
    ],
)
def test_the_pedagogy_session_refuses_hostile_values(
    school_a: School, field: str, value: str
) -> None:
    convention = _bep(school_a)
    url, data = _pedagogy(convention, **{field: value})
    with on(date(2027, 1, 12)):
        response = client_for(school_a.teacher).post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    no_traceback(html)
    assert not PedagogySession.objects.exists()


def test_the_pedagogy_session_is_escaped_on_the_student_page(school_a: School) -> None:
    convention = _bep(school_a)
    url, data = _pedagogy(convention, content=SCRIPT, led_by="M. <b>Martin</b>")
    with on(date(2027, 1, 12)):
        client = client_for(school_a.teacher)
        assert client.post(url, data).status_code == 302
        page = client.get(reverse("students:detail", args=[convention.student.pk])).content
    assert SCRIPT.encode() not in page and b"<b>Martin</b>" not in page


def test_the_pedagogy_session_of_another_school_is_not_found(
    school_a: School, school_b: School
) -> None:
    convention = _bep(school_a)
    url, data = _pedagogy(convention)
    with on(date(2027, 1, 12)):
        assert client_for(school_b.teacher).post(url, data).status_code == 404
    assert not PedagogySession.objects.exists()


def test_the_same_pedagogy_session_sent_twice_is_refused_in_french(school_a: School) -> None:
    convention = _bep(school_a)
    url, data = _pedagogy(convention)
    with on(date(2027, 1, 12)):
        client = client_for(school_a.teacher)
        assert client.post(url, data).status_code == 302
        again = client.post(url, data)
    assert again.status_code in (302, 400)
    no_traceback(again.content.decode())
    assert PedagogySession.objects.count() == 1


# --- the tutor's answer to a visit ------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"tutor_name": LONG},
        {"tutor_name": NUL},
        {"tutor_name": RTL},
        {"tutor_name": "Jeanne\nBcc: x@y.fr"},
        {"comment": LONG},
        {"comment": NUL},
        {"comment": CONTROL},
        {"comment": RTL},
        {"answer": SCRIPT},
        {"visit-visit": "²"},
        {"visit-visit": "9" * 30},
        {"visit-visit": "-1"},
        *[
            {"answer": "other-date", "proposed_at": f"{d}T10:00"}
            for d in ("0001-01-01", "9999-12-31", "2027-02-31")
        ],
        {"answer": "other-date", "proposed_at": "2026-01-01T10:00"},
        {"answer": "other-date", "proposed_at": "demain"},
    ],
    ids=repr,
)
def test_the_tutor_visit_answer_refuses_hostile_values(
    school_a: School, fields: dict[str, str]
) -> None:
    convention = bijou(school_a)
    with on(date(2027, 6, 1)):
        visit = planned(convention, school_a)
        token, _ = link(convention, school_a.ddfpt)
        data = answer(visit, **{k: v for k, v in fields.items() if "-" not in k})
        data.update({k: v for k, v in fields.items() if "-" in k})
        response = Client().post(reverse("followup:tutor", args=[token]), data)
    assert response.status_code in (200, 400)
    no_traceback(response.content.decode())
    visit.refresh_from_db()
    assert visit.tutor_answer not in (TutorAnswer.CONFIRMED, TutorAnswer.OTHER_DATE)


def test_the_tutor_cannot_answer_another_conventions_visit(
    school_a: School, school_b: School
) -> None:
    mine, theirs = bijou(school_a), bijou(school_b)
    with on(date(2027, 6, 1)):
        other_visit = planned(theirs, school_b)
        token, _ = link(mine, school_a.ddfpt)
        response = Client().post(reverse("followup:tutor", args=[token]), answer(other_visit))
    assert response.status_code in (200, 400, 404)
    assert not Visit.objects.get(pk=other_visit.pk).tutor_answer


def test_the_tutor_comment_is_escaped_for_the_teacher(school_a: School) -> None:
    convention = bijou(school_a)
    with on(date(2027, 6, 1)):
        visit = planned(convention, school_a)
        token, _ = link(convention, school_a.ddfpt)
        done = Client().post(reverse("followup:tutor", args=[token]), answer(visit, comment=SCRIPT))
        assert done.status_code == 302
        page = client_for(school_a.teacher).get(reverse("visits:detail", args=[visit.pk]))
    assert SCRIPT.encode() not in page.content
