"""Business operations of the exam side: one function per change of state.

Each is atomic, checks the permission through `milieu.permissions`, locks the row it changes,
writes its log row (`ExamSessionChange`, `DerogationTransition`: actor, time, address, comment)
and sends its e-mails once the transaction is committed. A transition the table does not allow
is refused with a French message (`ExamsRefused`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.audit.journal import diff, snapshot
from milieu.changes import verdict_inputs_changed
from milieu.conventions.documents import render_pdf
from milieu.exams.enums import DerogationKind, DerogationReason, DerogationStatus
from milieu.exams.models import (
    DerogationAttachment,
    DerogationDecision,
    DerogationRequest,
    DerogationTransition,
    ExamSession,
    ExamSessionChange,
)
from milieu.exams.options import derogation_options, request_errors
from milieu.exams.uploads import STORAGE_CATEGORY, clean_file_name, read_attachment
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.permissions import require
from milieu.refusals import Refused
from milieu.rules import get_catalogue

COMMENT_MAX_LENGTH = 2000
JUSTIFICATION_MAX_LENGTH = 5000
MAX_ATTACHMENTS = 10

_S = DerogationStatus
# transition -> (states it may start from, state it leads to, permission on the request)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({_S.DRAFT}), _S.SUBMITTED, "derogation.change"),
    "withdraw": (frozenset({_S.DRAFT, _S.SUBMITTED}), _S.WITHDRAWN, "derogation.change"),
    "grant": (frozenset({_S.SUBMITTED}), _S.GRANTED, "derogation.decide"),
    "refuse": (frozenset({_S.SUBMITTED}), _S.REFUSED, "derogation.decide"),
}


class ExamsRefused(Refused):
    """An operation refused, with a French message for the page."""


class ExamsInvalid(ExamsRefused):
    """Fields that are wrong: `errors` maps each field to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


# --- exam sessions ---------------------------------------------------------------------------

SESSION_FIELDS = (
    "diploma",
    "session",
    "exam_date",
    "report_deadline",
    "transmission",
    "pilot_academie",
)


@dataclass(frozen=True)
class SessionData:
    diploma: str
    session: int
    exam_date: date
    report_deadline: date | None = None
    transmission: str = ""
    pilot_academie: str = ""


def session_errors(data: SessionData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if get_catalogue().get(data.diploma) is None:
        errors["diploma"] = f"« {data.diploma} » n'est pas un diplôme du catalogue."
    if data.exam_date.year != data.session:
        errors["exam_date"] = (
            f"La date de l'examen de la session {data.session} tombe en {data.session}."
        )
    if data.report_deadline is not None and data.report_deadline > data.exam_date:
        errors["report_deadline"] = (
            "La date limite de remise du rapport ou du dossier doit précéder l'examen "
            f"({data.exam_date:%d/%m/%Y})."
        )
    elif data.report_deadline is not None and data.report_deadline.year < data.session - 1:
        errors["report_deadline"] = (
            "La date limite de remise du rapport ou du dossier tombe dans l'année de la session "
            f"{data.session} ou la précédente."
        )
    return errors


def save_exam_session(
    academie: Any,
    data: SessionData,
    *,
    by: Any,
    instance: ExamSession | None = None,
    ip: str | None = None,
) -> ExamSession:
    """Create the session of `academie` (or change `instance`); the change is logged."""
    require(by, "exam_session.manage", academie)
    if instance is not None and instance.academie_id != academie.pk:
        raise ExamsRefused("Cette session appartient à une autre académie.")
    errors = session_errors(data)
    if errors:
        raise ExamsInvalid(errors)
    try:
        with transaction.atomic():
            if instance is None:
                exam_session = ExamSession(academie=academie)
                before: dict[str, Any] = {}
            else:
                exam_session = ExamSession.objects.select_for_update().get(pk=instance.pk)
                before = snapshot(exam_session, SESSION_FIELDS)
            for name in SESSION_FIELDS:
                setattr(exam_session, name, getattr(data, name))
            exam_session.transmission = data.transmission.strip()
            exam_session.pilot_academie = data.pilot_academie.strip()
            exam_session.updated_by = by
            changes = diff(before, snapshot(exam_session, SESSION_FIELDS))
            if instance is not None and not changes:
                return exam_session
            exam_session.save()
            ExamSessionChange.objects.create(
                exam_session=exam_session, actor=by, ip=ip, changes=changes
            )
    except IntegrityError as clash:
        raise ExamsInvalid(
            {"session": "Cette session existe déjà pour ce diplôme dans l'académie."}
        ) from clash
    return exam_session


def session_for(student: Any) -> ExamSession | None:
    """The exam session the student's cohort sits, in its académie (one query)."""
    cohort = student.cohort
    return ExamSession.objects.filter(
        academie_id=cohort.establishment.academie_id,
        diploma=cohort.diploma,
        session=cohort.session,
    ).first()


# --- derogation requests ---------------------------------------------------------------------


@dataclass(frozen=True)
class RequestData:
    kind: str
    reason: str
    justification: str
    weeks: Decimal | None = None
    units: tuple[str, ...] = ()


def _validated(student: Any, data: RequestData) -> RequestData:
    errors = request_errors(
        derogation_options(student),
        kind=data.kind,
        reason=data.reason,
        weeks=data.weeks if data.kind == DerogationKind.REDUCTION else None,
        units=list(data.units) if data.kind == DerogationKind.DISPENSE else [],
    )
    justification = data.justification.strip()
    if not justification:
        errors["justification"] = (
            "Exposez la situation du candidat : le recteur décide sur cette justification."
        )
    elif len(justification) > JUSTIFICATION_MAX_LENGTH:
        errors["justification"] = (
            f"La justification compte au plus {JUSTIFICATION_MAX_LENGTH} caractères."
        )
    if errors:
        raise ExamsInvalid(errors)
    return RequestData(
        kind=data.kind,
        reason=data.reason,
        justification=justification,
        weeks=data.weeks if data.kind == DerogationKind.REDUCTION else None,
        units=tuple(data.units) if data.kind == DerogationKind.DISPENSE else (),
    )


def _log(
    request: DerogationRequest, previous: str, target: str, by: Any, ip: str | None, comment: str
) -> None:
    DerogationTransition.objects.create(
        request=request, from_status=previous, to_status=target, actor=by, ip=ip, comment=comment
    )


def _store_attachments(
    request: DerogationRequest, contents: list[tuple[str, bytes]], by: Any, stored: list[str]
) -> None:
    for name, content in contents:
        kept = storage.store(STORAGE_CATEGORY, content, suffix="pdf")
        stored.append(kept.path)
        DerogationAttachment.objects.create(
            request=request,
            path=kept.path,
            size=kept.size,
            sha256=kept.sha256,
            original_name=name,
            uploaded_by=by,
        )


def _read_uploads(uploads: Iterable[Any]) -> list[tuple[str, bytes]]:
    """Every upload read and checked before anything is stored (`AttachmentRefused`)."""
    return [
        (clean_file_name(str(getattr(u, "name", "") or "")), read_attachment(u)) for u in uploads
    ]


def _remove(paths: list[str]) -> None:
    for path in paths:
        storage.delete(path)


def create_request(
    student: Any,
    data: RequestData,
    *,
    by: Any,
    uploads: Iterable[Any] = (),
    ip: str | None = None,
    refuse_duplicate: bool = False,
) -> DerogationRequest:
    """A draft request for `student`, with its supporting PDFs (hostile files refused).
    `refuse_duplicate` (the form's double submission): refused when an open request of the
    student already says the same."""
    require(by, "derogation.request", student)
    clean = _validated(student, data)
    contents = _read_uploads(uploads)
    if len(contents) > MAX_ATTACHMENTS:
        raise ExamsInvalid({"attachments": f"Au plus {MAX_ATTACHMENTS} pièces par demande."})
    stored: list[str] = []
    try:
        with transaction.atomic():
            type(student).objects.select_for_update().filter(pk=student.pk).first()
            if (
                refuse_duplicate
                and DerogationRequest.objects.filter(
                    student=student,
                    status__in=[_S.DRAFT, _S.SUBMITTED],
                    kind=clean.kind,
                    reason=clean.reason,
                    weeks=clean.weeks,
                    justification=clean.justification,
                ).exists()
            ):
                raise ExamsRefused(
                    "Cette demande est déjà enregistrée pour ce candidat : ouvrez-la plutôt que "
                    "d'en créer une seconde."
                )
            request = DerogationRequest.objects.create(
                student=student,
                kind=clean.kind,
                reason=clean.reason,
                weeks=clean.weeks,
                units=list(clean.units),
                justification=clean.justification,
                created_by=by,
            )
            _store_attachments(request, contents, by, stored)
            _log(request, "", _S.DRAFT, by, ip, "")
    except BaseException:
        _remove(stored)
        raise
    return request


def update_request(
    request: DerogationRequest,
    data: RequestData,
    *,
    by: Any,
    uploads: Iterable[Any] = (),
    ip: str | None = None,
) -> DerogationRequest:
    """Change a draft (and add supporting PDFs); a submitted request no longer changes."""
    require(by, "derogation.change", request)
    clean = _validated(request.student, data)
    contents = _read_uploads(uploads)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = DerogationRequest.objects.select_for_update().get(pk=request.pk)
            if locked.status != _S.DRAFT:
                raise ExamsRefused(
                    "Seul un brouillon se modifie : cette demande est "
                    f"« {locked.get_status_display().lower()} »."
                )
            if locked.attachments.count() + len(contents) > MAX_ATTACHMENTS:
                raise ExamsInvalid(
                    {"attachments": f"Au plus {MAX_ATTACHMENTS} pièces par demande."}
                )
            locked.kind = clean.kind
            locked.reason = clean.reason
            locked.weeks = clean.weeks
            locked.units = list(clean.units)
            locked.justification = clean.justification
            locked.save(update_fields=["kind", "reason", "weeks", "units", "justification"])
            _store_attachments(locked, contents, by, stored)
    except BaseException:
        _remove(stored)
        raise
    return locked


def allowed_transitions(request: DerogationRequest) -> list[str]:
    return [name for name, (sources, _, _) in TRANSITIONS.items() if request.status in sources]


def _transition(
    request: DerogationRequest, name: str, *, by: Any, ip: str | None, comment: str
) -> DerogationRequest:
    sources, target, permission = TRANSITIONS[name]
    require(by, permission, request)
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ExamsRefused(f"Le commentaire compte au plus {COMMENT_MAX_LENGTH} caractères.")
    with transaction.atomic():
        locked = (
            DerogationRequest.objects.select_for_update()
            .select_related("student__cohort__establishment__academie", "created_by")
            .get(pk=request.pk)
        )
        if locked.status not in sources:
            raise ExamsRefused(
                "Action déjà effectuée ou impossible : cette demande est "
                f"« {locked.get_status_display().lower()} »."
            )
        previous = locked.status
        now = timezone.now()
        locked.status = target
        fields = ["status"]
        if name == "submit":
            locked.submitted_at = now
            fields.append("submitted_at")
        if name in ("grant", "refuse"):
            locked.decided_by = by
            locked.decided_at = now
            locked.decision_comment = comment
            fields += ["decided_by", "decided_at", "decision_comment"]
        locked.save(update_fields=fields)
        _log(locked, previous, target, by, ip, comment)
        if name == "grant":
            _issue_decision(locked, by)
            verdict_inputs_changed(locked.student_id)
        if name == "submit":
            _mail_submitted(locked)
        if name in ("grant", "refuse"):
            _mail_decided(locked)
    return locked


def submit_request(
    request: DerogationRequest, *, by: Any, ip: str | None = None, comment: str = ""
) -> DerogationRequest:
    """The school sends the draft to the rectorat; the recteur's delegates are told."""
    return _transition(request, "submit", by=by, ip=ip, comment=comment.strip())


def withdraw_request(
    request: DerogationRequest, *, by: Any, ip: str | None = None, comment: str = ""
) -> DerogationRequest:
    """The school withdraws a draft or a request not decided yet."""
    return _transition(request, "withdraw", by=by, ip=ip, comment=comment.strip())


def grant_request(
    request: DerogationRequest, *, by: Any, ip: str | None = None, comment: str = ""
) -> DerogationRequest:
    """The recteur's delegate grants: the decision's PDF is issued now, once, and the request
    enters the candidate's dossier as a derogation decided by the recteur."""
    return _transition(request, "grant", by=by, ip=ip, comment=comment.strip())


def refuse_request(
    request: DerogationRequest, *, by: Any, reason: str, ip: str | None = None
) -> DerogationRequest:
    """The recteur's delegate refuses; the reason is mandatory and sent to the school."""
    reason = reason.strip()
    if not reason:
        raise ExamsRefused("Indiquez le motif du refus : l'établissement le recevra.")
    return _transition(request, "refuse", by=by, ip=ip, comment=reason)


# --- the decision ----------------------------------------------------------------------------


def decision_context(request: DerogationRequest, by: Any) -> dict[str, Any]:
    """What the decision says, frozen at the moment it is granted."""
    student = request.student
    cohort = student.cohort
    school = cohort.establishment
    options = derogation_options(student)
    option = options.kinds.get(request.kind)
    diploma = options.diploma
    return {
        "request": request,
        "student": student,
        "cohort": cohort,
        "school": school,
        "academie": school.academie,
        "diploma_title": diploma.title if diploma else cohort.diploma,
        "rule": option.rule if option else None,
        "source": options.cite(option.rule) if option else "",
        "decided_on": timezone.localdate(),
        "delegate": by.get_full_name() or by.email,
        "halved": bool(
            request.kind == DerogationKind.DISPENSE
            and options.units
            and set(request.units) != set(options.units)
        ),
        "reason_label": DerogationReason(request.reason).label,
    }


def _issue_decision(request: DerogationRequest, by: Any) -> DerogationDecision:
    if DerogationDecision.objects.filter(request=request).exists():
        raise ExamsRefused("La décision de cette demande est déjà délivrée.")
    pdf = render_pdf("exams/pdf/decision.html", decision_context(request, by))
    return DerogationDecision.objects.create(request=request, content=pdf)


# --- e-mails ---------------------------------------------------------------------------------


def _url(name: str, **kwargs: Any) -> str:
    return str(settings.SITE_URL) + reverse(name, kwargs=kwargs)


def _mail_submitted(request: DerogationRequest) -> None:
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


def _mail_decided(request: DerogationRequest) -> None:
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
