"""The audit journal: who did what, when, from where, to which record.

One row per action worth answering for later (sign-ins, failed sign-ins, edits of students,
cohorts, hosts, sites and tutors, paper signatures, downloads of a minor's documents). Rows are
written through `milieu.audit.record` in the caller's transaction and are never edited. The
establishment a row concerns lets its head read it (`milieu.permissions`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milieu.audit.enums import AuditAction


class AuditEntry(models.Model):
    action = models.CharField("action", max_length=24, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    # What the actor typed when there is no account yet (a failed sign-in), or who acted
    # without an account (a tutor's link): never a password.
    actor_label = models.CharField("auteur (libellé)", max_length=254, blank=True)
    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    establishment = models.ForeignKey(
        "establishments.Establishment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="établissement concerné",
    )
    object_type = models.CharField("type d'objet", max_length=64, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_label = models.CharField("objet", max_length=255, blank=True)
    # Field changes as {"field": [before, after]} or any small JSON detail.
    changes = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["establishment", "-at"], name="audit_estab_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.object_label or self.actor_label}"


class StateLog(models.Model):
    """The one shape of a workflow's log row (`milieu.workflow.Workflow.apply` writes it): a
    concrete log adds its foreign key to the record and, where it has them, the status choices."""

    from_status = models.CharField("état de départ", max_length=16, blank=True)
    to_status = models.CharField("état d'arrivée", max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    actor_label = models.CharField("par (hors compte)", max_length=200, blank=True)
    at = models.DateTimeField("le", default=timezone.now)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def actor_display(self) -> str:
        """Who acted, as the log shows it: the account's name, or the label of a person
        without an account (a tutor's link, a signatory), or « système »."""
        if self.actor is not None:
            return self.actor.get_full_name() or self.actor.email
        return self.actor_label or "système"
