"""Host organisations, their sites and tutors, and the host chosen for a student's period.

The choice follows the seeds: proposed (by the student or staff) → validated by the pedagogical
team → *arrêté* by the chef d'établissement (seed 001 §2.1.2; seed 003 §2.1.2: the team validates
the places). Every change of status is a `PlacementTransition` row with its actor.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from milieu.audit.models import StateLog
from milieu.hosts.enums import OPEN_PLACEMENT_STATUSES, NafVersion, PlacementStatus
from milieu.identifiers import naf_normalised, siret_error


def validate_siret(value: str) -> None:
    if value:
        error = siret_error(value)
        if error:
            raise ValidationError(error)


def validate_naf(value: str) -> None:
    if value and naf_normalised(value) is None:
        raise ValidationError("Le code NAF compte 4 chiffres et une lettre (ex. 62.02A).")


class HostQuerySet(models.QuerySet["Host"]):
    def search(self, text: str) -> HostQuerySet:
        text = text.strip()
        if not text:
            return self
        compact = "".join(text.split())
        query = Q(name__icontains=text) | Q(trade_name__icontains=text) | Q(city__icontains=text)
        if compact.isdigit():
            query |= Q(siret__startswith=compact)
        return self.filter(query)

    def same_siret(self, siret: str, *, country: str = "FR") -> HostQuerySet:
        """The host already registered with this SIRET in this country (at most one)."""
        compact = "".join(siret.split())
        if not compact:
            return self.none()
        return self.filter(country=country.upper(), siret=compact)

    def same_siren(self, siret: str) -> HostQuerySet:
        """Other establishments of the same company: French hosts whose SIRET starts with the
        same SIREN (domain.md, Identifiers). The caller excludes the host itself."""
        compact = "".join(siret.split())
        if len(compact) < 9:
            return self.none()
        return self.filter(country="FR", siret__startswith=compact[:9])

    def same_foreign_identifier(self, identifier: str, *, country: str) -> HostQuerySet:
        """A foreign host already registered with this national identifier in its country."""
        text = " ".join(identifier.split())
        if not text:
            return self.none()
        return self.filter(country=country.upper(), foreign_identifier__iexact=text)


class DirectoryEntry(models.Model):
    """A record of the shared directory (a host, a tutor): who added it, and the establishment
    it was added for, whose managers may edit it (milieu.permissions)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    created_in = models.ForeignKey(
        "establishments.Establishment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté pour l'établissement",
    )

    class Meta:
        abstract = True


class Host(DirectoryEntry):
    """A company or organisation that hosts interns; unique by SIRET within a country."""

    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    country = models.CharField("pays (ISO 3166)", max_length=2, default="FR")
    foreign_identifier = models.CharField(
        "identifiant national (hors France)", max_length=50, blank=True
    )
    name = models.CharField("raison sociale", max_length=200)
    trade_name = models.CharField("enseigne", max_length=200, blank=True)
    naf_code = models.CharField("code NAF", max_length=6, blank=True, validators=[validate_naf])
    naf_version = models.CharField(
        "version de la NAF", max_length=16, choices=NafVersion.choices, default=NafVersion.REV2
    )
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    headcount = models.PositiveIntegerField("effectif", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = HostQuerySet.as_manager()

    class Meta:
        verbose_name = "organisme d'accueil"
        verbose_name_plural = "organismes d'accueil"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "siret"],
                condition=~Q(siret=""),
                name="host_unique_siret_per_country",
                violation_error_message="Un organisme d'accueil a déjà ce SIRET.",
            ),
            models.CheckConstraint(
                name="host_french_has_siret",
                condition=~Q(country="FR") | ~Q(siret=""),
                violation_error_message="Un organisme d'accueil en France a un SIRET.",
            ),
        ]

    def __str__(self) -> str:
        return self.trade_name or self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.siret = "".join(self.siret.split())
        self.country = self.country.upper()
        if self.naf_code:
            self.naf_code = naf_normalised(self.naf_code) or self.naf_code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def siren(self) -> str:
        return self.siret[:9]


class HostSite(models.Model):
    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, related_name="sites", verbose_name="organisme"
    )
    name = models.CharField("service ou site", max_length=200)
    address = models.CharField("adresse", max_length=250, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)

    class Meta:
        verbose_name = "site ou service"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TutorQuerySet(models.QuerySet["Tutor"]):
    def search(self, text: str) -> TutorQuerySet:
        text = text.strip()
        if not text:
            return self
        query = Q(last_name__icontains=text) | Q(first_name__icontains=text)
        query |= Q(host__name__icontains=text) | Q(host__trade_name__icontains=text)
        return self.filter(query)

    def with_current_students(self, establishment_ids: list[int], today: date) -> TutorQuerySet:
        """Annotate `current_students`: the students of these establishments the tutor follows
        today (an open choice whose PFMP window contains `today`). A tutor follows at most
        3 interns at once (Code de l'éducation D124-3, domain.md "General rules")."""
        return self.annotate(
            current_students=models.Count(
                "placements",
                filter=Q(
                    placements__status__in=list(OPEN_PLACEMENT_STATUSES),
                    placements__cohort_period__start__lte=today,
                    placements__cohort_period__end__gte=today,
                    placements__student__cohort__establishment_id__in=establishment_ids,
                ),
            )
        )


TUTOR_MAX_CURRENT_STUDENTS = 3
"""D124-3: a tutor follows at most 3 interns at once; above, the pages warn."""


class Tutor(DirectoryEntry):
    """The host's person in charge of interns (maître d'apprentissage for apprentices)."""

    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, related_name="tutors", verbose_name="organisme"
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    position = models.CharField("fonction", max_length=100, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)

    objects = TutorQuerySet.as_manager()

    class Meta:
        verbose_name = "tuteur"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"


class PlacementQuerySet(models.QuerySet["Placement"]):
    def open(self) -> PlacementQuerySet:
        return self.filter(
            status__in=[PlacementStatus.PROPOSED, PlacementStatus.VALIDATED, PlacementStatus.ARRETE]
        )


class Placement(models.Model):
    """The host chosen for one student and one PFMP window of their cohort."""

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name="élève",
    )
    cohort_period = models.ForeignKey(
        "establishments.CohortPeriod",
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name="période",
    )
    host = models.ForeignKey(
        Host,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name="organisme d'accueil",
    )
    site = models.ForeignKey(
        HostSite,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="site",
    )
    tutor = models.ForeignKey(
        Tutor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name="tuteur",
    )
    status = models.CharField(
        "état", max_length=16, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="proposé par",
    )
    created_at = models.DateTimeField("proposé le", auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = "choix d'organisme d'accueil"
        verbose_name_plural = "choix d'organismes d'accueil"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "cohort_period"],
                condition=Q(status__in=["proposed", "validated", "arrete"]),
                name="placement_one_open_per_student_period",
                violation_error_message="Cet élève a déjà un organisme proposé ou retenu pour cette période.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} chez {self.host} ({self.get_status_display()})"


class PlacementTransition(StateLog):
    """One change of a host choice's status (`milieu.placements.operations.PLACEMENT_FLOW`)."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="transitions", verbose_name="choix"
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=PlacementStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=PlacementStatus.choices)

    class Meta(StateLog.Meta):
        verbose_name = "changement d'état d'un choix d'organisme"

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} par {self.actor_display}"
