"""The follow-up history: one row per operation (an event log of actions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from milieu.followup.enums import FollowupAction
from milieu.followup.models.base import display_name

# --- the audit trail ----------------------------------------------------------------------------


class OperationEvent(models.Model):
    """What every row of an event log shares (`FollowupEvent`, and the apprenticeship's
    `ApprenticeshipEvent`): who (an account, or the typed name of someone acting through their
    link), when, from where, and the detail. Each concrete log adds the row it belongs to and its
    own `action` (its list of operations)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par (compte)",
    )
    actor_label = models.CharField("par (hors compte)", max_length=200, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    at = models.DateTimeField("le", auto_now_add=True)
    detail = models.TextField("détail", blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    @property
    def actor_name(self) -> str:
        return display_name(self.actor) if self.actor is not None else self.actor_label


class FollowupEvent(OperationEvent):
    """One follow-up operation: who (an account, or the tutor's typed name), when, from where."""

    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.PROTECT,
        related_name="followup_events",
        verbose_name="convention",
    )
    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followup_events",
        verbose_name="période",
    )
    action = models.CharField("opération", max_length=32, choices=FollowupAction.choices)

    class Meta(OperationEvent.Meta):
        verbose_name = "événement du suivi"
        verbose_name_plural = "événements du suivi"

    def __str__(self) -> str:
        return f"{self.get_action_display()} — convention n° {self.convention_id}"
