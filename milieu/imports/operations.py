"""Business operations on imports: start, confirm, abandon. Each checks the permission, changes
the job's state under a row lock, and hands the work to a background task."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from milieu.imports import tasks
from milieu.imports.enums import ImportKind, ImportMode, ImportStatus
from milieu.imports.models import ImportJob
from milieu.permissions import Action, require
from milieu.refusals import Refused
from milieu.storage import upload_name

if TYPE_CHECKING:
    from milieu.people.models import User

logger = logging.getLogger(__name__)


class ImportRefused(Refused):
    """The action is not possible on this import; the message says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _enqueue(name: str, job: ImportJob) -> None:
    """Hand the job to the task backend; if it cannot take it, the job says so."""
    try:
        getattr(tasks, name).enqueue(job.pk)
    except Exception:
        logger.exception("import %s: could not enqueue %s", job.pk, name)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            error_message=(
                "Le traitement en arrière-plan n’a pas pu être lancé ; rien n’a été enregistré. "
                "Réessayez dans quelques minutes."
            ),
            finished_at=timezone.now(),
        )


def start_import(
    *,
    establishment: Any,
    kind: str,
    file_name: str,
    data: bytes,
    by: User,
    cohort: Any = None,
) -> ImportJob:
    """Keep the uploaded file and queue its verification (phase 1)."""
    require(by, Action.ESTABLISHMENT_IMPORT, establishment)
    if kind == ImportKind.STUDENTS and (
        cohort is None or cohort.establishment_id != establishment.pk
    ):
        raise ImportRefused("Choisissez une promotion de l’établissement.")
    job = ImportJob.objects.create(
        establishment=establishment,
        cohort=cohort if kind == ImportKind.STUDENTS else None,
        kind=kind,
        file_name=upload_name(file_name)[:255],
        file_size=len(data),
        content=data,
        created_by=by,
    )
    _enqueue("validate_import", job)
    return job


def confirm_import(job: ImportJob, *, mode: str, by: User) -> ImportJob:
    """Confirm a verified import (phase 2). « Tout ou rien » is refused while rows are in error."""
    require(by, Action.ESTABLISHMENT_IMPORT, job.establishment)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.READY:
            raise ImportRefused(
                f"Action déjà effectuée ou impossible : cet import est « {locked.get_status_display()} »."
            )
        if mode not in ImportMode.values:
            raise ImportRefused("Choisissez comment traiter les lignes en erreur.")
        if mode == ImportMode.ALL_OR_NOTHING and locked.error_rows:
            raise ImportRefused(
                f"« Tout ou rien » est impossible : {locked.error_rows} ligne"
                f"{'s sont' if locked.error_rows > 1 else ' est'} en erreur. Corrigez le fichier et "
                "déposez-le de nouveau, ou choisissez d’importer seulement les lignes valides."
            )
        if not locked.valid_rows:
            raise ImportRefused("Aucune ligne n’est valide : il n’y a rien à importer.")
        locked.status = ImportStatus.APPLYING
        locked.mode = mode
        locked.confirmed_by = by
        locked.processed_rows = 0
        locked.notice = ""
        locked.save()
    _enqueue("apply_import", locked)
    return locked


def cancel_import(job: ImportJob, *, by: User) -> ImportJob:
    """Abandon a verified import: nothing is written and the file is erased."""
    require(by, Action.ESTABLISHMENT_IMPORT, job.establishment)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (ImportStatus.READY, ImportStatus.QUEUED):
            raise ImportRefused(
                f"Action déjà effectuée ou impossible : cet import est « {locked.get_status_display()} »."
            )
        locked.status = ImportStatus.CANCELLED
        locked.content = b""
        locked.finished_at = timezone.now()
        locked.save()
    return locked
