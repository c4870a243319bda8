"""Report deposits: the cohort's deadline, each deposited version, refused attempts, the visa.

A deposit is a file stored under ``PRIVATE_FILES_ROOT`` (never served directly) with its
SHA-256 and the analysis made when it was received; it never changes afterwards: a correction
is a new version. A refused file is not stored at all: only the attempt and its French reason
are kept. The host's visa (*visé par la structure d'accueil*) is given by the tutor through
their link to one version: a new version needs a new visa.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReportDeadline(models.Model):
    """The date by which the cohort's students deposit their report (else the exam date)."""

    cohort = models.OneToOneField(
        "establishments.Cohort",
        on_delete=models.CASCADE,
        related_name="report_deadline",
        verbose_name="promotion",
    )
    deadline = models.DateField("date limite de dépôt du rapport")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fixée par",
    )
    set_at = models.DateTimeField("fixée le", default=timezone.now)

    class Meta:
        verbose_name = "date limite de dépôt du rapport"
        verbose_name_plural = "dates limites de dépôt du rapport"

    def __str__(self) -> str:
        return f"Rapport à déposer au plus tard le {self.deadline:%d/%m/%Y}"


class ReportDeposit(models.Model):
    """One version of a student's report, as received and analysed."""

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="report_deposits",
        verbose_name="élève",
    )
    version = models.PositiveSmallIntegerField("version")
    original_name = models.CharField("nom du fichier déposé", max_length=255)
    path = models.CharField("chemin du fichier (espace privé)", max_length=255, unique=True)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposé par",
    )
    analysis = models.JSONField("analyse")

    class Meta:
        verbose_name = "rapport déposé"
        verbose_name_plural = "rapports déposés"
        ordering = ["student", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "version"],
                name="report_deposit_unique_version",
                violation_error_message="Cette version du rapport existe déjà.",
            ),
            models.CheckConstraint(
                name="report_deposit_version_positive",
                condition=Q(version__gte=1),
                violation_error_message="Les versions sont numérotées à partir de 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport version {self.version} du {timezone.localtime(self.uploaded_at):%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Un rapport déposé ne se modifie pas : déposez une nouvelle version.")
        super().save(*args, **kwargs)

    @property
    def submitted_on(self) -> Any:
        """The day of the deposit (local time), as the contract's `submitted_on`."""
        return timezone.localdate(self.uploaded_at)

    @property
    def download_name(self) -> str:
        """The name the file is sent back under (never the name it was deposited with)."""
        return f"rapport-{self.student.ine}-v{self.version}.pdf"


class ReportRefusal(models.Model):
    """A file refused at deposit: nothing stored but the reason given to the student."""

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="report_refusals",
        verbose_name="élève",
    )
    original_name = models.CharField("nom du fichier déposé", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("taille annoncée (octets)", null=True, blank=True)
    reason = models.TextField("motif du refus")
    attempted_at = models.DateTimeField("tenté le", default=timezone.now)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tenté par",
    )

    class Meta:
        verbose_name = "dépôt de rapport refusé"
        verbose_name_plural = "dépôts de rapport refusés"
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"Dépôt refusé le {timezone.localtime(self.attempted_at):%d/%m/%Y} : {self.reason}"


class ReportEndorsement(models.Model):
    """The host's visa on one version, given by the tutor through their link — or, for an
    apprentice, by the maître d'apprentissage through theirs (`employer_access`, seed 001 §2.2:
    the same supports as the voie scolaire)."""

    deposit = models.OneToOneField(
        ReportDeposit,
        on_delete=models.PROTECT,
        related_name="endorsement",
        verbose_name="rapport",
    )
    access = models.ForeignKey(
        "followup.TutorAccess",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_endorsements",
        verbose_name="accès du tuteur",
    )
    employer_access = models.ForeignKey(
        "apprenticeships.EmployerAccess",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_endorsements",
        verbose_name="accès du maître d'apprentissage",
    )
    tutor_name = models.CharField("visé par", max_length=200)
    endorsed_at = models.DateTimeField("visé le", default=timezone.now)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    class Meta:
        verbose_name = "visa du rapport par la structure d'accueil"
        verbose_name_plural = "visas des rapports par la structure d'accueil"
        constraints = [
            models.CheckConstraint(
                name="endorsement_by_one_link",
                condition=Q(access__isnull=False, employer_access__isnull=True)
                | Q(access__isnull=True, employer_access__isnull=False),
                violation_error_message=(
                    "Un visa est donné par le lien du tuteur ou par celui du maître "
                    "d'apprentissage."
                ),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Visé par {self.tutor_name} le {timezone.localtime(self.endorsed_at):%d/%m/%Y}"
            f" (version {self.deposit.version})"
        )


class CorrectedFigure(models.TextChoices):
    """A figure of the analysis a teacher may correct."""

    PAGES = "pages", "pages du rapport (hors annexes)"
    ANNEX_PAGES = "annex_pages", "pages d'annexes"
    SECTION_FOUND = "section_found", "partie présente"
    SECTION_PAGES = "section_pages", "pages d'une partie"
    ENGLISH_TECHNICAL = "english_technical", "documents techniques en anglais"
    ENGLISH_PRESS = "english_press", "documents de presse en anglais"
    CHECKED = "checked", "rapport vérifié à la main"


class ReportReading(models.Model):
    """The figures of one version as a teacher corrected them (the analysis stays as it was):
    what the dossier judges in place of the analyser's figures."""

    deposit = models.OneToOneField(
        ReportDeposit,
        on_delete=models.PROTECT,
        related_name="reading",
        verbose_name="rapport",
    )
    figures = models.JSONField(
        "chiffres corrigés",
        default=dict,
        help_text="pages, annex_pages, sections {clé: présente}, section_pages {clé: pages}, "
        "english {technical, press}, checked",
    )
    updated_at = models.DateTimeField("corrigés le", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="corrigés par",
    )

    class Meta:
        verbose_name = "lecture corrigée d'un rapport"
        verbose_name_plural = "lectures corrigées des rapports"

    def __str__(self) -> str:
        return f"Chiffres corrigés de la version {self.deposit.version}"


class ReportCorrection(models.Model):
    """One figure corrected by a teacher, with the reason: who, when, before, after."""

    deposit = models.ForeignKey(
        ReportDeposit,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name="rapport",
    )
    figure = models.CharField("chiffre", max_length=20, choices=CorrectedFigure.choices)
    section = models.CharField("partie", max_length=40, blank=True)
    before = models.JSONField("avant", null=True, blank=True)
    after = models.JSONField("après", null=True, blank=True)
    reason = models.TextField("motif")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="corrigé par",
    )
    corrected_at = models.DateTimeField("corrigé le", default=timezone.now)

    class Meta:
        verbose_name = "correction d'un chiffre du rapport"
        verbose_name_plural = "corrections des chiffres des rapports"
        ordering = ["-corrected_at", "-pk"]

    def __str__(self) -> str:
        what = self.get_figure_display()
        if self.section:
            what += f" « {self.section} »"
        return f"{what} : {self.before} → {self.after}"


class AnalysisState(models.TextChoices):
    PENDING = "pending", "Analyse en cours"
    DONE = "done", "Analysé"
    FAILED = "failed", "Refusé à l'analyse"


class ReportReceipt(models.Model):
    """A report file received and waiting for its analysis, done in the background (issue 15):
    the file passed the shared PDF rules at once and is kept until the analysis makes it a
    `ReportDeposit` (the next version) or refuses it (then the file is deleted and a
    `ReportRefusal` says why, as for a file refused at once)."""

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.CASCADE,
        related_name="report_receipts",
        verbose_name="élève",
    )
    original_name = models.CharField("nom du fichier déposé", max_length=255)
    path = models.CharField("chemin du fichier (espace privé)", max_length=255)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    received_at = models.DateTimeField("reçu le", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposé par",
    )
    state = models.CharField(
        "état", max_length=10, choices=AnalysisState.choices, default=AnalysisState.PENDING
    )
    message = models.TextField("motif du refus", blank=True)
    deposit = models.OneToOneField(
        ReportDeposit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receipt",
        verbose_name="version créée",
    )
    finished_at = models.DateTimeField("analysé le", null=True, blank=True)

    class Meta:
        verbose_name = "rapport reçu"
        verbose_name_plural = "rapports reçus"
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Rapport reçu le {timezone.localtime(self.received_at):%d/%m/%Y %H:%M}"
