"""Which Milieu account a signed-in person is: never a new one.

Staff (ProConnect) are recognised by their e-mail address, which must be verified: a provider
that sends ``email_verified`` must send ``true``; ProConnect's addresses are the professional
addresses its identity providers vouch for, so its answers without the claim are trusted.
Students (ÉduConnect) are recognised by their INE, matched to the Student record, whose account
is the one their establishment invited them to open. Parents have no account in Milieu.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milieu.identifiers import normalise
from milieu.oidc.providers import Provider
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.students.models import Student


@dataclass(frozen=True)
class Match:
    """The account found, or why there is none (a key of ``REFUSALS`` in ``views``)."""

    user: User | None
    refusal: str = ""
    # who the provider said the person was, for the audit journal (an e-mail, never an INE)
    claimed: str = ""


def match_account(provider: Provider, claims: dict[str, Any]) -> Match:
    if provider.matched_by == "email":
        return _by_email(claims)
    return _by_ine(provider, claims)


def _by_email(claims: dict[str, Any]) -> Match:
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        return Match(None, "no_email")
    if "email_verified" in claims and claims["email_verified"] is not True:
        return Match(None, "unverified_email", email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return Match(None, "unknown_staff", email)
    if not user.is_active:
        return Match(None, "inactive", email)
    is_staff_account = user.is_superuser or user.memberships.exclude(role=Role.STUDENT).exists()
    if not is_staff_account:
        return Match(None, "not_staff", email)
    return Match(user, claimed=email)


def _by_ine(provider: Provider, claims: dict[str, Any]) -> Match:
    raw = claims.get(provider.ine_claim)
    if isinstance(raw, list):  # some federations send every attribute as a list
        raw = raw[0] if len(raw) == 1 else None
    ine = normalise(str(raw)) if isinstance(raw, str | int) and str(raw).strip() else ""
    if not ine:
        return Match(None, "no_ine")
    student = Student.objects.select_related("user").filter(ine=ine).first()
    if student is None:
        return Match(None, "unknown_student")
    user = student.user
    if user is None:
        return Match(None, "student_without_account")
    if not user.is_active:
        return Match(None, "inactive", user.email)
    return Match(user, claimed=user.email)
