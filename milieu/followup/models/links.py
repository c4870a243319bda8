"""The tutor's link: only the HMAC of its token is stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TutorAccess(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        related_name="tutor_accesses",
        verbose_name="convention",
    )
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
    # The address the link was sent to, once: editing the tutor later never sends it elsewhere.
    sent_to = models.EmailField("envoyé à", blank=True)

    class Meta:
        verbose_name = "accès du tuteur"
        verbose_name_plural = "accès des tuteurs"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Accès du tuteur à la convention n° {self.convention_id}"

    @property
    def usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()
