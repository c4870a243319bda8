"""The tutor's link: issued (e-mailed on commit), renewed, revoked, and resolved from its token
into the one convention it opens; and what every no-account link's operations share
(`access_by_token`, `revoke_access`: the maître d'apprentissage's link goes through them too)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.models import FollowupAction, TutorAccess
from milieu.followup.models.links import AccessLink
from milieu.followup.operations.base import FollowupRefused, record_event
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.refusals import Refused
from milieu.tokens import hash_token

LINK_LIFETIME = timedelta(days=120)  # kept for callers that pass their own lifetime

LinkT = TypeVar("LinkT", bound=AccessLink)


# --- what every no-account link shares ---------------------------------------------------------


def access_by_token(
    links: QuerySet[LinkT], token: str, *, refused: type[Refused], revoked_message: str
) -> LinkT:
    """The link of `links` behind `token` while it may be used; otherwise `refused` with the
    reason in French (unknown, revoked: `revoked_message`, expired)."""
    access = links.filter(token_hash=hash_token(token)).first()
    if access is None:
        raise refused("Ce lien n'est pas valide.")
    if access.revoked:
        raise refused(revoked_message)
    if access.expires_at <= timezone.now():
        raise refused("Ce lien a expiré : demandez-en un nouveau à l'établissement.")
    return access


def revoke_access(
    access: AccessLink,
    *,
    refused: type[Refused],
    already_message: str,
    record: Callable[[], object],
) -> None:
    """Revoke the link in one transaction that locks its row and calls `record` (the row of its
    history); `refused` with `already_message` when it is revoked already. The caller has asked
    the permission."""
    with transaction.atomic():
        locked = type(access)._default_manager.select_for_update().get(pk=access.pk)
        if locked.revoked:
            raise refused(already_message)
        locked.revoked = True
        locked.save(update_fields=["revoked"])
        record()
    access.revoked = True


# --- the tutor's link ------------------------------------------------------------------------


def link_expiry(convention: Convention, *, now: datetime | None = None) -> datetime:
    """Until when a tutor's link lives: the end of the convention's last active period plus
    `TUTOR_LINK_GRACE_DAYS` (the certificate and the grid come after the stage), and never less
    than that grace from now. A link issued before a future stage outlives the stage."""
    now = now or timezone.now()
    grace = timedelta(days=settings.TUTOR_LINK_GRACE_DAYS)
    last = convention.periods.filter(active=True).order_by("-end").values_list("end", flat=True)
    latest = now + grace
    if last:
        end_of_stage = timezone.make_aware(datetime.combine(last[0], time(23, 59, 59)))
        latest = max(latest, end_of_stage + grace)
    return latest


def issue_tutor_link(
    convention: Convention,
    *,
    by: User,
    lifetime: timedelta | None = None,
    ip: str | None = None,
) -> str:
    """A new link for the convention's tutor, e-mailed on commit; returns the token. It lives
    until `link_expiry` (or for `lifetime` when given)."""
    require(by, Action.FOLLOWUP_MANAGE, convention)
    if convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("La convention doit être signée avant d'ouvrir l'accès au tuteur.")
    tutor = convention.tutor
    if tutor is None or not tutor.email:
        raise FollowupRefused("Renseignez le tuteur de la convention et son adresse électronique.")
    token = secrets.token_urlsafe(32)
    recipient = str(tutor.email)  # sent once, to this address: a later edit never redirects it
    with transaction.atomic():
        Convention.objects.select_for_update().filter(pk=convention.pk).first()
        access = TutorAccess.objects.create(
            convention=convention,
            token_hash=hash_token(token),
            expires_at=(
                timezone.now() + lifetime if lifetime is not None else link_expiry(convention)
            ),
            created_by=by,
            sent_to=recipient,
        )
        expires = timezone.localtime(access.expires_at)
        record_event(
            convention,
            FollowupAction.LINK_ISSUED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} envoyé à {recipient}, valable jusqu'au {expires:%d/%m/%Y}.",
        )
        url = settings.SITE_URL + reverse("followup:tutor", kwargs={"token": token})
        student = convention.student
        body = (
            f"Bonjour,\n\nVous êtes le tuteur de {student.full_name} "
            f"(convention n° {convention.pk}).\n"
            f"Ce lien personnel vous permet de déclarer ses absences, de confirmer sa présence, "
            f"de délivrer son attestation de stage et de remplir les documents de suivi du "
            f"stage, jusqu'au {expires:%d/%m/%Y} :\n"
            f"{url}\n\nNe le transmettez pas.\n"
        )
        transaction.on_commit(
            lambda: send_mail(f"Suivi du stage de {student.full_name}", body, None, [recipient])
        )
    return token


def renew_tutor_link(access: TutorAccess, *, by: User, ip: str | None = None) -> TutorAccess:
    """Give the same link (the tutor keeps the e-mail they have) a new expiry, `link_expiry`
    from now: for a stage moved later by an avenant, or a certificate still to come."""
    require(by, Action.FOLLOWUP_MANAGE, access.convention)
    with transaction.atomic():
        locked = TutorAccess.objects.select_for_update().get(pk=access.pk)
        if locked.revoked:
            raise FollowupRefused("Ce lien est révoqué : envoyez-en un nouveau au tuteur.")
        expires = link_expiry(access.convention)
        if expires <= locked.expires_at:
            raise FollowupRefused(
                "Action déjà effectuée : ce lien est déjà valable jusqu'au "
                f"{timezone.localtime(locked.expires_at):%d/%m/%Y}."
            )
        locked.expires_at = expires
        locked.save(update_fields=["expires_at"])
        record_event(
            access.convention,
            FollowupAction.LINK_RENEWED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} prolongé jusqu'au {timezone.localtime(expires):%d/%m/%Y}.",
        )
    return locked


def revoke_tutor_link(access: TutorAccess, *, by: User, ip: str | None = None) -> None:
    require(by, Action.FOLLOWUP_MANAGE, access.convention)
    revoke_access(
        access,
        refused=FollowupRefused,
        already_message="Ce lien est déjà révoqué.",
        record=lambda: record_event(
            access.convention,
            FollowupAction.LINK_REVOKED,
            by=by,
            ip=ip,
            detail=f"Lien n° {access.pk} révoqué.",
        ),
    )


def resolve_access(token: str) -> TutorAccess:
    """The usable access behind `token`, or `FollowupRefused` with the reason in French."""
    access = access_by_token(
        TutorAccess.objects.select_related(
            "convention",
            "convention__student",
            "convention__student__cohort",
            "convention__student__cohort__establishment",
            "convention__tutor",
            "convention__host",
        ),
        token,
        refused=FollowupRefused,
        revoked_message="Ce lien a été révoqué par l'établissement.",
    )
    if access.convention.status not in SIGNED_STATUSES:
        raise FollowupRefused("La convention de ce stage n'est plus en vigueur.")
    return access


def period_of(access: TutorAccess, period_pk: Any) -> ConventionPeriod:
    """One active period of the access's own convention (never another intern's)."""
    try:
        pk = int(period_pk)
    except (TypeError, ValueError):
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.") from None
    period = (
        ConventionPeriod.objects.filter(convention=access.convention, active=True, pk=pk)
        .select_related("convention")
        .first()
    )
    if period is None:
        raise FollowupRefused("Cette période ne fait pas partie de ce stage.")
    return period
