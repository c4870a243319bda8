"""The no-account links: what every one shares (`AccessLink`), and the tutor's. Only the HMAC of
a link's token is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessLink(models.Model):
    """What every no-account link shares (the tutor's `TutorAccess`, the maître d'apprentissage's
    `EmployerAccess`): only the HMAC of its token is stored (`milieu.tokens`); it expires, may be
    revoked, and keeps who made it and the address it was sent to, once. Each concrete link adds
    the one row it opens."""

    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    expires_at = models.DateTimeField("expire le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    revoked = models.BooleanField("révoqué", default=False)
    # The address the link was sent to, once: editing the recipient later never sends it elsewhere.
    sent_to = models.EmailField("envoyé à")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()


class TutorAccess(AccessLink):
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        related_name="tutor_accesses",
        verbose_name="convention",
    )
    sent_to = models.EmailField("envoyé à", blank=True)

    class Meta(AccessLink.Meta):
        verbose_name = "accès du tuteur"
        verbose_name_plural = "accès des tuteurs"

    def __str__(self) -> str:
        return f"Accès du tuteur à la convention n° {self.convention_id}"
