"""Importing students: preview with line numbers, an explicit choice on errors, one transaction,
updates by INE instead of duplicates, another school's INE refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.factories import StudentFactory
from milieu.imports.enums import ImportStatus
from milieu.imports.models import ImportJob
from milieu.imports.samples import get_sample
from milieu.students.models import Student
from tests.imports.conftest import School
from tests.imports.files import (
    HEADER,
    PNG,
    csv_bytes,
    ine,
    student,
    upload_students,
    xlsx_bytes,
)


def the_job() -> ImportJob:
    return ImportJob.objects.get()


def imported(school: School) -> Any:
    return Student.objects.filter(cohort=school.cohort).exclude(pk=school.student.pk)


def confirm(client: Client, job: ImportJob, mode: str | None) -> Any:
    data = {"mode": mode} if mode else {}
    return client.post(reverse("imports:confirm", args=[job.pk]), data, follow=True)


def test_a_clean_file_is_previewed_then_imported(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, csv_bytes([student(1), student(2)]))

    job = the_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportStatus.READY
    assert (job.total_rows, job.create_rows, job.update_rows, job.error_rows) == (2, 2, 0, 0)
    assert not imported(school_a).exists()  # nothing written before the confirmation

    preview = client.get(response["Location"]).content.decode()
    assert "Toutes les lignes sont valides." in preview
    assert "Importer les 2 lignes" in preview
    assert 'data-line="2" data-row-status="create"' in preview

    done = confirm(client, job, "tout-ou-rien").content.decode()

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.created_count == 2
    assert "2 élèves créés, 0 mis à jour." in done
    assert sorted(imported(school_a).values_list("ine", flat=True)) == [ine(1), ine(2)]
    created = imported(school_a).get(ine=ine(1))
    assert (created.last_name, created.first_name, created.birth_date, created.division) == (
        "NOM1",
        "Léa",
        date(2008, 3, 14),
        "1 CIEL A",
    )
    assert job.content == b""  # the file is not kept once imported


def test_the_sample_with_one_bad_row(school_a: School, client_for: Callable[[Any], Client]) -> None:
    """eleves-exemple.csv: line 7 has an impossible date; see its page."""
    sample = get_sample("eleves-exemple.csv")
    assert sample is not None
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, sample.read_bytes(), name=sample.name)

    preview = client.get(response["Location"]).content.decode()
    job = the_job()
    assert (job.total_rows, job.create_rows, job.error_rows) == (10, 9, 1)
    assert 'data-line="7" data-row-status="error"' in preview
    assert "Date de naissance « 31/02/2009 » : cette date n’existe pas." in preview
    assert "1 ligne est en erreur. Que voulez-vous faire ?" in preview
    assert 'name="mode" value="tout-ou-rien"' in preview
    assert 'name="mode" value="lignes-valides"' in preview

    refused = confirm(client, job, "tout-ou-rien").content.decode()

    assert "« Tout ou rien » est impossible : 1 ligne est en erreur." in refused
    assert the_job().status == ImportStatus.READY
    assert not imported(school_a).exists()

    unchosen = confirm(client, job, None).content.decode()

    assert "Choisissez comment traiter les lignes en erreur." in unchosen
    assert not imported(school_a).exists()

    done = confirm(client, job, "lignes-valides").content.decode()

    assert "9 élèves créés, 0 mis à jour, 1 ligne en erreur ignorée." in done
    assert imported(school_a).count() == 9
    assert not Student.objects.filter(ine="0912345606F").exists()


def test_reimporting_updates_by_ine_instead_of_duplicating(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    first, corrected = get_sample("eleves-exemple.csv"), get_sample("eleves-exemple-corrige.csv")
    assert first is not None and corrected is not None
    upload_students(client, school_a, first.read_bytes())
    confirm(client, the_job(), "lignes-valides")
    martin = Student.objects.get(ine="0912345601A")
    martin.division = "changée depuis"
    martin.save()

    response = upload_students(client, school_a, corrected.read_bytes())

    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    preview = client.get(response["Location"], {"lignes": "toutes"}).content.decode()
    assert (job.create_rows, job.update_rows, job.error_rows) == (1, 9, 0)
    assert "Modifie : division" in preview
    assert "Aucun changement" in preview

    confirm(client, job, "tout-ou-rien")

    job.refresh_from_db()
    assert (job.created_count, job.updated_count) == (1, 9)
    assert imported(school_a).count() == 10
    assert Student.objects.filter(ine="0912345601A").count() == 1
    martin.refresh_from_db()
    assert martin.division == "1 CIEL A"
    assert Student.objects.get(ine="0912345606F").birth_date == date(2009, 2, 28)


def test_a_reimport_moves_students_to_the_chosen_cohort(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    existing = StudentFactory.create(cohort=school_a.other_cohort, ine=ine(1), division="X")
    client = client_for(school_a.secretary)

    response = upload_students(
        client,
        school_a,
        csv_bytes(
            [
                student(
                    1,
                    last_name=existing.last_name,
                    first_name=existing.first_name,
                    birth_date=existing.birth_date.strftime("%d/%m/%Y"),
                )
            ]
        ),
    )
    preview = client.get(response["Location"], {"lignes": "toutes"}).content.decode()
    confirm(client, the_job(), "tout-ou-rien")

    assert f"promotion : {school_a.other_cohort.name} → {school_a.cohort.name}" in preview
    existing.refresh_from_db()
    assert existing.cohort == school_a.cohort and existing.division == "1 CIEL A"


def test_an_ine_of_another_establishment_is_refused_without_saying_whose(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    theirs = StudentFactory.create(cohort=school_b.cohort, ine=ine(1), last_name="Secret")
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, csv_bytes([student(1), student(2)]))
    preview = client.get(response["Location"]).content.decode()

    assert the_job().error_rows == 1
    assert "cet INE est celui d’un élève inscrit dans un autre établissement" in preview
    assert school_b.establishment.name not in preview
    assert "SECRET" not in preview.upper().replace("NOM1", "")

    confirm(client, the_job(), "lignes-valides")

    theirs.refresh_from_db()
    assert theirs.cohort == school_b.cohort and theirs.last_name == "Secret"
    assert list(imported(school_a).values_list("ine", flat=True)) == [ine(2)]


def test_a_duplicate_ine_inside_the_file_refuses_both_lines(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)

    response = upload_students(
        client, school_a, csv_bytes([student(1), student(2), student(1, first_name="Autre")])
    )
    preview = client.get(response["Location"]).content.decode()

    job = the_job()
    assert (job.create_rows, job.error_rows) == (1, 2)
    assert f"INE « {ine(1)} » en double : il figure aussi ligne 4 du fichier." in preview
    assert f"INE « {ine(1)} » en double : il figure aussi ligne 2 du fichier." in preview


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ine": "12345"}, "INE « 12345 » : L&#x27;INE compte 11 caractères"),
        ({"ine": ""}, "INE manquant."),
        ({"last_name": ""}, "Nom manquant."),
        ({"first_name": ""}, "Prénom manquant."),
        ({"birth_date": ""}, "Date de naissance manquante."),
        (
            {"birth_date": "30/02/2008"},
            "Date de naissance « 30/02/2008 » : cette date n’existe pas.",
        ),
        ({"birth_date": "14/03/08"}, "écrivez la date sous la forme JJ/MM/AAAA"),
        ({"division": "x" * 51}, "Division : 51 caractères, au plus 50 sont acceptés."),
    ],
)
def test_each_row_error_has_its_line_and_french_message(
    school_a: School, client_for: Callable[[Any], Client], changes: dict[str, str], message: str
) -> None:
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, csv_bytes([student(1), student(2, **changes)]))
    preview = client.get(response["Location"]).content.decode()

    assert 'data-line="3" data-row-status="error"' in preview
    assert message in preview


def test_windows_1252_with_commas(school_a: School, client_for: Callable[[Any], Client]) -> None:
    client = client_for(school_a.secretary)
    data = csv_bytes(
        [student(1, last_name="LEFÈVRE", first_name="Zoé")], separator=",", encoding="cp1252"
    )

    response = upload_students(client, school_a, data)
    confirm(client, the_job(), "tout-ou-rien")

    assert response.status_code == 302
    assert "Windows-1252" in the_job().file_format
    created = imported(school_a).get()
    assert (created.last_name, created.first_name) == ("LEFÈVRE", "Zoé")


def test_iso_dates_and_header_variants(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    data = csv_bytes(
        [[ine(1), "2008-03-14", "MARTIN", "Léa", "ignoré"]],
        header=["n° ine", "DATE_NAISSANCE", " nom ", "PRENOM", "Remarque"],
    )

    response = upload_students(client, school_a, data)
    preview = client.get(response["Location"]).content.decode()
    confirm(client, the_job(), "tout-ou-rien")

    assert "Colonne ignorée : « Remarque »." in preview
    assert imported(school_a).get().birth_date == date(2008, 3, 14)


def test_an_xlsx_workbook(school_a: School, client_for: Callable[[Any], Client]) -> None:
    from datetime import datetime

    client = client_for(school_a.secretary)
    data = xlsx_bytes(
        [
            [ine(1), "MARTIN", "Léa", datetime(2008, 3, 14), "1 CIEL A", "BTS CIEL"],
            [ine(2), "PETIT", "Nathan", "17/12/2008", "1 CIEL B", None],
            [ine(3), "", "Zoé", datetime(2008, 1, 1), None, None],
        ]
    )

    response = upload_students(client, school_a, data, name="eleves.xlsx")
    preview = client.get(response["Location"]).content.decode()
    confirm(client, the_job(), "lignes-valides")

    assert 'data-line="4" data-row-status="error"' in preview and "Nom manquant." in preview
    assert the_job().file_format == "classeur Excel (.xlsx)"
    assert sorted(imported(school_a).values_list("birth_date", flat=True)) == [
        date(2008, 3, 14),
        date(2008, 12, 17),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (PNG, "Ce fichier est une image PNG, pas un tableau"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "format Excel 97-2003 (.xls)"),
    ],
)
def test_what_is_plainly_not_a_table_is_refused_on_the_form(
    school_a: School, client_for: Callable[[Any], Client], data: bytes, message: str
) -> None:
    response = upload_students(client_for(school_a.secretary), school_a, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'<option value="{school_a.cohort.pk}" selected>' in html  # the choice is kept
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_bytes([]), "Le fichier ne contient que la ligne des titres de colonnes"),
        (
            csv_bytes([["MARTIN", "Léa"]], header=["Nom", "Prénom"]),
            "Colonnes obligatoires absentes : « INE », « Date de naissance ».",
        ),
        (xlsx_bytes([], header=["Nom"]), "Le fichier ne contient que la ligne des titres"),
    ],
)
def test_a_file_the_task_cannot_import_ends_the_job_with_the_reason(
    school_a: School, client_for: Callable[[Any], Client], data: bytes, message: str
) -> None:
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, data)

    job = the_job()
    assert response.status_code == 302
    assert job.status == ImportStatus.FAILED
    assert message in job.error_message
    assert job.content == b""  # the refused file is not kept
    page = client.get(response["Location"]).content.decode()
    assert "Le fichier n’a pas pu être importé" in page
    assert message in page
    assert not imported(school_a).exists()


def test_a_file_too_big_is_refused(
    school_a: School, client_for: Callable[[Any], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from milieu.imports import forms

    monkeypatch.setattr(forms, "MAX_FILE_SIZE", 100)

    response = upload_students(
        client_for(school_a.secretary), school_a, csv_bytes([student(1), student(2)])
    )

    assert "un import accepte au plus 100" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_and_a_cohort_are_required(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(school_a.secretary).post(
        reverse("imports:students", args=[school_a.establishment.pk]), {}
    )

    html = response.content.decode()
    assert "Choisissez la promotion dans laquelle importer les élèves." in html
    assert "Choisissez le fichier à importer." in html


def test_confirming_twice_is_answered_politely(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1)]))
    confirm(client, the_job(), "tout-ou-rien")

    again = confirm(client, the_job(), "tout-ou-rien").content.decode()

    assert "Action déjà effectuée ou impossible : cet import est « Importé »." in again
    assert imported(school_a).count() == 1


def test_an_import_can_be_abandoned(school_a: School, client_for: Callable[[Any], Client]) -> None:
    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1)]))

    response = client.post(reverse("imports:cancel", args=[the_job().pk]), follow=True)

    assert "L’import est abandonné : rien n’a été enregistré." in response.content.decode()
    assert the_job().status == ImportStatus.CANCELLED and the_job().content == b""
    assert confirm(client, the_job(), "tout-ou-rien").status_code == 200
    assert not imported(school_a).exists()


def test_a_file_where_nothing_is_valid_cannot_be_confirmed(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)

    response = upload_students(client, school_a, csv_bytes([student(1, ine="X")]))
    preview = client.get(response["Location"]).content.decode()
    refused = confirm(client, the_job(), "lignes-valides").content.decode()

    assert "Aucune ligne n’est valide" in preview and "data-confirm-form" not in preview
    assert "Aucune ligne n’est valide : il n’y a rien à importer." in refused


def test_the_preview_filters_and_pages_the_rows(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    rows = [student(n) for n in range(1, 151)] + [student(999, ine="faux")]

    response = upload_students(client, school_a, csv_bytes(rows))
    errors = client.get(response["Location"]).content.decode()
    creations = client.get(
        response["Location"], {"lignes": "creations", "page": "2"}
    ).content.decode()

    assert "Erreurs (1)" in errors and "Créations (150)" in errors
    assert 'data-row-status="create"' not in errors  # the errors come first
    assert 'data-line="152"' in errors
    assert 'data-line="102"' in creations and 'data-line="101"' not in creations
    assert "2 / 2" in creations


def test_nothing_is_half_written_when_the_apply_fails(
    school_a: School, client_for: Callable[[Any], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from milieu.imports import student_rows

    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1), student(2)]))
    real_write = student_rows.write_updates

    def crash_after_creating(*args: Any, **kwargs: Any) -> None:
        real_write(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(student_rows, "write_updates", crash_after_creating)

    response = confirm(client, the_job(), "tout-ou-rien")

    assert not imported(school_a).exists()
    assert the_job().status == ImportStatus.FAILED
    html = response.content.decode()
    assert "rien n’a été enregistré" in html
    assert "disk full" not in html and "Traceback" not in html


def test_a_student_taken_by_another_school_after_the_preview(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1), student(2)]))
    StudentFactory.create(cohort=school_b.cohort, ine=ine(2))

    all_or_nothing = confirm(client, the_job(), "tout-ou-rien").content.decode()

    assert "Rien n’a été importé" in all_or_nothing and "ligne 3" in all_or_nothing
    assert the_job().status == ImportStatus.READY and the_job().error_rows == 1
    assert not imported(school_a).exists()

    confirm(client, the_job(), "lignes-valides")

    assert list(imported(school_a).values_list("ine", flat=True)) == [ine(1)]


def test_valid_only_skips_rows_refused_since_the_preview(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1), student(2), student(3, ine="faux")]))
    StudentFactory.create(cohort=school_b.cohort, ine=ine(2))

    done = confirm(client, the_job(), "lignes-valides").content.decode()

    assert "ligne 3 n’a pas été importée" in done
    assert list(imported(school_a).values_list("ine", flat=True)) == [ine(1)]


def test_the_upload_page_documents_columns_and_samples(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    html = (
        client_for(school_a.secretary)
        .get(reverse("imports:students", args=[school_a.establishment.pk]))
        .content.decode()
    )

    for title in HEADER:
        assert f"<td>{title}</td>" in html
    assert reverse("imports:sample", args=["eleves-exemple.csv"]) in html
    assert "31/02/2009" in html  # the deliberate error of the sample is documented


def test_the_samples_can_be_downloaded(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)

    response = client.get(reverse("imports:sample", args=["eleves-exemple-corrige.csv"]))

    assert response.status_code == 200
    content = b"".join(getattr(response, "streaming_content", []))
    assert content.startswith("\ufeffINE;Nom".encode())
    assert client.get(reverse("imports:sample", args=["settings.py"])).status_code == 404


def test_each_student_a_reimport_changes_keeps_its_audit_row(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    existing = StudentFactory.create(cohort=school_a.other_cohort, ine=ine(1), division="X")
    unchanged = StudentFactory.create(cohort=school_a.cohort, ine=ine(2), division="1 CIEL A")
    client = client_for(school_a.secretary)
    upload_students(
        client,
        school_a,
        csv_bytes(
            [
                student(
                    n,
                    last_name=s.last_name,
                    first_name=s.first_name,
                    birth_date=s.birth_date.strftime("%d/%m/%Y"),
                )
                for n, s in ((1, existing), (2, unchanged))
            ]
        ),
    )
    job = the_job()
    confirm(client, job, "tout-ou-rien")

    rows = AuditEntry.objects.filter(action=AuditAction.STUDENT_EDITED)
    assert [(r.object_id, r.actor, r.establishment) for r in rows] == [
        (str(existing.pk), school_a.secretary, school_a.establishment)
    ]
    assert rows[0].changes == {
        "cohort": [school_a.other_cohort.pk, school_a.cohort.pk],
        "division": ["X", "1 CIEL A"],
        "import": job.pk,
    }
