"""Changes to the host directory: hosts, their sites and tutors.

Each creation and edit checks the permission and writes audit rows (author, IP, the fields
changed) in its transaction. The host chosen for a student's period (`Placement`) has its own
workflow in `milieu.placements.operations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from milieu.audit.enums import AuditAction
from milieu.audit.journal import diff, record, snapshot
from milieu.establishments.models import Establishment
from milieu.hosts.models import Host, HostSite, Tutor
from milieu.permissions import Action, establishments_working_with, require, scope_of
from milieu.refusals import Refused

if TYPE_CHECKING:
    from milieu.people.models import User


class HostRefused(Refused):
    """A change of the directory that does not hold together (a tutor of another host)."""


class DuplicateHost(HostRefused):
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


def home_establishment_id(user: User) -> int | None:
    """The establishment a record is added for: the first one the user manages, else the first
    one whose staff they are."""
    scope = scope_of(user)
    ids = sorted(scope.managed_establishments) or sorted(scope.staff_establishments)
    return ids[0] if ids else None


def _journal(
    action: AuditAction,
    obj: Host | HostSite | Tutor,
    *,
    by: User,
    ip: str | None,
    changes: dict[str, Any],
) -> None:
    subject = obj.host if isinstance(obj, HostSite) else obj
    ids = set(establishments_working_with(subject))
    home = home_establishment_id(by)
    if home is not None:
        ids.add(home)
    establishments: list[Establishment | None] = list(
        Establishment.objects.filter(pk__in=ids).order_by("pk")
    )
    for establishment in establishments or [None]:
        record(action, actor=by, obj=obj, establishment=establishment, ip=ip, changes=changes)


def create_host(host: Host, *, by: User, ip: str | None = None) -> Host:
    """Register a new host; the database refuses a second host with the same SIRET."""
    require(by, Action.HOST_CREATE)
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


def update_host(host: Host, *, by: User, ip: str | None = None) -> Host:
    """Save a host's changes (the form changed `host` in memory) with the fields changed."""
    require(by, Action.HOST_CHANGE, host)
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


def add_site(host: Host, site: HostSite, *, by: User, ip: str | None = None) -> HostSite:
    """A new site or service of a host: a change of the host, for those who may change it."""
    require(by, Action.HOST_CHANGE, host)
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


def save_tutor(host: Host, tutor: Tutor, *, by: User, ip: str | None = None) -> Tutor:
    """Add a tutor to a host, or save the changes to one of its tutors (the form changed `tutor`
    in memory). Changing a tutor's e-mail never redirects what was already sent: a signatory's
    address is frozen when the convention leaves for signature, a follow-up link is sent once."""
    if tutor.pk is None:
        require(by, Action.TUTOR_CREATE, host)
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
    require(by, Action.TUTOR_CHANGE, tutor)
    with transaction.atomic():
        saved = Tutor.objects.select_for_update().get(pk=tutor.pk)
        if saved.host_id != host.pk:
            raise HostRefused("Ce tuteur ne travaille pas dans cet organisme.")
        before = snapshot(saved, TUTOR_FIELDS)
        tutor.save()
        changes = diff(before, snapshot(tutor, TUTOR_FIELDS))
        if changes:
            _journal(AuditAction.TUTOR_EDITED, tutor, by=by, ip=ip, changes=changes)
    return tutor
