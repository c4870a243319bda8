"""Conventions de stage: the tripartite agreement behind every period, its signatures and avenants.

"Chaque période de stage fait l'objet d'une convention" (seeds 001 and 003 §2.1.1, 000 §1,
002 §B.1, 004 §1). A convention covers one or more periods of one student with one host; its
annexe pédagogique follows the diploma's catalogue. Its parties' data are copied into `snapshot`
when it leaves for signature, so that later edits of a student or a host never change a signed
document; every PDF is stored once, with its SHA-256, and never rebuilt.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone

from milieu.audit.models import StateLog
from milieu.conventions.constraints import DateRange, PostgresExclusionConstraint
from milieu.conventions.enums import (
    AmendmentStatus,
    ConventionStatus,
    SignatoryRole,
    SignatureMethod,
    SignatureState,
)
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
from milieu.sealed import SealedContent

DEFAULT_TIMETABLE: dict[str, list[list[str]]] = {
    day: [["08:30", "12:00"], ["13:30", "17:00"]] for day in DEFAULT_WORK_DAY_NAMES
}


def default_timetable() -> dict[str, list[list[str]]]:
    return {day: [list(span) for span in spans] for day, spans in DEFAULT_TIMETABLE.items()}


class ConventionQuerySet(models.QuerySet["Convention"]):
    def with_parties(self) -> ConventionQuerySet:
        return self.select_related(
            "student",
            "student__cohort",
            "student__cohort__establishment",
            "host",
            "site",
            "tutor",
            "referent",
        )


class Convention(models.Model):
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="élève",
    )
    host = models.ForeignKey(
        "hosts.Host",
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="organisme d'accueil",
    )
    site = models.ForeignKey(
        "hosts.HostSite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lieu ou service",
    )
    tutor = models.ForeignKey(
        "hosts.Tutor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
        verbose_name="tuteur",
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referent_conventions",
        verbose_name="enseignant référent",
    )
    placement = models.ForeignKey(
        "hosts.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conventions",
        verbose_name="choix d'organisme",
    )
    status = models.CharField(
        "état", max_length=16, choices=ConventionStatus.choices, default=ConventionStatus.DRAFT
    )
    version = models.PositiveIntegerField("version", default=1)

    # who signs for the host (the legal representative of the company or their delegate)
    host_signatory_name = models.CharField(
        "signataire pour l'organisme", max_length=200, blank=True
    )
    host_signatory_position = models.CharField(
        "qualité du signataire de l'organisme", max_length=200, blank=True
    )
    host_signatory_email = models.EmailField(
        "adresse électronique du signataire de l'organisme", blank=True
    )
    tutor_signs = models.BooleanField("le tuteur signe aussi", default=True)

    # organisation of the work
    work_days = models.JSONField("jours travaillés", default=list)
    timetable = models.JSONField("horaires quotidiens", default=default_timetable)
    weekly_hours = models.DecimalField(
        "durée hebdomadaire (heures)", max_digits=4, decimal_places=2, default=Decimal("35")
    )
    gratification_hourly = models.DecimalField(
        "gratification horaire (€)", max_digits=6, decimal_places=2, null=True, blank=True
    )

    # annexe pédagogique
    objectives = models.TextField("objectifs (compétences visées)", blank=True)
    activities = models.TextField("activités confiées", blank=True)
    competencies = models.JSONField("compétences du référentiel retenues", default=list, blank=True)
    annex_items = models.JSONField("rubriques de l'annexe pédagogique", default=dict, blank=True)
    follow_up = models.TextField("modalités de suivi par l'enseignant référent", blank=True)
    evaluation_terms = models.TextField("modalités d'appréciation", blank=True)

    # legal terms
    accident_insurance = models.TextField("couverture des accidents du travail", blank=True)
    liability_insurance = models.TextField(
        "responsabilité civile (assureur et n° de contrat)", blank=True
    )
    foreign_law_adaptations = models.TextField("adaptations au droit du pays d'accueil", blank=True)
    # a stay abroad is under the control of the embassy's cultural service (seeds 001 and 003
    # §2.1.1): the day the school sent it notice of the stay
    embassy_notified_on = models.DateField(
        "avis au service de coopération et d'action culturelle de l'ambassade envoyé le",
        null=True,
        blank=True,
    )

    # annexe financière (convention-type des lycées)
    meals = models.TextField("restauration", blank=True)
    lodging = models.TextField("hébergement", blank=True)
    transport = models.TextField("transport", blank=True)
    insurance_costs = models.TextField("assurance (frais)", blank=True)

    snapshot = models.JSONField(
        "données des parties figées à l'envoi en signature", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de stage"
        verbose_name_plural = "conventions de stage"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="convention_weekly_hours_positive",
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=48),
                violation_error_message="La durée hebdomadaire est comprise entre 0 et 48 heures.",
            ),
            models.CheckConstraint(
                name="convention_status_known",
                condition=Q(status__in=ConventionStatus.values),
                violation_error_message="L'état de la convention n'est pas un état connu.",
            ),
        ]

    def __str__(self) -> str:
        return f"Convention n° {self.pk} — {self.student} chez {self.host}"

    @property
    def establishment_id(self) -> int:
        return int(self.student.cohort.establishment_id)

    def active_periods(self) -> models.QuerySet[ConventionPeriod]:
        return self.periods.filter(active=True).order_by("start")

    @property
    def first_day(self) -> date | None:
        first = self.active_periods().first()
        return first.start if first else None

    @property
    def abroad(self) -> bool:
        return self.host.country != "FR"


class ConventionPeriod(models.Model):
    """A period of a convention; an avenant deactivates it and adds its replacement (history)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="periods", verbose_name="convention"
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="convention_periods",
        verbose_name="élève",
    )
    start = models.DateField("début")
    end = models.DateField("fin")
    active = models.BooleanField("en vigueur", default=True)
    amendment = models.ForeignKey(
        "Amendment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_periods",
        verbose_name="issue de l'avenant",
    )

    class Meta:
        verbose_name = "période de la convention"
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                name="convention_period_end_after_start",
                condition=Q(end__gte=F("start")),
                violation_error_message="La fin de la période précède son début.",
            ),
            # PostgreSQL only (no SQL on SQLite): two active periods of one student never
            # overlap (created by migration 0002, declared here since 0006)
            PostgresExclusionConstraint(
                name="convention_period_no_overlap_per_student",
                index_type="GIST",
                expressions=[
                    ("student", RangeOperators.EQUAL),
                    (
                        DateRange("start", "end", Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(active=True),
                violation_error_message=(
                    "Cette période chevauche une autre période de l'élève : un élève ne peut "
                    "être en stage à deux endroits à la fois."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


class ConventionTransition(StateLog):
    """One step of a convention's life (`milieu.conventions.flow.CONVENTION_FLOW` writes it);
    an avenant's steps appear here too, the status unchanged, with a comment."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="transitions", verbose_name="convention"
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=ConventionStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=ConventionStatus.choices)

    class Meta(StateLog.Meta):
        verbose_name = "étape de la convention"

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class ConventionDocument(SealedContent):
    """A PDF of one version of a convention (or of an avenant), stored once with its hash."""

    class Kind(models.TextChoices):
        FOR_SIGNATURE = "for-signature", "Version soumise à la signature"
        SEALED = "sealed", "Version signée et scellée"
        PAPER_SCAN = "paper-scan", "Scan d'une signature sur papier"
        AMENDMENT = "amendment", "Avenant soumis à la signature"
        AMENDMENT_SEALED = "amendment-sealed", "Avenant signé et scellé"

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="documents", verbose_name="convention"
    )
    amendment = models.ForeignKey(
        "Amendment", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField("version")
    content = models.BinaryField("contenu")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    frozen_message = "Un document de convention ne se modifie pas : il est figé."

    class Meta:
        verbose_name = "document de la convention"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_sealed(self) -> bool:
        return self.kind in (self.Kind.SEALED, self.Kind.AMENDMENT_SEALED)


class Signatory(models.Model):
    """One party who signs one version of a convention, or an avenant."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="signatories", verbose_name="convention"
    )
    amendment = models.ForeignKey(
        "Amendment", on_delete=models.CASCADE, null=True, blank=True, related_name="signatories"
    )
    version = models.PositiveIntegerField("version signée")
    role = models.CharField("qualité", max_length=24, choices=SignatoryRole.choices)
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("adresse électronique", blank=True)
    on_behalf_of = models.CharField("pour le compte de", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(
        "mode de signature",
        max_length=8,
        choices=SignatureMethod.choices,
        default=SignatureMethod.ONLINE,
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)
    state = models.CharField(
        "état", max_length=8, choices=SignatureState.choices, default=SignatureState.PENDING
    )
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    signed_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    signed_user_agent = models.CharField("navigateur", max_length=400, blank=True)
    signed_document_sha256 = models.CharField("empreinte du PDF signé", max_length=64, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    last_reminder_at = models.DateTimeField("dernière relance", null=True, blank=True)

    class Meta:
        verbose_name = "signataire"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def has_signed(self) -> bool:
        return self.state == SignatureState.SIGNED

    @property
    def on_paper(self) -> bool:
        return self.method == SignatureMethod.PAPER


class SignatureLink(models.Model):
    """A single-use link plus a one-time code, for a signatory without an account.

    Neither the token nor the code is stored: only their SHA-256. The wrong codes are counted
    for the link (a new code never resets them), the codes sent per hour are limited (one
    `SignatureCodeSent` row each), and the link expires.
    """

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lien de signature"

    def __str__(self) -> str:
        return f"Lien de signature de {self.signatory}"


class SignatureCodeSent(models.Model):
    """One code sent by e-mail for a signing link, and to which address (the signatory's,
    frozen when the document left for signature)."""

    link = models.ForeignKey(
        SignatureLink, on_delete=models.CASCADE, related_name="codes_sent", verbose_name="lien"
    )
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    email = models.EmailField("envoyé à")

    class Meta:
        verbose_name = "code de signature envoyé"
        verbose_name_plural = "codes de signature envoyés"
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["link", "sent_at"], name="signature_code_link_at")]

    def __str__(self) -> str:
        return f"Code envoyé le {self.sent_at:%d/%m/%Y %H:%M} à {self.email}"


class Amendment(models.Model):
    """An avenant: new dates, place, tutor, timetable, or an early end; re-signed by the parties."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="amendments", verbose_name="convention"
    )
    number = models.PositiveIntegerField("numéro")
    status = models.CharField(
        "état", max_length=12, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT
    )
    reason = models.TextField("objet de l'avenant")
    new_periods = models.JSONField("nouvelles périodes", null=True, blank=True)
    early_end = models.DateField("fin anticipée au", null=True, blank=True)
    new_site = models.ForeignKey(
        "hosts.HostSite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nouveau lieu",
    )
    new_tutor = models.ForeignKey(
        "hosts.Tutor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nouveau tuteur",
    )
    new_timetable = models.JSONField("nouveaux horaires", null=True, blank=True)
    new_weekly_hours = models.DecimalField(
        "nouvelle durée hebdomadaire", max_digits=4, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "avenant"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"], name="amendment_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.number} à la convention n° {self.convention_id}"


class AmendmentTransition(StateLog):
    """One step of an avenant's life (`milieu.conventions.flow.AMENDMENT_FLOW` writes it)."""

    amendment = models.ForeignKey(
        Amendment, on_delete=models.CASCADE, related_name="transitions", verbose_name="avenant"
    )
    from_status = models.CharField(
        "état de départ", max_length=16, choices=AmendmentStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=AmendmentStatus.choices)

    class Meta(StateLog.Meta):
        verbose_name = "étape de l'avenant"

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"
