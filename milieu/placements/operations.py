"""The host choice's workflow: one table, one `apply`, one operation per business step.

proposed → validated by the pedagogical team → *arrêté* by the chef d'établissement (seed 001
§2.1.2; seed 003 §2.1.2: the team validates the places); a choice may be refused (with a reason)
or withdrawn while open. Every change of status is a `PlacementTransition` row (actor, time, IP,
comment); the student is told by e-mail, once the decision is committed, when the team decides.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from milieu.establishments.models import CohortPeriod
from milieu.hosts.enums import PlacementStatus as S
from milieu.hosts.models import Host, HostSite, Placement, PlacementTransition, Tutor
from milieu.permissions import Action, require
from milieu.refusals import Refused
from milieu.students.models import Student
from milieu.workflow import Transition, Workflow

if TYPE_CHECKING:
    from milieu.people.models import User


class PlacementRefused(Refused):
    """The host choice may not be made or moved now (its state, its period, its tutor)."""


PLACEMENT_FLOW: Workflow[Placement] = Workflow(
    model=Placement,
    log=PlacementTransition,
    subject="placement",
    refused=PlacementRefused,
    noun="ce choix",
    transitions={
        "validate": Transition({S.PROPOSED}, S.VALIDATED, Action.PLACEMENT_VALIDATE, "Valider"),
        "arrete": Transition({S.VALIDATED}, S.ARRETE, Action.PLACEMENT_ARRETE, "Arrêter"),
        "reject": Transition(
            {S.PROPOSED, S.VALIDATED}, S.REJECTED, Action.PLACEMENT_REJECT, "Refuser"
        ),
        "withdraw": Transition(
            {S.PROPOSED, S.VALIDATED, S.ARRETE}, S.WITHDRAWN, Action.PLACEMENT_WITHDRAW, "Retirer"
        ),
    },
)


def allowed_transitions(placement: Placement) -> list[str]:
    """The transitions the choice's state allows (whoever asks)."""
    return PLACEMENT_FLOW.allowed(placement)


def propose_placement(
    student: Student,
    *,
    cohort_period: CohortPeriod,
    host: Host,
    by: User,
    site: HostSite | None = None,
    tutor: Tutor | None = None,
    comment: str = "",
    ip: str | None = None,
) -> Placement:
    """A host proposed for one period of the student's cohort (by the student or the staff):
    the first row of the choice's log."""
    require(by, Action.PLACEMENT_PROPOSE, student)
    if cohort_period.cohort_id != student.cohort_id:
        raise PlacementRefused("Cette période n'est pas celle de la promotion de l'élève.")
    if tutor is not None and tutor.host_id != host.pk:
        raise PlacementRefused("Ce tuteur ne travaille pas dans cet organisme.")
    if site is not None and site.host_id != host.pk:
        raise PlacementRefused("Ce site n'appartient pas à cet organisme.")
    with transaction.atomic():
        if Placement.objects.open().filter(student=student, cohort_period=cohort_period).exists():
            raise PlacementRefused(
                "Un organisme est déjà proposé ou retenu pour cet élève sur cette période."
            )
        placement = Placement.objects.create(
            student=student,
            cohort_period=cohort_period,
            host=host,
            site=site,
            tutor=tutor,
            proposed_by=by,
        )
        PLACEMENT_FLOW.created(placement, by=by, ip=ip, comment=comment)
    return placement


# the student is told when the team decides on their host choice (issue 13 §18)
DECISION_MAILS = {
    "validate": (
        "validé",
        "a été validé par l'équipe pédagogique. Il doit encore être arrêté par le chef "
        "d'établissement.",
    ),
    "arrete": (
        "arrêté",
        "a été arrêté par le chef d'établissement : la convention de stage peut être préparée.",
    ),
    "reject": ("refusé", "a été refusé par l'établissement."),
}


def mail_decision(placement_id: int, name: str, comment: str) -> None:
    """One e-mail to the student (their account's address and the one on file), in French."""
    placement = Placement.objects.select_related("student__user", "host", "cohort_period").get(
        pk=placement_id
    )
    student = placement.student
    recipients: list[str] = []
    for address in (student.user.email if student.user is not None else "", student.email):
        if address and address not in recipients:
            recipients.append(str(address))
    if not recipients:
        return
    word, sentence = DECISION_MAILS[name]
    url = settings.SITE_URL + reverse("students:detail", args=[student.pk])
    reason = f"\nMotif : {comment.strip()}\n" if comment.strip() else ""
    body = (
        f"Bonjour {student.first_name},\n\n"
        f"Votre choix d'organisme d'accueil « {placement.host} » pour la période "
        f"« {placement.cohort_period} » {sentence}\n{reason}\n"
        f"Retrouvez votre dossier de stage sur cette page :\n{url}\n"
    )
    send_mail(f"Votre choix d'organisme d'accueil est {word}", body, None, recipients)


# the transitions whose comment is the reason the student reads
REASON_REQUIRED = frozenset({"reject"})


def decide(
    placement: Placement, name: str, *, by: User, comment: str = "", ip: str | None = None
) -> Placement:
    """Apply transition `name` of `PLACEMENT_FLOW`; the student's e-mail leaves on commit."""
    if name in REASON_REQUIRED and not comment.strip():
        raise PlacementRefused("Indiquez le motif du refus.")
    mails = [partial(mail_decision, placement.pk, name, comment)] if name in DECISION_MAILS else []
    return PLACEMENT_FLOW.apply(placement, name, by=by, ip=ip, comment=comment, after_commit=mails)


def validate_placement(
    placement: Placement, *, by: User, comment: str = "", ip: str | None = None
) -> Placement:
    """The pedagogical team validates the proposed host (seed 001 §2.1.2)."""
    return decide(placement, "validate", by=by, comment=comment, ip=ip)


def arrete_placement(
    placement: Placement, *, by: User, comment: str = "", ip: str | None = None
) -> Placement:
    """The chef d'établissement *arrête* the validated choice (seed 001 §2.1.2)."""
    return decide(placement, "arrete", by=by, comment=comment, ip=ip)


def reject_placement(
    placement: Placement, *, by: User, comment: str, ip: str | None = None
) -> Placement:
    """The school refuses the host; the student reads the reason."""
    return decide(placement, "reject", by=by, comment=comment, ip=ip)


def withdraw_placement(
    placement: Placement, *, by: User, comment: str = "", ip: str | None = None
) -> Placement:
    """The choice is withdrawn (by the student who proposed it, or the staff)."""
    return decide(placement, "withdraw", by=by, comment=comment, ip=ip)
