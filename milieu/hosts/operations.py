"""Business operations on hosts and placements: one function per transition.

Each is atomic, checks the permission, locks the row, writes a `PlacementTransition` with the
actor, and refuses a transition the table does not allow with a French message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.journal import diff, record, snapshot
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Host, HostSite, Placement, PlacementTransition, Tutor
from milieu.permissions import establishments_working_with, require, scope_of
from milieu.refusals import Refused

# transition -> (states it may start from, state it leads to, permission)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "validate": (
        frozenset({PlacementStatus.PROPOSED}),
        PlacementStatus.VALIDATED,
        "placement.validate",
    ),
    "arrete": (frozenset({PlacementStatus.VALIDATED}), PlacementStatus.ARRETE, "placement.arrete"),
    "reject": (
        frozenset({PlacementStatus.PROPOSED, PlacementStatus.VALIDATED}),
        PlacementStatus.REJECTED,
        "placement.reject",
    ),
    "withdraw": (
        frozenset({PlacementStatus.PROPOSED, PlacementStatus.VALIDATED, PlacementStatus.ARRETE}),
        PlacementStatus.WITHDRAWN,
        "placement.withdraw",
    ),
}


class TransitionRefused(Refused):
    """The placement is not (or no longer) in a state that allows the transition."""


class DuplicateHost(Exception):
    """Another host got the same SIRET in the meantime (the database constraint refused it)."""


# --- the directory: hosts, sites, tutors ------------------------------------------------------
# Each creation and edit writes audit rows (author, IP, the fields changed) in its transaction:
# one per establishment that works with the record, so that each of their heads sees who
# changed a contact their conventions rely on, and one for the author's own establishment.

HOST_FIELDS = (
    "country",
    "siret",
    "foreign_identifier",
    "name",
    "trade_name",
    "naf_code",
    "naf_version",
    "address",
    "postal_code",
    "city",
    "headcount",
)
SITE_FIELDS = ("host", "name", "address", "city")
TUTOR_FIELDS = ("host", "last_name", "first_name", "position", "email", "phone")


def home_establishment_id(user: Any) -> int | None:
    """The establishment a record is added for: the first one the user manages, else the first
    one whose staff they are."""
    scope = scope_of(user)
    ids = sorted(scope.managed_establishments) or sorted(scope.staff_establishments)
    return ids[0] if ids else None


def _journal(
    action: AuditAction,
    obj: Host | HostSite | Tutor,
    *,
    by: Any,
    ip: str | None,
    changes: dict[str, Any],
) -> None:
    from milieu.establishments.models import Establishment

    subject = obj.host if isinstance(obj, HostSite) else obj
    ids = set(establishments_working_with(subject))
    home = home_establishment_id(by)
    if home is not None:
        ids.add(home)
    establishments: list[Any] = list(Establishment.objects.filter(pk__in=ids).order_by("pk"))
    for establishment in establishments or [None]:
        record(action, actor=by, obj=obj, establishment=establishment, ip=ip, changes=changes)


def create_host(host: Host, *, by: Any, ip: str | None = None) -> Host:
    """Register a new host; the database refuses a second host with the same SIRET."""
    require(by, "host.create")
    host.created_by = by
    host.created_in_id = home_establishment_id(by)
    try:
        with transaction.atomic():
            host.save()
            _journal(
                AuditAction.HOST_CREATED,
                host,
                by=by,
                ip=ip,
                changes=diff({}, snapshot(host, HOST_FIELDS)),
            )
    except IntegrityError as error:
        host.pk = None
        raise DuplicateHost("Un organisme d’accueil a déjà ce SIRET.") from error
    return host


def update_host(host: Host, *, by: Any, ip: str | None = None) -> Host:
    """Save a host's changes (the form changed `host` in memory) with the fields changed."""
    require(by, "host.change", host)
    try:
        with transaction.atomic():
            saved = Host.objects.select_for_update().get(pk=host.pk)
            before = snapshot(saved, HOST_FIELDS)
            host.save()
            changes = diff(before, snapshot(host, HOST_FIELDS))
            if changes:
                _journal(AuditAction.HOST_EDITED, host, by=by, ip=ip, changes=changes)
    except IntegrityError as error:
        raise DuplicateHost("Un organisme d’accueil a déjà ce SIRET.") from error
    return host


def add_site(host: Host, site: HostSite, *, by: Any, ip: str | None = None) -> HostSite:
    """A new site or service of a host: a change of the host, for those who may change it."""
    require(by, "host.change", host)
    site.host = host
    with transaction.atomic():
        site.save()
        _journal(
            AuditAction.SITE_EDITED,
            site,
            by=by,
            ip=ip,
            changes=diff({}, snapshot(site, SITE_FIELDS)),
        )
    return site


def save_tutor(host: Host, tutor: Tutor, *, by: Any, ip: str | None = None) -> Tutor:
    """Add a tutor to a host, or save the changes to one of its tutors (the form changed `tutor`
    in memory). Changing a tutor's e-mail never redirects what was already sent: a signatory's
    address is frozen when the convention leaves for signature, a follow-up link is sent once."""
    if tutor.pk is None:
        require(by, "tutor.create", host)
        tutor.host = host
        tutor.created_by = by
        tutor.created_in_id = home_establishment_id(by)
        with transaction.atomic():
            tutor.save()
            _journal(
                AuditAction.TUTOR_CREATED,
                tutor,
                by=by,
                ip=ip,
                changes=diff({}, snapshot(tutor, TUTOR_FIELDS)),
            )
        return tutor
    require(by, "tutor.change", tutor)
    with transaction.atomic():
        saved = Tutor.objects.select_for_update().get(pk=tutor.pk)
        if saved.host_id != host.pk:
            raise TransitionRefused("Ce tuteur ne travaille pas dans cet organisme.")
        before = snapshot(saved, TUTOR_FIELDS)
        tutor.save()
        changes = diff(before, snapshot(tutor, TUTOR_FIELDS))
        if changes:
            _journal(AuditAction.TUTOR_EDITED, tutor, by=by, ip=ip, changes=changes)
    return tutor


def allowed_transitions(placement: Placement) -> list[str]:
    return [name for name, (sources, _, _) in TRANSITIONS.items() if placement.status in sources]


def propose_placement(
    student: Any,
    *,
    cohort_period: Any,
    host: Host,
    by: Any,
    site: HostSite | None = None,
    tutor: Tutor | None = None,
    comment: str = "",
) -> Placement:
    require(by, "placement.propose", student)
    if cohort_period.cohort_id != student.cohort_id:
        raise TransitionRefused("Cette période n'est pas celle de la promotion de l'élève.")
    if tutor is not None and tutor.host_id != host.pk:
        raise TransitionRefused("Ce tuteur ne travaille pas dans cet organisme.")
    if site is not None and site.host_id != host.pk:
        raise TransitionRefused("Ce site n'appartient pas à cet organisme.")
    with transaction.atomic():
        if Placement.objects.open().filter(student=student, cohort_period=cohort_period).exists():
            raise TransitionRefused(
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
        PlacementTransition.objects.create(
            placement=placement,
            from_status="",
            to_status=PlacementStatus.PROPOSED,
            actor=by,
            comment=comment,
        )
    return placement


def _transition(placement: Placement, name: str, *, by: Any, comment: str = "") -> Placement:
    sources, target, permission = TRANSITIONS[name]
    require(by, permission, placement)
    with transaction.atomic():
        locked = Placement.objects.select_for_update().get(pk=placement.pk)
        if locked.status not in sources:
            raise TransitionRefused(
                f"Action déjà effectuée ou impossible : ce choix est « {locked.get_status_display()} »."
            )
        previous = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        PlacementTransition.objects.create(
            placement=locked, from_status=previous, to_status=target, actor=by, comment=comment
        )
        if name in DECISION_MAILS:
            transaction.on_commit(lambda: _mail_decision(locked, name, comment))
    placement.status = target
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


def _mail_decision(placement: Placement, name: str, comment: str) -> None:
    """One e-mail to the student (their account's address and the one on file), in French."""
    placement = Placement.objects.select_related("student__user", "host", "cohort_period").get(
        pk=placement.pk
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


def validate_placement(placement: Placement, *, by: Any, comment: str = "") -> Placement:
    """The pedagogical team validates the proposed host (seed 001 §2.1.2)."""
    return _transition(placement, "validate", by=by, comment=comment)


def arrete_placement(placement: Placement, *, by: Any, comment: str = "") -> Placement:
    """The chef d'établissement *arrête* the validated choice (seed 001 §2.1.2)."""
    return _transition(placement, "arrete", by=by, comment=comment)


def reject_placement(placement: Placement, *, by: Any, comment: str) -> Placement:
    if not comment.strip():
        raise TransitionRefused("Indiquez le motif du refus.")
    return _transition(placement, "reject", by=by, comment=comment)


def withdraw_placement(placement: Placement, *, by: Any, comment: str = "") -> Placement:
    return _transition(placement, "withdraw", by=by, comment=comment)
