"""Business operations on evidence documents: one function per transition.

Each is atomic, checks the permission through `milieu.permissions`, locks the row, writes an
`EvidenceTransition` with the actor, and refuses a transition the table does not allow with a
French message. A manager's deposit is accepted at once (both steps logged); a deposit by the
student or a teacher waits for a manager's review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.changes import verdict_inputs_changed
from milieu.evidence.enums import PDF_ONLY_KINDS, EvidenceKind, EvidenceStatus
from milieu.evidence.models import EvidenceDocument, EvidenceTransition
from milieu.evidence.pathways import evidence_pathway
from milieu.permissions import can, require
from milieu.refusals import Refused
from milieu.students.models import Student

STORAGE_CATEGORY = "evidence"
FILE_KINDS = ("pdf", "png", "jpeg")
REASON_MAX_LENGTH = 2000

# transition -> (states it may start from, state it leads to, permission on the student)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "accept": (
        frozenset({EvidenceStatus.DEPOSITED}),
        EvidenceStatus.ACCEPTED,
        "evidence.review",
    ),
    "refuse": (
        frozenset({EvidenceStatus.DEPOSITED}),
        EvidenceStatus.REFUSED,
        "evidence.review",
    ),
    "withdraw": (
        frozenset({EvidenceStatus.DEPOSITED}),
        EvidenceStatus.WITHDRAWN,
        "evidence.deposit",
    ),
}


class EvidenceRefused(Refused):
    """An operation refused, with a French message for the page."""


class EvidenceInvalid(EvidenceRefused):
    """A deposit whose fields are wrong: `errors` maps each field to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


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


def allowed_transitions(document: EvidenceDocument) -> list[str]:
    return [name for name, (sources, _, _) in TRANSITIONS.items() if document.status in sources]


def actions_for(
    user: Any, document: EvidenceDocument, granted: Mapping[str, bool] | None = None
) -> list[str]:
    """The transitions the document's state allows and the user may take. `granted` may hold
    the answers of `can` for the document's student, asked once for a page of documents."""
    actions = []
    for name in allowed_transitions(document):
        if name == "withdraw" and document.deposited_by_id != getattr(user, "pk", None):
            continue
        permission = TRANSITIONS[name][2]
        if granted is not None and permission in granted:
            allowed = granted[permission]
        else:
            allowed = can(user, permission, document.student)
        if allowed:
            actions.append(name)
    return actions


def _safe_name(name: str) -> str:
    """The deposited file's own name, for display: no folders, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:200] or "document"


def _log(document: EvidenceDocument, previous: str, target: str, by: Any, comment: str) -> None:
    EvidenceTransition.objects.create(
        document=document, from_status=previous, to_status=target, actor=by, comment=comment
    )


def deposit_evidence(
    student: Student,
    *,
    by: Any,
    kind: str,
    upload: Any,
    employer: str = "",
    start: date | None = None,
    end: date | None = None,
    full_time: bool | None = None,
    in_sector: bool | None = None,
    comment: str = "",
) -> EvidenceDocument:
    """Deposit a document for `student`; a manager's deposit is accepted at once.

    The file is refused (`storage.UploadRefused`, nothing stored) unless its bytes are a PDF,
    PNG or JPEG within the size limit. The kinds the student may deposit follow their pathway's
    mode in the catalogue.
    """
    require(by, "evidence.deposit", student)
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
    reviewer = can(by, "evidence.review", student)
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
            _log(document, "", EvidenceStatus.DEPOSITED, by, comment.strip())
            if reviewer:
                document.status = EvidenceStatus.ACCEPTED
                document.save(update_fields=["status"])
                _log(
                    document,
                    EvidenceStatus.DEPOSITED,
                    EvidenceStatus.ACCEPTED,
                    by,
                    "Déposée par la direction : acceptée d'office.",
                )
    except BaseException:
        if stored is not None:
            storage.delete(stored.path)
        raise
    return document


def _transition(
    document: EvidenceDocument, name: str, *, by: Any, comment: str = ""
) -> EvidenceDocument:
    sources, target, permission = TRANSITIONS[name]
    require(by, permission, document.student)
    with transaction.atomic():
        locked = (
            EvidenceDocument.objects.select_for_update()
            .select_related("student")
            .get(pk=document.pk)
        )
        if name == "withdraw" and locked.deposited_by_id != by.pk:
            raise PermissionDenied("Seule la personne qui a déposé la pièce peut la retirer.")
        if locked.status not in sources:
            raise EvidenceRefused(
                f"Action déjà effectuée ou impossible : cette pièce est "
                f"« {locked.get_status_display().lower()} »."
            )
        previous = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        _log(locked, previous, target, by, comment)
        if EvidenceStatus.ACCEPTED in (previous, target):  # only accepted pieces count
            verdict_inputs_changed(locked.student_id)
        if name == "refuse":
            _mail_refusal(locked, comment)
    document.status = target
    return document


def _mail_refusal(document: EvidenceDocument, reason: str) -> None:
    """Tell the student (and the depositor, if someone else) why, once the refusal is saved."""
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
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def accept_evidence(document: EvidenceDocument, *, by: Any, comment: str = "") -> EvidenceDocument:
    """A manager (head, DDFPT, secretariat) accepts the document: it now counts in the dossier."""
    return _transition(document, "accept", by=by, comment=comment.strip())


def refuse_evidence(document: EvidenceDocument, *, by: Any, reason: str) -> EvidenceDocument:
    """A manager refuses the document; the reason is mandatory and e-mailed to the student."""
    reason = reason.strip()
    if not reason:
        raise EvidenceRefused("Indiquez le motif du refus : l'élève le verra.")
    if len(reason) > REASON_MAX_LENGTH:
        raise EvidenceRefused(f"Le motif du refus compte au plus {REASON_MAX_LENGTH} caractères.")
    return _transition(document, "refuse", by=by, comment=reason)


def withdraw_evidence(
    document: EvidenceDocument, *, by: Any, comment: str = ""
) -> EvidenceDocument:
    """The depositor withdraws a document still waiting for review."""
    return _transition(document, "withdraw", by=by, comment=comment.strip())
