"""*Contrats de travail de type particulier* (seed 001 §2.3.1, 002 §B.3.a, 003 §2.3.1, 004 §3.a).

A continuing-education candidate in first training or retraining who prepares the diploma under
such a contract does the stage within it « si les activités effectuées sont en cohérence avec les
exigences du référentiel ». The establishment records the contract (employer, SIRET, dates,
kind); the pedagogical team's statement that the activities fit the diploma is recorded apart,
with who made it and when. Each contract reaches the dossier as a ``special-contract`` period
(contract v1.1) with ``activities_fit``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from milieu.contracts.enums import SpecialContractKind


def end_after_start(name: str) -> models.CheckConstraint:
    """The check that a contract does not end before it starts (named per table)."""
    return models.CheckConstraint(
        name=name,
        condition=Q(end__gte=F("start")),
        violation_error_message="La fin du contrat précède son début.",
    )


class EmployerContract(models.Model):
    """What every contract with an employer shares (a special contract here, an apprenticeship in
    `milieu.apprenticeships`): the employer and its SIRET, the dates, who recorded it and when.
    Each concrete contract adds its student, its own fields and its `end_after_start` check."""

    employer = models.CharField("employeur", max_length=200)
    siret = models.CharField("SIRET de l'employeur", max_length=14)
    start = models.DateField("début du contrat")
    end = models.DateField("fin du contrat")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="enregistré par",
    )
    recorded_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["start", "pk"]


class SpecialContract(EmployerContract):
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="special_contracts",
        verbose_name="candidat",
    )
    kind = models.CharField("nature du contrat", max_length=24, choices=SpecialContractKind.choices)
    # the pedagogical team's statement that the activities fit the diploma's référentiel
    activities_fit = models.BooleanField("activités conformes au référentiel", default=False)
    activities_fit_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="conformité constatée par",
    )
    activities_fit_at = models.DateTimeField("conformité constatée le", null=True, blank=True)

    class Meta(EmployerContract.Meta):
        verbose_name = "contrat de travail de type particulier"
        verbose_name_plural = "contrats de travail de type particulier"
        constraints = [
            end_after_start("special_contract_end_after_start"),
            models.CheckConstraint(
                name="special_contract_fit_has_author",
                condition=Q(activities_fit=False)
                | Q(activities_fit_by__isnull=False, activities_fit_at__isnull=False),
                violation_error_message="La conformité des activités est constatée par quelqu'un.",
            ),
            models.CheckConstraint(
                name="special_contract_known_kind",
                condition=Q(kind__in=SpecialContractKind.values),
                violation_error_message="Nature de contrat inconnue.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} chez {self.employer} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"
