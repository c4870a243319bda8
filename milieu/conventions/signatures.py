"""Signing a convention: signatories as rows, a single-use link plus a one-time code by e-mail.

Neither the link's token nor the code is stored, only their hashes; a code lives 15 minutes, a
link 30 days and one use. A link takes at most 3 codes an hour and 5 wrong codes in all (counted
for the link, so asking for a new code never gives more tries). Links and codes go to the
address each signatory had when the document left for signature (`Signatory.email`): changing a
contact afterwards never redirects them. Each signature records the name, time, IP, user agent and
the SHA-256 of the exact PDF signed. A refusal (with its reason) sends the convention back to
draft. When the last party has signed, the final PDF with its signature page is sealed.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.documents import build_snapshot, render_for_signature, render_sealed, store
from milieu.conventions.enums import (
    ConventionStatus,
    SignatoryRole,
    SignatureMethod,
    SignatureState,
)
from milieu.conventions.mails import send_sealed_copies
from milieu.conventions.models import (
    Amendment,
    AmendmentStatus,
    Convention,
    ConventionDocument,
    Signatory,
    SignatureCodeSent,
    SignatureLink,
)
from milieu.conventions.operations import Context, ConventionRefused, _apply
from milieu.filesafety import FileRefused, check_pdf
from milieu.people.enums import Role
from milieu.permissions import require
from milieu.refusals import Refused
from milieu.tokens import hash_token

LINK_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
"""Wrong codes a link accepts in all, whatever the number of codes sent."""
MAX_CODES_PER_WINDOW = 3
CODE_WINDOW = timedelta(hours=1)
"""At most 3 codes per link within any hour."""
REMINDER_INTERVAL = timedelta(days=3)


def signing_parties(convention: Convention) -> tuple[list[dict[str, Any]], list[str]]:
    """Who signs this version, and every reason why it cannot be sent yet."""
    student = convention.student
    school = student.cohort.establishment
    first_day = convention.first_day
    parties: list[dict[str, Any]] = []
    reasons: list[str] = []
    if not student.email:
        reasons.append("Renseignez l'adresse électronique de l'élève.")
    parties.append(
        {
            "role": SignatoryRole.STUDENT,
            "name": student.full_name,
            "email": student.email,
            "user": student.user,
        }
    )
    if first_day and student.is_minor_on(first_day):
        representatives = [r for r in student.representatives.all() if r.email]
        if not representatives:
            reasons.append(
                "L'élève est mineur au premier jour du stage : un représentant légal doit signer ; "
                "renseignez-en un avec son adresse électronique."
            )
        else:
            rep = representatives[0]
            parties.append(
                {
                    "role": SignatoryRole.LEGAL_REPRESENTATIVE,
                    "name": f"{rep.first_name} {rep.last_name.upper()}",
                    "email": rep.email,
                    "on_behalf_of": student.full_name,
                }
            )
    if not convention.host_signatory_name or not convention.host_signatory_email:
        reasons.append(
            "Indiquez qui signe pour l'organisme d'accueil, avec son adresse électronique."
        )
    parties.append(
        {
            "role": SignatoryRole.HOST,
            "name": convention.host_signatory_name,
            "email": convention.host_signatory_email,
            "on_behalf_of": str(convention.host),
        }
    )
    if convention.tutor_signs and convention.tutor:
        if not convention.tutor.email:
            reasons.append(
                "Renseignez l'adresse électronique du tuteur, ou indiquez qu'il ne signe pas."
            )
        parties.append(
            {
                "role": SignatoryRole.TUTOR,
                "name": str(convention.tutor),
                "email": convention.tutor.email,
                "on_behalf_of": str(convention.host),
            }
        )
    head = school.memberships.filter(role=Role.HEAD).select_related("user").first()
    if head is None:
        reasons.append("L'établissement n'a pas de chef d'établissement pour signer.")
    else:
        parties.append(
            {
                "role": SignatoryRole.HEAD,
                "name": head.user.get_full_name() or head.user.email,
                "email": head.user.email,
                "user": head.user,
                "on_behalf_of": school.name,
            }
        )
    return parties, reasons


@dataclass
class IssuedLink:
    signatory: Signatory
    token: str


def _issue_link(signatory: Signatory) -> IssuedLink:
    signatory.links.filter(used_at__isnull=True).update(
        used_at=timezone.now()
    )  # one live link at a time
    token = secrets.token_urlsafe(32)
    SignatureLink.objects.create(
        signatory=signatory, token_hash=hash_token(token), expires_at=timezone.now() + LINK_LIFETIME
    )
    return IssuedLink(signatory, token)


def _mail_link(issued: IssuedLink, *, reminder: bool = False) -> None:
    signatory = issued.signatory
    url = settings.SITE_URL + reverse("conventions:sign", args=[issued.token])
    amendment = signatory.amendment
    if amendment is None:
        what = f"La convention de stage n° {signatory.convention_id}"
        subject = f"Convention de stage n° {signatory.convention_id} à signer"
        extra = ""
    else:
        what = (
            f"L'avenant n° {amendment.number} à la convention de stage n° {signatory.convention_id}"
        )
        subject = (
            f"Avenant n° {amendment.number} à la convention de stage n° "
            f"{signatory.convention_id} à signer"
        )
        extra = f"Objet de l'avenant : {amendment.reason}\n\n"
    body = (
        f"Bonjour {signatory.name},\n\n"
        f"{what} attend votre signature "
        f"en qualité de « {signatory.get_role_display()} ».\n\n"
        f"{extra}"
        f"Ouvrez ce lien personnel pour la lire et la signer (un code vous sera envoyé) :\n{url}\n\n"
        "Ce lien ne sert qu'une fois et expire dans 30 jours. Si vous n'êtes pas concerné, ignorez ce message.\n"
    )
    send_mail(("Rappel : " if reminder else "") + subject, body, None, [signatory.email])


def send_for_signature(convention: Convention, *, by: Any, ip: str | None = None) -> Convention:
    """Freeze the parties' data, render the PDF of this version once, and invite each signatory."""
    issued: list[IssuedLink] = []

    def guard(c: Convention) -> list[str]:
        return signing_parties(c)[1]

    def effect(c: Convention) -> None:
        c.snapshot = build_snapshot(c)
        c.save(update_fields=["snapshot"])
        render_for_signature(c)
        parties, _ = signing_parties(c)
        for order, party in enumerate(parties):
            signatory = Signatory.objects.create(
                convention=c,
                version=c.version,
                role=party["role"],
                name=party["name"],
                email=party["email"],
                on_behalf_of=party.get("on_behalf_of", ""),
                user=party.get("user"),
                order=order,
            )
            issued.append(_issue_link(signatory))

    ctx = Context(by=by, ip=ip)

    def mail_all() -> None:
        for link in issued:
            _mail_link(link)

    ctx.after_commit.append(mail_all)
    return _apply(convention, "send", ctx, guard, effect)


class LinkRefused(Refused):
    """The link is unknown, used or expired, or the code is wrong: the message says which."""


def resolve_link(token: str) -> SignatureLink:
    link = (
        SignatureLink.objects.select_related(
            "signatory", "signatory__convention", "signatory__amendment"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise LinkRefused(
            "Ce lien de signature n'existe pas. Vérifiez l'adresse reçue par courriel."
        )
    if link.used_at is not None:
        raise LinkRefused("Ce lien a déjà servi ou a été remplacé par un lien plus récent.")
    if link.expires_at < timezone.now():
        raise LinkRefused("Ce lien a expiré. Demandez un nouveau lien à l'établissement.")
    if link.signatory.amendment is not None:
        if (
            link.signatory.state != SignatureState.PENDING
            or link.signatory.amendment.status != AmendmentStatus.SIGNING
        ):
            raise LinkRefused("Cet avenant n'attend plus votre signature.")
    elif (
        link.signatory.state != SignatureState.PENDING
        or link.signatory.convention.status != ConventionStatus.SIGNING
    ):
        raise LinkRefused("Cette convention n'attend plus votre signature.")
    return link


class CodeLimitReached(LinkRefused):
    """Too many codes asked for this link within the hour; `retry_after` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


TOO_MANY_ATTEMPTS = (
    "Trop d'essais avec ce lien : il ne peut plus servir. Un nouveau lien vous sera envoyé lors "
    "de la prochaine relance ; vous pouvez aussi contacter l'établissement."
)


def send_code(link: SignatureLink) -> None:
    """A fresh 6-digit code by e-mail, valid 15 minutes, to the signatory's frozen address.

    At most `MAX_CODES_PER_WINDOW` codes per link within `CODE_WINDOW` (the refusal says when
    the next one may be asked); the wrong codes already typed stay counted for the link."""
    now = timezone.now()
    with transaction.atomic():  # the link's row is locked: two requests at once count as two
        locked = (
            SignatureLink.objects.select_for_update(of=("self",))
            .select_related("signatory")
            .get(pk=link.pk)
        )
        if locked.attempts >= MAX_ATTEMPTS:
            raise LinkRefused(TOO_MANY_ATTEMPTS)
        recent = list(
            locked.codes_sent.filter(sent_at__gt=now - CODE_WINDOW)
            .order_by("sent_at")
            .values_list("sent_at", flat=True)
        )
        if len(recent) >= MAX_CODES_PER_WINDOW:
            again = recent[len(recent) - MAX_CODES_PER_WINDOW] + CODE_WINDOW
            raise CodeLimitReached(
                f"Vous avez déjà reçu {MAX_CODES_PER_WINDOW} codes en moins d'une heure pour ce "
                f"lien. Vous pourrez en demander un nouveau à partir de "
                f"{timezone.localtime(again):%H h %M} ; d'ici là, utilisez le dernier code reçu "
                "s'il a moins de 15 minutes.",
                retry_after=max(1, int((again - now).total_seconds()) + 1),
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        locked.code_hash = hash_token(f"{locked.pk}:{code}")
        locked.code_sent_at = now
        locked.save(update_fields=["code_hash", "code_sent_at"])
        signatory = locked.signatory
        SignatureCodeSent.objects.create(link=locked, sent_at=now, email=signatory.email)
        transaction.on_commit(
            lambda: send_mail(
                f"Code de signature de la convention n° {signatory.convention_id}",
                f"Bonjour {signatory.name},\n\nVotre code de signature : {code}\n\n"
                "Il est valable 15 minutes.\n",
                None,
                [signatory.email],
            )
        )
    link.code_hash, link.code_sent_at = locked.code_hash, locked.code_sent_at


def _verify_code(link: SignatureLink, code: str) -> str | None:
    """None when the code is right; else why not. Counts the attempt for the link (kept even
    on a failure, and never reset by a new code)."""
    if link.attempts >= MAX_ATTEMPTS:
        return TOO_MANY_ATTEMPTS
    if not link.code_hash or link.code_sent_at is None:
        return "Demandez d'abord un code : il vous sera envoyé par courriel."
    if link.code_sent_at + CODE_LIFETIME < timezone.now():
        return "Ce code a expiré. Demandez-en un nouveau."
    link.attempts += 1
    link.save(update_fields=["attempts"])
    if not hmac.compare_digest(link.code_hash, hash_token(f"{link.pk}:{code.strip()}")):
        left = MAX_ATTEMPTS - link.attempts
        if left == 0:
            return f"Code incorrect. Il vous reste 0 essai. {TOO_MANY_ATTEMPTS}"
        return f"Code incorrect. Il vous reste {left} essai{'s' if left > 1 else ''}."
    return None


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
        problem = _verify_code(link, code)
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
        if not _awaited(convention, signatory.amendment):  # refused or cancelled meanwhile
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
            _complete_if_all_signed(convention, ip, signatory.amendment)
        except ConventionRefused as refused:  # an avenant that no longer applies
            raise LinkRefused(str(refused)) from None
    return signatory


def _awaited(convention: Convention, amendment: Amendment | None) -> bool:
    if amendment is None:
        return convention.status == ConventionStatus.SIGNING
    return amendment.status == AmendmentStatus.SIGNING


def _complete_if_all_signed(
    convention: Convention, ip: str | None, amendment: Amendment | None = None
) -> None:
    if amendment is not None:
        from milieu.conventions.amendments import complete_if_all_signed

        complete_if_all_signed(amendment, ip=ip)
        return
    pending = convention.signatories.filter(
        version=convention.version, amendment__isnull=True
    ).exclude(state=SignatureState.SIGNED)
    if pending.exists():
        return
    _apply(
        convention,
        "complete",
        Context(
            actor_label="Milieu (dernière signature)",
            ip=ip,
            after_commit=[partial(_send_sealed, convention.pk)],
        ),
        effect=render_sealed,
    )


def _send_sealed(convention_pk: int) -> None:
    send_sealed_copies(convention_pk)


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
        if signatory.state != SignatureState.PENDING or not _awaited(
            convention, signatory.amendment
        ):
            raise LinkRefused("Ce document n'attend plus votre signature.")
        signatory.state = SignatureState.REFUSED
        signatory.refusal_reason = reason
        signatory.save(update_fields=["state", "refusal_reason"])
        if signatory.amendment_id is not None:
            from milieu.conventions.amendments import cancel_on_refusal

            cancel_on_refusal(signatory, reason, ip=ip)
            return signatory
        SignatureLink.objects.filter(signatory__convention=signatory.convention).update(
            used_at=timezone.now()
        )

        def effect(c: Convention) -> None:
            c.version += 1
            c.save(update_fields=["version"])

        _apply(
            signatory.convention,
            "refuse",
            Context(
                actor_label=f"{signatory.name} ({signatory.get_role_display()})",
                ip=ip,
                comment=reason,
            ),
            effect=effect,
        )
    return signatory


def sign_on_paper(
    signatory: Signatory, scan: bytes, *, by: Any, ip: str | None = None
) -> Signatory:
    """A party signed the printed PDF: the scan is stored and the signature recorded."""
    from milieu.permissions import require

    amendment = signatory.amendment
    require(
        by, "convention.send" if amendment is None else "convention.amend", signatory.convention
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
        if signatory.state != SignatureState.PENDING or not _awaited(convention, amendment):
            raise ConventionRefused(["Ce signataire n'a plus de signature en attente."])
        stored = store(convention, ConventionDocument.Kind.PAPER_SCAN, scan, amendment=amendment)
        signatory.state = SignatureState.SIGNED
        signatory.method = SignatureMethod.PAPER
        signatory.signed_at = timezone.now()
        signatory.signed_ip = ip
        signatory.signed_document_sha256 = document_to_sign(convention, amendment).sha256
        signatory.save()
        _journal_paper_signature(convention, signatory, stored, by=by, ip=ip)
        signatory.links.filter(used_at__isnull=True).update(used_at=timezone.now())
        _complete_if_all_signed(convention, ip, amendment)
    return signatory


def _journal_paper_signature(
    convention: Convention,
    signatory: Signatory,
    scan: ConventionDocument,
    *,
    by: Any,
    ip: str | None,
) -> None:
    """Who registered a paper signature, from where, for whom (audit journal, in the
    operation's transaction)."""
    from milieu.audit.enums import AuditAction
    from milieu.audit.journal import record

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


def remind_pending(
    now: Any = None,
    *,
    dry_run: bool = False,
    convention: Convention | None = None,
    interval: timedelta = REMINDER_INTERVAL,
) -> int:
    """One reminder per pending signatory at a time: a new link, at most every 3 days.

    Pending signatories of a convention in signature and of an avenant in signature are due
    3 days after their last link or reminder. A row another worker holds is skipped; the state
    is read again under the lock, so a party who has just signed is never reminded. With
    `dry_run`, count who would be reminded and change nothing. `convention` and `interval`
    narrow it to one convention's parties, as « Relancer » on its page does.
    """
    now = now or timezone.now()
    awaited = Q(amendment__isnull=True, convention__status=ConventionStatus.SIGNING) | Q(
        amendment__status=AmendmentStatus.SIGNING
    )
    due = Signatory.objects.filter(
        awaited, state=SignatureState.PENDING, method=SignatureMethod.ONLINE
    ).exclude(email="")
    if convention is not None:
        due = due.filter(convention=convention)
    count = 0
    for signatory in due.select_related("convention", "amendment").order_by("pk"):
        if signatory.version != signatory.convention.version:
            continue
        latest_link = (
            signatory.links.order_by("-created_at").values_list("created_at", flat=True).first()
        )
        last = signatory.last_reminder_at or latest_link
        if last is not None and now - last < interval:
            continue
        if dry_run:
            count += 1
            continue
        with transaction.atomic():
            locked = (
                Signatory.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(awaited, pk=signatory.pk, state=SignatureState.PENDING)
                .select_related("amendment")
                .first()
            )
            if locked is None or (
                locked.last_reminder_at and now - locked.last_reminder_at < interval
            ):
                continue
            issued = _issue_link(locked)
            locked.last_reminder_at = now
            locked.save(update_fields=["last_reminder_at"])
            transaction.on_commit(lambda issued=issued: _mail_link(issued, reminder=True))  # type: ignore[misc]
        count += 1
    return count


MANUAL_REMINDER_INTERVAL = timedelta(hours=20)


def remind_convention(convention: Convention, *, by: Any, now: Any = None) -> int:
    """« Relancer » from the convention's page: a new link to each party whose signature is
    still awaited, unless reminded less than a day ago; returns how many were reminded."""
    require(by, "convention.remind", convention)
    if (
        convention.status != ConventionStatus.SIGNING
        and not convention.amendments.filter(status=AmendmentStatus.SIGNING).exists()
    ):
        raise ConventionRefused(["Aucune signature n'est attendue pour cette convention."])
    return remind_pending(now, convention=convention, interval=MANUAL_REMINDER_INTERVAL)
