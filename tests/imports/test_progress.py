"""The progress of an import, polled every second with htmx while the background task works."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.imports.enums import ImportKind, ImportStatus
from milieu.imports.models import ImportJob
from tests.imports.conftest import School
from tests.imports.files import csv_bytes, student, upload_students


def job_in(school: School, status: str, **fields: Any) -> ImportJob:
    return ImportJob.objects.create(
        establishment=school.establishment,
        cohort=school.cohort,
        kind=ImportKind.STUDENTS,
        file_name="eleves.csv",
        status=status,
        created_by=school.secretary,
        **fields,
    )


def progress(client: Client, job: ImportJob) -> str:
    response = client.get(reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_a_running_verification_shows_its_progress_and_keeps_polling(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    job = job_in(school_a, ImportStatus.VALIDATING, total_rows=5000, processed_rows=1250)

    html = progress(client_for(school_a.secretary), job)

    assert html.lstrip().startswith('<div id="etat-import"')
    assert "<html" not in html
    assert f'hx-get="{reverse("imports:progress", args=[job.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "Vérification des lignes : 1250 sur 5000 (25 %)" in html
    assert 'max="5000" value="1250"' in html


def test_the_writing_phase_is_shown_as_one_operation(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    job = job_in(school_a, ImportStatus.APPLYING, total_rows=10, create_rows=7, update_rows=2)

    html = progress(client_for(school_a.secretary), job)

    assert 'hx-trigger="every 1s"' in html
    assert "Enregistrement de 9 lignes en une seule opération" in html


def test_the_polling_stops_when_the_preview_is_ready(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    upload_students(client, school_a, csv_bytes([student(1)]))

    html = progress(client, ImportJob.objects.get())

    assert "hx-trigger" not in html
    assert "data-confirm-form" in html


@pytest.mark.parametrize("status", [ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED])
def test_finished_imports_are_not_polled(
    school_a: School, client_for: Callable[[Any], Client], status: str
) -> None:
    job = job_in(school_a, status, error_message="Le fichier est vide.")

    html = progress(client_for(school_a.secretary), job)

    assert "hx-trigger" not in html


def test_a_job_waiting_for_a_worker_says_so_after_a_while(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    job = job_in(school_a, ImportStatus.QUEUED)
    client = client_for(school_a.secretary)

    assert "data-waiting-too-long" not in progress(client, job)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert "db_worker" in progress(client, job)


def test_the_job_page_polls_while_running(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    job = job_in(school_a, ImportStatus.QUEUED)

    html = (
        client_for(school_a.secretary).get(reverse("imports:job", args=[job.pk])).content.decode()
    )

    assert "<html" in html
    assert 'hx-trigger="every 1s"' in html
    assert "Le fichier est en attente de vérification" in html


@pytest.mark.parametrize("rows", [10, 5000])
def test_polling_costs_the_same_whatever_the_size_of_the_file(
    school_a: School,
    client_for: Callable[[Any], Client],
    django_assert_num_queries: Any,
    rows: int,
) -> None:
    report = [{"line": n, "status": "create", "cells": {}, "errors": []} for n in range(rows)]
    job = job_in(school_a, ImportStatus.APPLYING, total_rows=rows, create_rows=rows, rows=report)
    client = client_for(school_a.secretary)

    # session, user, memberships, the job (its file and rows are not read)
    with django_assert_num_queries(4):
        progress(client, job)


def test_a_job_that_no_longer_moves_says_so(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    job = job_in(school_a, ImportStatus.VALIDATING, total_rows=100, processed_rows=50)
    client = client_for(school_a.secretary)

    assert "data-stalled" not in progress(client, job)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert "ne progresse plus depuis plusieurs minutes" in progress(client, job)
