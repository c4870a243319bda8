"""Business operations on visits: plan, report, cancel; and the teacher's secret calendar feed.

Each is atomic, locks the visit row when it changes one (once: `VISIT_FLOW.apply` locks it and
runs the operation's own checks as its guard), and checks the permission through
`milieu.permissions` (403 when refused). A step no longer possible raises `VisitRefused` with a
French reason. Each change of a visit writes its `VisitEvent` in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from milieu.conventions.enums import ConventionStatus
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import TutorAccess
from milieu.people.models import User
from milieu.permissions import Action, can, require
from milieu.refusals import Refused
from milieu.tokens import hash_token
from milieu.visits.enums import (
    VISITABLE_CONVENTION_STATUSES,
    TutorAnswer,
    VisitAction,
    VisitStatus,
)
from milieu.visits.models import CalendarFeed, Visit, VisitEvent
from milieu.workflow import Transition, Workflow


class VisitRefused(Refused):
    """The operation is not possible now; the message says why, in French. `field` names the
    form field the reason is about, when there is one."""

    def __init__(self, reasons: str | Iterable[str], *, field: str | None = None) -> None:
        super().__init__(reasons)
        self.field = field


S = VisitStatus


def _impossible(visit: Visit, name: str) -> str | None:
    """Why transition `name` is not possible from the visit's status, in the visit's words."""
    if name == "report":  # from a cancelled visit
        return "Cette visite a été annulée : elle ne reçoit pas de compte rendu."
    if name == "cancel":
        if visit.status == S.CANCELLED:
            return "Action déjà effectuée : cette visite est déjà annulée."
        return "Cette visite a eu lieu : elle ne peut plus être annulée."
    if name == "tutor_answer":
        return f"Cette visite est « {visit.get_status_display()} » : elle n'attend plus de réponse."
    return None


# A visit's one transition table: planned, then reported (and its report corrected) or
# cancelled; the tutor answers a planned visit from their link (no account: no permission).
# A visit is created planned by `plan_visit`, whose first step of the history says so.
VISIT_FLOW: Workflow[Visit] = Workflow(
    model=Visit,
    log=VisitEvent,
    subject="visit",
    refused=VisitRefused,
    noun="la visite",
    impossible=_impossible,
    transitions={
        "report": Transition({S.PLANNED, S.DONE}, S.DONE, Action.VISIT_REPORT, "Compte rendu"),
        "cancel": Transition({S.PLANNED}, S.CANCELLED, Action.VISIT_CANCEL, "Annuler la visite"),
        "tutor_answer": Transition({S.PLANNED}, S.PLANNED, None, "Répondre (tuteur)"),
    },
)


def visiting_teachers(convention: Convention) -> list[User]:
    """Who may be sent: the cohort's teachers and the convention's referent."""
    teachers = list(convention.student.cohort.teachers.order_by("last_name", "first_name", "pk"))
    if convention.referent is not None and convention.referent not in teachers:
        teachers.append(convention.referent)
    return teachers


def planning_refusal(convention: Convention) -> str | None:
    """Why no visit can be planned for `convention` now (None when one can): a visit is made
    during the stage, so the convention is signed and the stage not over."""
    if convention.status in VISITABLE_CONVENTION_STATUSES:
        return None
    if convention.status in (ConventionStatus.CANCELLED, ConventionStatus.FINISHED):
        return (
            f"La convention est « {convention.get_status_display()} » : "
            "aucune visite ne peut plus être planifiée."
        )
    return (
        f"La convention est « {convention.get_status_display()} » : "
        "une visite se planifie une fois la convention signée."
    )


def default_period(periods: Iterable[ConventionPeriod], today: date) -> ConventionPeriod | None:
    """The period to offer first: the one under way `today`, else the next one, else the last."""
    ordered = sorted(periods, key=lambda p: (p.start, p.pk))
    for period in ordered:
        if period.end >= today:
            return period  # under way, or the first one to come
    return ordered[-1] if ordered else None


def plan_visit(
    convention: Convention,
    *,
    by: User,
    teacher: User,
    period: ConventionPeriod,
    when: datetime,
    ip: str | None = None,
) -> Visit:
    """Plan a visit of `teacher` to the host of `convention`, during its active `period`, at
    `when` (whose local day falls within the period)."""
    require(by, Action.VISIT_PLAN, convention)
    refusal = planning_refusal(convention)
    if refusal:
        raise VisitRefused(refusal)
    if teacher not in visiting_teachers(convention):
        raise VisitRefused(
            "L'enseignant choisi n'enseigne pas dans la classe de l'élève "
            "et n'est pas son référent.",
            field="teacher",
        )
    with transaction.atomic():
        # re-read and lock the period: an avenant applied meanwhile may have replaced it
        locked = (
            ConventionPeriod.objects.select_for_update()
            .filter(pk=period.pk, convention_id=convention.pk)
            .first()
        )
        if locked is None:
            raise VisitRefused(
                "Cette période n'est pas une période de cette convention.", field="period"
            )
        if not locked.active:
            raise VisitRefused(
                "Cette période n'est plus en vigueur (un avenant l'a remplacée) : "
                "elle ne reçoit plus de visite.",
                field="period",
            )
        if not locked.start <= timezone.localtime(when).date() <= locked.end:
            raise VisitRefused(
                f"La visite doit avoir lieu pendant la période du {locked.start:%d/%m/%Y} "
                f"au {locked.end:%d/%m/%Y}.",
                field="planned_at",
            )
        visit = Visit.objects.create(
            convention=convention, period=locked, teacher=teacher, planned_at=when, planned_by=by
        )
        VisitEvent.objects.create(  # the first step: no state before it
            visit=visit,
            action=VisitAction.PLANNED,
            from_status="",
            to_status=VisitStatus.PLANNED,
            actor=by,
            ip=ip or None,
            detail=(
                f"Visite de {teacher.get_full_name() or teacher.email} prévue le {_local(when)}, "
                f"pendant la période {locked}."
            ),
        )
    return visit


def record_visit_report(
    visit: Visit,
    *,
    by: User,
    seen: str,
    difficulties: str,
    actions: str,
    ip: str | None = None,
) -> Visit:
    """The visiting teacher writes (or corrects) the report: the visit is then done."""
    now = timezone.now()

    def guard(locked: Visit) -> list[str]:
        if timezone.localdate() < timezone.localdate(locked.planned_at):
            return [
                f"Cette visite est prévue le {_local(locked.planned_at)} : son compte rendu "
                "ne peut être rédigé qu'à partir de ce jour."
            ]
        return []

    def log(locked: Visit) -> dict[str, object]:
        first = locked.reported_at is None  # read before the report's fields are set
        return {
            "action": VisitAction.REPORTED if first else VisitAction.REPORT_CHANGED,
            "detail": "Compte rendu rédigé." if first else "Compte rendu corrigé.",
            "at": now,
        }

    return VISIT_FLOW.apply(
        visit,
        "report",
        by=by,
        ip=ip,
        guard=guard,
        fields={"seen": seen, "difficulties": difficulties, "actions": actions, "reported_at": now},
        log_fields=log,
    )


def cancel_visit(visit: Visit, *, by: User, reason: str, ip: str | None = None) -> Visit:
    """Cancel a planned visit, with its reason."""
    require(by, Action.VISIT_CANCEL, visit)
    if not reason.strip():
        raise VisitRefused("Indiquez le motif de l'annulation.")
    reason = reason.strip()
    return VISIT_FLOW.apply(
        visit,
        "cancel",
        by=by,
        ip=ip,
        comment=reason,
        fields={"cancel_reason": reason},
        log_fields={"action": VisitAction.CANCELLED, "detail": f"Motif : {reason}"},
    )


def tutor_visits(convention: Convention) -> list[Visit]:
    """The visits a tutor sees on their link: the convention's planned and done visits."""
    return list(
        convention.visits.filter(status__in=(VisitStatus.PLANNED, VisitStatus.DONE))
        .select_related("teacher", "period")
        .order_by("planned_at", "pk")
    )


def answer_visit_as_tutor(
    access: TutorAccess,
    visit: Visit,
    *,
    confirm: bool,
    tutor_name: str,
    proposed_at: datetime | None = None,
    comment: str = "",
    ip: str | None = None,
) -> Visit:
    """The tutor, through their link (`access`, already resolved: a usable `TutorAccess`),
    confirms a planned visit or proposes another date within its period (seed 004: « Chaque
    professeur doit se rendre en entreprise et en accord avec le tuteur, organiser ses
    visites »). The teacher reads the answer on the visit's page; a new date is theirs to plan
    (the visit keeps its date until then). One `VisitEvent`, without an account."""
    tutor_name, comment = tutor_name.strip(), comment.strip()
    if not tutor_name:
        raise VisitRefused("Indiquez votre nom.", field="tutor_name")
    if visit.convention_id != access.convention_id:  # a visit never changes convention
        raise VisitRefused("Cette visite n'est pas une visite de ce stage.")
    now = timezone.now()

    def guard(locked: Visit) -> list[str]:
        if confirm:
            return []
        if proposed_at is None:
            raise VisitRefused("Indiquez la date que vous proposez.", field="proposed_at")
        day = timezone.localtime(proposed_at).date()
        period = locked.period
        if not period.start <= day <= period.end or proposed_at <= now:
            raise VisitRefused(
                f"Proposez un jour à venir de la période, du {period.start:%d/%m/%Y} au "
                f"{period.end:%d/%m/%Y}.",
                field="proposed_at",
            )
        return []

    def log(locked: Visit) -> dict[str, object]:
        if confirm or proposed_at is None:
            action = VisitAction.TUTOR_CONFIRMED
            detail = (
                f"Visite du {_local(locked.planned_at)} confirmée par le tuteur ({tutor_name})."
            )
        else:
            action = VisitAction.TUTOR_PROPOSED
            detail = (
                f"Le tuteur ({tutor_name}) propose le {_local(proposed_at)} au lieu du "
                f"{_local(locked.planned_at)}."
            )
        return {"action": action, "detail": detail + (f" Message : {comment}" if comment else "")}

    return VISIT_FLOW.apply(
        visit,
        "tutor_answer",
        by=None,
        actor_label=tutor_name[:200],
        ip=ip,
        comment=comment,
        guard=guard,
        fields={
            "tutor_answer": TutorAnswer.CONFIRMED if confirm else TutorAnswer.OTHER_DATE,
            "tutor_proposed_at": None if confirm else proposed_at,
            "tutor_answered_at": now,
            "tutor_answer_name": tutor_name[:200],
            "tutor_comment": comment,
        },
        log_fields=log,
    )


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


# --- the secret address of a teacher's calendar ----------------------------------------------


def issue_calendar_feed(*, by: User) -> str:
    """A new secret address for `by`'s visits feed; the previous one stops working. Returns the
    token (shown once: only its HMAC is kept)."""
    require(by, Action.VISIT_FEED)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=by.pk).first()  # one regeneration at a time
        now = timezone.now()
        CalendarFeed.objects.filter(teacher=by, revoked_at__isnull=True).update(revoked_at=now)
        CalendarFeed.objects.create(teacher=by, token_hash=hash_token(token))
    return token


def revoke_calendar_feed(*, by: User) -> bool:
    """Revoke `by`'s secret address, if any: True when one was in force."""
    require(by, Action.VISIT_FEED)
    revoked = CalendarFeed.objects.filter(teacher=by, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(revoked)


def active_calendar_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(teacher_id=user.pk, revoked_at__isnull=True).first()


def resolve_calendar_feed(token: str) -> CalendarFeed | None:
    """The feed in force behind `token`, whose teacher may still have one; None otherwise."""
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("teacher")
        .first()
    )
    if feed is None or not feed.teacher.is_active or not can(feed.teacher, Action.VISIT_FEED):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed
