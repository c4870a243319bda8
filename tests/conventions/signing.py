"""Helpers of the avenant, reminder and concurrency tests: a convention signed by every party."""

from __future__ import annotations

from typing import Any

from django.core import mail

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, Signatory
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import (
    LinkRefused,
    resolve_link,
    send_code,
    send_for_signature,
    sign_with_link,
)
from tests.conventions.conftest import code_for, draft, links_in_outbox
from tests.core.conftest import School


def token_of(path: str) -> str:
    """`/conventions/signer/<token>/` → token."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def live_tokens() -> list[str]:
    """The tokens of the links sent by e-mail that still open a signing page."""
    found = []
    for path in links_in_outbox():
        try:
            resolve_link(token_of(path))
        except LinkRefused:
            continue
        found.append(token_of(path))
    return found


def sign(token: str, *, ip: str = "192.0.2.10") -> Signatory:
    link = resolve_link(token)
    send_code(link)
    return sign_with_link(token, code_for(link.signatory.email), ip=ip, user_agent="pytest")


def sign_pending(*, but: int = 0) -> list[Signatory]:
    """Sign with every live link, leaving the last `but` ones unsigned."""
    tokens = live_tokens()
    return [sign(token) for token in tokens[: len(tokens) - but]]


def sent(school: School, **fields: Any) -> Convention:
    convention = draft(school, **fields)
    submit_convention(convention, by=school.teacher)
    validate_convention(convention, by=school.ddfpt)
    approve_convention(convention, by=school.head)
    send_for_signature(convention, by=school.ddfpt)
    return convention


def signed(school: School, **fields: Any) -> Convention:
    """A convention signed by all its parties (the outbox emptied afterwards)."""
    convention = sent(school, **fields)
    sign_pending()
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.SIGNED
    mail.outbox.clear()
    return convention
