"""What one page of the livret attestation says: the school, the student, each stage period of
the student's signed conventions with its nature and its duration, and the citation of the seed.

The duration is the one the tutor attested: when a period has its end-of-stage certificate
(`milieu.followup.models.Certificate`), its frozen figures (the contract's counting, done once by
`milieu.followup.operations.figures` when it was issued); otherwise the duration is said to be
not attested. Which diplomas need the attestation is read from the catalogue
(`livret_attestation`, `livret_attestation_ref`), never from the diploma's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.operations import scheduled_days_of
from milieu.rules.catalogue import get_catalogue
from milieu.students.models import Student

NO_STAGE = "Aucune période de stage sous convention signée : pas d'attestation de stage."
NOT_ATTESTED = "durée non attestée (pas d'attestation du tuteur)"

# Big columns of a convention that a page never shows
_CONVENTION_UNUSED = ("snapshot", "timetable", "annex_items", "competencies")


def weeks_text(weeks: Decimal) -> str:
    """« 3 semaines », « 2,80 semaines », « 1 semaine », « 0,60 semaine » (French plural: ≥ 2)."""
    number = str(int(weeks)) if weeks == weeks.to_integral_value() else f"{weeks:.2f}"
    return f"{number.replace('.', ',')} semaine{'s' if weeks >= 2 else ''}"


@dataclass(frozen=True)
class LivretReference:
    """The seed paragraph that asks for the attestation, as the catalogue gives it."""

    diploma_title: str
    text: str
    source: str
    cite: str


def livret_reference(diploma_id: str) -> LivretReference | None:
    """The reference when the diploma's regulation joins an attestation to the livret scolaire;
    None for a diploma that does not (or an unknown one)."""
    diploma = get_catalogue().get(diploma_id)
    if diploma is None or not diploma.extra.get("livret_attestation"):
        return None
    paragraph = str(diploma.extra.get("livret_attestation_ref") or "")
    text = next(
        (
            rule.text
            for rule in diploma.rules
            if rule.kind == "certificate" and rule.paragraph == paragraph
        ),
        "",
    )
    return LivretReference(
        diploma_title=diploma.title,
        text=text,
        source=diploma.source(paragraph) if paragraph else diploma.short,
        cite=diploma.cite(paragraph) if paragraph else diploma.seed,
    )


@dataclass(frozen=True)
class Stage:
    """One period of a signed convention, as the attestation states it."""

    convention_pk: int
    host: str
    place: str
    start: date
    end: date
    activities: str
    objectives: str
    planned_days: int
    certificate: Any  # the Certificate (without its PDF), or None

    @property
    def attested(self) -> bool:
        return self.certificate is not None

    @property
    def weeks(self) -> Decimal | None:
        return Decimal(self.certificate.weeks) if self.certificate is not None else None

    @property
    def weeks_text(self) -> str:
        return weeks_text(self.weeks) if self.weeks is not None else ""


@dataclass
class StudentPage:
    student: Student
    stages: list[Stage] = field(default_factory=list)

    @property
    def attested_weeks(self) -> Decimal:
        return sum((s.weeks for s in self.stages if s.weeks is not None), Decimal("0"))

    @property
    def attested_weeks_text(self) -> str:
        return weeks_text(self.attested_weeks)

    @property
    def unattested(self) -> int:
        return sum(1 for s in self.stages if not s.attested)

    def warnings(self) -> list[dict[str, str]]:
        name = self.student.full_name
        if not self.stages:
            return [{"student": name, "kind": "no-stage", "message": NO_STAGE}]
        return [
            {
                "student": name,
                "kind": "not-attested",
                "message": (
                    f"Période du {s.start:%d/%m/%Y} au {s.end:%d/%m/%Y} chez {s.host} : "
                    f"{NOT_ATTESTED}."
                ),
            }
            for s in self.stages
            if not s.attested
        ]


def ordered_student_ids(cohort: Any) -> list[int]:
    """The cohort's students in name order (the order of the PDF's pages)."""
    return list(
        Student.objects.filter(cohort=cohort)
        .order_by("last_name", "first_name", "pk")
        .values_list("pk", flat=True)
    )


def student_pages(student_ids: list[int]) -> list[StudentPage]:
    """The pages of these students, in name order, in three queries whatever their number:
    the students, their signed conventions (with host and site), the active periods (with their
    certificate, without its PDF)."""
    periods = (
        ConventionPeriod.objects.filter(active=True)
        .select_related("certificate")
        .defer("certificate__content")
        .order_by("start", "pk")
    )
    conventions = (
        Convention.objects.filter(status__in=SIGNED_STATUSES)
        .select_related("host", "site")
        .defer(*_CONVENTION_UNUSED)
        .prefetch_related(Prefetch("periods", queryset=periods, to_attr="active_periods_list"))
    )
    students = (
        Student.objects.filter(pk__in=student_ids)
        .order_by("last_name", "first_name", "pk")
        .prefetch_related(Prefetch("conventions", queryset=conventions, to_attr="signed_list"))
    )
    pages = []
    for student in students:
        stages = [
            _stage(convention, period)
            for convention in student.signed_list
            for period in convention.active_periods_list
        ]
        stages.sort(key=lambda s: (s.start, s.end, s.convention_pk))
        pages.append(StudentPage(student=student, stages=stages))
    return pages


def _stage(convention: Convention, period: ConventionPeriod) -> Stage:
    host = convention.host
    site = convention.site
    place = ", ".join(
        part
        for part in ((site.name if site else ""), (site.city if site else "") or host.city)
        if part
    )
    certificate = getattr(period, "certificate", None)
    period.convention = convention  # the counting reads the convention's working days
    return Stage(
        convention_pk=convention.pk,
        host=f"{host.name} ({host.trade_name})" if host.trade_name else host.name,
        place=place,
        start=certificate.start if certificate is not None else period.start,
        end=certificate.end if certificate is not None else period.end,
        activities=convention.activities.strip(),
        objectives=convention.objectives.strip(),
        planned_days=scheduled_days_of(period),
        certificate=certificate,
    )
