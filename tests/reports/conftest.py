"""Fixtures of the report pages: a BTS Métiers de la Mesure candidate with an account, the
tutor's link of their signed convention, and report PDFs made once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from milieu.factories import ConventionFactory, HostFactory, StudentFactory, TutorFactory, member
from milieu.followup.operations import issue_tutor_link
from milieu.people.enums import Role
from tests.core.conftest import (  # noqa: F401  (fixtures re-exported)
    School,
    academie,
    make_school,
    other_rectorat,
    rectorat,
    school_a,
    school_b,
)
from tests.reports.pdfs import make_pdf, mm_pages

PARIS = ZoneInfo("Europe/Paris")
MM = "bts-metiers-de-la-mesure"
DEADLINE = date(2028, 4, 7)
BEFORE = datetime(2028, 3, 30, 10, 0, tzinfo=PARIS)
AFTER = datetime(2028, 4, 10, 10, 0, tzinfo=PARIS)


@dataclass
class Candidate:
    """A student of the school's BTS MM cohort (`school.other_cohort`, taught by
    `school.other_teacher`), with an account."""

    school: School
    student: Any
    user: Any

    @property
    def cohort(self) -> Any:
        return self.school.other_cohort

    @property
    def teacher(self) -> Any:
        return self.school.other_teacher

    @property
    def page(self) -> str:
        return reverse("reports:deposit", kwargs={"pk": self.student.pk})


def candidate(school: School, tag: str) -> Candidate:
    user = member(Role.STUDENT, establishment=school.establishment, email=f"mm-{tag}@exemple.fr")
    student = StudentFactory.create(cohort=school.other_cohort, user=user)
    return Candidate(school, student, user)


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings: Any) -> None:
    """A deposit's analysis task runs inside the request, as with TASKS_BACKEND=immediate (the
    tests of the background analysis itself set the database backend)."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def mm_a(school_a: School) -> Candidate:  # noqa: F811
    return candidate(school_a, "a")


@pytest.fixture
def mm_b(school_b: School) -> Candidate:  # noqa: F811
    return candidate(school_b, "b")


def tutor_token(who: Candidate) -> str:
    """A tutor's link for the candidate's signed convention."""
    host = HostFactory.create(headcount=50)
    tutor = TutorFactory.create(host=host, email=f"tuteur-{who.student.pk}@entreprise.exemple.fr")
    convention = ConventionFactory.create(
        signed=True,
        student=who.student,
        host=host,
        periods=[(date(2027, 5, 31), date(2027, 7, 9))],
        created_by=who.school.ddfpt,
        tutor=tutor,
        activities="Étalonnage des instruments",
    )
    return issue_tutor_link(convention, by=who.school.ddfpt)


def upload(content: bytes, name: str = "rapport.pdf", content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def before_deadline() -> Iterator[None]:
    with time_machine.travel(BEFORE, tick=False):
        yield


@pytest.fixture(scope="session")
def mm_pdf() -> bytes:
    """A conforming BTS MM report: 15 body pages, 4 of annexes, six sections."""
    return make_pdf(mm_pages())


@pytest.fixture(scope="session")
def mm_bad_pdf() -> bytes:
    """A BTS MM report with a one-page legal analysis and a five-page QSSE example, without
    its conclusion."""
    pages = [p for p in mm_pages(legal=1, qsse=5) if p.heading != "5. Conclusion"]
    return make_pdf(pages)


@pytest.fixture(scope="session")
def student_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixtures builder's reports (`tests/reports/fixtures/reports.py`) converted to PDF by
    LibreOffice once per test session: name → `Built` (the report, its PDF, its truth)."""
    from tests.reports.fixtures.builder import Built, build, soffice
    from tests.reports.fixtures.reports import extra_reports, hundred_pages, reports

    if soffice() is None:
        pytest.skip(
            "LibreOffice (soffice) est absent : les rapports de test sont des .docx convertis "
            "en PDF par LibreOffice (paquet Debian libreoffice-writer-nogui)."
        )
    made = [*reports(), *extra_reports(), hundred_pages()]
    pdfs = build(made, tmp_path_factory.mktemp("rapports-libreoffice"))
    return {report.name: Built(report, pdfs[report.name]) for report in made}
