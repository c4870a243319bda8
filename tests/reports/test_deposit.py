"""The student's deposit page: upload, analysis shown at once, the dossier and the engine's verdict
follow; the staff and the rectorat read it; only the cohort's staff deposit for somebody else."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.exams.assembly import build_dossier
from milieu.reports.models import ReportDeadline, ReportDeposit, ReportEndorsement, ReportRefusal
from milieu.rules import evaluate
from tests.core.conftest import School
from tests.reports.conftest import (
    AFTER,
    BEFORE,
    DEADLINE,
    Candidate,
    tutor_token,
    upload,
)


def report_codes(candidate: Candidate) -> set[str]:
    """The REPORT_* codes of the engine's verdict on the candidate's real dossier today."""
    verdict = evaluate(build_dossier(candidate.student, as_of=timezone.localdate()))
    return {f["code"] for f in verdict["findings"] if f["code"].startswith("REPORT_")}


def set_deadline(candidate: Candidate) -> None:
    ReportDeadline.objects.create(
        cohort=candidate.cohort, deadline=DEADLINE, set_by=candidate.teacher
    )


def test_a_conforming_report_is_analysed_stored_and_judged(
    client: Client, mm_a: Candidate, mm_pdf: bytes
) -> None:
    set_deadline(mm_a)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(mm_a.user)
        assert "REPORT_MISSING" in report_codes(mm_a)
        page = client.get(mm_a.page).content.decode()
        assert "Date limite dépassée de 3 jours" in page
        assert 'data-finding-code="REPORT_MISSING"' in page
    with time_machine.travel(BEFORE, tick=False):
        client.force_login(mm_a.user)
        assert report_codes(mm_a) == set()  # not due yet: pending
        assert "Il reste 8 jours" in client.get(mm_a.page).content.decode()
        response = client.post(mm_a.page, {"fichier": upload(mm_pdf)})
        assert response.status_code == 302
        assert response["Location"] == mm_a.page

        deposit = ReportDeposit.objects.get()
        assert (deposit.version, deposit.original_name, deposit.size) == (
            1,
            "rapport.pdf",
            len(mm_pdf),
        )
        assert deposit.sha256 == hashlib.sha256(mm_pdf).hexdigest()
        assert storage.read(deposit.path) == mm_pdf
        assert Path(settings_root()) in storage.path_of(deposit.path).parents
        assert deposit.analysis["pages"] == 15
        assert deposit.analysis["annex_start"] == 16
        assert deposit.analysis["section_pages"]["legal-analysis"] == 3
        assert deposit.analysis["page_formats"] == {"A4": 19}

        report = build_dossier(mm_a.student, as_of=timezone.localdate())["report"]
        assert report["submitted_on"] == "2028-03-30"
        assert report["deadline"] == "2028-04-07"
        assert report["pages"] == 15 and report["endorsed_by_host"] is False
        # the deposit removes REPORT_MISSING; the host's visa is still missing (MM §2.1.3)
        assert report_codes(mm_a) == {"REPORT_NOT_ENDORSED"}

        page = client.get(mm_a.page).content.decode()
    assert "Votre rapport est bien reçu ; son analyse est en cours." in page
    assert "Déposé à temps" in page
    assert "15 pages" in page and "4 pages (à partir de la page 16)" in page
    assert "50 pages au plus" in page
    assert (
        "Analyse du contexte juridique ou d&#x27;une situation professionnelle réglementaire"
        in page
    )
    assert 'data-section="legal-analysis" data-found="oui"' in page
    assert "de 2 à 4 pages" in page
    assert "pas encore visé" in page
    assert 'data-finding-code="REPORT_NOT_ENDORSED"' in page
    assert 'data-finding-code="REPORT_MISSING"' not in page
    # every measure is within its limit: only the visa is missing, which is no measure
    assert 'data-state="ko"' not in page
    assert page.count('data-state="ok"') == 7  # body pages and six sections (no format rule)


def settings_root() -> str:
    from django.conf import settings

    return str(settings.PRIVATE_FILES_ROOT)


def test_a_faulty_report_shows_each_fault(
    client: Client, mm_a: Candidate, mm_bad_pdf: bytes
) -> None:
    set_deadline(mm_a)
    with time_machine.travel(BEFORE, tick=False):
        client.force_login(mm_a.user)
        assert client.post(mm_a.page, {"fichier": upload(mm_bad_pdf)}).status_code == 302
        codes = report_codes(mm_a)
        page = client.get(mm_a.page).content.decode()
    assert {"REPORT_SECTION_MISSING", "REPORT_SECTION_LENGTH", "REPORT_NOT_ENDORSED"} <= codes
    assert 'data-section="conclusion" data-found="non"' in page
    assert "non trouvée" in page
    for code in ("REPORT_SECTION_MISSING", "REPORT_SECTION_LENGTH"):
        assert f'data-finding-code="{code}"' in page
    # the lines in fault are marked with the rule's severity (blocking for MM)
    assert page.count('data-state="ko"') >= 3  # conclusion missing, legal 1 page, QSSE 5 pages
    legal = page.split('data-section="legal-analysis"')[1].split("</tr>")[0]
    assert 'data-state="ko"' in legal and "Bloquant" in legal
    presentation = page.split('data-section="presentation"')[1].split("</tr>")[0]
    assert 'data-state="ok"' in presentation


def test_a_late_deposit_gets_report_late(client: Client, mm_a: Candidate, mm_pdf: bytes) -> None:
    set_deadline(mm_a)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(mm_a.user)
        assert client.post(mm_a.page, {"fichier": upload(mm_pdf)}).status_code == 302
        assert report_codes(mm_a) == {"REPORT_LATE", "REPORT_NOT_ENDORSED"}
        page = client.get(mm_a.page).content.decode()
    assert "Déposé en retard de 3 jours" in page
    assert 'data-finding-code="REPORT_LATE"' in page
    # in words, not as a code (issue 13 §10)
    assert "Rapport déposé en retard" in page and "<code>REPORT_LATE</code>" not in page


def test_the_tutor_visa_removes_report_not_endorsed_until_a_new_version(
    client: Client, mm_a: Candidate, mm_pdf: bytes
) -> None:
    set_deadline(mm_a)
    with time_machine.travel(BEFORE, tick=False):
        token = tutor_token(mm_a)  # links expire: issued on the day
        client.force_login(mm_a.user)
        client.post(mm_a.page, {"fichier": upload(mm_pdf)})
        first = ReportDeposit.objects.get()
        client.logout()
        endorse = reverse("reports:tutor_endorse", kwargs={"token": token, "deposit_pk": first.pk})
        answer = client.post(endorse, {"tutor_name": "Jeanne Tutrice"}, REMOTE_ADDR="192.0.2.7")
        assert answer.status_code == 302
        assert answer["Location"] == reverse("followup:tutor", kwargs={"token": token}) + "#rapport"
        visa = ReportEndorsement.objects.get()
        assert (visa.deposit, visa.tutor_name, visa.ip) == (first, "Jeanne Tutrice", "192.0.2.7")
        assert report_codes(mm_a) == set()
        assert build_dossier(mm_a.student, as_of=timezone.localdate())["report"]["endorsed_by_host"]
        client.force_login(mm_a.user)
        page = client.get(mm_a.page).content.decode()
        assert "visé</span> par Jeanne Tutrice" in page
        assert "Aucun constat sur le rapport" in page

        # a new version needs a new visa
        client.post(mm_a.page, {"fichier": upload(mm_pdf, "rapport-v2.pdf")})
        assert report_codes(mm_a) == {"REPORT_NOT_ENDORSED"}
        page = client.get(mm_a.page).content.decode()
    assert "Versions précédentes" in page and "visée par Jeanne Tutrice" in page
    assert "rapport-v2.pdf" in page


def test_previous_versions_are_kept_and_numbered(
    client: Client, mm_a: Candidate, mm_pdf: bytes, mm_bad_pdf: bytes, before_deadline: None
) -> None:
    client.force_login(mm_a.user)
    client.post(mm_a.page, {"fichier": upload(mm_bad_pdf, "brouillon.pdf")})
    client.post(mm_a.page, {"fichier": upload(mm_pdf, "final.pdf")})
    versions = list(
        ReportDeposit.objects.order_by("version").values_list("version", "original_name")
    )
    assert versions == [(1, "brouillon.pdf"), (2, "final.pdf")]
    report = build_dossier(mm_a.student, as_of=timezone.localdate())["report"]
    assert "conclusion" in report["sections"]  # the latest version is the one judged
    page = client.get(mm_a.page).content.decode()
    assert "Conformité de la version 2" in page
    assert "brouillon.pdf" in page.split("Versions précédentes")[1]


def test_download_after_the_permission_check_only(
    client: Client,
    mm_a: Candidate,
    mm_b: Candidate,
    school_a: School,
    mm_pdf: bytes,
    before_deadline: None,
) -> None:
    client.force_login(mm_a.user)
    client.post(mm_a.page, {"fichier": upload(mm_pdf, "../../etc/passwd.pdf")})
    deposit = ReportDeposit.objects.get()
    url = reverse("reports:download", kwargs={"pk": mm_a.student.pk, "deposit_pk": deposit.pk})

    for user in (mm_a.user, mm_a.teacher, school_a.ddfpt):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response.content == mm_pdf
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-SHA256"] == deposit.sha256
        assert response["Content-Disposition"] == (
            f'attachment; filename="rapport-{mm_a.student.ine}-v1.pdf"'
        )
    for user in (mm_b.user, mm_b.school.head, school_a.teacher):  # school_a.teacher: not MM's
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    # a deposit of A through B's student URL
    client.force_login(mm_b.school.head)
    other = reverse("reports:download", kwargs={"pk": mm_b.student.pk, "deposit_pk": deposit.pk})
    assert client.get(other).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_stored_file_that_changed_is_not_served(
    client: Client, mm_a: Candidate, mm_pdf: bytes, before_deadline: None
) -> None:
    client.force_login(mm_a.user)
    client.post(mm_a.page, {"fichier": upload(mm_pdf)})
    deposit = ReportDeposit.objects.get()
    storage.path_of(deposit.path).write_bytes(mm_pdf + b"%")
    url = reverse("reports:download", kwargs={"pk": mm_a.student.pk, "deposit_pk": deposit.pk})
    response = client.get(url)
    assert response.status_code == 409
    assert "empreinte" in response.content.decode()


def test_the_rectorat_reads_the_page_without_the_upload_form(
    client: Client,
    mm_a: Candidate,
    rectorat: Any,
    mm_pdf: bytes,
    before_deadline: None,
) -> None:
    """The cohort's staff may deposit on a student's behalf (test_deposit_on_behalf.py)."""
    client.force_login(mm_a.user)
    assert "data-report-upload" in client.get(mm_a.page).content.decode()
    client.post(mm_a.page, {"fichier": upload(mm_pdf)})
    for user in (rectorat,):
        client.force_login(user)
        response = client.get(mm_a.page)
        assert response.status_code == 200
        page = response.content.decode()
        assert "data-report-upload" not in page
        assert "Conformité de la version 1" in page
        assert client.post(mm_a.page, {"fichier": upload(mm_pdf)}).status_code == 403
    assert ReportDeposit.objects.count() == 1


def test_nobody_deposits_for_another_student(
    client: Client,
    mm_a: Candidate,
    mm_b: Candidate,
    school_a: School,
    other_rectorat: Any,
    mm_pdf: bytes,
    before_deadline: None,
) -> None:
    # student A (MM) and the CIEL student of the same school
    client.force_login(mm_a.user)
    for other in (mm_b.student, school_a.student):
        url = reverse("reports:deposit", kwargs={"pk": other.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"fichier": upload(mm_pdf)}).status_code == 404
    for user in (mm_b.school.head, mm_b.school.ddfpt, other_rectorat, school_a.teacher):
        client.force_login(user)
        assert client.get(mm_a.page).status_code == 404, user
    client.logout()
    assert client.post(mm_a.page, {"fichier": upload(mm_pdf)}).status_code == 302
    assert not ReportDeposit.objects.exists() and not ReportRefusal.objects.exists()


def test_no_report_expected_for_a_diploma_without_report_data(
    client: Client, school_a: School, before_deadline: None, mm_pdf: bytes
) -> None:
    from milieu.establishments.models import Cohort

    Cohort.objects.filter(pk=school_a.cohort.pk).update(diploma="bts-ccst")
    client.force_login(school_a.student_user)
    url = reverse("reports:deposit", kwargs={"pk": school_a.student.pk})
    page = client.get(url).content.decode()
    assert "Aucun rapport n’est attendu" in page
    assert "data-report-upload" not in page
    refused = client.post(url, {"fichier": upload(mm_pdf)})
    assert refused.status_code == 400
    assert "Aucun rapport n&#x27;est attendu pour ce diplôme" in refused.content.decode()
    assert not ReportDeposit.objects.exists()


def test_bijou_perfectionnement_parts_and_total_without_visa(
    client: Client, school_a: School, before_deadline: None
) -> None:
    from milieu.establishments.models import Cohort
    from milieu.students.models import Student
    from tests.reports.pdfs import Page, make_pdf

    Cohort.objects.filter(pk=school_a.cohort.pk).update(diploma="bma-bijou")
    Student.objects.filter(pk=school_a.student.pk).update(
        pathway="formation-continue", continuing_situation="perfectionnement"
    )
    pages = [Page("Première partie : rapport d'activité")] + [Page()] * 3
    pages += [Page("Seconde partie : étude de cas"), Page(size="A3")]
    client.force_login(school_a.student_user)
    url = reverse("reports:deposit", kwargs={"pk": school_a.student.pk})
    assert client.post(url, {"fichier": upload(make_pdf(pages))}).status_code == 302
    deposit = ReportDeposit.objects.get()
    assert deposit.analysis["parts"] == {"activity-report": 4, "case-study": 2}
    assert deposit.analysis["page_formats"] == {"A4": 5, "A3": 1}
    page = client.get(url).content.decode()
    assert "ne demande pas de visa" in page
    assert "Total, annexes comprises" in page and "50 pages au plus" in page
    assert "A3 au plus" in page and "A4 : 5 pages, A3 : 1 page" in page
    part = page.split('data-section="activity-report"')[1].split("</tr>")[0]
    assert "Rapport sur l&#x27;activité professionnelle" in part
    assert "30 pages au plus" in part and 'data-state="ok"' in part
    # the school pathway's sections are not asked of this pathway
    assert 'data-section="stage-reports"' not in page
    assert 'data-state="ko"' not in page
