"""The edition of a cohort's livret attestations, run by the background task (or inline with the
immediate backend, same code).

The students are taken in name order by batches of `BATCH`: each batch costs the same few
queries (see `attestation.student_pages`) and is laid out by WeasyPrint at once, then the
progress counter is written so that the page can show it. The laid-out pages of every batch are
finally written as one PDF (WeasyPrint's own way of joining documents: fonts are embedded once).

Idempotent: only a queued job is run.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from milieu.livret.attestation import livret_reference, ordered_student_ids, student_pages
from milieu.livret.enums import LivretStatus
from milieu.livret.flow import move
from milieu.livret.models import LivretJob

logger = logging.getLogger(__name__)

BATCH = 10
"""Students laid out between two writes of the progress counter."""

TEMPLATE = "livret/pdf/attestations.html"

UNEXPECTED = (
    "Une erreur inattendue a interrompu la préparation du PDF. Réessayez ; si l’erreur persiste, "
    "prévenez l’assistance."
)


def no_livret_message(cohort: Any) -> str:
    return (
        f"Le règlement du diplôme « {cohort.diploma_title} » ne prévoit pas d’attestation de "
        "stage jointe au livret scolaire : il n’y a rien à éditer pour cette promotion."
    )


def run_livret(job_id: int) -> None:
    """Lay out every page of a queued job, then store the PDF and its SHA-256."""
    if not move(job_id, "take", done=0):
        return
    job = (
        LivretJob.objects.select_related("cohort", "cohort__establishment")
        .defer("content")
        .get(pk=job_id)
    )
    try:
        _build(job)
    except Exception:
        logger.exception("livret %s: the edition failed", job_id)
        fail_job(job_id, UNEXPECTED)


def _progress(job_id: int, **counters: Any) -> None:
    LivretJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **counters)


def requeue_job(job_id: int, now: datetime) -> None:
    """A build whose worker died goes back in the queue, from its first page
    (`milieu.health.recovery`)."""
    LivretJob.objects.filter(pk=job_id, status=LivretStatus.RUNNING).update(
        status=LivretStatus.QUEUED, done=0, updated_at=now
    )


def fail_job(job_id: int, message: str) -> None:
    """The build is given up, with a French message for the person who asked for it."""
    move(job_id, "fail", error_message=message, finished_at=timezone.now())


def render_document(context: dict[str, Any]) -> Any:
    """One batch of pages laid out by WeasyPrint (a `weasyprint.Document`)."""
    from weasyprint import HTML

    return HTML(string=render_to_string(TEMPLATE, context)).render()


def write_pdf(documents: list[Any]) -> tuple[bytes, int]:
    """The pages of every document, in order, as one PDF; and its number of pages."""
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf()), len(pages)


def _build(job: LivretJob) -> None:
    cohort = job.cohort
    reference = livret_reference(cohort.diploma)
    if reference is None:
        fail_job(job.pk, no_livret_message(cohort))
        return
    ids = ordered_student_ids(cohort)
    _progress(job.pk, total=len(ids))
    if not ids:
        fail_job(job.pk, "La promotion ne compte aucun élève : il n’y a rien à éditer.")
        return
    context = {
        "cohort": cohort,
        "school": cohort.establishment,
        "reference": reference,
        "issued_on": timezone.localdate(),
    }
    documents = []
    warnings: list[dict[str, str]] = []
    students = 0
    for index in range(0, len(ids), BATCH):
        pages = student_pages(ids[index : index + BATCH])
        if pages:  # every student of the batch may have left the cohort meanwhile
            documents.append(render_document({**context, "pages": pages}))
        for page in pages:
            warnings += page.warnings()
        students += len(pages)
        _progress(job.pk, done=min(index + BATCH, len(ids)))
    if not documents:
        fail_job(job.pk, "La promotion ne compte plus aucun élève : il n’y a rien à éditer.")
        return
    pdf, page_count = write_pdf(documents)
    if page_count != students:
        warnings.append(
            {
                "student": "",
                "kind": "pages",
                "message": (
                    f"Le PDF compte {page_count} pages pour {students} élèves : au moins une "
                    "attestation déborde sur une seconde page."
                ),
            }
        )
    move(
        job.pk,
        "finish",
        done=len(ids),
        content=pdf,
        sha256=LivretJob.digest(pdf),
        pages=page_count,
        warnings=warnings,
        finished_at=timezone.now(),
    )
