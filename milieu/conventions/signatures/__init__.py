"""Signing a convention: signatories as rows, a single-use link plus a one-time code by e-mail.

- `sending`: who signs this version, its PDF frozen, each party invited (`send_for_signature`);
- `milieu.conventions.links`: the links and one-time codes (shared with the avenants);
- `signing`: signing with a link or refusing, and the seal after the last signature;
- `paper`: a signature on paper, its scan deposited;
- `reminders`: new links to the parties still awaited.

Each signature records the name, time, IP, user agent and the SHA-256 of the exact PDF signed.
A refusal (with its reason) sends the convention back to draft. When the last party has
signed, the final PDF with its signature page is sealed. The names below are the ones the rest
of Milieu imports from `milieu.conventions.signatures`.
"""

from milieu.conventions.links import (
    CODE_LIFETIME,
    CODE_WINDOW,
    LINK_LIFETIME,
    MAX_ATTEMPTS,
    MAX_CODES_PER_WINDOW,
    TOO_MANY_ATTEMPTS,
    CodeLimitReached,
    IssuedLink,
    LinkRefused,
    resolve_link,
    send_code,
)
from milieu.conventions.signatures.paper import sign_on_paper
from milieu.conventions.signatures.reminders import (
    MANUAL_REMINDER_INTERVAL,
    REMINDER_INTERVAL,
    remind_convention,
    remind_pending,
)
from milieu.conventions.signatures.sending import send_for_signature, signing_parties
from milieu.conventions.signatures.signing import (
    document_to_sign,
    refuse_with_link,
    sign_with_link,
)

__all__ = [
    "CODE_LIFETIME",
    "CODE_WINDOW",
    "LINK_LIFETIME",
    "MANUAL_REMINDER_INTERVAL",
    "MAX_ATTEMPTS",
    "MAX_CODES_PER_WINDOW",
    "REMINDER_INTERVAL",
    "TOO_MANY_ATTEMPTS",
    "CodeLimitReached",
    "IssuedLink",
    "LinkRefused",
    "document_to_sign",
    "refuse_with_link",
    "remind_convention",
    "remind_pending",
    "resolve_link",
    "send_code",
    "send_for_signature",
    "sign_on_paper",
    "sign_with_link",
    "signing_parties",
]
