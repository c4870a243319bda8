"""The conventions' and avenants' workflows: their transition tables, and the one way to move them.

A convention goes draft → submitted → validated → approved → signing → signed → in progress →
finished (or back to draft, or cancelled); an avenant goes draft → signing → signed (or
cancelled). Adding a state is one row of a table below. Every operation of
`milieu.conventions.operations`, `signatures` and `amendments` moves a status through
`apply_transition` or `AMENDMENT_FLOW.apply` (`milieu.workflow.Workflow.apply`: permission,
row lock, guard, log row, e-mails on commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import IntegrityError, transaction

from milieu.changes import verdict_inputs_changed
from milieu.conventions.enums import OPEN_STATUSES, AmendmentStatus, ConventionStatus
from milieu.conventions.models import (
    Amendment,
    AmendmentTransition,
    Convention,
    ConventionPeriod,
    ConventionTransition,
)
from milieu.people.models import User
from milieu.permissions import Action
from milieu.refusals import Refused
from milieu.workflow import Transition, Workflow

S = ConventionStatus
A = AmendmentStatus


class ConventionRefused(Refused):
    """The operation on a convention or an avenant is not allowed now; `reasons` says every
    why, in French."""


CONVENTION_FLOW: Workflow[Convention] = Workflow(
    model=Convention,
    log=ConventionTransition,
    subject="convention",
    refused=ConventionRefused,
    noun="la convention",
    transitions={
        "submit": Transition(
            {S.DRAFT}, S.SUBMITTED, Action.CONVENTION_SUBMIT, "Soumettre à l'équipe pédagogique"
        ),
        "return": Transition(
            {S.SUBMITTED, S.VALIDATED}, S.DRAFT, Action.CONVENTION_VALIDATE, "Renvoyer en brouillon"
        ),
        "validate": Transition(
            {S.SUBMITTED}, S.VALIDATED, Action.CONVENTION_VALIDATE, "Valider (équipe pédagogique)"
        ),
        "approve": Transition(
            {S.VALIDATED},
            S.APPROVED,
            Action.CONVENTION_APPROVE,
            "Approuver (chef d'établissement)",
        ),
        "send": Transition({S.APPROVED}, S.SIGNING, Action.CONVENTION_SEND, "Envoyer en signature"),
        "complete": Transition({S.SIGNING}, S.SIGNED, None, "Toutes les parties ont signé"),
        "refuse": Transition({S.SIGNING}, S.DRAFT, None, "Signature refusée"),
        "start": Transition({S.SIGNED}, S.IN_PROGRESS, None, "Début du stage"),
        "finish": Transition({S.IN_PROGRESS}, S.FINISHED, None, "Fin du stage"),
        "cancel": Transition(OPEN_STATUSES, S.CANCELLED, Action.CONVENTION_CANCEL, "Annuler"),
    },
)
TRANSITIONS = CONVENTION_FLOW.transitions

AMENDMENT_FLOW: Workflow[Amendment] = Workflow(
    model=Amendment,
    log=AmendmentTransition,
    subject="amendment",
    refused=ConventionRefused,
    noun="l'avenant",
    transitions={
        "send": Transition({A.DRAFT}, A.SIGNING, Action.AMENDMENT_SEND, "Envoyer en signature"),
        "cancel": Transition(
            {A.DRAFT, A.SIGNING}, A.CANCELLED, Action.AMENDMENT_CANCEL, "Annuler l'avenant"
        ),
        "refuse": Transition({A.SIGNING}, A.CANCELLED, None, "Signature refusée"),
        "complete": Transition({A.SIGNING}, A.SIGNED, None, "Toutes les parties ont signé"),
    },
)
OPEN_AMENDMENT_STATUSES = frozenset({A.DRAFT, A.SIGNING})


def allowed_transitions(convention: Convention) -> list[str]:
    """The transitions a person may be offered from the convention's status (the permission is
    asked per user, through `can`)."""
    return CONVENTION_FLOW.allowed(convention)


def apply_transition(
    convention: Convention,
    name: str,
    *,
    by: User | None = None,
    ip: str | None = None,
    comment: str = "",
    actor_label: str = "",
    guard: Callable[[Convention], Iterable[str]] | None = None,
    effect: Callable[[Convention], object] | None = None,
    after_commit: Iterable[Callable[[], object]] = (),
) -> Convention:
    """`CONVENTION_FLOW.apply`, and the student's verdict inputs marked changed in the same
    transaction (a convention's status is one of them)."""

    def effect_then_verdict(c: Convention) -> None:
        if effect is not None:
            effect(c)
        verdict_inputs_changed(c.student_id)

    return CONVENTION_FLOW.apply(
        convention,
        name,
        by=by,
        ip=ip,
        comment=comment,
        actor_label=actor_label,
        guard=guard,
        effect=effect_then_verdict,
        after_commit=after_commit,
    )


OVERLAP_CONSTRAINT = "convention_period_no_overlap_per_student"
OVERLAP_REFUSAL = (
    "Cette période chevauche une autre convention de l'élève : un élève ne peut être en stage "
    "à deux endroits à la fois."
)


def add_periods(
    convention: Convention,
    periods: list[tuple[date, date]],
    amendment: Amendment | None = None,
) -> None:
    """Create the convention's periods; an overlap PostgreSQL refuses is said in French."""
    try:
        with transaction.atomic():
            for start, end in sorted(periods):
                ConventionPeriod.objects.create(
                    convention=convention,
                    student=convention.student,
                    start=start,
                    end=end,
                    amendment=amendment,
                )
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT in str(error):
            raise ConventionRefused([OVERLAP_REFUSAL]) from None
        raise
