"""The audit of downloads of a minor's documents, called by every view that sends one back.

A stored document (a convention, an avenant, a certificate, a grid, a contract or bilan, the
livret edition, a report, an evidence document) that concerns a student who is a minor on the
day of the download leaves one `MINOR_DOCUMENT_DOWNLOADED` row per such student: who (an
account, or the holder of a signature or tutor link), when, from which address, which document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.http import client_ip

Response = TypeVar("Response", bound=HttpResponseBase)


def audit_minor_download(
    request: HttpRequest,
    response: Response,
    *,
    students: Iterable[Any],
    document: models.Model,
    actor_label: str = "",
) -> Response:
    """Record the download of `document` for each of `students` who is a minor today, when the
    document is really sent (a 200); give `response` back unchanged."""
    if response.status_code != 200:
        return response
    today = timezone.localdate()
    user = getattr(request, "user", None)
    detail = {
        "document": f"{document._meta.verbose_name} n° {document.pk}",
        "type": document._meta.label_lower,
        "identifiant": str(document.pk),
    }
    for student in students:
        if not student.is_minor_on(today):
            continue
        record(
            AuditAction.MINOR_DOCUMENT_DOWNLOADED,
            actor=user,
            actor_label=actor_label,
            obj=student,
            establishment=student.cohort.establishment,
            ip=client_ip(request),
            changes=detail,
        )
    return response
