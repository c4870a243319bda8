"""Business operations on conventions: one function per transition of `flow.CONVENTION_FLOW`.

Each operation goes through `flow.apply_transition` (`milieu.workflow.Workflow.apply`): atomic,
the convention row locked (two approvals at once: one wins, the other is told "Action déjà
effectuée"), the permission checked through `milieu.permissions`, a `ConventionTransition`
written with the actor, time, IP and comment, e-mails deferred to the commit. A refused
transition carries every blocking reason, in French.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.conventions.checks import Problem, check_convention
from milieu.conventions.enums import AmendmentStatus, ConventionStatus
from milieu.conventions.flow import (
    AMENDMENT_FLOW,
    CONVENTION_FLOW,
    OPEN_AMENDMENT_STATUSES,
    TRANSITIONS,
    ConventionRefused,
    add_periods,
    allowed_transitions,
    apply_transition,
)
from milieu.conventions.models import Convention, ConventionTransition
from milieu.hosts.models import Host
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
from milieu.students.models import Student

__all__ = [
    "TRANSITIONS",
    "ConventionRefused",
    "allowed_transitions",
    "approve_convention",
    "blocking_reasons",
    "cancel_convention",
    "create_convention",
    "problems",
    "return_convention",
    "start_due_conventions",
    "submit_convention",
    "submitter_of",
    "validate_convention",
]

S = ConventionStatus


def create_convention(
    *,
    student: Student,
    host: Host,
    periods: list[tuple[date, date]],
    by: User,
    ip: str | None = None,
    **fields: Any,
) -> Convention:
    """A draft convention for one student with one host, over one or more periods."""
    require(by, Action.CONVENTION_CREATE, student)
    if not periods:
        raise ConventionRefused(["Indiquez au moins une période."])
    for start, end in periods:
        if end < start:
            raise ConventionRefused([f"La période du {start:%d/%m/%Y} finit avant de commencer."])
    fields.setdefault("work_days", list(DEFAULT_WORK_DAY_NAMES))
    with transaction.atomic():
        convention = Convention.objects.create(student=student, host=host, created_by=by, **fields)
        add_periods(convention, periods)
        CONVENTION_FLOW.created(convention, by=by, ip=ip)
    return convention


def submit_convention(
    convention: Convention, *, by: User, ip: str | None = None, comment: str = ""
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

    return apply_transition(convention, "submit", by=by, ip=ip, comment=comment, guard=guard)


def return_convention(
    convention: Convention, *, by: User, comment: str, ip: str | None = None
) -> Convention:
    if not comment.strip():
        raise ConventionRefused(["Indiquez ce qui est à reprendre."])
    return apply_transition(convention, "return", by=by, ip=ip, comment=comment)


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
    convention: Convention, *, by: User, ip: str | None = None, comment: str = ""
) -> Convention:
    """The pedagogical team validates; not the person who submitted it (four eyes), unless the
    establishment allows single-person validation (issue 13 §17)."""

    def guard(c: Convention) -> list[str]:
        establishment = c.student.cohort.establishment
        if establishment.single_person_validation:
            return []
        if submitter_of(c) == by.pk:
            return [FOUR_EYES_REFUSAL]
        return []

    return apply_transition(convention, "validate", by=by, ip=ip, comment=comment, guard=guard)


def blocking_reasons(convention: Convention) -> list[str]:
    return [p.message for p in check_convention(convention) if p.blocking]


def approve_convention(
    convention: Convention, *, by: User, ip: str | None = None, comment: str = ""
) -> Convention:
    """The chef d'établissement approves; every blocking problem of `check_convention` refuses."""

    def guard(c: Convention) -> list[str]:
        reasons = blocking_reasons(c)
        if not c.referent_id:
            reasons.append("Désignez l'enseignant référent qui suivra le stagiaire.")
        return reasons

    return apply_transition(convention, "approve", by=by, ip=ip, comment=comment, guard=guard)


def cancel_convention(
    convention: Convention, *, by: User, comment: str, ip: str | None = None
) -> Convention:
    if not comment.strip():
        raise ConventionRefused(["Indiquez le motif de l'annulation."])

    def effect(c: Convention) -> None:
        c.periods.update(active=False)
        opened = c.amendments.filter(status__in=list(OPEN_AMENDMENT_STATUSES))
        for amendment in opened:  # an open avenant dies with its convention
            previous = amendment.status
            amendment.status = AmendmentStatus.CANCELLED
            AMENDMENT_FLOW.log_row(
                amendment,
                previous=previous,
                by=by,
                ip=ip,
                comment=f"Convention annulée : {comment.strip()}",
            )
        opened.update(status=AmendmentStatus.CANCELLED)

    return apply_transition(convention, "cancel", by=by, ip=ip, comment=comment, effect=effect)


def start_due_conventions(today: date | None = None) -> tuple[int, int]:
    """Signed conventions whose first day has come are in progress; ended ones are finished.

    Returns (started, finished); a stage already over when this runs does both in one run."""
    today = today or timezone.localdate()
    started = finished = 0
    for convention in Convention.objects.filter(
        status=S.SIGNED, periods__active=True, periods__start__lte=today
    ).distinct():
        apply_transition(convention, "start", actor_label="Milieu (début du stage)")
        started += 1
    for convention in Convention.objects.filter(status=S.IN_PROGRESS).exclude(
        periods__active=True, periods__end__gte=today
    ):
        apply_transition(convention, "finish", actor_label="Milieu (fin du stage)")
        finished += 1
    return started, finished


def problems(convention: Convention) -> list[Problem]:
    return check_convention(convention)
