"""Who may edit a cohort's livret attestations, the refusals, and the page that follows the job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob
from milieu.livret.operations import LivretRefused, start_livret
from tests.livret.conftest import Bep, School, certify, signed_convention, student


def page(client: Client, bep: Bep) -> Any:
    return client.get(reverse("livret:cohort", args=[bep.cohort.pk]))


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("head", 200),
        ("ddfpt", 200),
        ("secretary", 200),
        ("teacher", 200),
        ("other_teacher", 404),
        ("student_user", 404),
    ],
)
def test_the_page_per_role(client: Client, bep_a: Bep, who: str, code: int) -> None:
    client.force_login(getattr(bep_a.school, who))
    assert page(client, bep_a).status_code == code


def test_the_rectorat_sees_the_cohort_but_may_not_edit(
    client: Client, bep_a: Bep, rectorat: Any
) -> None:
    student(bep_a, "Martin")
    client.force_login(rectorat)
    assert page(client, bep_a).status_code == 403
    response = client.post(reverse("livret:cohort", args=[bep_a.cohort.pk]))
    assert response.status_code == 403
    assert not LivretJob.objects.exists()
    with pytest.raises(PermissionDenied):
        start_livret(bep_a.cohort, by=rectorat)


def test_another_school_gets_404_everywhere(client: Client, bep_a: Bep, school_b: School) -> None:
    student(bep_a, "Martin")
    job = start_livret(bep_a.cohort, by=bep_a.teacher)
    client.force_login(school_b.head)
    assert page(client, bep_a).status_code == 404
    assert client.post(reverse("livret:cohort", args=[bep_a.cohort.pk])).status_code == 404
    assert client.get(reverse("livret:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("livret:download", args=[job.pk])).status_code == 404
    assert LivretJob.objects.count() == 1


def test_the_job_and_its_pdf_are_refused_to_the_rectorat(
    client: Client, bep_a: Bep, rectorat: Any
) -> None:
    student(bep_a, "Martin")
    job = start_livret(bep_a.cohort, by=bep_a.teacher)
    client.force_login(rectorat)
    assert client.get(reverse("livret:job", args=[job.pk])).status_code == 403
    assert client.get(reverse("livret:download", args=[job.pk])).status_code == 403


def test_a_diploma_without_livret_attestation_is_refused_in_french(
    client: Client, school_a: School
) -> None:
    client.force_login(school_a.ddfpt)
    url = reverse("livret:cohort", args=[school_a.cohort.pk])  # a BTS CIEL cohort

    shown = client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert "data-no-livret" in shown and "data-start-form" not in shown
    assert not LivretJob.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("ne prévoit pas d’attestation de stage jointe au livret" in m for m in messages)
    with pytest.raises(LivretRefused, match="BTS"):
        start_livret(school_a.cohort, by=school_a.ddfpt)


def test_a_cohort_without_students_is_refused(bep_a: Bep) -> None:
    with pytest.raises(LivretRefused, match="aucun élève"):
        start_livret(bep_a.cohort, by=bep_a.teacher)
    assert not LivretJob.objects.exists()


def test_the_teacher_starts_the_edition_and_the_page_offers_the_pdf(
    client: Client, bep_a: Bep
) -> None:
    certify(bep_a, signed_convention(bep_a, student(bep_a, "Martin", "Hugo")))
    student(bep_a, "Bernard", "Inès")
    client.force_login(bep_a.teacher)

    before = page(client, bep_a).content.decode()
    response = client.post(reverse("livret:cohort", args=[bep_a.cohort.pk]), follow=True)

    assert "data-start-form" in before and "annexe BEP MPMI, §1" in before
    job = LivretJob.objects.get()
    assert job.requested_by == bep_a.teacher
    assert (job.status, job.done, job.total, job.pages) == (LivretStatus.DONE, 2, 2, 2)
    html = response.content.decode()
    assert reverse("livret:download", args=[job.pk]) in html
    assert 'hx-trigger="every 1s"' not in html
    assert job.sha256 in html
    # the student without a stage is listed as a warning
    assert 'data-warnings="no-stage"' in html and "Inès BERNARD" in html


def test_a_running_job_is_polled_with_its_progress(client: Client, bep_a: Bep) -> None:
    job = LivretJob.objects.create(
        cohort=bep_a.cohort, requested_by=bep_a.teacher, status=LivretStatus.RUNNING, total=30
    )
    LivretJob.objects.filter(pk=job.pk).update(done=12)
    client.force_login(bep_a.teacher)

    fragment = client.get(reverse("livret:job", args=[job.pk])).content.decode()
    full = page(client, bep_a).content.decode()

    assert fragment.lstrip().startswith('<div id="etat-livret"') and "<html" not in fragment
    assert f'hx-get="{reverse("livret:job", args=[job.pk])}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert "12 élèves sur 30 (40 %)" in fragment
    assert 'max="30" value="12"' in fragment
    assert 'hx-trigger="every 1s"' in full and "data-start-form" not in full


def test_the_progress_fragment_costs_the_same_whatever_the_pdf(
    client: Client, bep_a: Bep, django_assert_num_queries: Any
) -> None:
    job = LivretJob.objects.create(
        cohort=bep_a.cohort,
        requested_by=bep_a.teacher,
        status=LivretStatus.DONE,
        total=1,
        done=1,
        content=b"%PDF" + b"x" * 2_000_000,
        sha256="0" * 64,
    )
    client.force_login(bep_a.teacher)
    # session, user, memberships, the job (without its PDF), the cohort's teacher check
    with django_assert_num_queries(5) as captured:
        client.get(reverse("livret:job", args=[job.pk]))
    job_query = next(q["sql"] for q in captured.captured_queries if "livret_livretjob" in q["sql"])
    assert '"content"' not in job_query


def test_a_second_edition_waits_for_the_first(bep_a: Bep) -> None:
    student(bep_a, "Martin")
    running = LivretJob.objects.create(
        cohort=bep_a.cohort, status=LivretStatus.RUNNING, total=1, requested_by=bep_a.teacher
    )
    with pytest.raises(LivretRefused, match="déjà en cours"):
        start_livret(bep_a.cohort, by=bep_a.school.ddfpt)

    LivretJob.objects.filter(pk=running.pk).update(
        updated_at=timezone.now() - timedelta(minutes=30)
    )
    job = start_livret(bep_a.cohort, by=bep_a.school.ddfpt)

    running.refresh_from_db()
    assert running.status == LivretStatus.FAILED and "interrompue" in running.error_message
    assert job.status == LivretStatus.DONE


def test_a_stalled_job_says_so_and_may_be_restarted(client: Client, bep_a: Bep) -> None:
    job = LivretJob.objects.create(cohort=bep_a.cohort, status=LivretStatus.RUNNING, total=4)
    client.force_login(bep_a.teacher)
    assert "data-stalled" not in page(client, bep_a).content.decode()

    LivretJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=30))

    html = client.get(reverse("livret:job", args=[job.pk])).content.decode()
    assert "data-stalled" in html and "data-start-form" in html


@pytest.mark.django_db(transaction=True)  # the worker checks its connection like a server
def test_with_the_database_backend_the_worker_makes_the_pdf(
    client: Client, bep_a: Bep, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    certify(bep_a, signed_convention(bep_a, student(bep_a, "Martin")))
    client.force_login(bep_a.teacher)

    client.post(reverse("livret:cohort", args=[bep_a.cohort.pk]))

    job = LivretJob.objects.get()
    assert job.status == LivretStatus.QUEUED
    assert 'hx-trigger="every 1s"' in page(client, bep_a).content.decode()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.pages) == (LivretStatus.DONE, 1, 1, 1)
    response = client.get(reverse("livret:download", args=[job.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
