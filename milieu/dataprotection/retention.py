"""How long a candidate's data is kept, and the purge of what is past it (RGPD; minors' data).

A candidate's data is kept `RETENTION_YEARS` years (default 5) after the later of the end of
their exam session (31 December of the cohort's session year) and the last day of their last
stage. Five years covers what the regulation may still ask of a past stage: a candidate who
failed may sit a later session with "le précédent rapport" (seeds 001 and 003, §5 and §4), and a
BTS candidate keeps the benefit of their marks for five years (Code de l'éducation, D643-15 —
to verify; it is a setting, not code). Past that, nothing justifies keeping it.

What goes, per candidate: the student and their legal representatives, their account (deleted,
or made anonymous and inactive when another record still points to it), their host choices,
conventions and avenants with every stored PDF, signatories and links, visits, follow-up
(absences, presence, certificates, grids, training contracts, bilans, history), reports and
evidence with their files under ``PRIVATE_FILES_ROOT``, their derogation requests with the
supporting PDFs and the recteur's decision PDFs, the exam service's pronouncements on their
report and their stored verdicts; the audit rows about them lose their name. Also past the
limit: the cohorts' livret editions, file imports, the jury's information PDFs of the sessions
past it (they name candidates), and audit rows (but backups, restores and purges, which name
nobody).

What stays, anonymous: cohorts and their PFMP windows, hosts and their sites (organisations),
the tutors' shared directory (professional contacts, which each school maintains), and one
`PURGE` audit row per establishment with the counts: how many candidates, per cohort and per
pathway, how many conventions and stages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.utils import timezone

from milieu import storage
from milieu.apprenticeships.models import ApprenticeEvaluation, Apprenticeship
from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.audit.models import AuditEntry
from milieu.contracts.models import SpecialContract
from milieu.conventions.models import Convention, ConventionDocument, ConventionPeriod
from milieu.evidence.models import EvidenceDocument
from milieu.exams.models import (
    DerogationAttachment,
    DerogationDecision,
    DerogationRequest,
    JuryNotice,
    ReportConformity,
    StoredVerdict,
)
from milieu.followup.models import (
    Absence,
    Bilan,
    Certificate,
    Evaluation,
    FollowupEvent,
    PresenceConfirmation,
    TrainingContract,
)
from milieu.hosts.models import Placement
from milieu.imports.models import ImportJob
from milieu.livret.models import LivretJob
from milieu.people.models import User
from milieu.reports.models import ReportDeposit, ReportEndorsement
from milieu.students.models import LegalRepresentative, Student
from milieu.visits.models import Visit

ANONYMOUS_LABEL = "élève supprimé (durée de conservation échue)"
ANONYMOUS_ACTOR = "compte d'élève supprimé"
KEPT_ACTIONS = (AuditAction.BACKUP, AuditAction.RESTORE, AuditAction.PURGE)


def retention_years() -> int:
    return int(settings.RETENTION_YEARS)


def cutoff_for(today: date, years: int) -> date:
    """`today` moved back `years` years (29 February becomes the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def expired_students(cutoff: date) -> QuerySet[Any]:
    """Students whose session ended, and whose last stage ended, before `cutoff`."""
    return (
        Student.objects.filter(cohort__session__lt=cutoff.year)
        .exclude(convention_periods__end__gte=cutoff)
        .select_related("cohort", "cohort__establishment")
    )


@dataclass
class Step:
    """One kind of record to delete (or, with `apply`, to treat otherwise), in order."""

    label: str
    queryset: QuerySet[Any]
    apply: Callable[[QuerySet[Any]], None] | None = None
    cascades: bool = False  # counted only: its rows go with the ones of a later step


@dataclass
class PurgeResult:
    cutoff: date
    years: int
    applied: bool
    # establishment name -> French label -> count
    per_establishment: dict[str, dict[str, int]] = field(default_factory=dict)
    general: dict[str, int] = field(default_factory=dict)

    @property
    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for counts in [*self.per_establishment.values(), self.general]:
            for label, n in counts.items():
                totals[label] = totals.get(label, 0) + n
        return totals


def _delete(queryset: QuerySet[Any]) -> None:
    queryset.delete()


def _anonymise_accounts(queryset: QuerySet[Any]) -> None:
    """Delete each account; one still referenced elsewhere is made anonymous and inactive."""
    for user in list(queryset):
        try:
            with transaction.atomic():
                user.delete()
        except (ProtectedError, RestrictedError):
            user.email = f"supprime-{user.pk}@anonyme.invalid"
            user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            user.memberships.all().delete()


def _anonymise_audit(queryset: QuerySet[Any]) -> None:
    queryset.update(object_label=ANONYMOUS_LABEL, changes={})


def _anonymise_actor(queryset: QuerySet[Any]) -> None:
    queryset.update(actor_label=ANONYMOUS_ACTOR)


def _of_students(model: type[models.Model], student_ids: list[int]) -> QuerySet[Any]:
    """The rows of `model` that belong to one of these students (its `student` field)."""
    return model._default_manager.filter(student_id__in=student_ids)


def student_steps(student_ids: list[int]) -> list[Step]:
    """What goes with these students, in an order the PROTECT foreign keys accept."""
    conventions = _of_students(Convention, student_ids)
    periods = ConventionPeriod.objects.filter(
        Q(student_id__in=student_ids) | Q(convention__in=conventions)
    )
    accounts = list(
        Student.objects.filter(pk__in=student_ids, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    return [
        Step(
            "visas de rapport",
            ReportEndorsement.objects.filter(
                Q(deposit__student_id__in=student_ids) | Q(access__convention__in=conventions)
            ),
        ),
        Step("visites", Visit.objects.filter(convention__in=conventions)),
        Step("événements du suivi", FollowupEvent.objects.filter(convention__in=conventions)),
        Step("absences", Absence.objects.filter(period__in=periods)),
        Step("présences confirmées", PresenceConfirmation.objects.filter(period__in=periods)),
        Step("attestations de stage", Certificate.objects.filter(period__in=periods)),
        Step(
            "contrats individuels de formation", TrainingContract.objects.filter(period__in=periods)
        ),
        Step("bilans individuels", Bilan.objects.filter(period__in=periods)),
        Step("grilles d'évaluation", Evaluation.objects.filter(convention__in=conventions)),
        Step(
            "PDF de convention et d'avenant",
            ConventionDocument.objects.filter(convention__in=conventions),
        ),
        Step("conventions", conventions),
        Step("rapports déposés", _of_students(ReportDeposit, student_ids)),
        Step("pièces justificatives", _of_students(EvidenceDocument, student_ids)),
        Step(
            "contrats de travail de type particulier",
            _of_students(SpecialContract, student_ids),
        ),
        Step(
            "décisions du recteur (PDF)",
            DerogationDecision.objects.filter(request__student_id__in=student_ids),
        ),
        Step(
            "pièces des demandes de dérogation",
            DerogationAttachment.objects.filter(request__student_id__in=student_ids),
            cascades=True,
        ),
        Step(
            "demandes de dérogation",
            _of_students(DerogationRequest, student_ids),
        ),
        Step(
            "conformités des rapports prononcées",
            _of_students(ReportConformity, student_ids),
            cascades=True,
        ),
        Step(
            "verdicts enregistrés",
            _of_students(StoredVerdict, student_ids),
            cascades=True,
        ),
        Step(
            "grilles d'évaluation des apprentis",
            ApprenticeEvaluation.objects.filter(apprenticeship__student_id__in=student_ids),
        ),
        Step(
            "contrats d'apprentissage (liens et historique compris)",
            _of_students(Apprenticeship, student_ids),
        ),
        Step(
            "choix d'organisme",
            _of_students(Placement, student_ids),
            cascades=True,
        ),
        Step(
            "représentants légaux",
            _of_students(LegalRepresentative, student_ids),
            cascades=True,
        ),
        Step(
            "entrées du journal rendues anonymes",
            AuditEntry.objects.filter(
                object_type="students.student", object_id__in=[str(pk) for pk in student_ids]
            ),
            _anonymise_audit,
        ),
        Step(
            "entrées du journal dont l'élève est l'auteur",
            AuditEntry.objects.filter(actor_id__in=accounts),
            _anonymise_actor,
        ),
        Step("élèves", Student.objects.filter(pk__in=student_ids)),
        # their accounts last (listed before the students went): a host choice's history
        # points to the account that proposed it
        Step("comptes d'élève", User.objects.filter(pk__in=accounts), _anonymise_accounts),
    ]


def _files_of(student_ids: list[int]) -> list[str]:
    paths = list(_of_students(ReportDeposit, student_ids).values_list("path", flat=True))
    paths += _of_students(EvidenceDocument, student_ids).values_list("file_path", flat=True)
    paths += DerogationAttachment.objects.filter(request__student_id__in=student_ids).values_list(
        "path", flat=True
    )
    return [p for p in paths if p]


def _remove_files(paths: list[str]) -> None:
    for relative in paths:
        try:
            storage.delete(relative)
        except (OSError, ValueError):
            continue


def _statistics(students: list[Any]) -> dict[str, Any]:
    """What stays of these candidates: counts, by cohort and by pathway."""
    by_cohort: dict[str, int] = {}
    by_pathway: dict[str, int] = {}
    for student in students:
        cohort = f"{student.cohort.name} (session {student.cohort.session})"
        by_cohort[cohort] = by_cohort.get(cohort, 0) + 1
        pathway = student.get_pathway_display()
        by_pathway[pathway] = by_pathway.get(pathway, 0) + 1
    return {"par promotion": by_cohort, "par voie de formation": by_pathway}


def _run_steps(steps: list[Step], apply: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.label] = step.queryset.count()
    if apply:
        for step in steps:
            if not step.cascades:
                (step.apply or _delete)(step.queryset)
    return counts


def purge(
    *, today: date | None = None, apply: bool = False, actor_label: str = "milieu purge"
) -> PurgeResult:
    """Count (and with `apply`, delete or anonymise) everything past the retention period."""
    years = retention_years()
    today = today or timezone.localdate()
    cutoff = cutoff_for(today, years)
    cutoff_at = timezone.make_aware(datetime.combine(cutoff, time.min))
    result = PurgeResult(cutoff=cutoff, years=years, applied=apply)

    by_establishment: dict[Any, list[Any]] = {}
    for student in expired_students(cutoff).order_by("pk"):
        by_establishment.setdefault(student.cohort.establishment, []).append(student)

    for establishment, students in sorted(by_establishment.items(), key=lambda i: i[0].name):
        ids = [s.pk for s in students]
        with transaction.atomic():
            files = _files_of(ids)
            counts = _run_steps(student_steps(ids), apply)
            counts["fichiers de l'espace privé"] = len(files)
            if apply:
                record(
                    AuditAction.PURGE,
                    actor_label=actor_label,
                    establishment=establishment,
                    changes={
                        "conservation (années)": years,
                        "données antérieures au": cutoff.isoformat(),
                        **counts,
                        **_statistics(students),
                    },
                )
                transaction.on_commit(partial(_remove_files, files))
        result.per_establishment[establishment.name] = counts

    general = [
        Step("éditions du livret", LivretJob.objects.filter(cohort__session__lt=cutoff.year)),
        Step("imports de fichiers", ImportJob.objects.filter(created_at__lt=cutoff_at)),
        Step(
            "informations du jury (PDF)",
            JuryNotice.objects.filter(exam_session__session__lt=cutoff.year),
        ),
        Step(
            "entrées du journal d'audit échues",
            AuditEntry.objects.filter(at__lt=cutoff_at).exclude(action__in=KEPT_ACTIONS),
        ),
    ]
    with transaction.atomic():
        result.general = _run_steps(general, apply)
        if apply:
            record(
                AuditAction.PURGE,
                actor_label=actor_label,
                changes={
                    "conservation (années)": years,
                    "données antérieures au": cutoff.isoformat(),
                    **result.totals,
                },
            )
    return result
