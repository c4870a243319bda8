"""Reminding the parties whose signature is still awaited: a new link, at most every 3 days
(or from the convention's page, « Relancer », at most once a day)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from milieu.conventions.enums import (
    AmendmentStatus,
    ConventionStatus,
    SignatureMethod,
    SignatureState,
)
from milieu.conventions.flow import ConventionRefused
from milieu.conventions.links import issue_link, mail_link
from milieu.conventions.models import Convention, Signatory
from milieu.people.models import User
from milieu.permissions import Action, require

REMINDER_INTERVAL = timedelta(days=3)


def remind_pending(
    now: datetime | None = None,
    *,
    dry_run: bool = False,
    convention: Convention | None = None,
    interval: timedelta = REMINDER_INTERVAL,
) -> int:
    """One reminder per pending signatory at a time: a new link, at most every 3 days.

    Pending signatories of a convention in signature and of an avenant in signature are due
    3 days after their last link or reminder. A row another worker holds is skipped; the state
    is read again under the lock, so a party who has just signed is never reminded. With
    `dry_run`, count who would be reminded and change nothing. `convention` and `interval`
    narrow it to one convention's parties, as « Relancer » on its page does.
    """
    now = now or timezone.now()
    awaited = Q(amendment__isnull=True, convention__status=ConventionStatus.SIGNING) | Q(
        amendment__status=AmendmentStatus.SIGNING
    )
    due = Signatory.objects.filter(
        awaited, state=SignatureState.PENDING, method=SignatureMethod.ONLINE
    ).exclude(email="")
    if convention is not None:
        due = due.filter(convention=convention)
    count = 0
    for signatory in due.select_related("convention", "amendment").order_by("pk"):
        if signatory.version != signatory.convention.version:
            continue
        latest_link = (
            signatory.links.order_by("-created_at").values_list("created_at", flat=True).first()
        )
        last = signatory.last_reminder_at or latest_link
        if last is not None and now - last < interval:
            continue
        if dry_run:
            count += 1
            continue
        with transaction.atomic():
            locked = (
                Signatory.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(awaited, pk=signatory.pk, state=SignatureState.PENDING)
                .select_related("amendment")
                .first()
            )
            if locked is None or (
                locked.last_reminder_at and now - locked.last_reminder_at < interval
            ):
                continue
            issued = issue_link(locked)
            locked.last_reminder_at = now
            locked.save(update_fields=["last_reminder_at"])
            transaction.on_commit(lambda issued=issued: mail_link(issued, reminder=True))  # type: ignore[misc]
        count += 1
    return count


MANUAL_REMINDER_INTERVAL = timedelta(hours=20)


def remind_convention(convention: Convention, *, by: User, now: datetime | None = None) -> int:
    """« Relancer » from the convention's page: a new link to each party whose signature is
    still awaited, unless reminded less than a day ago; returns how many were reminded."""
    require(by, Action.CONVENTION_REMIND, convention)
    if (
        convention.status != ConventionStatus.SIGNING
        and not convention.amendments.filter(status=AmendmentStatus.SIGNING).exists()
    ):
        raise ConventionRefused(["Aucune signature n'est attendue pour cette convention."])
    return remind_pending(now, convention=convention, interval=MANUAL_REMINDER_INTERVAL)
