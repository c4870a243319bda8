"""The derogation requests: a school's draft with its supporting PDFs, then one table of
transitions (`DEROGATION_FLOW`, applied by `milieu.workflow.Workflow`: permission, lock, log row
with actor, time, address and comment, e-mails on commit): submitted to the rectorat, withdrawn,
granted (the recteur's decision issued as a PDF) or refused with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu import storage
from milieu.changes import verdict_inputs_changed
from milieu.exams.enums import DerogationKind, DerogationStatus
from milieu.exams.models import DerogationAttachment, DerogationRequest, DerogationTransition
from milieu.exams.operations.decision import issue_decision
from milieu.exams.operations.mails import mail_decided, mail_submitted
from milieu.exams.operations.refusals import ExamsInvalid, ExamsRefused
from milieu.exams.options import derogation_options, request_errors
from milieu.exams.uploads import STORAGE_CATEGORY, clean_file_name, read_attachment
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.workflow import Transition, Workflow

COMMENT_MAX_LENGTH = 2000
JUSTIFICATION_MAX_LENGTH = 5000
MAX_ATTACHMENTS = 10

_S = DerogationStatus


def _impossible(request: DerogationRequest, name: str) -> str:
    """The state is said in the request's words (« cette demande est « brouillon » »)."""
    return (
        "Action déjà effectuée ou impossible : cette demande est "
        f"« {request.get_status_display().lower()} »."
    )


DEROGATION_FLOW: Workflow[DerogationRequest] = Workflow(
    model=DerogationRequest,
    log=DerogationTransition,
    subject="request",
    refused=ExamsRefused,
    noun="cette demande",
    impossible=_impossible,
    transitions={
        "submit": Transition(
            {_S.DRAFT}, _S.SUBMITTED, Action.DEROGATION_CHANGE, "Transmettre au rectorat"
        ),
        "withdraw": Transition(
            {_S.DRAFT, _S.SUBMITTED}, _S.WITHDRAWN, Action.DEROGATION_CHANGE, "Retirer"
        ),
        "grant": Transition({_S.SUBMITTED}, _S.GRANTED, Action.DEROGATION_DECIDE, "Accorder"),
        "refuse": Transition({_S.SUBMITTED}, _S.REFUSED, Action.DEROGATION_DECIDE, "Refuser"),
    },
)


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
    request: DerogationRequest, previous: str, target: str, by: User, ip: str | None, comment: str
) -> None:
    DerogationTransition.objects.create(
        request=request, from_status=previous, to_status=target, actor=by, ip=ip, comment=comment
    )


def _store_attachments(
    request: DerogationRequest, contents: list[tuple[str, bytes]], by: User, stored: list[str]
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
    by: User,
    uploads: Iterable[Any] = (),
    ip: str | None = None,
    refuse_duplicate: bool = False,
) -> DerogationRequest:
    """A draft request for `student`, with its supporting PDFs (hostile files refused).
    `refuse_duplicate` (the form's double submission): refused when an open request of the
    student already says the same."""
    require(by, Action.DEROGATION_REQUEST, student)
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
    by: User,
    uploads: Iterable[Any] = (),
    ip: str | None = None,
) -> DerogationRequest:
    """Change a draft (and add supporting PDFs); a submitted request no longer changes."""
    require(by, Action.DEROGATION_CHANGE, request)
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
    return DEROGATION_FLOW.allowed(request)


def _transition(
    request: DerogationRequest, name: str, *, by: User, ip: str | None, comment: str
) -> DerogationRequest:
    permission = DEROGATION_FLOW[name].permission
    assert permission is not None  # every transition of the table is a person's
    require(by, permission, request)
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ExamsRefused(f"Le commentaire compte au plus {COMMENT_MAX_LENGTH} caractères.")

    now = timezone.now()

    def effect(locked: DerogationRequest) -> None:
        if name == "submit":
            mail_submitted(locked)
        if name == "grant":
            issue_decision(locked, by)
            verdict_inputs_changed(locked.student_id)
        if name in ("grant", "refuse"):
            mail_decided(locked)

    # what the new state comes with, saved with its status (the decision's author and date:
    # check constraint `derogation_decided_fields`)
    fields: dict[str, Any] = {}
    if name == "submit":
        fields = {"submitted_at": now}
    elif name in ("grant", "refuse"):
        fields = {"decided_by": by, "decided_at": now, "decision_comment": comment}
    return DEROGATION_FLOW.apply(
        request, name, by=by, ip=ip, comment=comment, effect=effect, fields=fields
    )


def submit_request(
    request: DerogationRequest, *, by: User, ip: str | None = None, comment: str = ""
) -> DerogationRequest:
    """The school sends the draft to the rectorat; the recteur's delegates are told."""
    return _transition(request, "submit", by=by, ip=ip, comment=comment.strip())


def withdraw_request(
    request: DerogationRequest, *, by: User, ip: str | None = None, comment: str = ""
) -> DerogationRequest:
    """The school withdraws a draft or a request not decided yet."""
    return _transition(request, "withdraw", by=by, ip=ip, comment=comment.strip())


def grant_request(
    request: DerogationRequest, *, by: User, ip: str | None = None, comment: str = ""
) -> DerogationRequest:
    """The recteur's delegate grants: the decision's PDF is issued now, once, and the request
    enters the candidate's dossier as a derogation decided by the recteur."""
    return _transition(request, "grant", by=by, ip=ip, comment=comment.strip())


def refuse_request(
    request: DerogationRequest, *, by: User, reason: str, ip: str | None = None
) -> DerogationRequest:
    """The recteur's delegate refuses; the reason is mandatory and sent to the school."""
    reason = reason.strip()
    if not reason:
        raise ExamsRefused("Indiquez le motif du refus : l'établissement le recevra.")
    return _transition(request, "refuse", by=by, ip=ip, comment=reason)
