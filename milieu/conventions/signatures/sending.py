"""Sending a convention for signature: who signs this version, its PDF frozen, each party invited.

The parties' data are copied into `Convention.snapshot`, the PDF of this version rendered once
and stored with its hash, and each signatory receives a single-use link (`milieu.conventions.links`).
"""

from __future__ import annotations

from typing import Any

from milieu.conventions.documents import build_snapshot, render_for_signature
from milieu.conventions.enums import SignatoryRole
from milieu.conventions.flow import apply_transition
from milieu.conventions.links import IssuedLink, issue_link, mail_link
from milieu.conventions.models import Convention, Signatory
from milieu.people.enums import Role
from milieu.people.models import User


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


def send_for_signature(convention: Convention, *, by: User, ip: str | None = None) -> Convention:
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
            issued.append(issue_link(signatory))

    def mail_all() -> None:
        for link in issued:
            mail_link(link)

    return apply_transition(
        convention, "send", by=by, ip=ip, guard=guard, effect=effect, after_commit=[mail_all]
    )
