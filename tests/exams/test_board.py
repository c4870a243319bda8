"""The académie board: the rectorat's view of every establishment's stored verdicts of a session,
its filters kept in the URL, its counts, its constant query count, and its exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.exams import board_views
from milieu.exams.board import PAGE_SIZE, BoardFilters, board_verdicts
from milieu.exams.models import StoredVerdict
from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import CohortFactory, EstablishmentFactory, StudentFactory
from milieu.students.models import Student
from tests.exams.conftest import School, ccst_student, client_for
from tests.exams.test_dossier import certified_stage

AFTER = date(2028, 9, 1)
BOARD = reverse("exams:board")


def refreshed() -> None:
    refresh_verdicts(Student.objects.all(), AFTER)


def shown(response: Any) -> set[int]:
    text = response.content.decode()
    return {int(part.split('"')[0]) for part in text.split('data-student="')[1:]}


def test_the_rectorat_sees_every_establishment_of_its_academie_and_each_row_links_to_the_student(
    school_a: School, school_b: School, rectorat: Any, other_rectorat: Any
) -> None:
    refreshed()
    response = client_for(rectorat).get(BOARD, {"session": school_a.cohort.session})
    assert response.status_code == 200
    assert {school_a.student.pk, school_b.student.pk} <= shown(response)
    assert reverse("students:detail", args=[school_a.student.pk]) in response.content.decode()
    assert shown(client_for(other_rectorat).get(BOARD)) == set()


def test_a_school_user_may_not_open_the_board(school_a: School) -> None:
    assert client_for(school_a.head).get(BOARD).status_code == 403
    assert (
        client_for(school_a.ddfpt).get(reverse("exams:board_export", args=["csv"])).status_code
        == 403
    )


def test_the_filters_select_by_establishment_diploma_status_finding_and_name_or_ine(
    school_a: School, school_b: School, rectorat: Any
) -> None:
    short = ccst_student(school_a, last_name="Courtecuisse")
    certified_stage(short, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    refreshed()
    client = client_for(rectorat)
    session = short.cohort.session

    def get(**params: Any) -> set[int]:
        return shown(client.get(BOARD, {"session": session, **params}))

    everyone = get()
    assert {short.pk, school_a.student.pk, school_b.student.pk} <= everyone
    assert school_b.student.pk not in get(establishment=school_a.establishment.pk)
    assert get(diploma="bts-ccst") == {short.pk}
    assert short.pk in get(status="non-compliant")
    assert short.pk not in get(status="compliant")
    below = {
        v.student_id
        for v in StoredVerdict.objects.all()
        if "DURATION_BELOW_MINIMUM" in {f["code"] for f in v.findings}
    }
    assert short.pk in below
    assert get(code="DURATION_BELOW_MINIMUM") == below & everyone
    assert get(code="DURATION_ABOVE_MAXIMUM") == set()
    assert get(q="courtecuis") == {short.pk}
    assert get(q=short.ine.lower()) == {short.pk}
    assert get(q="personne") == set()


def test_the_counts_per_status_follow_the_other_filters(
    school_a: School, school_b: School, rectorat: Any
) -> None:
    short = ccst_student(school_a)
    certified_stage(short, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    refreshed()
    response = client_for(rectorat).get(
        BOARD, {"session": str(short.cohort.session), "diploma": "bts-ccst", "status": "compliant"}
    )
    text = response.content.decode()
    assert "Non conforme : 1" in text
    assert "Conforme : 0" in text
    assert shown(response) == set()
    assert "Aucun candidat ne correspond à ces filtres." in text


def test_unknown_filter_values_are_ignored_and_said_in_french(
    school_a: School, rectorat: Any
) -> None:
    refreshed()
    response = client_for(rectorat).get(
        BOARD, {"session": "abc", "establishment": "999999", "status": "x", "code": "<b>"}
    )
    assert response.status_code == 200
    assert "Filtres ignorés (valeur inconnue) : session, établissement, statut, constat." in (
        response.content.decode()
    )
    assert school_a.student.pk in shown(response)


def test_candidates_without_a_stored_verdict_are_counted_apart(
    school_a: School, rectorat: Any
) -> None:
    response = client_for(rectorat).get(BOARD)
    assert shown(response) == set()
    assert "pas encore de verdict enregistré" in response.content.decode()


def test_the_board_costs_the_same_queries_whatever_the_number_of_candidates(
    school_a: School, rectorat: Any
) -> None:
    client = client_for(rectorat)
    params = {"session": school_a.cohort.session, "status": "non-compliant", "q": ""}

    def queries(extra: int) -> int:
        StudentFactory.create_batch(extra, cohort=school_a.cohort)
        refreshed()
        client.get(BOARD, params)  # warm the session and the catalogue
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BOARD, params).status_code == 200
        return len(captured)

    assert queries(2) == queries(PAGE_SIZE + 10)


def test_the_pagination_keeps_the_filters_in_the_url(school_a: School, rectorat: Any) -> None:
    StudentFactory.create_batch(PAGE_SIZE + 1, cohort=school_a.cohort)
    refreshed()
    params = {"session": school_a.cohort.session, "establishment": school_a.establishment.pk}
    text = client_for(rectorat).get(BOARD, params).content.decode()
    assert "fr-pagination" in text
    assert (
        f"?session={school_a.cohort.session}&amp;establishment={school_a.establishment.pk}&amp;page=2"
        in text
    )
    second = client_for(rectorat).get(BOARD, {**params, "page": 2})
    assert len(shown(second)) == Student.objects.filter(cohort=school_a.cohort).count() - PAGE_SIZE


def test_the_board_exports_its_selection_as_csv_and_xlsx(
    school_a: School, school_b: School, rectorat: Any
) -> None:
    from openpyxl import load_workbook

    refreshed()
    client = client_for(rectorat)
    params = {"session": school_a.cohort.session, "establishment": school_b.establishment.pk}
    response = client.get(reverse("exams:board_export", args=["csv"]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(getattr(response, "streaming_content", [])).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {school_b.establishment.uai}
    assert school_b.student.ine in {row[3] for row in rows[1:]}

    xlsx = client.get(reverse("exams:board_export", args=["xlsx"]), params)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(getattr(xlsx, "streaming_content", [])))).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    assert client.get(reverse("exams:board_export", args=["pdf"])).status_code == 404


def test_the_rectorat_dashboard_links_to_the_board(rectorat: Any) -> None:
    page = client_for(rectorat).get(reverse("dashboard")).content.decode()
    assert f'href="{BOARD}" data-academie-board' in page


def test_the_dashboard_offers_the_report_conformity_page_only_to_who_may_open_it(
    rectorat: Any, delegate: Any
) -> None:
    """Walked in Chromium: the recteur's delegate followed « Conformité des rapports » from the
    dashboard to a 403."""
    page = reverse("exams:report_conformity")
    for user, allowed in ((rectorat, True), (delegate, False)):
        client = client_for(user)
        assert (client.get(page).status_code == 200) is allowed
        dashboard = client.get(reverse("dashboard")).content.decode()
        assert ("data-report-conformity" in dashboard) is allowed
        assert "data-academie-board" in dashboard


def test_pages_read_among_the_establishments_they_span_give_the_board_order(
    school_a: School, school_b: School, rectorat: Any, monkeypatch: Any
) -> None:
    """A page is read among the establishments it spans (`BoardRows`): read three rows at a
    time, the pages give every candidate once, in the board's order (establishment name, then
    name), also under a status filter, and across two establishments of the same name."""
    twin = EstablishmentFactory.create(academie=school_a.establishment.academie, name="Lycée A")
    twin_cohort = CohortFactory.create(establishment=twin, session=school_a.cohort.session)
    for index, cohort in enumerate([school_a.cohort, school_b.cohort, twin_cohort] * 3):
        StudentFactory.create(cohort=cohort, last_name=f"Nom {9 - index:02d}")
    refreshed()
    monkeypatch.setattr(board_views, "PAGE_SIZE", 3)
    client = client_for(rectorat)
    session = school_a.cohort.session
    academies = [school_a.establishment.academie_id]
    for status in ("", "non-compliant"):
        expected = [
            v.student_id
            for v in board_verdicts(academies, BoardFilters(session=session, status=status))
        ]
        assert len(expected) >= (10 if not status else 1)
        read: list[int] = []
        for number in range(1, len(expected) // 3 + 2):
            text = client.get(
                BOARD, {"session": session, "status": status, "page": number}
            ).content.decode()
            read += [int(part.split('"')[0]) for part in text.split('data-student="')[1:]]
        assert read == expected
