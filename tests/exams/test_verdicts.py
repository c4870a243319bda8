"""Stored verdicts: after a refresh, or after each kind of change of a dossier's input once its
operation commits, a candidate's `StoredVerdict` is exactly the engine's verdict on the dossier
built from the database."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from milieu.changes import verdict_inputs_changed
from milieu.conventions.models import Convention
from milieu.conventions.operations import cancel_convention
from milieu.exams.assembly import build_dossier
from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.models import StoredVerdict
from milieu.exams.operations import RequestData, create_request, grant_request, submit_request
from milieu.exams.verdicts import dossier_sha256, refresh_verdicts
from milieu.factories import (
    ConventionFactory,
    EstablishmentFactory,
    HostFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.followup.operations import declare_absence, issue_tutor_link, resolve_access
from milieu.rules import evaluate
from milieu.students.models import Student
from tests.exams.conftest import School, ccst_student, reduction
from tests.exams.test_dossier import certified_stage

AFTER = date(2028, 9, 1)
NOON_AFTER = datetime(2028, 9, 1, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_commit_runs_now() -> None:
    """Overrides the package's fixture: here callbacks run when the transaction would commit
    (`django_capture_on_commit_callbacks(execute=True)`), as in production, or never."""


def assert_stored_equals_engine(student: Student, as_of: date) -> StoredVerdict:
    dossier = build_dossier(student, as_of=as_of)
    expected = evaluate(dossier, today=as_of)
    stored = StoredVerdict.objects.get(student=student)
    assert stored.as_of == as_of
    assert stored.dossier_sha256 == dossier_sha256(dossier)
    if "error" in expected:
        assert (stored.status, stored.findings, stored.error) == ("", [], expected["error"])
        return stored
    assert stored.status == expected["status"]
    assert stored.weeks_completed == expected["weeks_completed"]
    assert stored.weeks_min == expected["weeks_required"]["min"]
    assert stored.weeks_max == expected["weeks_required"]["max"]
    assert stored.findings == expected["findings"]
    codes = sorted(f["code"] for f in expected["findings"])
    assert stored.finding_codes == (f" {' '.join(codes)} " if codes else "")
    assert stored.error is None
    return stored


def signed_stage(student: Student, by: Any, start: date, end: date) -> Convention:
    """A signed convention over one period, no certificate yet."""
    host = HostFactory.create(headcount=50)
    convention = ConventionFactory.create(
        signed=True,
        student=student,
        host=host,
        periods=[(start, end)],
        created_by=by,
        tutor=TutorFactory.create(host=host, email="tuteur@exemple.fr"),
        activities="Prospection et négociation.",
    )
    return convention


def granted(student: Student, school: School, delegate: Any, data: RequestData) -> None:
    request = create_request(student, data, by=school.ddfpt)
    submit_request(request, by=school.ddfpt)
    grant_request(request, by=delegate)


def test_a_stored_verdict_equals_the_engine_on_the_built_dossier_for_several_kinds_of_students(
    school_a: School, school_b: School, delegate: Any
) -> None:
    nothing_yet = school_a.student  # BTS CIEL, no stage at all
    short_stage = ccst_student(school_a)  # 11 weeks of 14: non-compliant
    certified_stage(short_stage, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    reduced = ccst_student(school_b)  # the same stage, reduced to 11 weeks by the recteur
    certified_stage(reduced, school_b.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    granted(reduced, school_b, delegate, reduction("11"))
    dispensed = StudentFactory.create(cohort=reduced.cohort)  # U4 dispense: half the stage
    granted(
        dispensed,
        school_b,
        delegate,
        RequestData(DerogationKind.DISPENSE, DerogationReason.VAE, "VAE de U4.", units=("U4",)),
    )
    repeater = StudentFactory.create(cohort=school_b.cohort, repeater=True, previous_session=2026)

    assert refresh_verdicts(Student.objects.all(), AFTER, batch_size=2) == Student.objects.count()

    statuses = {
        s.pk: assert_stored_equals_engine(s, AFTER).status
        for s in (nothing_yet, short_stage, reduced, dispensed, repeater)
    }
    assert statuses[short_stage.pk] == "non-compliant"
    assert statuses[reduced.pk] == "compliant"
    assert StoredVerdict.objects.get(student=dispensed).weeks_min == 7
    # a repeater without the choice of report: a dossier the engine cannot judge
    unjudged = StoredVerdict.objects.get(student=repeater)
    assert unjudged.error is not None and unjudged.error["field"] == "/repeater/report"
    assert unjudged.status == ""
    assert StoredVerdict.objects.count() == Student.objects.count()


def test_a_second_refresh_updates_the_rows_in_place_as_the_date_moves(school_a: School) -> None:
    student = ccst_student(school_a)
    certified_stage(student, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    during_stage = date(2027, 2, 1)
    refresh_verdicts(Student.objects.filter(pk=student.pk), during_stage)
    during = assert_stored_equals_engine(student, during_stage)
    refresh_verdicts(Student.objects.filter(pk=student.pk), AFTER)
    assert StoredVerdict.objects.filter(student=student).count() == 1
    after = assert_stored_equals_engine(student, AFTER)
    assert after.pk == during.pk
    assert after.dossier_sha256 != during.dossier_sha256


def test_the_refresh_command_keeps_to_its_session_and_establishment_and_sums_up_in_french(
    school_a: School, school_b: School
) -> None:
    ccst = ccst_student(school_a)  # session 2028
    out = io.StringIO()
    call_command(
        "eligibility",
        "refresh",
        "--session",
        "2028",
        "--establishment",
        school_a.establishment.uai,
        "--as-of",
        AFTER.isoformat(),
        stdout=out,
    )
    expected = set(
        Student.objects.filter(
            cohort__session=2028, cohort__establishment=school_a.establishment
        ).values_list("pk", flat=True)
    )
    assert ccst.pk in expected
    assert school_b.student.pk not in expected
    assert set(StoredVerdict.objects.values_list("student_id", flat=True)) == expected
    n = len(expected)
    assert out.getvalue().startswith(
        f"Verdicts recalculés au 01/09/2028 : {n} élèves (session 2028, établissement "
    )
    assert "non conformes : " in out.getvalue()

    call_command("eligibility", "refresh", "--as-of", AFTER.isoformat(), stdout=io.StringIO())
    assert StoredVerdict.objects.count() == Student.objects.count()


def test_the_refresh_command_refuses_an_unknown_establishment_in_french(db: None) -> None:
    EstablishmentFactory.create()
    with pytest.raises(CommandError, match="Aucun établissement n'a le code UAI « 0000000X »"):
        call_command("eligibility", "refresh", "--establishment", "0000000X")
    with pytest.raises(CommandError, match="n'est pas une date"):
        call_command("eligibility", "refresh", "--as-of", "demain")


def test_the_refresh_task_refreshes_a_session(school_a: School, settings: Any) -> None:
    from milieu.exams.tasks import refresh_all_verdicts

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ccst = ccst_student(school_a)
    ccst.cohort.session = 2029
    ccst.cohort.save()
    result = refresh_all_verdicts.enqueue(as_of=AFTER.isoformat(), session=2029)
    assert result.return_value == 1
    assert_stored_equals_engine(ccst, AFTER)


# --- recomputed on commit -------------------------------------------------------------------


def test_a_granted_derogation_refreshes_the_stored_verdict_on_commit(
    school_a: School, delegate: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student = ccst_student(school_a)
    with time_machine.travel(NOON_AFTER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # committed before
            certified_stage(student, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
        assert StoredVerdict.objects.get(student=student).status == "non-compliant"
        request = create_request(student, reduction("11"), by=school_a.ddfpt)
        submit_request(request, by=school_a.ddfpt)
        with django_capture_on_commit_callbacks(execute=True):
            grant_request(request, by=delegate)
        assert assert_stored_equals_engine(student, AFTER).status == "compliant"


def test_an_issued_certificate_refreshes_the_stored_verdict_on_commit(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    student = ccst_student(school_a)
    with time_machine.travel(NOON_AFTER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            certified_stage(student, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
        stored = assert_stored_equals_engine(student, AFTER)
    assert stored.weeks_completed == 11.0


def test_a_declared_absence_refreshes_the_stored_verdict_on_commit(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    student = ccst_student(school_a)
    convention = signed_stage(student, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    during = datetime(2027, 2, 10, 12, tzinfo=UTC)
    with time_machine.travel(during, tick=False):
        with django_capture_on_commit_callbacks(execute=True):  # committed before
            access = resolve_access(issue_tutor_link(convention, by=school_a.ddfpt))
        refresh_verdicts(Student.objects.filter(pk=student.pk), during.date())
        before = StoredVerdict.objects.get(student=student).dossier_sha256
        with django_capture_on_commit_callbacks(execute=True):
            declare_absence(
                access,
                convention.active_periods().get(),
                start=date(2027, 2, 8),
                end=date(2027, 2, 9),
                days=2,
                reason="Maladie",
                declared_by="Jean Tuteur",
            )
        stored = assert_stored_equals_engine(student, during.date())
    assert stored.dossier_sha256 != before
    assert build_dossier(student, as_of=during.date())["periods"][0]["absence_days"] == 2


def test_a_cancelled_convention_refreshes_the_stored_verdict_on_commit(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    student = ccst_student(school_a)
    with django_capture_on_commit_callbacks(execute=True):  # committed before
        convention = certified_stage(student, school_a.ddfpt, date(2027, 1, 4), date(2027, 3, 19))
    with time_machine.travel(NOON_AFTER, tick=False):
        refresh_verdicts(Student.objects.filter(pk=student.pk), AFTER)
        assert StoredVerdict.objects.get(student=student).weeks_completed == 11.0
        with django_capture_on_commit_callbacks(execute=True):
            cancel_convention(convention, by=school_a.head, comment="Erreur de saisie.")
        assert assert_stored_equals_engine(student, AFTER).weeks_completed == 0


def test_nothing_is_refreshed_when_the_operation_rolls_back(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                verdict_inputs_changed(school_a.student.pk)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert not StoredVerdict.objects.filter(student=school_a.student).exists()


def test_a_failing_refresh_is_logged_and_never_breaks_the_committed_operation(
    school_a: School,
    django_capture_on_commit_callbacks: Any,
    caplog: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        verdict_inputs_changed(10**9)  # no such student: nothing to refresh, nothing raised
    assert not StoredVerdict.objects.exists()
    from milieu.exams import verdicts

    def broken(student_id: int, as_of: date | None = None) -> None:
        raise RuntimeError("panne")

    monkeypatch.setattr(verdicts, "refresh_student", broken)
    with django_capture_on_commit_callbacks(execute=True):
        verdict_inputs_changed(school_a.student.pk)
    assert "n'a pas pu être recalculé" in caplog.text


def test_the_students_a_transaction_changes_are_refreshed_once_each(
    school_a: School,
    school_b: School,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import transaction

    from milieu.exams import verdicts

    refreshed: list[int] = []
    monkeypatch.setattr(verdicts, "refresh_student", lambda sid, as_of=None: refreshed.append(sid))
    a, b = school_a.student.pk, school_b.student.pk
    with django_capture_on_commit_callbacks(execute=True) as hooks, transaction.atomic():
        for student_id in (a, b, a, a, b):
            verdict_inputs_changed(student_id)
    assert len(hooks) == 1
    assert refreshed == sorted([a, b])


def test_a_rolled_back_savepoint_does_not_lose_the_next_change(
    school_a: School,
    school_b: School,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import transaction

    from milieu.exams import verdicts

    refreshed: list[int] = []
    monkeypatch.setattr(verdicts, "refresh_student", lambda sid, as_of=None: refreshed.append(sid))
    a, b = school_a.student.pk, school_b.student.pk
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                verdict_inputs_changed(a)
                raise RuntimeError("annulé")
        except RuntimeError:
            pass
        verdict_inputs_changed(b)
    assert refreshed == [b]


def test_an_accepted_evidence_document_refreshes_the_stored_verdict_on_commit(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    from milieu.evidence.enums import EvidenceKind
    from milieu.evidence.operations import accept_evidence, deposit_evidence
    from tests.evidence.conftest import pdf

    student = school_a.student
    student.pathway = "apprentissage"
    student.save()
    with time_machine.travel(NOON_AFTER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            document = deposit_evidence(
                student,
                by=school_a.teacher,
                kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
                upload=pdf(),
            )
        assert not StoredVerdict.objects.filter(student=student).exists()  # not counted yet
        with django_capture_on_commit_callbacks(execute=True):
            accept_evidence(document, by=school_a.head)
        assert_stored_equals_engine(student, AFTER)
    assert build_dossier(student, as_of=AFTER)["apprenticeship_evidence"] is True


def test_a_deposited_report_refreshes_the_stored_verdict_on_commit(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    from milieu.reports.operations import deposit_report
    from tests.reports.conftest import BEFORE, candidate, upload
    from tests.reports.pdfs import make_pdf, mm_pages

    who = candidate(school_a, "verdict")
    with time_machine.travel(BEFORE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            deposit_report(who.student, upload(make_pdf(mm_pages())), by=who.user)
        today = BEFORE.date()
        stored = assert_stored_equals_engine(who.student, today)
    assert build_dossier(who.student, as_of=today)["report"]["submitted_on"] is not None
    assert stored.dossier_sha256 == dossier_sha256(build_dossier(who.student, as_of=today))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_refresh_progress_bar_shows_only_on_a_terminal() -> None:
    from milieu.exams.management.commands.eligibility import Progress

    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(4, stream)
        progress(2)
        progress(4)
    assert terminal.getvalue() == (
        "\r[###############...............] 2/4 élèves\r[##############################] 4/4 élèves\n"
    )
    assert pipe.getvalue() == ""
