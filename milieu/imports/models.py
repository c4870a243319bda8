"""An import of students or hosts from a spreadsheet: the file, its rows and where it stands.

The uploaded file is kept in the database (never under the web root) until the import is done
or abandoned; the row results stay as the report of what was checked and written.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from milieu.imports.enums import (
    FINISHED_STATUSES,
    RUNNING_STATUSES,
    ImportKind,
    ImportMode,
    ImportStatus,
    RowStatus,
)


class ImportJob(models.Model):
    establishment = models.ForeignKey(
        "establishments.Establishment",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name="établissement",
    )
    cohort = models.ForeignKey(
        "establishments.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name="promotion de destination",
    )
    kind = models.CharField("contenu", max_length=16, choices=ImportKind.choices)
    file_name = models.CharField("nom du fichier", max_length=255)
    file_size = models.PositiveIntegerField("taille du fichier (octets)", default=0)
    content = models.BinaryField("contenu du fichier", blank=True, default=b"")
    file_format = models.CharField("format reconnu", max_length=100, blank=True)
    status = models.CharField(
        "état", max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    mode = models.CharField("mode", max_length=16, choices=ImportMode.choices, blank=True)
    error_message = models.TextField("motif du refus", blank=True)
    notice = models.TextField("avis", blank=True)
    total_rows = models.PositiveIntegerField("lignes", default=0)
    processed_rows = models.PositiveIntegerField("lignes traitées", default=0)
    error_rows = models.PositiveIntegerField("lignes en erreur", default=0)
    create_rows = models.PositiveIntegerField("lignes à créer", default=0)
    update_rows = models.PositiveIntegerField("lignes à mettre à jour", default=0)
    created_count = models.PositiveIntegerField("créés", default=0)
    updated_count = models.PositiveIntegerField("mis à jour", default=0)
    columns = models.JSONField("colonnes reconnues", default=list, blank=True)
    ignored_columns = models.JSONField("colonnes ignorées", default=list, blank=True)
    rows = models.JSONField("résultat par ligne", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="déposé par",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="confirmé par",
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    validated_at = models.DateTimeField("vérifié le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "imports de fichiers"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="import_students_have_a_cohort",
                condition=~Q(kind="eleves") | Q(cohort__isnull=False),
                violation_error_message="Un import d’élèves se fait dans une promotion.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.file_name} ({self.get_status_display()})"

    @property
    def for_students(self) -> bool:
        """An import of students (into a cohort), not of hosts."""
        return self.kind == ImportKind.STUDENTS

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def valid_rows(self) -> int:
        return self.create_rows + self.update_rows

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    def rows_with(self, status: str | None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.rows or []
        if status is None:
            return rows
        return [row for row in rows if row.get("status") == status]

    def count_rows(self) -> None:
        """Set the per-status counters from `rows`."""
        rows: list[dict[str, Any]] = self.rows or []
        self.total_rows = len(rows)
        self.error_rows = sum(1 for row in rows if row["status"] == RowStatus.ERROR)
        self.create_rows = sum(1 for row in rows if row["status"] == RowStatus.CREATE)
        self.update_rows = sum(1 for row in rows if row["status"] == RowStatus.UPDATE)
