"""An import's update is a new version of the record under the edit lock (`milieu.editlock`)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from milieu.audit.enums import AuditAction
from milieu.factories import StudentFactory
from milieu.imports.writing import write_updates
from milieu.students.models import Student


@pytest.mark.django_db
def test_an_imported_change_raises_the_student_s_version() -> None:
    student = StudentFactory.create(last_name="Durand")
    untouched = StudentFactory.create(last_name="Martin")
    before, other = student.version, untouched.version

    def setter(instance: Any, row: dict[str, Any], job: Any) -> None:
        instance.last_name = row["last_name"]

    job = SimpleNamespace(pk=None, created_by=None, establishment=None)
    write_updates(
        Student,
        [
            {"target": student.pk, "fields": ["last_name"], "last_name": "Dupont"},
            {"target": untouched.pk, "fields": []},
        ],
        setter,
        job,
        action=AuditAction.STUDENT_EDITED,
    )
    student.refresh_from_db()
    untouched.refresh_from_db()
    assert student.last_name == "Dupont"
    assert student.version == before + 1  # an edit page opened before the import is told
    assert untouched.version == other
