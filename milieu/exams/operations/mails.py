"""The e-mails of the derogation requests, sent once the transaction is committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from milieu.exams.enums import DerogationStatus
from milieu.exams.models import DerogationRequest
from milieu.people.enums import Role
from milieu.people.models import User

_S = DerogationStatus


def _url(name: str, **kwargs: Any) -> str:
    return str(settings.SITE_URL) + reverse(name, kwargs=kwargs)


def mail_submitted(request: DerogationRequest) -> None:
    """Tell the recteur's delegates of the académie that a request waits for them."""
    academie_id = request.student.cohort.establishment.academie_id
    recipients = sorted(
        set(
            User.objects.filter(
                memberships__role=Role.RECTEUR_DELEGATE,
                memberships__academie_id=academie_id,
                is_active=True,
            ).values_list("email", flat=True)
        )
    )
    if not recipients:
        return
    student = request.student
    subject = f"Demande de dérogation à décider — {student.full_name}"
    body = (
        f"Bonjour,\n\n{student.cohort.establishment.name} demande une "
        f"« {request.get_kind_display().lower()} » pour {student.full_name} "
        f"({student.cohort.name}, session {student.cohort.session}).\n\n"
        f"La demande et ses pièces :\n{_url('exams:derogation_detail', pk=request.pk)}\n\n"
        f"Les demandes en attente :\n{_url('exams:derogation_queue')}\n"
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def mail_decided(request: DerogationRequest) -> None:
    """Tell the requester (and whoever submitted, if someone else) of the decision."""
    submitter = (
        request.transitions.filter(to_status=_S.SUBMITTED)
        .select_related("actor")
        .order_by("-at")
        .first()
    )
    recipients: list[str] = []
    for user in (request.created_by, submitter.actor if submitter else None):
        if user is not None and user.email and user.email not in recipients:
            recipients.append(str(user.email))
    if not recipients:
        return
    student = request.student
    decided = "accordée" if request.status == _S.GRANTED else "refusée"
    subject = f"Demande de dérogation {decided} — {student.full_name}"
    body = (
        f"Bonjour,\n\nLa demande de « {request.get_kind_display().lower()} » pour "
        f"{student.full_name} ({student.cohort.name}) est {decided} par le recteur.\n"
    )
    if request.decision_comment:
        label = "Motif" if request.status == _S.REFUSED else "Observation"
        body += f"\n{label} : {request.decision_comment}\n"
    if request.status == _S.GRANTED:
        body += "\nLa décision du recteur est jointe à la demande (PDF) :\n"
    body += f"{_url('exams:derogation_detail', pk=request.pk)}\n"
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
