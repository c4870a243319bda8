"""A document stored once and never changed: a PDF kept in the database with its SHA-256."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.db import models


class SealedContent(models.Model):
    """`content` (the subclass declares it) is written once: the first save records its
    SHA-256, any later save is refused with `frozen_message` (French, shown as is)."""

    frozen_message: ClassVar[str] = "Ce document ne se modifie pas : il est figé."

    content: Any
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(self.frozen_message)
        self.sha256 = self.digest(bytes(self.content))
        super().save(*args, **kwargs)

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
