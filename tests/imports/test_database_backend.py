"""With the database task backend, the request only queues the work; `db_worker` does it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from milieu.imports.enums import ImportStatus
from milieu.imports.models import ImportJob
from milieu.students.models import Student
from tests.imports.conftest import School
from tests.imports.files import csv_bytes, student, upload_students

DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)  # the worker checks its connection like a server
def test_the_worker_verifies_then_writes(
    school_a: School, client_for: Callable[[Any], Client], settings: Any
) -> None:
    settings.TASKS = DATABASE
    client = client_for(school_a.secretary)

    upload_students(client, school_a, csv_bytes([student(1), student(2)]))

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page

    work()

    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.create_rows == 2

    client.post(reverse("imports:confirm", args=[job.pk]), {"mode": "tout-ou-rien"})
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLYING
    assert Student.objects.filter(cohort=school_a.cohort).count() == 1

    work()

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Student.objects.filter(cohort=school_a.cohort).count() == 3
