"""``milieu eligibility export``: the dossiers a ``milieu check`` turns into exactly the exported
verdicts, and the CSV and XLSX tables of the stored verdicts (French, formula-safe, streamed)."""

from __future__ import annotations

import csv
import gc
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.cli import main
from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.exports import HEADER, csv_chunks, students_of, table_rows
from milieu.exams.operations import RequestData, create_request, grant_request, submit_request
from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import StudentFactory
from milieu.students.models import Student
from tests.exams.conftest import School, ccst_student, reduction
from tests.exams.test_dossier import certified_stage

AFTER = date(2028, 9, 1)


@pytest.fixture
def candidates(school_a: School, school_b: School, delegate: Any) -> dict[str, Student]:
    """A CCST candidate with an 11-week stage reduced to 11 weeks by the recteur, another
    without, one whose name a spreadsheet would run, one of another session."""
    reduced = ccst_student(school_a)
    certified_stage(reduced, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    request = create_request(reduced, reduction("11"), by=school_a.ddfpt)
    submit_request(request, by=school_a.ddfpt)
    grant_request(request, by=delegate)
    short = StudentFactory.create(cohort=reduced.cohort, last_name="Court")
    certified_stage(short, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    hostile = StudentFactory.create(cohort=school_b.cohort, last_name='=HYPERLINK("http://x")')
    later = ccst_student(school_b)
    later.cohort.session = 2029
    later.cohort.save()
    dispensed = StudentFactory.create(cohort=later.cohort)
    data = RequestData(DerogationKind.DISPENSE, DerogationReason.VAE, "VAE.", units=("U4",))
    dispense = create_request(dispensed, data, by=school_b.ddfpt)
    submit_request(dispense, by=school_b.ddfpt)
    grant_request(dispense, by=delegate)
    refresh_verdicts(Student.objects.all(), AFTER)
    return {
        "reduced": reduced,
        "short": short,
        "hostile": hostile,
        "later": later,
        "dispensed": dispensed,
    }


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`milieu eligibility export …` through `milieu.cli`; Django's command runner closes the
    connections when it ends, which would close the test's own transaction on PostgreSQL."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)

    def export(*args: str) -> None:
        assert main(["eligibility", "export", *args]) == 0

    return export


def test_milieu_check_on_the_exported_dossiers_prints_the_exported_verdicts_byte_for_byte(
    candidates: dict[str, Student],
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    run: Any,
) -> None:
    dossiers, verdicts = tmp_path / "dossiers.jsonl", tmp_path / "verdicts.jsonl"
    run("--format", "dossiers-jsonl", "--as-of", AFTER.isoformat(), "-o", str(dossiers))
    run("--format", "verdicts-jsonl", "--as-of", AFTER.isoformat(), "-o", str(verdicts))
    capsysbinary.readouterr()
    try:
        assert main(["check", "--no-progress", str(dossiers)]) == 0
    finally:
        gc.enable()  # `check` turns the cyclic collector off for its short-lived process
    checked = capsysbinary.readouterr().out
    assert checked == verdicts.read_bytes()
    lines = verdicts.read_text(encoding="utf-8").splitlines()
    assert len(lines) == Student.objects.count()  # without --session: every session
    assert '"decided_by":"recteur"' in dossiers.read_text(encoding="utf-8")


def test_the_jsonl_exports_write_to_standard_output_and_keep_to_a_session(
    candidates: dict[str, Student],
) -> None:
    out = io.StringIO()
    call_command(
        "eligibility",
        "export",
        "--format",
        "verdicts-jsonl",
        "--session",
        "2029",
        "--as-of",
        AFTER.isoformat(),
        stdout=out,
    )
    ids = [line.split('"id":"')[1].split('"')[0] for line in out.getvalue().splitlines()]
    assert ids == [candidates["later"].ine, candidates["dispensed"].ine]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_is_french_formula_safe_and_carries_the_granted_derogations(
    candidates: dict[str, Student], school_a: School, tmp_path: Path, run: Any
) -> None:
    target = tmp_path / "candidats.csv"
    run("--format", "csv", "-o", str(target))
    rows = read_csv(target)
    assert rows[0] == HEADER
    by_ine = {row[3]: row for row in rows[1:]}
    assert len(by_ine) == Student.objects.count()
    reduced = by_ine[candidates["reduced"].ine]
    assert reduced[:3] == [school_a.establishment.uai, "bts-ccst", "2028"]
    assert reduced[5:8] == ["Conforme", "11", "11 à 16"]
    assert reduced[8] == (
        "Réduction de la durée du stage (11 semaines) — Force majeure dûment constatée"
    )
    assert by_ine[candidates["short"].ine][5] == "Non conforme"
    assert by_ine[candidates["short"].ine][8] == ""
    assert by_ine[candidates["dispensed"].ine][8] == (
        "Dispense (U4) — Validation des acquis de l'expérience"
    )
    assert by_ine[candidates["hostile"].ine][4].startswith("'=HYPERLINK")


def test_a_candidate_without_a_stored_verdict_is_shown_not_computed(school_a: School) -> None:
    rows = list(table_rows(students_of()))
    assert [row[5] for row in rows] == ["Non calculé"] * Student.objects.count()


def test_the_csv_export_keeps_to_an_establishment(
    candidates: dict[str, Student], school_b: School, tmp_path: Path, run: Any
) -> None:
    target = tmp_path / "b.csv"
    run("--format", "csv", "--establishment", school_b.establishment.uai, "-o", str(target))
    uais = {row[0] for row in read_csv(target)[1:]}
    assert uais == {school_b.establishment.uai}


def test_the_xlsx_export_has_a_frozen_header_and_no_formula(
    candidates: dict[str, Student], tmp_path: Path, run: Any
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "candidats.xlsx"
    run("--format", "xlsx", "--session", "2028", "-o", str(target))
    sheet = load_workbook(target).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert {row[2] for row in rows[1:]} == {2028}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    names = [row[4] for row in rows[1:]]
    assert any(str(name).startswith("'=HYPERLINK") for name in names)
    weeks = {row[3]: row[6] for row in rows[1:]}
    assert weeks[candidates["reduced"].ine] == 11


def test_the_xlsx_export_needs_a_file(db: None) -> None:
    with pytest.raises(CommandError, match="précisez -o FICHIER"):
        call_command("eligibility", "export", "--format", "xlsx")


def test_the_table_reads_two_queries_per_batch_whatever_the_number_of_candidates(
    school_a: School,
) -> None:
    def queries(count: int) -> int:
        StudentFactory.create_batch(count, cohort=school_a.cohort)
        refresh_verdicts(Student.objects.all(), AFTER)
        with CaptureQueriesContext(connection) as captured:
            rows = list(table_rows(students_of(), size=1000))
        assert len(rows) == Student.objects.count()
        return len(captured)

    assert queries(2) == queries(10)


def test_the_csv_is_written_in_chunks(school_a: School) -> None:
    StudentFactory.create_batch(5, cohort=school_a.cohort)
    chunks = list(csv_chunks(table_rows(students_of()), chunk_rows=2))
    assert len(chunks) == 4  # BOM + header + 2 rows, 2 rows, 2 rows, the last
    assert "".join(chunks).count("\r\n") == Student.objects.count() + 1


def test_the_table_never_reads_the_verdicts_findings(school_a: School) -> None:
    """A row shows the status and the weeks: the findings (a JSON document per candidate) stay
    in the database, so a 60,000-row export does not decode 60,000 documents."""
    StudentFactory.create_batch(3, cohort=school_a.cohort)
    refresh_verdicts(Student.objects.all(), AFTER)
    with CaptureQueriesContext(connection) as captured:
        rows = list(table_rows(students_of()))
    assert len(rows) == Student.objects.count() and all(row[5] for row in rows)
    assert not any('"findings"' in query["sql"] for query in captured.captured_queries)
    assert len(captured) == 3  # one batch of students, its derogations, the empty next batch


def test_the_xlsx_cells_keep_texts_as_texts_and_numbers_as_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from milieu.exams.exports import write_xlsx

    target = tmp_path / "t.xlsx"
    write_xlsx([["=1+1", "#N/A", "-3", 7.5, 2027, None, "MARTIN Léa"]], str(target))
    row = next(load_workbook(target).active.iter_rows(min_row=2, values_only=False))
    assert [cell.data_type for cell in row[:5]] == ["s", "s", "s", "n", "n"]
    assert [cell.value for cell in row[:5]] == ["'=1+1", "#N/A", "-3", 7.5, 2027]
    assert row[6].value == "MARTIN Léa"
