"""Business operations on conventions: one function per transition of an explicit table.

Each operation is atomic, locks the convention row (two approvals at once: one wins, the other
is told "Action déjà effectuée"), checks the permission through `milieu.permissions`, writes a
`ConventionTransition` with the actor, time, IP and comment, and defers e-mails to the commit. A
refused transition carries every blocking reason, in French.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from milieu.changes import verdict_inputs_changed
from milieu.conventions.checks import Problem, check_convention
from milieu.conventions.enums import OPEN_STATUSES, ConventionStatus
from milieu.conventions.models import (
    AmendmentStatus,
    Convention,
    ConventionPeriod,
    ConventionTransition,
)
from milieu.permissions import require
from milieu.refusals import Refused
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES

S = ConventionStatus


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    permission: str | None  # None: done by the system or a signatory, not by a logged-in user
    label: str


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        frozenset({S.DRAFT}), S.SUBMITTED, "convention.submit", "Soumettre à l'équipe pédagogique"
    ),
    "return": Transition(
        frozenset({S.SUBMITTED, S.VALIDATED}),
        S.DRAFT,
        "convention.validate",
        "Renvoyer en brouillon",
    ),
    "validate": Transition(
        frozenset({S.SUBMITTED}), S.VALIDATED, "convention.validate", "Valider (équipe pédagogique)"
    ),
    "approve": Transition(
        frozenset({S.VALIDATED}),
        S.APPROVED,
        "convention.approve",
        "Approuver (chef d'établissement)",
    ),
    "send": Transition(
        frozenset({S.APPROVED}), S.SIGNING, "convention.send", "Envoyer en signature"
    ),
    "complete": Transition(frozenset({S.SIGNING}), S.SIGNED, None, "Toutes les parties ont signé"),
    "refuse": Transition(frozenset({S.SIGNING}), S.DRAFT, None, "Signature refusée"),
    "start": Transition(frozenset({S.SIGNED}), S.IN_PROGRESS, None, "Début du stage"),
    "finish": Transition(frozenset({S.IN_PROGRESS}), S.FINISHED, None, "Fin du stage"),
    "cancel": Transition(frozenset(OPEN_STATUSES), S.CANCELLED, "convention.cancel", "Annuler"),
}


class ConventionRefused(Refused):
    """The transition is not allowed now; `reasons` says every why, in French."""

    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ; ".join(self.reasons))


@dataclass
class Context:
    by: Any = None
    ip: str | None = None
    comment: str = ""
    actor_label: str = ""
    after_commit: list[Callable[[], None]] = field(default_factory=list)


def allowed_transitions(convention: Convention) -> list[str]:
    return [
        name for name, t in TRANSITIONS.items() if convention.status in t.sources and t.permission
    ]


def _apply(
    convention: Convention,
    name: str,
    ctx: Context,
    guard: Callable[[Convention], list[str]] | None = None,
    effect: Callable[[Convention], object] | None = None,
) -> Convention:
    transition = TRANSITIONS[name]
    if transition.permission is not None:
        require(ctx.by, transition.permission, convention)
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        if locked.status not in transition.sources:
            raise ConventionRefused(
                [
                    f"Action déjà effectuée ou impossible : la convention est « {locked.get_status_display()} »."
                ]
            )
        if guard is not None:
            reasons = guard(locked)
            if reasons:
                raise ConventionRefused(reasons)
        previous = locked.status
        locked.status = transition.target
        locked.save(update_fields=["status", "updated_at"])
        if effect is not None:
            effect(locked)
        ConventionTransition.objects.create(
            convention=locked,
            from_status=previous,
            to_status=transition.target,
            actor=ctx.by if getattr(ctx.by, "is_authenticated", False) else None,
            actor_label=ctx.actor_label,
            ip=ctx.ip,
            comment=ctx.comment,
        )
        for callback in ctx.after_commit:
            transaction.on_commit(callback)
        verdict_inputs_changed(locked.student_id)
    convention.refresh_from_db()
    return convention


def create_convention(
    *,
    student: Any,
    host: Any,
    periods: list[tuple[date, date]],
    by: Any,
    ip: str | None = None,
    **fields: Any,
) -> Convention:
    """A draft convention for one student with one host, over one or more periods."""
    require(by, "convention.create", student)
    if not periods:
        raise ConventionRefused(["Indiquez au moins une période."])
    for start, end in periods:
        if end < start:
            raise ConventionRefused([f"La période du {start:%d/%m/%Y} finit avant de commencer."])
    fields.setdefault("work_days", list(DEFAULT_WORK_DAY_NAMES))
    with transaction.atomic():
        convention = Convention.objects.create(student=student, host=host, created_by=by, **fields)
        _add_periods(convention, periods)
        ConventionTransition.objects.create(
            convention=convention, from_status="", to_status=S.DRAFT, actor=by, ip=ip
        )
    return convention


def _add_periods(
    convention: Convention, periods: list[tuple[date, date]], amendment: Any = None
) -> None:
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
        if "convention_period_no_overlap_per_student" in str(error):
            raise ConventionRefused(
                [
                    "Cette période chevauche une autre convention de l'élève : un élève ne peut être en stage à deux endroits à la fois."
                ]
            ) from None
        raise


def submit_convention(
    convention: Convention, *, by: Any, ip: str | None = None, comment: str = ""
) -> Convention:
    def guard(c: Convention) -> list[str]:
        reasons = []
        if not c.periods.filter(active=True).exists():
            reasons.append("La convention ne comporte aucune période.")
        if not c.tutor_id:
            reasons.append("Désignez le tuteur dans l'organisme d'accueil.")
        if not c.activities.strip():
            reasons.append("Décrivez les activités confiées (annexe pédagogique).")
        return reasons

    return _apply(convention, "submit", Context(by=by, ip=ip, comment=comment), guard)


def return_convention(
    convention: Convention, *, by: Any, comment: str, ip: str | None = None
) -> Convention:
    if not comment.strip():
        raise ConventionRefused(["Indiquez ce qui est à reprendre."])
    return _apply(convention, "return", Context(by=by, ip=ip, comment=comment))


FOUR_EYES_REFUSAL = (
    "Vous avez soumis cette convention : un autre membre de l'équipe pédagogique doit la "
    "valider (principe des quatre yeux). Votre établissement peut autoriser la validation par "
    "une seule personne dans ses réglages."
)


def submitter_of(convention: Convention) -> int | None:
    """Who submitted the convention's current version to the team (the latest submission)."""
    return (
        ConventionTransition.objects.filter(convention=convention, to_status=S.SUBMITTED)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def validate_convention(
    convention: Convention, *, by: Any, ip: str | None = None, comment: str = ""
) -> Convention:
    """The pedagogical team validates; not the person who submitted it (four eyes), unless the
    establishment allows single-person validation (issue 13 §17)."""

    def guard(c: Convention) -> list[str]:
        establishment = c.student.cohort.establishment
        if establishment.single_person_validation:
            return []
        if getattr(by, "pk", None) is not None and submitter_of(c) == by.pk:
            return [FOUR_EYES_REFUSAL]
        return []

    return _apply(convention, "validate", Context(by=by, ip=ip, comment=comment), guard)


def blocking_reasons(convention: Convention) -> list[str]:
    return [p.message for p in check_convention(convention) if p.blocking]


def approve_convention(
    convention: Convention, *, by: Any, ip: str | None = None, comment: str = ""
) -> Convention:
    """The chef d'établissement approves; every blocking problem of `check_convention` refuses."""

    def guard(c: Convention) -> list[str]:
        reasons = blocking_reasons(c)
        if not c.referent_id:
            reasons.append("Désignez l'enseignant référent qui suivra le stagiaire.")
        return reasons

    return _apply(convention, "approve", Context(by=by, ip=ip, comment=comment), guard)


def cancel_convention(
    convention: Convention, *, by: Any, comment: str, ip: str | None = None
) -> Convention:
    if not comment.strip():
        raise ConventionRefused(["Indiquez le motif de l'annulation."])

    def effect(c: Convention) -> None:
        c.periods.update(active=False)
        c.amendments.filter(status__in=[AmendmentStatus.DRAFT, AmendmentStatus.SIGNING]).update(
            status=AmendmentStatus.CANCELLED
        )  # an open avenant dies with its convention

    return _apply(convention, "cancel", Context(by=by, ip=ip, comment=comment), effect=effect)


def start_due_conventions(today: date | None = None) -> tuple[int, int]:
    """Signed conventions whose first day has come are in progress; ended ones are finished.

    Returns (started, finished); a stage already over when this runs does both in one run."""
    today = today or timezone.localdate()
    started = finished = 0
    for convention in Convention.objects.filter(
        status=S.SIGNED, periods__active=True, periods__start__lte=today
    ).distinct():
        _apply(convention, "start", Context(actor_label="Milieu (début du stage)"))
        started += 1
    for convention in Convention.objects.filter(status=S.IN_PROGRESS).exclude(
        periods__active=True, periods__end__gte=today
    ):
        _apply(convention, "finish", Context(actor_label="Milieu (fin du stage)"))
        finished += 1
    return started, finished


def problems(convention: Convention) -> list[Problem]:
    return check_convention(convention)
