"""Signing links and one-time codes, for the signatories without an account.

Neither the link's token nor the code is stored, only their hashes; a code lives 15 minutes, a
link 30 days and one use. A link takes at most 3 codes an hour and 5 wrong codes in all (counted
for the link, so asking for a new code never gives more tries). Links and codes go to the
address each signatory had when the document left for signature (`Signatory.email`): changing a
contact afterwards never redirects them. Used by the convention's signatures
(`milieu.conventions.signatures`) and by the avenants' (`milieu.conventions.amendments`).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.enums import AmendmentStatus, ConventionStatus, SignatureState
from milieu.conventions.models import Signatory, SignatureCodeSent, SignatureLink
from milieu.refusals import Refused
from milieu.tokens import hash_token

LINK_LIFETIME = timedelta(days=30)
CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
"""Wrong codes a link accepts in all, whatever the number of codes sent."""
MAX_CODES_PER_WINDOW = 3
CODE_WINDOW = timedelta(hours=1)
"""At most 3 codes per link within any hour."""


@dataclass
class IssuedLink:
    signatory: Signatory
    token: str


def issue_link(signatory: Signatory) -> IssuedLink:
    signatory.links.filter(used_at__isnull=True).update(
        used_at=timezone.now()
    )  # one live link at a time
    token = secrets.token_urlsafe(32)
    SignatureLink.objects.create(
        signatory=signatory, token_hash=hash_token(token), expires_at=timezone.now() + LINK_LIFETIME
    )
    return IssuedLink(signatory, token)


def mail_link(issued: IssuedLink, *, reminder: bool = False) -> None:
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


def verify_code(link: SignatureLink, code: str) -> str | None:
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
