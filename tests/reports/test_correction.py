"""A teacher corrects a figure the analyser got wrong, with a reason; the correction is recorded
(who, when, reason, before and after) and the dossier is judged on it. A scanned report (no text)
is left to a teacher: never non-conforming on that basis. The page says where each figure comes
from (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.exams.assembly import build_dossier
from milieu.reports.models import ReportCorrection, ReportDeadline, ReportDeposit, ReportReading
from milieu.reports.operations import ReportRefused, correct_report
from milieu.reports.queries import contract_report
from milieu.rules import evaluate
from tests.reports.conftest import AFTER, BEFORE, DEADLINE, Candidate, upload


def report_codes(candidate: Candidate) -> dict[str, Any]:
    verdict = evaluate(build_dossier(candidate.student, as_of=timezone.localdate()))
    return {
        f["code"]: f.get("detail") for f in verdict["findings"] if f["code"].startswith("REPORT_")
    }


def deposit(client: Client, candidate: Candidate, pdf: bytes) -> ReportDeposit:
    ReportDeadline.objects.get_or_create(
        cohort=candidate.cohort, defaults={"deadline": DEADLINE, "set_by": candidate.teacher}
    )
    with time_machine.travel(BEFORE, tick=False):
        client.force_login(candidate.user)
        assert client.post(candidate.page, {"fichier": upload(pdf)}).status_code == 302
    return ReportDeposit.objects.filter(student=candidate.student).latest("version")


def correction_url(candidate: Candidate, found: ReportDeposit) -> str:
    return reverse("reports:correct", kwargs={"pk": candidate.student.pk, "deposit_pk": found.pk})


def test_a_teacher_corrects_a_missing_section_and_the_dossier_uses_it(
    client: Client, mm_a: Candidate, mm_bad_pdf: bytes
) -> None:
    found = deposit(client, mm_a, mm_bad_pdf)
    with time_machine.travel(AFTER, tick=False):
        assert report_codes(mm_a)["REPORT_SECTION_MISSING"] == ["conclusion"]
        rows = correct_report(
            found,
            {"sections": {"conclusion": True}, "section_pages": {"conclusion": 1}},
            reason="La conclusion est intitulée « Ce que je retiens », page 15.",
            by=mm_a.teacher,
            ip="192.0.2.7",
        )
        assert [(r.figure, r.section, r.before, r.after) for r in rows] == [
            ("section_found", "conclusion", False, True),
            ("section_pages", "conclusion", None, 1),
        ]
        row = ReportCorrection.objects.get(figure="section_found")
        assert row.corrected_by == mm_a.teacher
        assert row.reason == "La conclusion est intitulée « Ce que je retiens », page 15."
        assert row.corrected_at is not None
        assert ReportReading.objects.get(deposit=found).figures == {
            "sections": {"conclusion": True},
            "section_pages": {"conclusion": 1},
        }
        entry = AuditEntry.objects.get(action=AuditAction.REPORT_CORRECTED)
        assert entry.actor == mm_a.teacher
        assert entry.changes["section_found:conclusion"] == [False, True]
        assert entry.ip == "192.0.2.7"
        report = contract_report(mm_a.student)
        assert report is not None
        assert "conclusion" in report["sections"]
        assert "REPORT_SECTION_MISSING" not in report_codes(mm_a)
        # the stored analysis itself never changes
        found.refresh_from_db()
        assert "conclusion" not in found.analysis["sections"]


def test_a_correction_needs_a_reason_a_teacher_of_the_cohort_and_the_latest_version(
    client: Client, mm_a: Candidate, mm_bad_pdf: bytes, mm_pdf: bytes
) -> None:
    first = deposit(client, mm_a, mm_bad_pdf)
    figures = {"pages": 12}
    with pytest.raises(ReportRefused, match="motif"):
        correct_report(first, figures, reason="  ", by=mm_a.teacher)
    with pytest.raises(PermissionDenied):
        correct_report(first, figures, reason="relu", by=mm_a.user)
    with pytest.raises(PermissionDenied):
        correct_report(first, figures, reason="relu", by=mm_a.school.ddfpt)
    with pytest.raises(ReportRefused, match="Aucun chiffre"):
        correct_report(first, {"pages": first.analysis["pages"]}, reason="relu", by=mm_a.teacher)
    with pytest.raises(ReportRefused, match="entier"):
        correct_report(first, {"pages": "douze"}, reason="relu", by=mm_a.teacher)
    deposit(client, mm_a, mm_pdf)
    with pytest.raises(ReportRefused, match="plus récente"):
        correct_report(first, figures, reason="relu", by=mm_a.teacher)
    assert not ReportCorrection.objects.exists()


def test_the_report_page_shows_where_each_figure_comes_from_and_the_correction_form(
    client: Client, mm_a: Candidate, mm_bad_pdf: bytes
) -> None:
    found = deposit(client, mm_a, mm_bad_pdf)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(mm_a.teacher)
        page = client.get(mm_a.page).content.decode()
        assert "section trouvée page 4 : titre “2. Analyse du contexte juridique”" in page
        assert "annexes trouvées page 16 : titre “Annexes”" in page
        assert "aucun titre de la section n&#x27;a été reconnu" in page
        assert 'action="' + correction_url(mm_a, found) + '"' in page
        # the student sees the figures and their sources, not the form
        client.force_login(mm_a.user)
        assert "data-report-correction" not in client.get(mm_a.page).content.decode()

        client.force_login(mm_a.teacher)
        form = {
            "pages": "13",
            "annex_pages": "4",
            "section-presentation": "on",
            "section-legal-analysis": "on",
            "section-activities": "on",
            "section-conclusion": "on",
            "section-english-summary": "on",
            "section-qsse-example": "on",
            "section_pages-conclusion": "1",
            "reason": "",
        }
        refused = client.post(correction_url(mm_a, found), form)
        assert refused.status_code == 400
        text = refused.content.decode()
        assert "Indiquez le motif de la correction." in text
        assert 'name="section_pages-conclusion" value="1"' in text  # nothing typed is lost
        form["reason"] = "Conclusion page 15, titre « Ce que je retiens »."
        response = client.post(correction_url(mm_a, found), form)
        assert response.status_code == 302
        page = client.get(mm_a.page).content.decode()
        assert "corrigé par un enseignant (analyse : section non trouvée)" in page
        assert "Motif : Conclusion page 15, titre « Ce que je retiens »." in page
        assert 'data-correction="section_found:conclusion"' in page


def test_a_scanned_report_is_left_to_a_teacher_never_non_conforming(
    client: Client, mm_a: Candidate, student_reports: dict[str, Any]
) -> None:
    scanned = student_reports["mm-scanned"].pdf
    found = deposit(client, mm_a, scanned)
    assert found.analysis["readable"] is False
    with time_machine.travel(AFTER, tick=False):
        codes = report_codes(mm_a)
        # unreadable figures are not judged: no section missing, no length, no page count
        assert not {"REPORT_SECTION_MISSING", "REPORT_SECTION_LENGTH", "REPORT_TOO_LONG"} & set(
            codes
        )
        client.force_login(mm_a.teacher)
        page = client.get(mm_a.page).content.decode()
        assert (
            "Le fichier ne contient pas de texte lisible : un enseignant doit le vérifier" in page
        )
        assert "le rapport n’est pas déclaré non conforme pour cette raison" in page
        assert "Vérifier le rapport à la main" in page
        cohort = client.get(reverse("reports:cohort", kwargs={"pk": mm_a.cohort.pk}))
        assert "data-to-check" in cohort.content.decode()

        # the teacher reads it: the conclusion is missing, the rest is there
        present = [
            "presentation",
            "legal-analysis",
            "activities",
            "english-summary",
            "qsse-example",
        ]
        rows = correct_report(
            found,
            {
                "pages": 12,
                "annex_pages": 2,
                "sections": {
                    key: key in present
                    for key in [
                        "presentation",
                        "legal-analysis",
                        "activities",
                        "conclusion",
                        "english-summary",
                        "qsse-example",
                    ]
                },
                "section_pages": {"legal-analysis": 3, "qsse-example": 2},
            },
            reason="Rapport numérisé relu en entier.",
            by=mm_a.teacher,
        )
        assert "checked" in {r.figure for r in rows}
        codes = report_codes(mm_a)
        assert codes["REPORT_SECTION_MISSING"] == ["conclusion"]
        assert "REPORT_SECTION_LENGTH" not in codes
        page = client.get(mm_a.page).content.decode()
        assert "Un enseignant l’a vérifié" in page
        cohort = client.get(reverse("reports:cohort", kwargs={"pk": mm_a.cohort.pk}))
        assert "data-to-check" not in cohort.content.decode()
