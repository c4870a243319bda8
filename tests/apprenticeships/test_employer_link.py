"""The maître d'apprentissage's link (issue 11): for apprentices, « les supports (rapport
d'activité et grille d'évaluation) de la sous-épreuve E6.1 […] et les conditions d'évaluation
associées sont les mêmes que ceux qui concernent les candidats de la voie scolaire » (seed 001
§2.2; seed 003 §2.2). The employer fills the grid and gives the report's visa (001 §2.1.3)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.apprenticeships.models import (
    ApprenticeEvaluation,
    Apprenticeship,
    ApprenticeshipAction,
    EmployerAccess,
)
from milieu.apprenticeships.operations import (
    ApprenticeshipRefused,
    issue_employer_link,
    record_apprenticeship,
    resolve_employer_access,
    revoke_employer_link,
)
from milieu.exams.assembly import build_dossier
from milieu.reports.models import ReportDeadline, ReportEndorsement
from milieu.reports.operations import deposit_report
from milieu.rules import evaluate
from milieu.students.models import Student
from tests.apprenticeships.conftest import (
    ciel_apprentice,
    contract_copy,
    data,
    employer_token,
    mm_apprentice,
    recorded,
)
from tests.core.conftest import School
from tests.reports.pdfs import make_pdf, mm_pages

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = date(2028, 4, 7)
DEPOSITED = datetime(2028, 4, 1, 10, 0, tzinfo=PARIS)
JUDGED = date(2028, 4, 10)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def codes(student: Student, as_of: date = JUDGED) -> set[str]:
    verdict = evaluate(build_dossier(student, as_of=as_of), today=as_of)
    assert "error" not in verdict, verdict
    return {finding["code"] for finding in verdict["findings"]}


def status(student: Student, as_of: date = JUDGED) -> str:
    return str(evaluate(build_dossier(student, as_of=as_of), today=as_of)["status"])


def grid_post(
    student: Student, level: int = 2, extra: dict[str, str] | None = None
) -> dict[str, str]:
    grid = student.cohort.catalogue_extra["evaluation_grid"]
    values: dict[str, str] = {f"grille-level_{item['code']}": str(level) for item in grid["items"]}
    values.update(
        {
            "grille-appreciation": "Apprentie rigoureuse, autonome sur les étalonnages.",
            "grille-tutor_name": "Claire Weber",
            "submit": "fill",
        }
    )
    values.update(extra or {})
    return values


def link_of(message: Any) -> str:
    found = re.search(r"https?://\S+/apprentissage/maitre/[^/\s]+/", message.body)
    assert found is not None, message.body
    return "/" + found.group(0).split("/", 3)[3]


# --- recording the apprenticeship ------------------------------------------------------------


def test_the_staff_record_the_apprenticeship_with_a_valid_siret(school_a: School) -> None:
    """The apprenticeship record: employer, SIRET (checked by python-stdnum), maître
    d'apprentissage and contract dates; a wrong SIRET keeps the input and says why."""
    student = mm_apprentice(school_a)
    page = reverse("apprenticeships:student", args=[student.pk])
    client = client_for(school_a.secretary)
    form = {
        "apprentissage-employer": "Métrologie de l'Est",
        "apprentissage-siret": "732 829 320 00075",  # a wrong check digit
        "apprentissage-master_name": "Claire Weber",
        "apprentissage-master_email": "claire.weber@metrologie-est.fr",
        "apprentissage-start": "2026-09-01",
        "apprentissage-end": "2028-08-31",
    }
    refused = client.post(page, form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "clé de contrôle" in text
    assert "Claire Weber" in text  # the form keeps what was typed
    assert not Apprenticeship.objects.exists()

    form["apprentissage-siret"] = data().siret
    assert client.post(page, form).status_code == 302
    apprenticeship = Apprenticeship.objects.get()
    assert (apprenticeship.employer, apprenticeship.master_name) == (
        "Métrologie de l'Est",
        "Claire Weber",
    )
    assert apprenticeship.events.get().action == ApprenticeshipAction.RECORDED
    assert "Claire Weber" in client.get(page).content.decode()


def test_only_an_apprentice_has_an_apprenticeship(school_a: School) -> None:
    with pytest.raises(ApprenticeshipRefused, match="Seul un apprenti"):
        record_apprenticeship(school_a.student, data(), by=school_a.ddfpt)


def test_another_cohort_s_teacher_and_the_student_may_not_record(school_a: School) -> None:
    student = mm_apprentice(school_a)  # the MM cohort is other_teacher's
    with pytest.raises(PermissionDenied):
        record_apprenticeship(student, data(), by=school_a.teacher)
    record_apprenticeship(student, data(), by=school_a.other_teacher)


# --- the link ---------------------------------------------------------------------------------


def test_the_link_leaves_on_commit_and_a_new_one_revokes_the_old(
    school_a: School, django_capture_on_commit_callbacks: Any
) -> None:
    apprenticeship = recorded(mm_apprentice(school_a), school_a.ddfpt)
    client = client_for(school_a.ddfpt)
    send = reverse("apprenticeships:send_link", args=[apprenticeship.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(send)
        assert mail.outbox == []  # deferred until the transaction commits
    for callback in callbacks:
        callback()
    (first,) = mail.outbox
    assert first.to == ["claire.weber@metrologie-est.fr"]
    first_link = link_of(first)
    access = EmployerAccess.objects.get()
    assert first_link.split("/")[-2] not in access.token_hash  # only the HMAC is stored
    assert client.get(first_link).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)  # « renvoyer » : a new link, the old one revoked
    second_link = link_of(mail.outbox[1])
    assert client.get(second_link).status_code == 200
    gone = client.get(first_link)
    assert gone.status_code == 410
    assert "révoqué" in gone.content.decode()


def test_an_expired_or_revoked_link_says_so_in_french(school_a: School) -> None:
    apprenticeship = recorded(mm_apprentice(school_a), school_a.ddfpt)
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=PARIS), tick=False):
        early, _ = issue_employer_link(apprenticeship, by=school_a.ddfpt)
    # sent early in a two-year contract, a link lives 400 days at most: a new one follows
    assert timezone.localtime(early.expires_at).date() == date(2027, 11, 5)
    with time_machine.travel(datetime(2028, 3, 1, 9, 0, tzinfo=PARIS), tick=False):
        access, token = issue_employer_link(apprenticeship, by=school_a.ddfpt)
    # then it lives past the contract's end (the grid and the visa may come late)
    assert timezone.localtime(access.expires_at).date() == date(2028, 10, 30)
    url = reverse("apprenticeships:employer", kwargs={"token": token})
    with time_machine.travel(access.expires_at + timedelta(minutes=1)):
        expired = Client().get(url)
    assert expired.status_code == 410
    assert "expiré" in expired.content.decode()
    revoke_employer_link(access, by=school_a.ddfpt)
    with pytest.raises(ApprenticeshipRefused, match="révoqué"):
        resolve_employer_access(token)
    assert Client().get("/apprentissage/maitre/inconnu/").status_code == 410


def test_the_link_of_apprentice_x_never_reaches_apprentice_y(school_a: School) -> None:
    x, y = mm_apprentice(school_a), mm_apprentice(school_a)
    token = employer_token(recorded(x, school_a.ddfpt), school_a.ddfpt)
    recorded(y, school_a.ddfpt)
    with time_machine.travel(DEPOSITED, tick=False):
        deposit_y = deposit_report(
            y,
            SimpleUploadedFile("r.pdf", _report_pdf(), content_type="application/pdf"),
            by=school_a.ddfpt,
        )
    client = Client()
    page = client.get(reverse("apprenticeships:employer", kwargs={"token": token}))
    assert y.full_name not in page.content.decode()
    endorse = reverse(
        "apprenticeships:employer_endorse", kwargs={"token": token, "deposit_pk": deposit_y.pk}
    )
    assert client.post(endorse, {"master_name": "Claire Weber"}).status_code == 404
    download = reverse(
        "apprenticeships:employer_report", kwargs={"token": token, "deposit_pk": deposit_y.pk}
    )
    assert client.get(download).status_code == 404
    assert not ReportEndorsement.objects.exists()


def _report_pdf() -> bytes:
    return make_pdf(mm_pages())


# --- to a compliant verdict -------------------------------------------------------------------


def test_a_mesure_apprentice_becomes_compliant_through_the_employer_s_link(
    school_a: School, mm_report_pdf: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    """Seed 001 §2.2 (same supports as the voie scolaire: §2.1.3 the report « visé par la
    structure d'accueil », §2.1.4 the grid determined jointly by the teachers and the tutor):
    the apprentice ends with EVALUATION_MISSING and REPORT_NOT_ENDORSED until the maître
    d'apprentissage fills the grid and endorses the report through their link, and the team
    co-signs the grid; then the verdict is compliant."""
    student = mm_apprentice(school_a)
    contract_copy(student, school_a.ddfpt)
    ReportDeadline.objects.create(
        cohort=student.cohort, deadline=DEADLINE, set_by=school_a.other_teacher
    )
    with time_machine.travel(DEPOSITED, tick=False):
        deposit = deposit_report(
            student,
            SimpleUploadedFile("rapport.pdf", mm_report_pdf, content_type="application/pdf"),
            by=school_a.ddfpt,
        )
    assert {"EVALUATION_MISSING", "REPORT_NOT_ENDORSED"} <= codes(student)
    assert status(student) == "non-compliant"

    apprenticeship = recorded(student, school_a.ddfpt)
    with (
        time_machine.travel(datetime(2028, 3, 20, 9, 0, tzinfo=PARIS), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client_for(school_a.other_teacher).post(
            reverse("apprenticeships:send_link", args=[apprenticeship.pk])
        )
    link = link_of(mail.outbox[-1])

    employer = Client()
    with time_machine.travel(datetime(2028, 4, 3, 9, 0, tzinfo=PARIS), tick=False):
        page = employer.get(link).content.decode()
        assert "Viser le rapport" in page
        # an incomplete grid is not sent: the message says what is missing
        missing = employer.post(link, grid_post(student, extra={"grille-appreciation": ""}))
        assert missing.status_code == 400
        assert "appréciation" in missing.content.decode()
        assert employer.post(link, grid_post(student)).status_code == 302
        endorse = link.replace("/maitre/", "/maitre/", 1) + f"rapport/{deposit.pk}/viser/"
        assert employer.post(endorse, {"master_name": "Claire Weber"}).status_code == 302
    visa = ReportEndorsement.objects.get()
    assert visa.employer_access is not None and visa.access is None
    assert visa.tutor_name == "Claire Weber"
    assert "REPORT_NOT_ENDORSED" not in codes(student)
    assert "EVALUATION_MISSING" in codes(student)  # filled, not yet co-signed

    # the cohort's teacher co-signs the grid: it is frozen with its PDF
    client = client_for(school_a.other_teacher)
    assert (
        client.post(reverse("apprenticeships:cosign", args=[apprenticeship.pk])).status_code == 302
    )
    evaluation = ApprenticeEvaluation.objects.get()
    assert evaluation.status == "cosigned"
    assert bytes(evaluation.content or b"").startswith(b"%PDF")
    assert evaluation.cosigned_by == school_a.other_teacher

    assert codes(student) == set()
    assert status(student) == "compliant"
    detail = client.get(reverse("students:detail", args=[student.pk])).content.decode()
    assert 'data-verdict-status="compliant"' in detail


def test_a_ciel_apprentice_s_grid_comes_from_the_employer(school_a: School) -> None:
    """Seed 003 §2.2: « Les objectifs pédagogiques ainsi que les supports de l'épreuve sont les
    mêmes que ceux des candidats de la voie scolaire » — the fiche d'appréciation (§2.1.4)
    included; the maître d'apprentissage fills it, the team co-signs it."""
    student = ciel_apprentice(school_a)
    contract_copy(student, school_a.ddfpt)
    assert "EVALUATION_MISSING" in codes(student, date(2028, 6, 2))
    apprenticeship = recorded(student, school_a.ddfpt)
    token = employer_token(apprenticeship, school_a.teacher)
    url = reverse("apprenticeships:employer", kwargs={"token": token})
    assert Client().post(url, grid_post(student, level=3)).status_code == 302
    # the student and another school's staff may not co-sign
    cosign = reverse("apprenticeships:cosign", args=[apprenticeship.pk])
    assert client_for(school_a.student_user).post(cosign).status_code in (403, 404)
    assert client_for(school_a.secretary).post(cosign).status_code == 403
    assert client_for(school_a.teacher).post(cosign).status_code == 302
    assert "EVALUATION_MISSING" not in codes(student, date(2028, 6, 2))


def test_a_co_signed_grid_no_longer_changes(school_a: School) -> None:
    student = ciel_apprentice(school_a)
    apprenticeship = recorded(student, school_a.ddfpt)
    token = employer_token(apprenticeship, school_a.ddfpt)
    url = reverse("apprenticeships:employer", kwargs={"token": token})
    Client().post(url, grid_post(student))
    client_for(school_a.ddfpt).post(reverse("apprenticeships:cosign", args=[apprenticeship.pk]))
    page = Client().get(url).content.decode()
    assert "Arrêtée conjointement" in page
    again = Client().post(url, grid_post(student, level=0))
    assert again.status_code == 400
    assert "figée" in again.content.decode()
    pdf = Client().get(reverse("apprenticeships:employer_evaluation", kwargs={"token": token}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
