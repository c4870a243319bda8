"""Changing a student's record: one operation, optimistic locking, one audit row.

The edit page sends back the `Student.version` it showed; `update_student` claims it
(`milieu.editlock`) and refuses with `EditConflict` when someone saved in between: the page then
shows who changed what, and keeps what the user typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm

from milieu import editlock
from milieu.audit.enums import AuditAction
from milieu.audit.journal import diff, record, snapshot
from milieu.permissions import Action, require
from milieu.students.models import Student

if TYPE_CHECKING:
    from milieu.people.models import User

EDITED_FIELDS = (
    "last_name",
    "first_name",
    "ine",
    "birth_date",
    "division",
    "email",
    "phone",
    "pathway",
    "continuing_situation",
    "distance",
    "repeater",
    "previous_session",
    "repeater_report",
)
REPRESENTATIVES = "representatives"
NOUN = "Cette fiche"


def _representatives(student: Student) -> list[str]:
    return sorted(
        " ".join(part for part in (str(r), r.email, r.phone) if part)
        for r in student.representatives.all()
    )


def label(name: str) -> str:
    """The French name of a recorded field."""
    if name == REPRESENTATIVES:
        return "Représentants légaux"
    return str(getattr(Student._meta.get_field(name), "verbose_name", name)).capitalize()


def update_student(
    form: ModelForm[Student],
    representatives: BaseInlineFormSet[Any, Student, Any],
    *,
    version: int,
    by: User,
    ip: str | None = None,
) -> Student:
    """Save the valid `form` and `representatives` of a student if the record is still at
    `version`, else `editlock.EditConflict` and nothing saved; one audit row with the diff."""
    student = form.instance
    require(by, Action.STUDENT_CHANGE, student)
    with transaction.atomic():
        if not editlock.claim(Student, student.pk, version):
            current = Student.objects.get(pk=student.pk)
            others = editlock.changes_since(
                current, AuditAction.STUDENT_EDITED, version, label
            ) or editlock.saved_differences(current, form.cleaned_data, EDITED_FIELDS, label)
            raise editlock.EditConflict(current, version, others, noun=NOUN)
        saved = Student.objects.get(pk=student.pk)
        before = snapshot(saved, EDITED_FIELDS)
        before[REPRESENTATIVES] = _representatives(saved)
        student.version = version  # saved as version + 1
        form.save()
        representatives.save()
        after = snapshot(student, EDITED_FIELDS)
        after[REPRESENTATIVES] = _representatives(student)
        changes: dict[str, Any] = diff(before, after)
        changes["version"] = [version, student.version]
        record(
            AuditAction.STUDENT_EDITED,
            actor=by,
            obj=student,
            establishment=student.cohort.establishment,
            ip=ip,
            changes=changes,
        )
    return student
