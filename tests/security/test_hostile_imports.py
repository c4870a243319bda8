"""Issue 9, items 3 and 7: hostile files sent to the imports, and names that are not names.

A 1.6 KB workbook declaring `A1:XFD1048576` blocked an import for 13–25 minutes; a workbook
with a DTD, a CSV with a NUL byte past its first 8 KB and an upload named with a thousand
characters ended in server errors; line breaks went into names. Each test here failed on the
code before the fix.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from milieu.followup.forms import TutorNameForm
from milieu.hosts.forms import HostForm, HostSiteForm, TutorForm
from milieu.imports import reading
from milieu.imports.enums import ImportStatus
from milieu.imports.models import ImportJob
from milieu.imports.processing import UNEXPECTED, run_validation
from milieu.imports.reading import UnreadableFile, read_table
from milieu.students.forms import LegalRepresentativeForm, StudentForm
from milieu.students.models import Student
from tests.imports.conftest import School
from tests.imports.conftest import _tasks_run_inline as _tasks_run_inline
from tests.imports.conftest import academie as academie
from tests.imports.conftest import client_for as client_for
from tests.imports.conftest import school_a as school_a
from tests.imports.files import (
    HEADER,
    csv_bytes,
    handmade_xlsx,
    inline_row,
    sheet_xml,
    student,
    upload_students,
)

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Unbounded(BaseException):
    """Raised by the cell counter past its bound (a BaseException: nothing may swallow it)."""


class CellCounter:
    """Counts the cells openpyxl hands over while a sheet is read; past `bound`, stops the
    reading at once (the code before the fix would have gone on for 17 billion cells)."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.cells = 0
        self.rows = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = ReadOnlyWorksheet._cells_by_row
        counter = self

        def counted(sheet: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            for row in original(sheet, *args, **kwargs):
                counter.rows += 1
                counter.cells += len(row)
                if counter.cells > counter.bound:
                    raise Unbounded(f"{counter.cells} cells read")
                yield row

        monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)


def huge_dimension_xlsx() -> bytes:
    """About 1.6 KB: a header, two students, and a sheet that declares 16,384 × 1,048,576."""
    rows = (
        inline_row(1, HEADER)
        + inline_row(2, student(1))
        + inline_row(3, student(2))
        + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    return handmade_xlsx(sheet_xml(rows, dimension="A1:XFD1048576"))


# --- item 3: a workbook that declares a million rows of 16,384 cells ---------------------------


def test_a_huge_declared_dimension_is_read_with_bounded_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = huge_dimension_xlsx()
    assert len(data) < 2000
    counter = CellCounter(bound=100_000)
    counter.install(monkeypatch)

    table = read_table(data)

    assert [cells[0] for _, cells in table.rows] == [student(1)[0], student(2)[0]]
    # the header pass reads one row at most IMPORT_MAX_COLUMNS + 1 wide; the data pass rows
    # only as wide as the header, until IMPORT_MAX_EMPTY_ROWS empty rows in a row
    limits = reading.Limits()
    assert counter.rows <= 1 + 2 + limits.max_empty_rows + 2
    assert counter.cells <= (limits.max_columns + 1) + len(HEADER) * (limits.max_empty_rows + 4)


def test_the_declared_dimension_does_not_widen_the_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = inline_row(1, HEADER) + inline_row(2, student(1))
    counter = CellCounter(bound=10_000)
    counter.install(monkeypatch)

    table = read_table(handmade_xlsx(sheet_xml(rows, dimension="A1:XFD40")))

    assert table.rows == [(2, student(1))]
    assert counter.cells <= 201 + len(HEADER)


def test_the_request_only_stores_the_workbook_and_the_task_reads_it(
    school_a: School,
    client_for: Callable[[Any], Client],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.TASKS = DUMMY_TASKS  # the task is queued, not run
    counter = CellCounter(bound=100_000)
    counter.install(monkeypatch)
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, huge_dimension_xlsx(), name="eleves.xlsx")

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportStatus.QUEUED
    assert counter.cells == 0  # not one cell read in the request
    page = client.get(reverse("imports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page

    run_validation(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert (job.total_rows, job.create_rows) == (2, 2)
    assert 0 < counter.cells <= 100_000


def test_an_import_over_its_time_budget_stops_in_french(
    school_a: School, client_for: Callable[[Any], Client], settings: Any
) -> None:
    settings.IMPORT_TIME_BUDGET = 0

    upload_students(client_for(school_a.secretary), school_a, csv_bytes([student(1)]))

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "a dépassé la durée maximale" in job.error_message
    assert "rien n’a été enregistré" in job.error_message


def test_a_write_over_its_time_budget_keeps_nothing(
    school_a: School, client_for: Callable[[Any], Client], settings: Any
) -> None:
    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1), student(2)]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY
    settings.IMPORT_TIME_BUDGET = 0

    client.post(reverse("imports:confirm", args=[job.pk]), {"mode": "tout-ou-rien"})

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "a dépassé la durée maximale" in job.error_message
    assert not Student.objects.filter(cohort=school_a.cohort).exclude(pk=school_a.student.pk)


# --- item 7: a workbook with a DTD ---------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
DTD_ONLY = "<!DOCTYPE worksheet>"


def dtd_xlsx(prologue: str, entity: str) -> bytes:
    rows = inline_row(1, HEADER) + inline_row(2, [student(1)[0], entity, *student(1)[2:]])
    return handmade_xlsx(sheet_xml(rows, prologue=prologue))


@pytest.mark.parametrize(
    ("prologue", "entity"),
    [(LAUGHS, "&lol3;"), (XXE, "&xxe;"), (DTD_ONLY, "MARTIN")],
    ids=["billion-laughs", "xxe", "dtd-without-entities"],
)
def test_a_workbook_with_a_dtd_is_refused_in_french(
    school_a: School, client_for: Callable[[Any], Client], prologue: str, entity: str
) -> None:
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, dtd_xlsx(prologue, entity), name="e.xlsx")

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "déclaration de type de document (DTD)" in job.error_message
    assert "root:" not in job.error_message
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "déclaration de type de document (DTD)" in page.content.decode()


def test_openpyxl_parses_through_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even past our own look for a DTD, openpyxl's parser refuses entities, and that refusal
    is the same French message, not a server error."""
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    monkeypatch.setattr(reading, "_declares_dtd", lambda archive, member: False)

    with pytest.raises(UnreadableFile) as refused:
        read_table(dtd_xlsx(LAUGHS, "&lol3;"))

    assert "déclaration de type de document (DTD)" in refused.value.message


# --- item 7: a NUL byte past the first 8 KB of a CSV -----------------------------------------------


@pytest.mark.parametrize(
    ("character", "what"), [("\x00", "un caractère nul"), ("\x07", "un caractère de contrôle")]
)
def test_a_nul_byte_after_the_first_8_kb_names_its_line(
    school_a: School, client_for: Callable[[Any], Client], character: str, what: str
) -> None:
    rows = [student(n) for n in range(1, 301)]
    rows[249][1] = f"NOM{character}250"  # file line 251 (the header is line 1)
    data = csv_bytes(rows)
    assert data.index(character.encode()) > 8192

    upload_students(client_for(school_a.secretary), school_a, data)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.error_message.startswith(f"Ligne 251 : le fichier contient {what}")
    assert list(Student.objects.all()) == [school_a.student]  # nothing imported


# --- item 7: a file name of thousands of characters ------------------------------------------------


def multipart(fields: dict[str, str], field: str, file_name: str, data: bytes) -> dict[str, Any]:
    """A multipart body written by hand: the test client would shorten the name itself."""
    boundary = "----limite-milieu"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\nContent-Disposition: form-data; "
        f'name="{field}"; filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize(
    ("file_name", "ending"),
    [("eleves." + "c" * 900, "c…"), ("a" * 900 + ".csv", "a….csv")],
    ids=["long-extension", "long-stem"],
)
def test_a_long_file_name_is_shortened_not_a_server_error(
    school_a: School,
    client_for: Callable[[Any], Client],
    settings: Any,
    file_name: str,
    ending: str,
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # the upload goes through a temporary file
    client = client_for(school_a.secretary)
    client.raise_request_exception = False
    body = multipart(
        {"cohort": str(school_a.cohort.pk)},
        "fichier",
        file_name,
        csv_bytes([student(1), student(2)]),
    )

    response = client.post(reverse("imports:students", args=[school_a.establishment.pk]), **body)

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert len(job.file_name) <= 200
    assert job.file_name.endswith(ending)
    assert job.status == ImportStatus.READY


def test_a_long_file_name_on_the_public_checker_is_no_server_error(
    client: Client, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    client.raise_request_exception = False
    body = multipart({}, "fichier", "dossier." + "j" * 900, b'{"pas": "un dossier"}' * 10)

    response = client.post(reverse("checker:check"), **body)

    assert response.status_code < 500


def test_a_3000_character_file_name_is_answered_in_french(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    client.raise_request_exception = False
    body = multipart(
        {"cohort": str(school_a.cohort.pk)}, "fichier", "e" * 3000 + ".csv", csv_bytes([])
    )

    response = client.post(reverse("imports:students", args=[school_a.establishment.pk]), **body)

    assert response.status_code == 400  # Django refuses part headers over 1 KiB
    assert "Requête incorrecte" in response.content.decode()
    assert not ImportJob.objects.exists()


# --- item 7: line breaks in names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["MAR\r\nTIN", "MAR\nTIN", "MAR\rTIN", "MAR\u2028TIN", "\u202eNITRAM"]
)
def test_a_name_with_a_line_break_or_a_control_character_is_refused_by_the_import(
    school_a: School, client_for: Callable[[Any], Client], name: str
) -> None:
    data = csv_bytes([student(1, last_name=f'"{name}"'), student(2)])

    upload_students(client_for(school_a.secretary), school_a, data)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY, job.error_message
    refused = job.rows_with("error")
    assert len(refused) == 1
    assert refused[0]["errors"][0].startswith("Nom : un ")
    assert "n’est pas accepté" in refused[0]["errors"][0]


def test_a_line_break_in_a_workbook_name_cell_is_refused(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    from tests.imports.files import xlsx_bytes

    data = xlsx_bytes([student(1, first_name="Léa\nMarie"), student(2)])

    upload_students(client_for(school_a.secretary), school_a, data, name="eleves.xlsx")

    job = ImportJob.objects.get()
    assert [row["errors"] for row in job.rows_with("error")] == [
        ["Prénom : un retour à la ligne n’est pas accepté ; écrivez-le sur une seule ligne."]
    ]


NAME_FIELDS: list[tuple[Callable[..., Any], str, dict[str, Any]]] = [
    (StudentForm, "last_name", {}),
    (StudentForm, "first_name", {}),
    (LegalRepresentativeForm, "last_name", {}),
    (TutorForm, "last_name", {}),
    (TutorForm, "first_name", {}),
    (HostForm, "name", {}),
    (HostSiteForm, "name", {}),
    (TutorNameForm, "tutor_name", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "field", "kwargs"), NAME_FIELDS)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Jean\r\nBcc: x@exemple.fr", "Un retour à la ligne n’est pas accepté"),
        ("Jean\u2029Dupont", "Un retour à la ligne n’est pas accepté"),
        ("Jean\tDupont", "Un caractère invisible (U+0009) n’est pas accepté"),
        ("\u202eDupont", "Un caractère invisible (U+202E) n’est pas accepté"),
    ],
)
def test_the_forms_refuse_a_name_on_several_lines(
    form_class: Callable[..., Any], field: str, kwargs: dict[str, Any], value: str, message: str
) -> None:
    form = form_class(data={field: value}, **kwargs)

    assert not form.is_valid()
    assert any(message in error for error in form.errors[field])


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "field", "kwargs"), NAME_FIELDS)
def test_the_forms_accept_names_with_accents_hyphens_and_apostrophes(
    form_class: Callable[..., Any], field: str, kwargs: dict[str, Any]
) -> None:
    form = form_class(data={field: "N’Diaye-Lefèvre d’Ornano"}, **kwargs)
    form.is_valid()

    assert field not in form.errors


# --- item 3: every hostile variant gets a French answer, never a server error ----------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


HOSTILE: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "Le fichier est vide."),
    "only-blank-lines": (b"\r\n" * 5000, "Le fichier est vide."),
    "binary-garbage-named-csv": (
        bytes(range(256)) * 40,
        "Ce fichier n’est ni un fichier CSV ni un classeur Excel (.xlsx).",
    ),
    "a-zip-that-is-no-workbook": (
        zip_bytes({"readme.txt": b"bonjour"}),
        "Ce fichier n’est ni un fichier CSV ni un classeur Excel (.xlsx).",
    ),
    "a-truncated-workbook": (huge_dimension_xlsx()[:900], "Ce classeur Excel n’a pas pu être lu"),
    "a-zip-bomb": (
        zip_bytes({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b" " * (49 << 20)}),
        "Une fois décompressé, ce classeur dépasse 48 Mo",
    ),
    "a-cell-of-200-000-characters": (
        csv_bytes([[student(1)[0], "N" * 200_000, *student(1)[2:]]]),
        "une cellule dépasse 131072 caractères",
    ),
    "a-header-of-5000-columns": (
        csv_bytes([student(1)], header=[*HEADER, *(f"c{n}" for n in range(5000))]),
        "La ligne des titres compte plus de 200 colonnes",
    ),
    "windows-1252-undefined-bytes": (
        b"INE;Nom\r\n0910000001K;\x81\x8d\x8f\x90\x9d\r\n",
        "L’encodage des caractères de ce fichier n’est pas reconnu",
    ),
}


@pytest.mark.parametrize("variant", list(HOSTILE))
def test_each_hostile_file_gets_a_french_answer(
    school_a: School, client_for: Callable[[Any], Client], variant: str
) -> None:
    data, message = HOSTILE[variant]
    client = client_for(school_a.secretary)
    client.raise_request_exception = False
    name = "eleves.xlsx" if data.startswith(b"PK") else "eleves.csv"

    response = client.post(
        reverse("imports:students", args=[school_a.establishment.pk]),
        {"cohort": school_a.cohort.pk, "fichier": SimpleUploadedFile(name, data)},
    )

    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused on the form: plainly not a table
        assert message in response.content.decode()
        assert not ImportJob.objects.exists()
    else:  # read by the task, which says why it stopped
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.FAILED
        assert job.error_message != UNEXPECTED
        assert message in job.error_message
        assert message in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("encoding", "separator", "last_name"),
    [
        ("cp1252", ";", "ŒUVRARD"),  # Œ exists in Windows-1252 only
        ("latin-1", ";", "LEFÈVRE-ÿ"),
        ("utf-8-sig", ",", "ÇÀ"),
        ("utf-8", "\t", "NGUYỄN"),
        ("utf-16", "\t", "ÉLODIE"),
    ],
)
def test_school_software_encodings_and_separators_still_import(
    school_a: School,
    client_for: Callable[[Any], Client],
    encoding: str,
    separator: str,
    last_name: str,
) -> None:
    data = csv_bytes([student(1, last_name=last_name)], separator=separator, encoding=encoding)
    data += b"\x1a" if encoding in ("cp1252", "latin-1") else b""  # DOS end-of-file mark

    upload_students(client_for(school_a.secretary), school_a, data)

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY, job.error_message
    assert (job.create_rows, job.error_rows) == (1, 0)
    assert job.rows[0]["values"]["last_name"] == last_name
