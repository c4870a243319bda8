"""Accounts and what they may act on: a user holds memberships (role × establishment or académie)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q

from milieu.people.enums import RECTORAT_ROLES, SCHOOL_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """A person who logs in with their e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("adresse électronique", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.email


class Membership(models.Model):
    """A role a user holds in one establishment (school roles) or one académie (rectorat roles)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    role = models.CharField("rôle", max_length=32, choices=Role.choices)
    establishment = models.ForeignKey(
        "establishments.Establishment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="établissement",
    )
    academie = models.ForeignKey(
        "establishments.Academie",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="académie",
    )

    class Meta:
        verbose_name = "rôle"
        constraints = [
            models.CheckConstraint(
                name="membership_school_role_in_establishment",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in SCHOOL_ROLES),
                        establishment__isnull=False,
                        academie__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in RECTORAT_ROLES),
                        establishment__isnull=True,
                        academie__isnull=False,
                    )
                ),
                violation_error_message=(
                    "Un rôle d'établissement se rattache à un établissement, un rôle du rectorat à une académie."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "establishment"],
                condition=Q(establishment__isnull=False),
                name="membership_unique_in_establishment",
                violation_error_message="Cette personne a déjà ce rôle dans cet établissement.",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "academie"],
                condition=Q(academie__isnull=False),
                name="membership_unique_in_academie",
                violation_error_message="Cette personne a déjà ce rôle dans cette académie.",
            ),
        ]

    def __str__(self) -> str:
        where = self.establishment or self.academie
        return f"{self.user} — {self.get_role_display()} ({where})"


class LoginAttemptWindow(models.Model):
    """One counter of the login throttle (`milieu.people.throttle`): the attempts made for one
    key — an account, a network address, or the pair, hashed — inside a fixed window.

    It lives in the database rather than the cache because the database is shared by every
    process and increments there are atomic (one UPDATE … SET hits = hits + 1), whatever cache
    the deployment configures."""

    key = models.CharField("clé", max_length=64, unique=True)
    hits = models.PositiveIntegerField("tentatives", default=0)
    window_end = models.DateTimeField("fin de la fenêtre", db_index=True)

    class Meta:
        verbose_name = "fenêtre de tentatives de connexion"
        verbose_name_plural = "fenêtres de tentatives de connexion"

    def __str__(self) -> str:
        return f"{self.hits} tentative(s) jusqu’au {self.window_end:%d/%m/%Y %H:%M}"


class Invitation(models.Model):
    """A single-use link sent to a student without an account to set their password.

    Only the keyed hash of the link's secret is stored (`milieu.tokens.hash_token`). A new
    invitation of the same student revokes the live ones; accepting one creates the account."""

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name="élève",
    )
    email = models.EmailField("adresse électronique")
    token_hash = models.CharField("empreinte du lien", max_length=64, unique=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="invité par",
    )
    created_at = models.DateTimeField("envoyée le")
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("acceptée le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation de {self.student} ({self.email})"
