"""A signature on paper: the printed PDF signed, its scan deposited by the establishment,
and who registered it written in the audit journal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.conventions.documents import store
from milieu.conventions.enums import SignatureMethod, SignatureState
from milieu.conventions.flow import ConventionRefused
from milieu.conventions.models import Convention, ConventionDocument, Signatory
from milieu.conventions.signatures.signing import awaited, complete_if_all_signed, document_to_sign
from milieu.filesafety import FileRefused, check_pdf
from milieu.people.models import User
from milieu.permissions import Action, require


def sign_on_paper(
    signatory: Signatory, scan: bytes, *, by: User, ip: str | None = None
) -> Signatory:
    """A party signed the printed PDF: the scan is stored and the signature recorded."""
    amendment = signatory.amendment
    require(
        by,
        Action.CONVENTION_SEND if amendment is None else Action.CONVENTION_AMEND,
        signatory.convention,
    )
    if not scan.startswith(b"%PDF-"):
        raise ConventionRefused(["Le scan doit être un fichier PDF."])
    try:
        check_pdf(scan)  # the same refusal rules as every other deposited file
    except FileRefused as refused:
        raise ConventionRefused([refused.message]) from None
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=signatory.convention_id)
        signatory = (
            Signatory.objects.select_for_update(of=("self",))
            .select_related("amendment")
            .get(pk=signatory.pk)
        )
        amendment = signatory.amendment
        if signatory.state != SignatureState.PENDING or not awaited(convention, amendment):
            raise ConventionRefused(["Ce signataire n'a plus de signature en attente."])
        stored = store(convention, ConventionDocument.Kind.PAPER_SCAN, scan, amendment=amendment)
        signatory.state = SignatureState.SIGNED
        signatory.method = SignatureMethod.PAPER
        signatory.signed_at = timezone.now()
        signatory.signed_ip = ip
        signatory.signed_document_sha256 = document_to_sign(convention, amendment).sha256
        signatory.save()
        journal_paper_signature(convention, signatory, stored, by=by, ip=ip)
        signatory.links.filter(used_at__isnull=True).update(used_at=timezone.now())
        complete_if_all_signed(convention, ip, amendment)
    return signatory


def journal_paper_signature(
    convention: Convention,
    signatory: Signatory,
    scan: ConventionDocument,
    *,
    by: User,
    ip: str | None,
) -> None:
    """Who registered a paper signature, from where, for whom (audit journal, in the
    operation's transaction)."""
    amendment = signatory.amendment
    record(
        AuditAction.PAPER_SIGNATURE,
        actor=by,
        obj=signatory,
        establishment=convention.student.cohort.establishment,
        ip=ip,
        changes={
            "convention": convention.pk,
            "version": signatory.version,
            "amendment": amendment.number if amendment is not None else None,
            "role": signatory.role,
            "name": signatory.name,
            "scan_document": scan.pk,
            "scan_sha256": scan.sha256,
        },
    )
