"""`build_dossiers` (the refresh's batches) gives every student exactly the dossier that
`build_dossier` (the student page's) gives, and the refresh's query count does not grow with
the number of candidates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import override_settings

from bench.academie_data import build_academie
from milieu.demo import load_demo
from milieu.exams.assembly import build_dossier, build_dossiers
from milieu.exams.verdicts import ordered_students, refresh_verdicts
from milieu.students.models import Student

DAY = date(2026, 11, 23)


def assert_batched_equals_single(students: list[Student], as_of: date) -> list[dict[str, Any]]:
    batched = build_dossiers(students, as_of=as_of)
    assert len(batched) == len(students)
    for student, dossier in zip(students, batched, strict=True):
        assert dossier == build_dossier(student, as_of=as_of), student.ine
    return batched


@pytest.mark.django_db
@override_settings(DEBUG=True)  # the demo seals its conventions with a development certificate
def test_the_batched_dossiers_equal_the_single_ones_for_every_student_of_the_demo(
    settings: Any, tmp_path: Any
) -> None:
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    with time_machine.travel("2026-11-23 09:00 +0100", tick=False):
        load_demo()
    students = list(ordered_students(Student.objects.all()))
    assert len(students) >= 300
    for as_of in (DAY, date(2027, 7, 1), date(2028, 9, 1)):
        dossiers = assert_batched_equals_single(students, as_of)
    # the demo covers what a dossier may hold
    assert {d["diploma"] for d in dossiers} >= {"bep-mpmi", "bma-bijou", "bts-ccst", "bts-ciel"}
    assert len({d["pathway"] for d in dossiers}) >= 3
    assert any(d["derogations"] for d in dossiers)
    assert any(d["report"] and d["report"].get("submitted_on") for d in dossiers)
    assert any(p.get("certificate") for d in dossiers for p in d["periods"])


@pytest.mark.django_db
def test_the_batched_dossiers_equal_the_single_ones_on_a_bench_academie() -> None:
    """The bench's académie adds what the demo lacks: special contracts, work certificates,
    apprenticeship evidence, absences, several report versions, exam sessions."""
    built = build_academie(240, schools=6, seed=11, as_of=DAY)
    students = list(
        ordered_students(Student.objects.filter(cohort__establishment__academie=built.academie_id))
    )
    assert len(students) == 240
    dossiers = assert_batched_equals_single(students, DAY)
    periods = [p for d in dossiers for p in d["periods"]]
    assert any(p.get("kind") == "special-contract" for p in periods)
    assert any(p["convention_signed"] is False for p in periods if "kind" not in p)
    assert any(p.get("absence_days") for p in periods)
    assert any(d["work_certificates"] for d in dossiers)
    assert any(d["apprenticeship_evidence"] for d in dossiers)
    assert any(d["derogations"] for d in dossiers)
    assert any("exam_date" in d for d in dossiers)
    assert any(d.get("repeater") for d in dossiers)


@pytest.mark.django_db
def test_the_refresh_query_count_does_not_grow_with_the_candidates(
    django_assert_max_num_queries: Any,
) -> None:
    small = build_academie(60, schools=3, seed=3, as_of=DAY)
    large = build_academie(180, schools=3, seed=3, as_of=DAY)
    for built in (small, large):
        students = Student.objects.filter(cohort__establishment__academie=built.academie_id)
        # one batch: the students, the empty next batch, twelve reads (the exam service's
        # pronouncements and the apprentices' grids among them), one upsert
        with django_assert_max_num_queries(15):
            assert refresh_verdicts(students, DAY, batch_size=500) == built.student_count
