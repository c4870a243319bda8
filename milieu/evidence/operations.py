"""Business operations on evidence documents: one function per transition.

The transitions are one table (`EVIDENCE_FLOW`, a `milieu.workflow.Workflow`): its `apply`
checks the permission, locks the row, writes an `EvidenceTransition` with the actor and refuses a
transition the table does not allow with a French message. A manager's deposit is accepted at
once (both steps logged); a deposit by the student or a teacher waits for a manager's review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.changes import verdict_inputs_changed
from milieu.evidence.enums import PDF_ONLY_KINDS, EvidenceKind, EvidenceStatus
from milieu.evidence.models import EvidenceDocument, EvidenceTransition
from milieu.evidence.pathways import evidence_pathway
from milieu.people.models import User
from milieu.permissions import Action, can, require
from milieu.refusals import Refused
from milieu.students.models import Student
from milieu.workflow import Transition, Workflow

STORAGE_CATEGORY = "evidence"
FILE_KINDS = ("pdf", "png", "jpeg")
REASON_MAX_LENGTH = 2000


class EvidenceRefused(Refused):
    """An operation refused, with a French message for the page."""


class EvidenceInvalid(EvidenceRefused):
    """A deposit whose fields are wrong: `errors` maps each field to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


S = EvidenceStatus

EVIDENCE_FLOW: Workflow[EvidenceDocument] = Workflow(
    model=EvidenceDocument,
    log=EvidenceTransition,
    subject="document",
    refused=EvidenceRefused,
    noun="cette pièce",
    transitions={
        "accept": Transition(
            {S.DEPOSITED}, S.ACCEPTED, Action.EVIDENCE_DOCUMENT_REVIEW, "Accepter"
        ),
        "refuse": Transition({S.DEPOSITED}, S.REFUSED, Action.EVIDENCE_DOCUMENT_REVIEW, "Refuser"),
        "withdraw": Transition({S.DEPOSITED}, S.WITHDRAWN, Action.EVIDENCE_WITHDRAW, "Retirer"),
    },
)


def work_certificate_errors(
    *,
    employer: str,
    start: date | None,
    end: date | None,
    full_time: bool | None,
    in_sector: bool | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with a work certificate's fields (empty when nothing is), by field."""
    errors: dict[str, str] = {}
    if not employer.strip():
        errors["employer"] = "Indiquez l'employeur qui a délivré le certificat."
    if start is None:
        errors["start"] = "Indiquez la date de début de l'emploi."
    if end is None:
        errors["end"] = "Indiquez la date de fin de l'emploi."
    if start is not None and end is not None and end < start:
        errors["end"] = "La fin de l'emploi attesté précède son début."
    elif end is not None and end > today:
        errors["end"] = (
            f"Un certificat de travail atteste un emploi passé : la fin ne peut pas être "
            f"postérieure à aujourd'hui ({today:%d/%m/%Y})."
        )
    if full_time is None:
        errors["full_time"] = "Indiquez si l'emploi était à temps plein ou à temps partiel."
    if in_sector is None:
        errors["in_sector"] = "Indiquez si l'emploi relevait du secteur du diplôme."
    return errors


# a document's permission, as its student's (`milieu.permissions.rules`)
STUDENT_PERMISSION = {
    Action.EVIDENCE_DOCUMENT_REVIEW: Action.EVIDENCE_REVIEW,
    Action.EVIDENCE_WITHDRAW: Action.EVIDENCE_DEPOSIT,
}


def actions_for(
    user: User, document: EvidenceDocument, granted: Mapping[Action, bool] | None = None
) -> list[str]:
    """The transitions the document's state allows and the user may take. `granted` may hold
    the answers of `can` for the document's student, asked once for a page of documents (a
    withdrawal is then the depositor's, as `Action.EVIDENCE_WITHDRAW` says)."""
    names = []
    for name in EVIDENCE_FLOW.allowed(document):
        permission = EVIDENCE_FLOW[name].permission
        assert permission is not None  # `allowed` offers only the transitions a person takes
        on_student = STUDENT_PERMISSION[permission]
        if granted is not None and on_student in granted:
            depositor = document.deposited_by_id == user.pk
            allowed = granted[on_student] and (permission != Action.EVIDENCE_WITHDRAW or depositor)
        else:
            allowed = can(user, permission, document)
        if allowed:
            names.append(name)
    return names


def _safe_name(name: str) -> str:
    """The deposited file's own name, for display: no folders, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "document"


def _log_deposit(document: EvidenceDocument, by: User, comment: str, ip: str | None) -> None:
    """The deposit itself: the document is born « déposée » (no transition leads there)."""
    EVIDENCE_FLOW.created(document, by=by, comment=comment, ip=ip)


def deposit_evidence(
    student: Student,
    *,
    by: User,
    kind: str,
    upload: Any,
    employer: str = "",
    start: date | None = None,
    end: date | None = None,
    full_time: bool | None = None,
    in_sector: bool | None = None,
    comment: str = "",
    ip: str | None = None,
) -> EvidenceDocument:
    """Deposit a document for `student`; a manager's deposit is accepted at once.

    The file is refused (`storage.UploadRefused`, nothing stored) unless its bytes are a PDF,
    PNG or JPEG within the size limit. The kinds the student may deposit follow their pathway's
    mode in the catalogue.
    """
    require(by, Action.EVIDENCE_DEPOSIT, student)
    pathway = evidence_pathway(student)
    if kind not in pathway.kinds:
        if not pathway.kinds:
            raise EvidenceRefused(
                "Cette voie de formation ne remplace pas l'attestation de stage par une pièce "
                "justificative : aucun dépôt n'est nécessaire."
            )
        expected = " ou ".join(f"« {EvidenceKind(k).label} »" for k in pathway.kinds)
        raise EvidenceRefused(f"Pour la voie de cet élève, la pièce attendue est : {expected}.")
    if kind == EvidenceKind.WORK_CERTIFICATE:
        errors = work_certificate_errors(
            employer=employer,
            start=start,
            end=end,
            full_time=full_time,
            in_sector=in_sector,
            today=timezone.localdate(),
        )
        if errors:
            raise EvidenceInvalid(errors)
    else:
        start = end = full_time = in_sector = None
    content, file_kind = storage.read_upload(
        upload, kinds=("pdf",) if kind in PDF_ONLY_KINDS else FILE_KINDS
    )
    sha256 = hashlib.sha256(content).hexdigest()
    reviewer = can(by, Action.EVIDENCE_REVIEW, student)
    stored: storage.StoredFile | None = None
    try:
        with transaction.atomic():
            Student.objects.select_for_update().filter(pk=student.pk).first()
            duplicate = (
                EvidenceDocument.objects.filter(student=student, file_sha256=sha256)
                .exclude(status__in=[EvidenceStatus.REFUSED, EvidenceStatus.WITHDRAWN])
                .exists()
            )
            if duplicate:
                raise EvidenceRefused("Ce fichier est déjà déposé pour cet élève.")
            stored = storage.store(STORAGE_CATEGORY, content, suffix=file_kind)
            document = EvidenceDocument.objects.create(
                student=student,
                kind=kind,
                status=EvidenceStatus.DEPOSITED,
                file_path=stored.path,
                file_size=stored.size,
                file_sha256=stored.sha256,
                file_kind=file_kind,
                original_name=_safe_name(str(getattr(upload, "name", "") or "")),
                employer=employer.strip()[:200],
                start=start,
                end=end,
                full_time=full_time,
                in_sector=in_sector,
                deposited_by=by,
            )
            _log_deposit(document, by, comment.strip(), ip)
            if reviewer:
                EVIDENCE_FLOW.apply(
                    document,
                    "accept",
                    by=by,
                    ip=ip,
                    comment="Déposée par la direction : acceptée d'office.",
                )
    except BaseException:
        if stored is not None:
            storage.delete(stored.path)
        raise
    return document


def _mail_refusal(document: EvidenceDocument, reason: str) -> None:
    """Tell the student (and the depositor, if someone else) why (called once the refusal is
    committed)."""
    student = document.student
    recipients: list[str] = []
    for address in (
        student.user.email if student.user is not None else "",
        student.email,
        document.deposited_by.email if document.deposited_by_id != student.user_id else "",
    ):
        if address and address not in recipients:
            recipients.append(str(address))
    if not recipients:
        return
    url = settings.SITE_URL + reverse("evidence:student", kwargs={"student_pk": student.pk})
    body = (
        f"Bonjour,\n\nLa pièce « {document.get_kind_display()} » déposée le "
        f"{timezone.localtime(document.deposited_at):%d/%m/%Y} pour {student.full_name} "
        f"a été refusée par l'établissement.\n\nMotif : {reason}\n\n"
        f"Vous pouvez déposer une nouvelle pièce sur cette page :\n{url}\n"
    )
    subject = f"Pièce justificative refusée — {student.full_name}"
    send_mail(subject, body, None, recipients)


def _counts_in_the_verdict(document: EvidenceDocument) -> None:
    verdict_inputs_changed(document.student_id)  # only accepted pieces count


def accept_evidence(
    document: EvidenceDocument, *, by: User, comment: str = "", ip: str | None = None
) -> EvidenceDocument:
    """A manager (head, DDFPT, secretariat) accepts the document: it now counts in the dossier."""
    return EVIDENCE_FLOW.apply(
        document, "accept", by=by, ip=ip, comment=comment.strip(), effect=_counts_in_the_verdict
    )


def refuse_evidence(
    document: EvidenceDocument, *, by: User, reason: str, ip: str | None = None
) -> EvidenceDocument:
    """A manager refuses the document; the reason is mandatory and e-mailed to the student."""
    reason = reason.strip()
    if not reason:
        raise EvidenceRefused("Indiquez le motif du refus : l'élève le verra.")
    if len(reason) > REASON_MAX_LENGTH:
        raise EvidenceRefused(f"Le motif du refus compte au plus {REASON_MAX_LENGTH} caractères.")
    return EVIDENCE_FLOW.apply(
        document,
        "refuse",
        by=by,
        ip=ip,
        comment=reason,
        after_commit=[lambda: _mail_refusal(document, reason)],
    )


def withdraw_evidence(
    document: EvidenceDocument, *, by: User, comment: str = "", ip: str | None = None
) -> EvidenceDocument:
    """The depositor withdraws a document still waiting for review."""
    return EVIDENCE_FLOW.apply(document, "withdraw", by=by, ip=ip, comment=comment.strip())
