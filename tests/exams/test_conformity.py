"""The report's conformity pronounced by the exam service (seed 001 §4: « La constatation de
non-conformité du rapport entraîne l'attribution de la mention « non validé » »): per candidate
or in bulk with a confirmation step, logged, carried by the dossier's report fields, and the
stored verdict following on commit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.exams.assembly import build_dossier
from milieu.exams.conformity import (
    ConformityRefused,
    Ground,
    Pronouncement,
    required_sections,
    with_conformity,
)
from milieu.exams.models import ReportConformity, StoredVerdict
from milieu.exams.operations import SessionData, save_exam_session
from milieu.exams.pronouncing import pronounce
from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import StudentFactory
from milieu.reports.models import ReportDeposit
from milieu.rules import evaluate
from milieu.students.models import Student
from tests.exams.conftest import School, client_for
from tests.exams.test_verdicts import assert_stored_equals_engine

PARIS = ZoneInfo("Europe/Paris")
AFTER_DEADLINE = datetime(2028, 5, 10, 10, tzinfo=PARIS)  # deadline 5 May, exam 16 May 2028
PAGE = reverse("exams:report_conformity")
SECTIONS = required_sections("bts-metiers-de-la-mesure", "scolaire")
ANALYSIS = {
    "diploma_id": "bts-metiers-de-la-mesure",
    "total_pages": 12,
    "pages": 12,
    "annex_pages": 0,
    "annex_start": None,
    "page_format": "A4",
    "largest_page_mm": [210, 297],
    "sections": ["presentation"],
    "section_starts": {"presentation": 1},
    "section_pages": {},
    "parts": {},
    "english_documents": [],
    "headings_source": "text",
}


@pytest.fixture(autouse=True)
def _after_deadline() -> Any:
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        yield


@pytest.fixture
def mm_session(academie: Any, rectorat: Any) -> Any:
    return save_exam_session(
        academie,
        SessionData("bts-metiers-de-la-mesure", 2028, date(2028, 5, 16), date(2028, 5, 5)),
        by=rectorat,
    )


def deposited(school: School, day: date = date(2028, 5, 2), **fields: Any) -> Student:
    """A BTS MM candidate with a report whose analysis found only the presentation."""
    student = StudentFactory.create(cohort=school.other_cohort, **fields)
    kept = storage.store("reports", b"%PDF-1.4 rapport", suffix="pdf")
    ReportDeposit.objects.create(
        student=student,
        version=1,
        original_name="rapport.pdf",
        path=kept.path,
        size=16,
        sha256=kept.sha256,
        uploaded_by=school.head,
        uploaded_at=datetime(day.year, day.month, day.day, 9, tzinfo=PARIS),
        analysis=ANALYSIS,
    )
    return student


def report_codes(student: Student) -> set[str]:
    result = evaluate(build_dossier(student, as_of=date(2028, 5, 10)))
    return {f["code"] for f in result["findings"] if f["code"].startswith("REPORT_")}


def test_the_contract_has_no_field_for_it_so_the_mapping_lives_in_the_report_fields() -> None:
    """§4: conforme → no report finding; each ground → the finding it names, nothing else."""
    report = {"submitted_on": "2028-05-07", "deadline": "2028-05-05", "pages": 80, "sections": []}

    def decision(**kw: Any) -> Any:
        defaults: dict[str, Any] = {
            "received_on": None,
            "missing_sections": [],
            "not_endorsed": False,
        }
        return type("D", (), {**defaults, **kw})()

    ok = with_conformity(report, decision(conforming=True, ground=""), SECTIONS)
    assert ok is not None
    assert ok["sections"] == SECTIONS and ok["endorsed_by_host"] and ok["pages"] == 0
    assert ok["deadline"] == "2028-05-07"  # the service accepted the deposit's date
    missing = with_conformity(report, decision(conforming=False, ground="missing"), SECTIONS)
    assert missing == {"submitted_on": None, "deadline": "2028-05-05"}
    late = with_conformity(
        {"submitted_on": "2028-05-02", "deadline": "2028-05-05"},
        decision(conforming=False, ground="late", received_on=date(2028, 5, 9)),
        SECTIONS,
    )
    assert late is not None and late["submitted_on"] == "2028-05-09"
    assert late["deadline"] == "2028-05-05"
    content = with_conformity(
        report,
        decision(
            conforming=False,
            ground="expectations",
            missing_sections=["conclusion"],
            not_endorsed=True,
        ),
        SECTIONS,
    )
    assert content is not None and "conclusion" not in content["sections"]
    assert not content["endorsed_by_host"]
    assert with_conformity(report, None, SECTIONS) is report


def test_conforme_replaces_the_analysis_and_non_conforme_gives_its_ground_s_finding(
    school_a: School, mm_session: Any, rectorat: Any
) -> None:
    student = deposited(school_a)
    assert "REPORT_SECTION_MISSING" in report_codes(student)  # the analyser proposes
    pronounce([student], Pronouncement(True, "Contrôlé par la commission."), by=rectorat)
    assert report_codes(student) == set()
    pronounce(
        [student],
        Pronouncement(False, "Reçu en retard.", Ground.LATE, received_on=date(2028, 5, 7)),
        by=rectorat,
    )
    assert report_codes(student) == {"REPORT_LATE"}
    pronounce(
        [student],
        Pronouncement(
            False, "Pas de conclusion.", Ground.EXPECTATIONS, missing_sections=["conclusion"]
        ),
        by=rectorat,
    )
    assert report_codes(student) == {"REPORT_SECTION_MISSING"}
    assert ReportConformity.objects.filter(student=student).count() == 3


def test_each_pronouncement_is_logged_and_refreshes_the_stored_verdict(
    school_a: School, mm_session: Any, rectorat: Any
) -> None:
    student = deposited(school_a)
    refresh_verdicts(Student.objects.filter(pk=student.pk), date(2028, 5, 10))
    assert "REPORT_SECTION_MISSING" in StoredVerdict.objects.get(student=student).finding_codes
    (row,) = pronounce(
        [student], Pronouncement(True, "Conforme après lecture."), by=rectorat, ip="10.1.2.3"
    )
    assert row.decided_by == rectorat and row.ip == "10.1.2.3" and row.decided_at
    entry = AuditEntry.objects.get(action=AuditAction.REPORT_CONFORMITY)
    assert entry.actor == rectorat and entry.establishment == school_a.establishment
    assert entry.changes["observations"] == "Conforme après lecture."
    stored = StoredVerdict.objects.get(student=student)
    assert "REPORT_" not in stored.finding_codes
    pronounce([student], Pronouncement(False, "Non reçu.", Ground.MISSING), by=rectorat)
    stored = assert_stored_equals_engine(student, date(2028, 5, 10))
    assert stored.status == "non-compliant" and "REPORT_MISSING" in stored.finding_codes
    last = AuditEntry.objects.filter(action=AuditAction.REPORT_CONFORMITY).order_by("pk").last()
    assert last is not None and last.changes["mention"] == "non validé"


def test_refusals_say_why_in_french_and_keep_nothing(
    school_a: School, mm_session: Any, rectorat: Any, delegate: Any, other_rectorat: Any
) -> None:
    student = deposited(school_a)
    bare = StudentFactory.create(cohort=school_a.other_cohort)
    ciel = school_a.student
    for user in (delegate, other_rectorat, school_a.head):
        with pytest.raises(PermissionDenied):
            pronounce([student], Pronouncement(True, "ok"), by=user)
    with pytest.raises(ConformityRefused, match="observations"):
        pronounce([student], Pronouncement(True, "  "), by=rectorat)
    with pytest.raises(ConformityRefused, match="aucun rapport"):
        pronounce([student, bare], Pronouncement(True, "ok"), by=rectorat)
    with pytest.raises(ConformityRefused, match="pas prononcée"):
        pronounce([ciel], Pronouncement(True, "ok"), by=rectorat)
    with pytest.raises(ConformityRefused, match="ne suit pas"):
        pronounce(
            [student],
            Pronouncement(False, "x", Ground.LATE, received_on=date(2028, 5, 1)),
            by=rectorat,
        )
    with pytest.raises(ConformityRefused, match="Dites ce qui manque"):
        pronounce([student], Pronouncement(False, "x", Ground.EXPECTATIONS), by=rectorat)
    assert not ReportConformity.objects.exists()  # all or none
    assert not AuditEntry.objects.filter(action=AuditAction.REPORT_CONFORMITY).exists()


def test_absence_of_deposit_waits_for_the_deadline(
    school_a: School, mm_session: Any, rectorat: Any
) -> None:
    bare = StudentFactory.create(cohort=school_a.other_cohort)
    with (
        time_machine.travel(datetime(2028, 5, 3, 10, tzinfo=PARIS), tick=False),
        pytest.raises(ConformityRefused, match="pas passée"),
    ):
        pronounce([bare], Pronouncement(False, "x", Ground.MISSING), by=rectorat)
    pronounce([bare], Pronouncement(False, "Rien reçu.", Ground.MISSING), by=rectorat)
    assert report_codes(bare) == {"REPORT_MISSING"}


def test_the_page_pronounces_in_bulk_after_a_confirmation_step(
    school_a: School, school_b: School, mm_session: Any, rectorat: Any
) -> None:
    first, second = deposited(school_a, last_name="Alpha"), deposited(school_b, last_name="Beta")
    refresh_verdicts(Student.objects.all(), date(2028, 5, 10))
    client = client_for(rectorat)
    listing = client.get(PAGE, {"session": 2028})
    assert listing.status_code == 200
    text = listing.content.decode()
    assert f'data-student="{first.pk}"' in text and f'data-student="{second.pk}"' in text
    assert f'data-student="{school_a.student.pk}"' not in text  # BTS CIEL: not pronounced
    form = {
        "student": [first.pk, second.pk],
        "decision": "non-conforme",
        "ground": "expectations",
        "missing_sections": ["conclusion"],
        "reason": "Conclusion absente.",
        "query": "session=2028",
    }
    confirm = client.post(PAGE, {**form, "step": "confirm"})
    assert confirm.status_code == 200 and "non validé" in confirm.content.decode()
    assert not ReportConformity.objects.exists()
    done = client.post(PAGE, {**form, "step": "commit"})
    assert done.status_code == 302
    assert set(ReportConformity.objects.values_list("student_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    after = client.get(PAGE, {"session": 2028}).content.decode()
    assert "Non conforme — « non validé »" in after
    refused = client.post(PAGE, {**form, "reason": "", "step": "commit"})
    assert refused.status_code == 400 and "observations" in refused.content.decode()


def test_a_refused_decision_keeps_the_ticked_expectations_on_the_page(
    school_a: School, mm_session: Any, rectorat: Any
) -> None:
    """Walked in Chromium: an error (no decision chosen) came back with the missing sections
    and the visa box unticked, to tick again."""
    student = deposited(school_a, last_name="Alpha")
    refresh_verdicts(Student.objects.all(), date(2028, 5, 10))
    refused = client_for(rectorat).post(
        PAGE,
        {
            "student": [student.pk],
            "ground": "expectations",
            "missing_sections": ["conclusion"],
            "not_endorsed": "1",
            "query": "session=2028",
            "step": "confirm",
        },
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'value="conclusion" checked' in text
    assert 'name="not_endorsed" value="1" checked' in text
    assert f'value="{student.pk}" checked' in text
    untouched = next(key for key in SECTIONS if key != "conclusion")
    assert f'value="{untouched}" checked' not in text


def test_only_the_exam_service_opens_the_page(
    school_a: School, delegate: Any, other_rectorat: Any, mm_session: Any
) -> None:
    first = deposited(school_a)
    refresh_verdicts(Student.objects.all(), date(2028, 5, 10))
    for user in (school_a.head, school_a.teacher, delegate):
        assert client_for(user).get(PAGE).status_code == 403
    other = client_for(other_rectorat)
    assert f'data-student="{first.pk}"' not in other.get(PAGE).content.decode()
    post = other.post(
        PAGE,
        {"student": [first.pk], "decision": "conforme", "reason": "x", "step": "commit"},
    )
    assert post.status_code == 400 and not ReportConformity.objects.exists()


def test_the_student_page_shows_the_pronouncement_and_the_exam_service_its_link(
    school_a: School, mm_session: Any, rectorat: Any
) -> None:
    student = deposited(school_a)
    url = reverse("students:detail", args=[student.pk])
    before = client_for(school_a.head).get(url).content.decode()
    assert "n’a pas encore prononcé" in before and "data-pronounce" not in before
    pronounce(
        [student],
        Pronouncement(False, "Reçu le 7 mai.", Ground.LATE, received_on=date(2028, 5, 7)),
        by=rectorat,
    )
    after = client_for(school_a.head).get(url).content.decode()
    assert "Non conforme — mention « non validé »" in after and "Reçu le 7 mai." in after
    assert "data-pronounce" in client_for(rectorat).get(url).content.decode()
    ciel = client_for(school_a.head).get(reverse("students:detail", args=[school_a.student.pk]))
    assert "data-student-conformity" not in ciel.content.decode()
