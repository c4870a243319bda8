"""The transmission to the exam service: one ZIP per establishment × diploma of a session, with
each candidate's certificates (and, for bts-metiers-de-la-mesure, the latest report and the
co-signed grid), a formula-safe manifest of what each has and lacks, streamed; who may download
it; the download recorded for minors."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.exams.models import ExamSession
from milieu.exams.operations import SessionData, save_exam_session
from milieu.factories import StudentFactory
from milieu.followup.models import Certificate, Evaluation, EvaluationStatus
from milieu.followup.operations import grid_of
from milieu.reports.models import ReportDeposit
from tests.exams.conftest import School, client_for
from tests.security.documents import pdf, signed_convention


def session_of(academie: Any, by: Any, diploma: str) -> ExamSession:
    return save_exam_session(
        academie, SessionData(diploma, 2028, date(2028, 5, 16), date(2028, 5, 5)), by=by
    )


def certify(convention: Any, label: str) -> Certificate:
    period = convention.periods.get()
    return Certificate.objects.create(
        period=period,
        start=period.start,
        end=period.end,
        scheduled_days=29,
        absence_days=0,
        presence_days=29,
        weeks=6,
        tutor_name="Claire Dubois",
        content=pdf(label),
    )


def download(user: Any, exam_session: ExamSession, establishment: Any) -> Any:
    url = reverse("exams:transmission_zip", args=[exam_session.pk, establishment.pk])
    return client_for(user).get(url)


def unzip(response: Any) -> tuple[dict[str, bytes], list[dict[str, str]]]:
    assert isinstance(response, StreamingHttpResponse)
    chunks = cast(Iterator[bytes], response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    entries = {name: archive.read(name) for name in archive.namelist()}
    text = entries["manifeste.csv"].decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    return entries, rows


def test_the_zip_holds_each_candidates_certificates_and_a_manifest_of_what_lacks(
    academie: Any, rectorat: Any, school_a: School, school_b: School
) -> None:
    exam_session = session_of(academie, rectorat, "bts-ciel")
    school_a.student.delete()
    done = StudentFactory.create(cohort=school_a.cohort, last_name="Complet", first_name="Ana")
    missing = StudentFactory.create(
        cohort=school_a.cohort, last_name="=HYPERLINK(1)", first_name="Bob"
    )
    nothing = StudentFactory.create(cohort=school_a.cohort, last_name="Sans", first_name="Cy")
    certify(signed_convention(school_a, done), "attestation-complet")
    signed_convention(school_a, missing)  # a signed period, no certificate yet
    StudentFactory.create(cohort=school_b.cohort, last_name="Autre")  # another school
    StudentFactory.create(cohort=school_a.other_cohort, last_name="Mesure")  # another diploma

    response = download(rectorat, exam_session, school_a.establishment)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        f"transmission-{school_a.establishment.uai}-bts-ciel-2028.zip"
        in response["Content-Disposition"]
    )
    entries, rows = unzip(response)
    folder = f"{done.ine}-complet-ana"
    assert set(entries) == {"manifeste.csv", f"{folder}/attestation-de-stage-1-2026-05-04.pdf"}
    assert entries[f"{folder}/attestation-de-stage-1-2026-05-04.pdf"] == pdf("attestation-complet")
    by_ine = {row["INE"]: row for row in rows}
    assert set(by_ine) == {done.ine, missing.ine, nothing.ine}
    assert by_ine[done.ine]["Pièces manquantes"] == "aucune"
    assert (
        by_ine[done.ine]["Pièces jointes"]
        == "Attestation de stage (période du 04/05/2026 au 12/06/2026)"
    )
    assert by_ine[missing.ine]["Pièces jointes"] == "aucune"
    assert "Attestation de stage (période du 04/05/2026" in by_ine[missing.ine]["Pièces manquantes"]
    assert by_ine[missing.ine]["Nom"] == "'=HYPERLINK(1)"  # formula-safe
    assert "aucune période de stage" in by_ine[nothing.ine]["Pièces manquantes"]
    assert {row["UAI"] for row in rows} == {school_a.establishment.uai}


def test_for_metiers_de_la_mesure_the_latest_report_and_the_cosigned_grid_are_joined(
    academie: Any, rectorat: Any, school_a: School
) -> None:
    exam_session = session_of(academie, rectorat, "bts-metiers-de-la-mesure")
    full = StudentFactory.create(cohort=school_a.other_cohort, last_name="Plein", first_name="Eva")
    bare = StudentFactory.create(cohort=school_a.other_cohort, last_name="Vide", first_name="Léo")
    convention = signed_convention(school_a, full)
    certify(convention, "attestation-mesure")
    Evaluation.objects.create(
        convention=convention,
        status=EvaluationStatus.COSIGNED,
        grid=grid_of(convention) or {},
        cosigned_by=school_a.head,
        cosigned_at=timezone.now(),
        content=pdf("grille"),
    )
    for version in (1, 2):
        kept = storage.store("reports", pdf(f"rapport-v{version}"), suffix="pdf")
        ReportDeposit.objects.create(
            student=full,
            version=version,
            original_name=f"rapport {version}.pdf",
            path=kept.path,
            size=len(pdf(f"rapport-v{version}")),
            sha256=kept.sha256,
            uploaded_by=full.user or school_a.head,
            analysis={},
        )

    entries, rows = unzip(download(school_a.ddfpt, exam_session, school_a.establishment))

    folder = f"{full.ine}-plein-eva"
    assert entries[f"{folder}/rapport-v2.pdf"] == pdf("rapport-v2")
    assert entries[f"{folder}/grille-evaluation-cosignee.pdf"] == pdf("grille")
    assert f"{folder}/rapport-v1.pdf" not in entries
    by_ine = {row["INE"]: row for row in rows}
    assert by_ine[full.ine]["Pièces manquantes"] == "aucune"
    assert "Rapport (version 2)" in by_ine[full.ine]["Pièces jointes"]
    assert "Rapport (non déposé)" in by_ine[bare.ine]["Pièces manquantes"]
    assert "Grille d'évaluation cosignée" in by_ine[bare.ine]["Pièces manquantes"]


def test_another_school_and_another_academie_get_a_404(
    academie: Any, rectorat: Any, other_rectorat: Any, school_a: School, school_b: School
) -> None:
    exam_session = session_of(academie, rectorat, "bts-ciel")
    assert download(school_b.head, exam_session, school_a.establishment).status_code == 404
    assert download(school_b.ddfpt, exam_session, school_a.establishment).status_code == 404
    assert download(other_rectorat, exam_session, school_a.establishment).status_code == 404
    page = reverse("exams:transmission", args=[exam_session.pk])
    assert client_for(other_rectorat).get(page).status_code == 404
    # the school's head and DDFPT, and the académie's rectorat, may; a teacher may not
    assert download(school_a.head, exam_session, school_a.establishment).status_code == 200
    assert download(school_a.ddfpt, exam_session, school_a.establishment).status_code == 200
    assert download(rectorat, exam_session, school_a.establishment).status_code == 200
    assert download(school_a.teacher, exam_session, school_a.establishment).status_code == 403
    assert download(school_a.student_user, exam_session, school_a.establishment).status_code == 404


def test_the_page_lists_only_the_establishments_the_user_may_download_for(
    academie: Any, rectorat: Any, school_a: School, school_b: School
) -> None:
    exam_session = session_of(academie, rectorat, "bts-ciel")
    page = reverse("exams:transmission", args=[exam_session.pk])
    zip_a = reverse("exams:transmission_zip", args=[exam_session.pk, school_a.establishment.pk])
    zip_b = reverse("exams:transmission_zip", args=[exam_session.pk, school_b.establishment.pk])

    seen_by_rectorat = client_for(rectorat).get(page).content.decode()
    seen_by_school = client_for(school_a.head).get(page).content.decode()

    assert zip_a in seen_by_rectorat and zip_b in seen_by_rectorat
    assert zip_a in seen_by_school and zip_b not in seen_by_school
    assert page in client_for(rectorat).get(reverse("exams:session_list")).content.decode()


def test_each_download_is_recorded_for_the_minor_candidates(
    academie: Any, rectorat: Any, school_a: School
) -> None:
    exam_session = session_of(academie, rectorat, "bts-ciel")
    school_a.student.delete()
    minor = StudentFactory.create(cohort=school_a.cohort, minor=True)
    StudentFactory.create(cohort=school_a.cohort, birth_date=date(2000, 1, 15))

    download(rectorat, exam_session, school_a.establishment)
    download(rectorat, exam_session, school_a.establishment)

    rows = AuditEntry.objects.filter(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED)
    assert rows.count() == 2
    assert {row.actor_id for row in rows} == {rectorat.pk}
    assert {row.object_id for row in rows} == {str(minor.pk)}


def bep_cohort(school: School, name: str) -> Any:
    from milieu.factories import CohortFactory

    return CohortFactory.create(
        establishment=school.establishment, name=name, diploma="bep-mpmi", session=2028
    )


def test_for_bep_the_cohorts_livret_edition_is_joined_once(
    academie: Any, rectorat: Any, school_a: School
) -> None:
    from milieu.livret.enums import LivretStatus
    from milieu.livret.models import LivretJob

    exam_session = session_of(academie, rectorat, "bep-mpmi")
    edited = bep_cohort(school_a, "BEP MPMI 1")
    not_edited = bep_cohort(school_a, "BEP MPMI 2")
    first, second = (StudentFactory.create(cohort=edited) for _ in range(2))
    alone = StudentFactory.create(cohort=not_edited)
    for label in ("ancienne", "derniere"):
        LivretJob.objects.create(
            cohort=edited,
            status=LivretStatus.DONE,
            total=2,
            done=2,
            content=pdf(f"livret-{label}"),
            sha256=LivretJob.digest(pdf(f"livret-{label}")),
            finished_at=timezone.now(),
        )
    latest = LivretJob.objects.filter(cohort=edited).order_by("-pk").first()
    assert latest is not None

    entries, rows = unzip(download(school_a.head, exam_session, school_a.establishment))

    livret = [name for name in entries if name.startswith("livret-scolaire/")]
    assert livret == [f"livret-scolaire/attestations-bep-mpmi-1-{latest.pk}.pdf"]
    assert entries[livret[0]] == pdf("livret-derniere")
    by_ine = {row["INE"]: row for row in rows}
    for student in (first, second):
        assert (
            "Attestation jointe au livret scolaire (édition du"
            in by_ine[student.ine]["Pièces jointes"]
        )
    assert (
        "Attestation jointe au livret scolaire (aucune édition"
        in by_ine[alone.ine]["Pièces manquantes"]
    )


def test_the_archive_is_written_while_sent_and_its_listing_reads_no_content(
    academie: Any,
    rectorat: Any,
    school_a: School,
    django_assert_max_num_queries: Any,
) -> None:
    from milieu.exams.transmission import candidate_files, manifest_text, zip_stream

    exam_session = session_of(academie, rectorat, "bts-ciel")
    for number in range(6):
        student = StudentFactory.create(cohort=school_a.cohort)
        certify(signed_convention(school_a, student), f"attestation-{number}")

    with django_assert_max_num_queries(6):  # a fixed number, whatever the candidates
        files = candidate_files(exam_session, school_a.establishment)
    chunks = zip_stream(manifest_text(exam_session, school_a.establishment, files), files)
    first = next(chunks)
    assert first.startswith(b"PK")  # the manifest is sent before any certificate is read
    rest = list(chunks)
    assert len(rest) > 6  # one piece at least per certificate
    archive = zipfile.ZipFile(io.BytesIO(first + b"".join(rest)))
    assert len(archive.namelist()) == 1 + 6


def test_the_school_finds_the_sessions_its_cohorts_sit_from_its_requests_page(
    academie: Any, rectorat: Any, other_rectorat: Any, school_a: School
) -> None:
    ciel = session_of(academie, rectorat, "bts-ciel")
    ccst = session_of(academie, rectorat, "bts-ccst")  # no cohort of school A sits it
    elsewhere = save_exam_session(
        other_rectorat.memberships.get().academie,
        SessionData("bts-ciel", 2028, date(2028, 5, 16), None),
        by=other_rectorat,
    )
    listing = reverse("exams:transmission_sessions")

    requests_page = client_for(school_a.ddfpt).get(reverse("exams:derogation_list"))
    assert listing in requests_page.content.decode()
    seen_by_school = client_for(school_a.ddfpt).get(listing).content.decode()
    seen_by_rectorat = client_for(rectorat).get(listing).content.decode()

    assert reverse("exams:transmission", args=[ciel.pk]) in seen_by_school
    assert reverse("exams:transmission", args=[ccst.pk]) not in seen_by_school
    assert reverse("exams:transmission", args=[elsewhere.pk]) not in seen_by_school
    assert reverse("exams:transmission", args=[ccst.pk]) in seen_by_rectorat
    assert reverse("exams:transmission", args=[elsewhere.pk]) not in seen_by_rectorat
    assert client_for(school_a.teacher).get(listing).status_code == 403
