"""`milieu purge`: candidates' data past RETENTION_YEARS goes (files included), counted first.

The default school cohort sits its exam in 2028: its data is kept until 31 December 2033
(5 years), so on 2 January 2034 it is past; a cohort of session 2031 is not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.audit.models import AuditEntry
from milieu.conventions.models import Convention, ConventionDocument
from milieu.dataprotection.retention import ANONYMOUS_ACTOR, ANONYMOUS_LABEL, cutoff_for, purge
from milieu.establishments.models import Cohort
from milieu.factories import (
    AcademieFactory,
    CohortFactory,
    LegalRepresentativeFactory,
    PlacementFactory,
    StudentFactory,
    member,
)
from milieu.hosts.models import Host, PlacementTransition, Tutor
from milieu.imports.models import ImportJob
from milieu.livret.models import LivretJob
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.reports.models import ReportDeposit, ReportRefusal
from milieu.students.models import LegalRepresentative, Student
from tests.core.conftest import School, make_school
from tests.security.documents import every_stored_document, sha256, signed_convention

PAST = datetime(2034, 1, 2, 9, tzinfo=UTC)  # session 2028 + 5 years is over


@pytest.fixture
def school(db: None) -> School:
    return make_school(AcademieFactory.create(), "A")


@pytest.fixture
def old_world(school: School) -> dict[str, Any]:
    """School A's 2028 cohort (its own student with an account, a host choice proposed by that
    account, a refused deposit, a legal representative, audit rows; and minors with every
    stored document), a 2031 cohort's student with a report, and a 2028 student whose
    stage ran late into 2029."""
    with time_machine.travel(datetime(2028, 3, 1, tzinfo=UTC), tick=False):
        documents = every_stored_document(school, minor=True)
        student = school.student
        LegalRepresentativeFactory.create(student=student)
        placement = PlacementFactory.create(student=student, cohort_period=school.period)
        PlacementTransition.objects.create(
            placement=placement, to_status="proposed", actor=school.student_user
        )
        ReportRefusal.objects.create(
            student=student, reason="Fichier vide.", attempted_by=school.student_user
        )
        record(AuditAction.BACKUP, actor_label="milieu backup")
        record(AuditAction.HOST_EDITED, actor=school.ddfpt, establishment=school.establishment)

        recent_cohort = CohortFactory.create(
            establishment=school.establishment, name="BTS CIEL 2031", session=2031
        )
        recent_user = member(Role.STUDENT, establishment=school.establishment)
        recent = StudentFactory.create(cohort=recent_cohort, user=recent_user)
        signed_convention(school, recent)
        stored = storage.store("reports", b"%PDF-1.4\nrecent\n%%EOF\n", suffix="pdf")
        recent_report = ReportDeposit.objects.create(
            student=recent,
            version=1,
            original_name="r.pdf",
            path=stored.path,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=recent_user,
            analysis={},
        )
        late = StudentFactory.create(cohort=school.cohort)
        signed_convention(school, late, [(date(2029, 5, 7), date(2029, 6, 29))])
        ImportJob.objects.create(
            establishment=school.establishment,
            cohort=school.cohort,
            kind="eleves",
            file_name="eleves.csv",
            created_by=school.ddfpt,
        )
    with time_machine.travel(datetime(2033, 6, 1, tzinfo=UTC), tick=False):  # recent rows
        record(
            AuditAction.STUDENT_EDITED,
            actor=school.ddfpt,
            obj=school.student,
            establishment=school.establishment,
            changes={"last_name": ["A", "B"]},
        )
        record(AuditAction.LOGIN, actor=school.student_user, ip="10.1.1.1")
    return {
        "documents": documents,
        "recent": recent,
        "recent_report": recent_report,
        "late": late,
    }


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m.__module__.startswith("milieu.")
    }


def private_files(settings: Any) -> set[str]:
    root = Path(settings.PRIVATE_FILES_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def run(*options: str) -> str:
    out = StringIO()
    call_command("purge", *options, stdout=out)
    return out.getvalue()


def test_dry_run_counts_what_is_past_and_changes_nothing(
    settings: Any, school: School, old_world: dict[str, Any]
) -> None:
    before, files = counts(), private_files(settings)
    with time_machine.travel(PAST, tick=False):
        printed = run("--dry-run")
    assert counts() == before and private_files(settings) == files
    assert "données antérieures au 02/01/2029" in printed
    assert "Lycée A :" in printed
    # school A's student, the minor and the jewellery candidate; not the late nor the recent one
    assert "  élèves : 3" in printed
    assert "  fichiers de l'espace privé : 2" in printed
    assert "  PDF de convention et d'avenant : 3" in printed
    assert "Simulation (--dry-run) : rien n’a été modifié." in printed


def test_apply_deletes_the_candidates_past_retention_with_their_files(
    settings: Any,
    school: School,
    old_world: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    documents = old_world["documents"]
    old_ids = {d.student.pk for d in documents} | {school.student.pk}
    old_user_pk = school.student_user.pk

    with (
        time_machine.travel(PAST, tick=False),
        django_capture_on_commit_callbacks(execute=True),  # the files go once it is committed
    ):
        printed = run("--apply")

    assert "Purge appliquée." in printed and "  élèves : 3" in printed
    assert not Student.objects.filter(pk__in=old_ids).exists()
    assert not Convention.objects.filter(student_id__in=old_ids).exists()
    assert not ConventionDocument.objects.filter(convention__student_id__in=old_ids).exists()
    assert not LegalRepresentative.objects.exists()
    assert not ReportRefusal.objects.exists()
    # the two old files are gone from the disk; the recent student's report stays
    assert private_files(settings) == {old_world["recent_report"].path}
    # the account that proposed a host is gone too (its choice went with the student)
    assert not User.objects.filter(pk=old_user_pk).exists()
    # cohort-level and stale records
    assert not LivretJob.objects.exists()
    assert not ImportJob.objects.exists()


def test_what_stays_is_anonymous_and_counted(
    settings: Any, school: School, old_world: dict[str, Any]
) -> None:
    with time_machine.travel(PAST, tick=False):
        purge(apply=True)

    # cohorts, hosts and the tutors' directory stay
    assert Cohort.objects.filter(pk=school.cohort.pk).exists()
    assert Host.objects.count() >= 3 and Tutor.objects.count() >= 3
    # rows about the student lose the name; rows by the student lose the address
    edited = AuditEntry.objects.get(action=AuditAction.STUDENT_EDITED)
    assert edited.object_label == ANONYMOUS_LABEL and edited.changes == {}
    assert school.student.last_name.upper() not in edited.object_label.upper()
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert login.actor_label == ANONYMOUS_ACTOR
    # audit rows older than the limit go, backups and purges stay
    assert not AuditEntry.objects.filter(action=AuditAction.HOST_EDITED).exists()
    assert AuditEntry.objects.filter(action=AuditAction.BACKUP).exists()
    done = AuditEntry.objects.get(action=AuditAction.PURGE, establishment=school.establishment)
    assert done.changes["élèves"] == 3
    assert done.changes["par promotion"] == {
        f"{school.cohort.name} (session 2028)": 2,
        "BMA bijou  (session 2028)": 1,
    }
    assert done.changes["par voie de formation"] == {"Voie scolaire": 3}


def test_a_stage_that_ended_later_than_the_session_keeps_its_student(
    school: School, old_world: dict[str, Any]
) -> None:
    with time_machine.travel(PAST, tick=False):
        purge(apply=True)
    assert Student.objects.filter(pk=old_world["late"].pk).exists()
    with time_machine.travel(datetime(2034, 7, 1, tzinfo=UTC), tick=False):
        purge(apply=True)  # 29 June 2029 + 5 years is past
    assert not Student.objects.filter(pk=old_world["late"].pk).exists()


def test_the_recent_cohort_is_untouched_and_its_documents_still_download(
    school: School, old_world: dict[str, Any]
) -> None:
    recent, report = old_world["recent"], old_world["recent_report"]
    with time_machine.travel(PAST, tick=False):
        purge(apply=True)
    assert Student.objects.filter(pk=recent.pk).exists()
    assert Convention.objects.filter(student=recent).count() == 1
    client = Client()
    client.force_login(school.head)
    response = client.get(f"/rapports/eleves/{recent.pk}/versions/{report.pk}/fichier/")
    assert response.status_code == 200 and sha256(response.content) == report.sha256


@pytest.mark.parametrize(
    ("today", "purged"),
    [(date(2033, 12, 31), False), (date(2034, 1, 1), True)],
    ids=["last-day-kept", "first-day-past"],
)
def test_data_is_kept_until_31_december_of_session_plus_retention_years(
    school: School, today: date, purged: bool
) -> None:
    result = purge(today=today, apply=False)
    assert bool(result.per_establishment) is purged


def test_the_retention_period_is_a_setting(settings: Any, school: School) -> None:
    settings.RETENTION_YEARS = 3
    assert purge(today=date(2032, 1, 1)).per_establishment["Lycée A"]["élèves"] == 1
    settings.RETENTION_YEARS = 10
    assert purge(today=date(2032, 1, 1)).per_establishment == {}


def test_29_february_moves_to_the_28th() -> None:
    assert cutoff_for(date(2032, 2, 29), 5) == date(2027, 2, 28)


def test_the_command_wants_to_be_told_dry_run_or_apply(school: School) -> None:
    with pytest.raises(CommandError, match="Précisez --dry-run"):
        run()
    with pytest.raises(CommandError):
        run("--dry-run", "--apply")


def test_nothing_past_says_so(school: School) -> None:
    with time_machine.travel(datetime(2029, 1, 2, tzinfo=UTC), tick=False):
        assert "Aucun candidat dont la durée de conservation est échue." in run("--dry-run")


def test_the_retention_page_says_how_long_and_is_linked_from_every_footer(
    settings: Any, db: None
) -> None:
    settings.RETENTION_YEARS = 7
    page = Client().get("/donnees-personnelles/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<strong>7 ans</strong>" in text
    for words in ("Qui est responsable", "Combien de temps", "Qui voit quoi", "Vos droits"):
        assert words in text
    assert 'href="/donnees-personnelles/"' in Client().get("/").content.decode()
