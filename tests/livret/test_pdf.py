"""The cohort's PDF: one page per student in name order, the nature and the attested duration of
each stage period, the citation of the seed, and the students without a stage."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.livret import processing
from milieu.livret.attestation import livret_reference, weeks_text
from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob
from milieu.livret.operations import start_livret
from tests.livret.conftest import (
    JANUARY,
    JUNE,
    Bep,
    School,
    bep_cohort,
    certify,
    pdf_pages,
    quick_certificate,
    signed_convention,
    student,
)

SEED_SENTENCE = (
    "Une attestation précisant la nature et la durée du stage effectué sera jointe au livret "
    "scolaire en fin de cycle de formation."
)


def finished(bep: Bep) -> LivretJob:
    job = start_livret(bep.cohort, by=bep.teacher)
    job.refresh_from_db()
    assert job.status == LivretStatus.DONE, job.error_message
    return job


def test_one_page_per_student_in_name_order_with_nature_and_attested_weeks(bep_a: Bep) -> None:
    martin = student(bep_a, "Martin", "Hugo")
    adam = student(bep_a, "Adam", "Zoé")
    student(bep_a, "Bernard", "Inès")
    # Adam: one period of 15 days with one day of absence, attested → 14 days, 2,80 weeks
    certify(bep_a, signed_convention(bep_a, adam, host_name="Usinage Dubois"), absence_days=1)
    # Martin: two conventions, one attested (3 weeks, in June), one not (January)
    certify(bep_a, signed_convention(bep_a, martin, host_name="Mécanique Rhin"))
    signed_convention(
        bep_a,
        martin,
        periods=[JANUARY],
        host_name="Ateliers Vosges",
        activities="Découverte d'un atelier de fraisage.",
    )
    # Bernard has no stage at all

    job = finished(bep_a)

    pages = pdf_pages(bytes(job.content))
    assert len(pages) == 3 == job.pages
    first, second, third = pages
    assert "Zoé ADAM" in first and "Inès BERNARD" in second and "Hugo MARTIN" in third
    assert "Usinage Dubois" in first
    assert "réglage d'un tour à commande numérique" in first  # the nature (activities)
    assert "Découverte de l'entreprise" in first  # the nature (objectives)
    assert "2,80 semaines" in first
    assert "14 jours de présence sur 15 prévus" in first
    assert "Durée totale attestée : 2,80 semaines" in first
    assert bep_a.school.establishment.name in first
    assert SEED_SENTENCE in first and "annexe BEP MPMI, §1" in first
    assert "Aucune période de stage sous convention signée" in second
    # Martin: January first (not attested), then June (3 weeks); the total counts the attested
    assert third.index("Ateliers Vosges") < third.index("Mécanique Rhin")
    assert "durée non attestée (pas d’attestation du tuteur)" in third
    assert "Durée totale attestée : 3 semaines (1 période sans attestation du tuteur)" in third
    assert job.done == job.total == 3
    assert job.sha256 == hashlib.sha256(bytes(job.content)).hexdigest()
    no_stage = [w["student"] for w in job.warnings if w["kind"] == "no-stage"]
    assert no_stage == ["Inès BERNARD"]
    not_attested = [w["student"] for w in job.warnings if w["kind"] == "not-attested"]
    assert not_attested == ["Hugo MARTIN"]


def test_only_signed_conventions_and_their_active_periods_are_attested(bep_a: Bep) -> None:
    pupil = student(bep_a, "Durand")
    draft = signed_convention(
        bep_a, pupil, host_name="Brouillon SARL", status=ConventionStatus.DRAFT
    )
    finished_stage = signed_convention(
        bep_a, pupil, periods=[JANUARY], host_name="Fini SA", status=ConventionStatus.FINISHED
    )
    replaced = signed_convention(
        bep_a,
        pupil,
        periods=[(JUNE[0].replace(year=2028), JUNE[1].replace(year=2028))],
        host_name="Remplacée SAS",
    )
    ConventionPeriod.objects.filter(convention=replaced).update(active=False)

    page = pdf_pages(bytes(finished(bep_a).content))[0]

    assert "Fini SA" in page
    assert f"convention n° {finished_stage.pk}" in page
    assert "Brouillon SARL" not in page and f"convention n° {draft.pk} " not in page
    assert "Remplacée SAS" not in page and "07/06/2028" not in page


def test_the_download_is_an_attachment_with_its_hash(bep_a: Bep, client: Client) -> None:
    certify(bep_a, signed_convention(bep_a, student(bep_a, "Petit")))
    job = finished(bep_a)
    client.force_login(bep_a.school.ddfpt)

    response = client.get(reverse("livret:download", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="attestations-livret-')
    assert response["X-Content-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert response.content.startswith(b"%PDF")
    assert pdf_pages(response.content)[0].count("PETIT") == 1


def test_a_page_of_a_job_not_finished_is_not_downloadable(bep_a: Bep, client: Client) -> None:
    job = LivretJob.objects.create(cohort=bep_a.cohort, status=LivretStatus.RUNNING, total=3)
    client.force_login(bep_a.teacher)
    assert client.get(reverse("livret:download", args=[job.pk])).status_code == 404


def test_the_counters_move_by_batches_and_reach_the_total(
    bep_a: Bep, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        student(bep_a, f"Eleve{n}")
    monkeypatch.setattr(processing, "BATCH", 2)
    seen: list[dict[str, Any]] = []
    real = processing._progress

    def spy(job_id: int, **counters: Any) -> None:
        real(job_id, **counters)
        seen.append(dict(LivretJob.objects.filter(pk=job_id).values("done", "total", "status")[0]))

    monkeypatch.setattr(processing, "_progress", spy)

    job = finished(bep_a)

    assert [(s["done"], s["total"]) for s in seen] == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert all(s["status"] == LivretStatus.RUNNING for s in seen)
    assert (job.done, job.total, job.pages) == (5, 5, 5)


def _queries_of_an_edition(school: School, count: int) -> int:
    """The queries of the task over a new BEP cohort of `count` certified students."""
    bep = bep_cohort(school, name=f"BEP MPMI {count} élèves")
    for n in range(count):
        pupil = student(bep, f"Nom{n:03d}")
        convention = signed_convention(bep, pupil, host_name=f"Hôte {n}")
        quick_certificate(convention.active_periods().get())
    job = LivretJob.objects.create(cohort=bep.cohort, requested_by=bep.teacher, total=count)
    with CaptureQueriesContext(connection) as queries:
        processing.run_livret(job.pk)
    job.refresh_from_db()
    assert job.status == LivretStatus.DONE and job.pages == count
    return len(queries)


def test_ten_times_more_students_cost_the_same_queries_in_one_batch(
    school_a: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processing, "BATCH", 25)
    assert _queries_of_an_edition(school_a, 2) == _queries_of_an_edition(school_a, 20)


def test_each_batch_of_students_costs_the_same_queries(
    school_a: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processing, "BATCH", 3)
    one, two, three = (_queries_of_an_edition(school_a, n) for n in (3, 6, 9))
    per_batch = two - one
    assert three - two == per_batch
    # the students, their conventions, their periods and certificates, the progress counter
    assert per_batch == 4


def test_the_reference_comes_from_the_catalogue() -> None:
    reference = livret_reference("bep-mpmi")
    assert reference is not None
    assert reference.text == SEED_SENTENCE
    assert reference.cite.endswith("§1") and reference.cite.startswith("000_")
    assert livret_reference("bts-ciel") is None
    assert livret_reference("inconnu") is None


@pytest.mark.parametrize(
    ("weeks", "text"),
    [
        ("3.00", "3 semaines"),
        ("2.80", "2,80 semaines"),
        ("1.00", "1 semaine"),
        ("0.60", "0,60 semaine"),
    ],
)
def test_weeks_are_written_in_french(weeks: str, text: str) -> None:
    from decimal import Decimal

    assert weeks_text(Decimal(weeks)) == text
