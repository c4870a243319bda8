"""« Exporter le dossier (JSON) »: the file `milieu check` judges exactly as the page does."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.exams.assembly import build_dossier
from milieu.factories import (
    CohortFactory,
    CohortPeriodFactory,
    PlacementFactory,
    StudentFactory,
)
from milieu.hosts.enums import PlacementStatus
from milieu.rules import dumps_verdict, evaluate
from tests.school.conftest import School, client_for

REPO = Path(__file__).resolve().parents[2]
EXPORT_DAY = datetime(2027, 9, 1, 10, tzinfo=UTC)


def url(student: Any) -> str:
    return reverse("students:export", args=[student.pk])


def test_the_export_is_the_dossier_of_the_day_as_an_attachment(school_a: School) -> None:
    with time_machine.travel(EXPORT_DAY, tick=False):
        response = client_for(school_a.ddfpt).get(url(school_a.student))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="dossier-{school_a.student.ine}-2027-09-01.json"'
    )
    assert json.loads(response.content) == build_dossier(school_a.student, as_of=date(2027, 9, 1))


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("finished", "non-compliant"),
        ("planned", "pending"),
        ("apprentice", "non-compliant"),
        ("dispensed", "compliant"),
    ],
)
def test_milieu_check_on_the_file_prints_the_verdict_shown_on_the_page(
    school_a: School, tmp_path: Path, case: str, status: str
) -> None:
    student = school_a.student
    if case == "finished":
        PlacementFactory.create(
            student=student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
        )
    elif case == "planned":
        planned = CohortPeriodFactory.create(
            cohort=school_a.cohort, label="PFMP 2", start=date(2027, 11, 8), end=date(2027, 12, 31)
        )
        PlacementFactory.create(
            student=student, cohort_period=planned, status=PlacementStatus.ARRETE
        )
    elif case == "apprentice":
        student = StudentFactory.create(cohort=school_a.cohort, apprentice=True)
    else:
        bep = CohortFactory.create(establishment=school_a.establishment, diploma="bep-mpmi")
        student = StudentFactory.create(cohort=bep, continuing="reconversion")
        from tests.school.test_dossier_builder import sector_certificate

        sector_certificate(student, school_a.ddfpt)

    with time_machine.travel(EXPORT_DAY, tick=False):
        client = client_for(school_a.head)
        response = client.get(url(student))
        page = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert response.status_code == 200
    exported = response.content
    file = tmp_path / "dossier.json"
    file.write_bytes(exported)

    result = subprocess.run(
        [sys.executable, "-m", "milieu.cli", "check", str(file)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=60,
    )

    dossier = json.loads(exported)
    expected = dumps_verdict(evaluate(dossier))
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected + "\n"
    shown_status = page.split('data-verdict-status="')[1].split('"')[0]
    assert shown_status == json.loads(result.stdout)["status"] == status
    assert unescape(page.split("data-verdict-json>")[1].split("</pre>")[0]) == expected


def test_the_rectorat_may_export(school_a: School, rectorat: Any) -> None:
    assert client_for(rectorat).get(url(school_a.student)).status_code == 200


def test_a_student_may_export_their_own_dossier(school_a: School) -> None:
    assert client_for(school_a.student_user).get(url(school_a.student)).status_code == 200


@pytest.mark.parametrize("who", ["school_b_head", "other_teacher", "other_rectorat"])
def test_those_who_may_not_see_the_student_get_a_404(
    school_a: School, school_b: School, other_rectorat: Any, who: str
) -> None:
    user = {
        "school_b_head": school_b.head,
        "other_teacher": school_a.other_teacher,
        "other_rectorat": other_rectorat,
    }[who]

    assert client_for(user).get(url(school_a.student)).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client: Client, school_a: School) -> None:
    assert client.get(url(school_a.student))["Location"].startswith(reverse("login"))
