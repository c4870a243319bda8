"""Students from the school's information system: columns, checks, and how rows are written.

A student is identified by their INE, unique across Milieu: a row whose INE is a student of this
establishment updates that student (and moves them to the chosen cohort); a new INE creates a
student; an INE that belongs to another establishment's student is refused, without saying whose.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from milieu.audit.enums import AuditAction
from milieu.establishments.models import Cohort
from milieu.identifiers import ine_error, normalise
from milieu.imports.batches import chunks
from milieu.imports.columns import Column, one_line, parse_date, too_long
from milieu.imports.enums import RowStatus
from milieu.imports.writing import BATCH, write_updates
from milieu.students.models import Student
from milieu.validators import name_problem

KEY = "ine"
KEY_LABEL = "INE"

COLUMNS: tuple[Column, ...] = (
    Column(
        "ine",
        "INE",
        True,
        (
            "n ine",
            "no ine",
            "numéro INE",
            "num INE",
            "INE élève",
            "code INE",
            "identifiant national",
        ),
        max_length=11,
        help="11 caractères (ex. 123456789AB)",
    ),
    Column(
        "last_name",
        "Nom",
        True,
        ("nom de famille", "nom élève", "nom d’usage", "nom de naissance", "nom famille"),
        max_length=100,
    ),
    Column(
        "first_name",
        "Prénom",
        True,
        ("prénoms", "prénom élève", "prénom 1", "premier prénom"),
        max_length=100,
    ),
    Column(
        "birth_date",
        "Date de naissance",
        True,
        (
            "date naissance",
            "date de naiss",
            "date nais",
            "naissance",
            "né le",
            "née le",
            "né(e) le",
        ),
        help="JJ/MM/AAAA ou AAAA-MM-JJ",
    ),
    Column("division", "Division", False, ("classe", "div", "code division"), max_length=50),
    Column(
        "formation",
        "Formation",
        False,
        ("libellé formation", "MEF", "libellé MEF", "diplôme", "code formation"),
        help="pour information : la promotion choisie fixe le diplôme",
    ),
    Column(
        "email",
        "Adresse électronique",
        False,
        ("email", "e-mail", "mail", "courriel", "adresse mail", "adresse courriel", "email élève"),
        max_length=254,
    ),
    Column(
        "phone",
        "Téléphone",
        False,
        ("tél", "tel", "portable", "téléphone portable", "mobile"),
        max_length=20,
    ),
)
_BY_KEY = {column.key: column for column in COLUMNS}

# Fields a row may update; blank optional cells never erase a known value.
_UPDATABLE = ("last_name", "first_name", "birth_date", "division", "email", "phone")
_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "division": "division",
    "email": "adresse électronique",
    "phone": "téléphone",
}


def check_cells(cells: dict[str, str], *, today: date) -> tuple[dict[str, Any], list[str]]:
    """The row's values, normalised, and its errors (French, naming the column)."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    raw_ine = cells.get("ine", "")
    if not raw_ine.strip():
        errors.append("INE manquant.")
    else:
        ine = normalise(raw_ine)
        problem = ine_error(ine)
        if problem:
            errors.append(f"INE « {raw_ine.strip()} » : {problem}")
        else:
            values["ine"] = ine
    for key, missing in (("last_name", "Nom manquant."), ("first_name", "Prénom manquant.")):
        text = one_line(cells.get(key, ""))
        if not text:
            errors.append(missing)
        elif problem := name_problem(cells[key].strip()):
            errors.append(f"{_BY_KEY[key].label} : {problem}")
        elif problem := too_long(_BY_KEY[key], text):
            errors.append(problem)
        else:
            values[key] = text
    raw_date = cells.get("birth_date", "").strip()
    if not raw_date:
        errors.append("Date de naissance manquante.")
    else:
        born, problem = parse_date(raw_date, "Date de naissance", today=today)
        if problem:
            errors.append(problem)
        else:
            assert born is not None
            values["birth_date"] = born.isoformat()
    for key in ("division", "formation", "phone"):
        text = one_line(cells.get(key, ""))
        if not text:
            continue
        if problem := too_long(_BY_KEY[key], text):
            errors.append(problem)
        else:
            values[key] = text
    email = cells.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"Adresse électronique « {email} » : elle n’est pas valide.")
        else:
            if problem := too_long(_BY_KEY["email"], email):
                errors.append(problem)
            else:
                values["email"] = email.lower()
    return values, errors


def _existing(ines: list[str], *, lock: bool) -> dict[str, Student]:
    found: dict[str, Student] = {}
    for chunk in chunks(ines):
        students = Student.objects.filter(ine__in=chunk).select_related("cohort")
        if lock:
            students = students.select_for_update(of=("self",))
        for student in students:
            found[student.ine] = student
    return found


def _changes(
    student: Student, values: dict[str, Any], target: Cohort, names: dict[int, str]
) -> tuple[list[str], list[str]]:
    """What a row changes: French labels for the page, field names for the update."""
    labels: list[str] = []
    fields: list[str] = []
    for field in _UPDATABLE:
        if field not in values:
            continue
        current = getattr(student, field)
        current_text = current.isoformat() if isinstance(current, date) else current
        if current_text != values[field]:
            labels.append(_LABELS[field])
            fields.append(field)
    if student.cohort_id != target.pk:
        before = names.get(student.cohort_id, "autre promotion")
        labels.append(f"promotion : {before} → {target.name}")
        fields.append("cohort")
    return labels, fields


def classify(rows: Iterable[dict[str, Any]], job: Any, *, lock: bool = False) -> None:
    """Set each checked row's status against the database: create, update (with the fields it
    changes) or error (INE of another establishment's student)."""
    pending = [row for row in rows if not row["errors"]]
    existing = _existing([row["values"]["ine"] for row in pending], lock=lock)
    names = dict(
        Cohort.objects.filter(establishment=job.establishment_id).values_list("pk", "name")
    )
    for row in pending:
        student = existing.get(row["values"]["ine"])
        row["conflict"] = ""
        row["changes"] = []
        row["fields"] = []
        row["target"] = None
        if student is None:
            row["status"] = RowStatus.CREATE
        elif student.cohort.establishment_id != job.establishment_id:
            row["status"] = RowStatus.ERROR
            row["conflict"] = (
                f"INE « {student.ine} » : cet INE est celui d’un élève inscrit dans un autre "
                "établissement ; la ligne n’est pas importée. Vérifiez l’INE auprès de l’élève."
            )
        else:
            row["status"] = RowStatus.UPDATE
            row["target"] = student.pk
            row["changes"], row["fields"] = _changes(student, row["values"], job.cohort, names)


def apply(rows: list[dict[str, Any]], job: Any) -> tuple[int, int]:
    """Write the rows classified create/update (inside the caller's transaction)."""
    cohort = job.cohort
    new = [
        Student(
            cohort=cohort,
            ine=row["values"]["ine"],
            last_name=row["values"]["last_name"],
            first_name=row["values"]["first_name"],
            birth_date=date.fromisoformat(row["values"]["birth_date"]),
            division=row["values"].get("division", ""),
            email=row["values"].get("email", ""),
            phone=row["values"].get("phone", ""),
        )
        for row in rows
        if row["status"] == RowStatus.CREATE
    ]
    Student.objects.bulk_create(new, batch_size=BATCH)
    updates = [row for row in rows if row["status"] == RowStatus.UPDATE]
    write_updates(Student, updates, _set_student, job, action=AuditAction.STUDENT_EDITED)
    return len(new), len(updates)


def _set_student(student: Student, row: dict[str, Any], job: Any) -> None:
    for field in row["fields"]:
        if field == "cohort":
            student.cohort_id = job.cohort_id
        elif field == "birth_date":
            student.birth_date = date.fromisoformat(row["values"]["birth_date"])
        else:
            setattr(student, field, row["values"][field])
