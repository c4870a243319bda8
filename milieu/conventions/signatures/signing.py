"""Signing with a link and a code, or refusing: each signature records the name, time, IP, user
agent and the SHA-256 of the exact PDF signed. A refusal (with its reason) sends the convention
back to draft, or cancels the avenant. When the last party has signed, the final PDF with its
signature page is sealed (an avenant's: `milieu.conventions.amendments`).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from milieu.conventions import amendments, links
from milieu.conventions.documents import render_sealed
from milieu.conventions.enums import AmendmentStatus, ConventionStatus, SignatureState
from milieu.conventions.flow import ConventionRefused, apply_transition
from milieu.conventions.links import LinkRefused, resolve_link
from milieu.conventions.mails import send_sealed_copies
from milieu.conventions.models import (
    Amendment,
    Convention,
    ConventionDocument,
    Signatory,
    SignatureLink,
)


def document_to_sign(
    convention: Convention, amendment: Amendment | None = None
) -> ConventionDocument:
    """The PDF awaiting signatures: this version of the convention while it is in signature,
    else the avenant given (or the one in signature)."""
    if amendment is None and convention.status != ConventionStatus.SIGNING:
        amendment = convention.amendments.filter(status=AmendmentStatus.SIGNING).first()
    if amendment is not None:
        documents = convention.documents.filter(
            kind=ConventionDocument.Kind.AMENDMENT, amendment=amendment
        )
    else:
        documents = convention.documents.filter(
            kind=ConventionDocument.Kind.FOR_SIGNATURE,
            version=convention.version,
            amendment__isnull=True,
        )
    document = documents.order_by("-pk").first()
    assert document is not None
    return document


def sign_with_link(token: str, code: str, *, ip: str | None, user_agent: str) -> Signatory:
    """Verify the code, record the signature, and seal the convention after the last one."""
    with transaction.atomic():  # the attempt is counted even when the code is wrong
        link = SignatureLink.objects.select_for_update().get(pk=resolve_link(token).pk)
        problem = links.verify_code(link, code)
    if problem:
        raise LinkRefused(problem)
    with transaction.atomic():
        # the convention's row first: two last signatures at once must not both see the other
        # one pending (then nobody would complete)
        convention = Convention.objects.select_for_update().get(pk=link.signatory.convention_id)
        signatory = (
            Signatory.objects.select_for_update(of=("self",))
            .select_related("amendment")
            .get(pk=link.signatory_id)
        )
        if signatory.state != SignatureState.PENDING:
            raise LinkRefused("Vous avez déjà signé ce document.")
        if not awaited(convention, signatory.amendment):  # refused or cancelled meanwhile
            raise LinkRefused("Ce document n'attend plus votre signature.")
        signatory.state = SignatureState.SIGNED
        signatory.signed_at = timezone.now()
        signatory.signed_ip = ip
        signatory.signed_user_agent = user_agent[:400]
        signatory.signed_document_sha256 = document_to_sign(convention, signatory.amendment).sha256
        signatory.save()
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        try:
            complete_if_all_signed(convention, ip, signatory.amendment)
        except ConventionRefused as refused:  # an avenant that no longer applies
            raise LinkRefused(str(refused)) from None
    return signatory


def awaited(convention: Convention, amendment: Amendment | None) -> bool:
    """Is this document (the convention's version, or the avenant) still awaiting signatures?"""
    if amendment is None:
        return convention.status == ConventionStatus.SIGNING
    return amendment.status == AmendmentStatus.SIGNING


def complete_if_all_signed(
    convention: Convention, ip: str | None, amendment: Amendment | None = None
) -> None:
    """After a signature, inside its transaction: when every party has signed, the convention
    is signed and its PDF sealed (or the avenant, by `amendments.complete_if_all_signed`)."""
    if amendment is not None:
        amendments.complete_if_all_signed(amendment, ip=ip)
        return
    pending = convention.signatories.filter(
        version=convention.version, amendment__isnull=True
    ).exclude(state=SignatureState.SIGNED)
    if pending.exists():
        return
    apply_transition(
        convention,
        "complete",
        actor_label="Milieu (dernière signature)",
        ip=ip,
        effect=render_sealed,
        after_commit=[partial(send_sealed_copies, convention.pk)],
    )


def refuse_with_link(token: str, reason: str, *, ip: str | None) -> Signatory:
    if not reason.strip():
        raise LinkRefused("Indiquez le motif du refus : il sera transmis à l'établissement.")
    with transaction.atomic():
        link = resolve_link(token)
        convention = Convention.objects.select_for_update().get(pk=link.signatory.convention_id)
        signatory = (
            Signatory.objects.select_for_update(of=("self",))
            .select_related("amendment")
            .get(pk=link.signatory_id)
        )
        if signatory.state != SignatureState.PENDING or not awaited(
            convention, signatory.amendment
        ):
            raise LinkRefused("Ce document n'attend plus votre signature.")
        signatory.state = SignatureState.REFUSED
        signatory.refusal_reason = reason
        signatory.save(update_fields=["state", "refusal_reason"])
        if signatory.amendment_id is not None:
            amendments.cancel_on_refusal(signatory, reason, ip=ip)
            return signatory
        SignatureLink.objects.filter(signatory__convention=signatory.convention).update(
            used_at=timezone.now()
        )

        def effect(c: Convention) -> None:
            c.version += 1
            c.save(update_fields=["version"])

        apply_transition(
            signatory.convention,
            "refuse",
            actor_label=f"{signatory.name} ({signatory.get_role_display()})",
            ip=ip,
            comment=reason,
            effect=effect,
        )
    return signatory
