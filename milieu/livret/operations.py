"""Business operation on the livret attestations: start an edition for a cohort.

It checks the permission (`livret.export` on the cohort), that the diploma's regulation asks for
the attestation (the catalogue says so), that the cohort has students and that no edition of
the cohort is already under way, then hands the work to the background task.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from milieu.establishments.models import Cohort
from milieu.livret import tasks
from milieu.livret.attestation import livret_reference
from milieu.livret.enums import RUNNING_STATUSES
from milieu.livret.flow import LIVRET_FLOW, move
from milieu.livret.models import LivretJob
from milieu.livret.processing import no_livret_message
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.refusals import Refused

logger = logging.getLogger(__name__)

STALLED_AFTER = timedelta(minutes=10)
"""A job whose counters have not moved for this long is taken as interrupted (worker stopped)."""


class LivretRefused(Refused):
    """The edition is not possible now; the message says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_stalled(job: LivretJob, *, now: datetime | None = None) -> bool:
    return job.is_running and (now or timezone.now()) - job.updated_at > STALLED_AFTER


def start_livret(cohort: Cohort, *, by: User) -> LivretJob:
    """Queue the edition of the cohort's attestations (one PDF, one page per student)."""
    require(by, Action.LIVRET_EXPORT, cohort)
    if livret_reference(cohort.diploma) is None:
        raise LivretRefused(no_livret_message(cohort))
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # one start at a time
        total = cohort.students.count()
        if not total:
            raise LivretRefused("La promotion ne compte aucun élève : il n’y a rien à éditer.")
        now = timezone.now()
        for running in LivretJob.objects.filter(cohort=cohort, status__in=RUNNING_STATUSES).defer(
            "content"
        ):
            if not is_stalled(running, now=now):
                raise LivretRefused(
                    "Une édition des attestations de cette promotion est déjà en cours : "
                    "attendez qu’elle se termine."
                )
            move(
                running.pk,
                "fail",
                error_message="Édition interrompue (le traitement ne progressait plus), "
                "remplacée par une nouvelle demande.",
                finished_at=now,
            )
        job = LivretJob.objects.create(cohort=cohort, requested_by=by, total=total)
        LIVRET_FLOW.created(job, by=by)
    _enqueue(job)
    return LivretJob.objects.defer("content").get(pk=job.pk)


def _enqueue(job: LivretJob) -> None:
    """Hand the job to the task backend; if it cannot take it, the job says so."""
    try:
        tasks.build_livret.enqueue(job.pk)
    except Exception:
        logger.exception("livret %s: could not enqueue the edition", job.pk)
        move(
            job.pk,
            "fail",
            error_message=(
                "Le traitement en arrière-plan n’a pas pu être lancé. "
                "Réessayez dans quelques minutes."
            ),
            finished_at=timezone.now(),
        )
