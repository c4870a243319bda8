"""The dashboard's work queues (issue 13 §14, §15): what is waiting for this person, with a
direct link to the page where it is done.

Each queue is one query whatever the number of students or conventions, read from the
`visible_*` querysets of `milieu.permissions` and narrowed to the establishments or cohorts where
the person holds the role that acts (head: approve and arrêter; managers: send, remind, check
pieces; teachers of a cohort: validate, plan visits, read reports). The student's own stage is
built per student file (a student has one or two files: a fixed number of queries each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse

from milieu.checker.checking import CheckedDossier
from milieu.conventions.enums import SIGNED_STATUSES, ConventionStatus, SignatureState
from milieu.conventions.models import (
    Convention,
    ConventionPeriod,
    ConventionTransition,
    Signatory,
    SignatureLink,
)
from milieu.evidence.models import EvidenceDocument

# The verdict of a student's dossier (helper H moves it to milieu.exams.assembly): one import.
from milieu.exams.assembly import build_dossier
from milieu.exams.queries import checked_dossier
from milieu.followup.pedagogy import pedagogy_alerts
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.people.models import User
from milieu.permissions import Action, can, scope_of, visible_conventions, visible_placements
from milieu.reports.models import ReportDeposit
from milieu.rules.references import finding_label
from milieu.visits.queries import periods_without_visit

S = ConventionStatus
QUEUE_LIMIT = 20  # rows shown per queue; the count says how many there are


def reminder_after_days() -> int:
    return int(getattr(settings, "SIGNATURE_REMINDER_AFTER_DAYS", 3))


@dataclass
class Queue:
    """One list of things to do: its count, its first rows, and where the whole list is."""

    key: str
    title: str
    count: int
    rows: list[Any]
    empty: str
    more_url: str = ""
    more_label: str = ""


@dataclass
class Queues:
    head: list[Queue] = field(default_factory=list)
    manager: list[Queue] = field(default_factory=list)
    teacher: list[Queue] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[Queue]]]:
        return [
            ("Comme chef d’établissement", self.head),
            ("Comme direction (DDFPT, secrétariat)", self.manager),
            ("Comme enseignant", self.teacher),
        ]

    @property
    def total(self) -> int:
        return sum(q.count for q in self.head + self.manager + self.teacher)


def _queue(key: str, title: str, rows: list[Any], empty: str, **more: str) -> Queue:
    return Queue(key, title, len(rows), rows[:QUEUE_LIMIT], empty, **more)


def _conventions_in(user: User, status: str, establishments: list[int]) -> list[Convention]:
    return list(
        visible_conventions(user)
        .filter(status=status, student__cohort__establishment_id__in=establishments)
        .order_by("updated_at", "pk")
    )


def head_queues(user: User) -> list[Queue]:
    """The chef d'établissement approves validated conventions and *arrête* validated choices."""
    s = scope_of(user)
    heads = [e for e in s.establishments if s.is_head(e)]
    if not heads:
        return []
    choices = list(
        visible_placements(user)
        .filter(status=PlacementStatus.VALIDATED, student__cohort__establishment_id__in=heads)
        .select_related("student__cohort")
        .order_by("cohort_period__start", "created_at", "pk")
    )
    return [
        _queue(
            "to-approve",
            "Conventions à approuver",
            _conventions_in(user, S.VALIDATED, heads),
            "Aucune convention n’attend votre approbation.",
        ),
        _queue(
            "to-arrete",
            "Choix d’organisme à arrêter",
            choices,
            "Aucun choix d’organisme n’attend d’être arrêté.",
        ),
    ]


def manager_queues(user: User, now: Any) -> list[Queue]:
    """The DDFPT (and the managers): conventions to send, signatures awaited for more than
    `SIGNATURE_REMINDER_AFTER_DAYS` days, pieces to check."""
    managed = scope_of(user).managed_establishments
    if not managed:
        return []
    days = reminder_after_days()
    last_link = (
        SignatureLink.objects.filter(
            signatory__convention=OuterRef("pk"),
            signatory__amendment__isnull=True,
            signatory__state=SignatureState.PENDING,
            signatory__version=OuterRef("version"),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    awaited = (
        visible_conventions(user)
        .filter(status=S.SIGNING, student__cohort__establishment_id__in=managed)
        .annotate(
            last_sent=Subquery(last_link),
            pending=Count(
                "signatories",
                filter=Q(
                    signatories__state=SignatureState.PENDING,
                    signatories__amendment__isnull=True,
                    signatories__version=F("version"),
                ),
            ),
        )
        .filter(last_sent__lte=now - timedelta(days=days))
        .order_by("last_sent", "pk")
    )
    pieces = (
        EvidenceDocument.objects.pending()
        .filter(student__cohort__establishment_id__in=managed)
        .count()
    )
    return [
        _queue(
            "to-send",
            "Conventions à envoyer en signature",
            _conventions_in(user, S.APPROVED, managed),
            "Aucune convention approuvée n’attend l’envoi en signature.",
        ),
        _queue(
            "to-remind",
            f"Signatures attendues depuis plus de {days} jour{'s' if days > 1 else ''}",
            list(awaited),
            "Aucune signature n’est en retard.",
        ),
        Queue(
            "pieces",
            "Pièces justificatives à vérifier",
            pieces,
            [],
            "Aucune pièce n’attend de vérification.",
            more_url=reverse("evidence:pending"),
            more_label="Vérifier les pièces",
        ),
    ]


def teacher_queues(
    user: User, cohort_ids: list[int], today: date, now: Any, choices: list[Placement]
) -> list[Queue]:
    """A teacher of these cohorts: host choices (`choices`, read by the dashboard) and
    conventions to validate (not those they submitted), visits to plan, reports deposited
    lately."""
    if not cohort_ids:
        return []
    submitter = (
        ConventionTransition.objects.filter(convention=OuterRef("pk"), to_status=S.SUBMITTED)
        .order_by("-at", "-pk")
        .values("actor_id")[:1]
    )
    to_validate = list(
        visible_conventions(user)
        .filter(status=S.SUBMITTED, student__cohort__in=cohort_ids)
        .annotate(submitted_by=Subquery(submitter))
        .order_by("updated_at", "pk")
    )
    for convention in to_validate:
        convention.own_submission = (
            convention.submitted_by == user.pk
            and not convention.student.cohort.establishment.single_person_validation
        )
    visits = list(
        periods_without_visit(user, today).filter(convention__student__cohort__in=cohort_ids)
    )
    days = int(getattr(settings, "REPORTS_TO_READ_DAYS", 30))
    latest = ReportDeposit.objects.filter(student=OuterRef("student")).order_by("-version")
    reports = list(
        ReportDeposit.objects.filter(
            student__cohort__in=cohort_ids,
            uploaded_at__gte=now - timedelta(days=days),
            pk=Subquery(latest.values("pk")[:1]),
        )
        .select_related("student__cohort")
        .order_by("-uploaded_at", "-pk")
    )
    return [
        _queue(
            "choices-to-validate",
            "Choix d’organisme à valider",
            choices,
            "Aucun choix n’attend votre validation.",
        ),
        _queue(
            "conventions-to-validate",
            "Conventions à valider",
            to_validate,
            "Aucune convention n’attend la validation de l’équipe.",
        ),
        _queue(
            "visits-to-plan",
            "Visites à planifier",
            visits,
            "Chaque période de stage a sa visite.",
            more_url=reverse("visits:alerts"),
            more_label="Toutes les périodes sans visite",
        ),
        _queue(
            "pedagogy-to-record",
            "Préparation et exploitation pédagogique à enregistrer",
            pedagogy_alerts(user, today, cohort_ids=cohort_ids),
            "Chaque période terminée a sa préparation et son exploitation pédagogique.",
            more_url=reverse("visits:alerts") + "#pedagogie",
            more_label="Toutes les périodes à compléter",
        ),
        _queue(
            "reports-to-read",
            f"Rapports déposés ces {days} derniers jours",
            reports,
            "Aucun rapport déposé récemment.",
        ),
    ]


# --- the student's own stage ----------------------------------------------------------------


@dataclass
class Awaited:
    """A signature still awaited on a convention in signature."""

    signatory: Signatory
    mine: bool


@dataclass
class OwnConvention:
    convention: Convention
    awaited: list[Awaited]

    @property
    def mine_first(self) -> list[Awaited]:
        return sorted(self.awaited, key=lambda a: not a.mine)

    @property
    def my_signature(self) -> Awaited | None:
        return next((a for a in self.awaited if a.mine), None)


@dataclass
class Step:
    """The student's next step, in words, with the page where it is done."""

    text: str
    url: str = ""
    label: str = ""


@dataclass
class OwnStage:
    conventions: list[OwnConvention]
    report: ReportDeposit | None
    report_expected: bool
    checked: CheckedDossier
    next_step: Step

    @property
    def verdict_findings(self) -> list[tuple[str, str]]:
        """(French label, the engine's message) of each finding of the verdict."""
        return [(finding_label(f.code), f.message) for f in self.checked.findings]


def own_stage(user: User, student: Any, placements: list[Placement], today: date) -> OwnStage:
    """A student's conventions, the signatures awaited (theirs first), their report and its
    analysis, the verdict of their dossier in words, and what to do next."""
    conventions = list(
        student.conventions.exclude(status=S.CANCELLED)
        .select_related("host")
        .prefetch_related(
            Prefetch(
                "periods",
                queryset=ConventionPeriod.objects.filter(active=True).order_by("start"),
                to_attr="active_period_list",
            ),
            Prefetch(
                "signatories",
                queryset=Signatory.objects.filter(
                    amendment__isnull=True, state=SignatureState.PENDING
                ).order_by("order", "pk"),
                to_attr="pending_list",
            ),
        )
        .order_by("-created_at", "-pk")
    )
    own: list[OwnConvention] = []
    for convention in conventions:
        awaited = []
        if convention.status == S.SIGNING:
            awaited = [
                Awaited(s, s.user_id == user.pk or s.role == "student")
                for s in convention.pending_list
                if s.version == convention.version
            ]
        own.append(OwnConvention(convention, awaited))
    extra = student.cohort.catalogue_extra
    report_expected = bool(extra.get("report_sections"))
    report = (
        ReportDeposit.objects.filter(student=student).order_by("-version").first()
        if report_expected
        else None
    )
    checked = checked_dossier(student, build_dossier(student, as_of=today), today)
    return OwnStage(
        conventions=own,
        report=report,
        report_expected=report_expected,
        checked=checked,
        next_step=next_step(user, student, placements, own, report, report_expected),
    )


def next_step(
    user: User,
    student: Any,
    placements: list[Placement],
    conventions: list[OwnConvention],
    report: ReportDeposit | None,
    report_expected: bool,
) -> Step:
    """One sentence: the first thing the student has to do or wait for."""
    detail = reverse("students:detail", args=[student.pk])
    for own in conventions:
        c = own.convention
        url = reverse("conventions:detail", args=[c.pk])
        if c.status == S.DRAFT:
            return Step(
                "Complétez votre convention de stage puis soumettez-la à l’équipe pédagogique.",
                url,
                "Ouvrir ma convention",
            )
        if c.status in (S.SUBMITTED, S.VALIDATED, S.APPROVED):
            return Step(
                f"Votre convention est « {c.get_status_display()} » : l’établissement la fait "
                "avancer, vous serez invité à la signer par courriel.",
                url,
                "Voir ma convention",
            )
        if c.status == S.SIGNING:
            mine = own.my_signature
            if mine is not None:
                return Step(
                    "Signez votre convention : un lien personnel vous a été envoyé par courriel "
                    f"à {mine.signatory.email}.",
                    url,
                    "Voir ma convention",
                )
            return Step(
                "Votre convention attend la signature des autres parties.",
                url,
                "Voir ma convention",
            )
    signed = [o for o in conventions if o.convention.status in SIGNED_STATUSES]
    if signed and report_expected and report is None:
        return Step(
            "Déposez votre rapport de stage (PDF) avant la date limite.",
            reverse("reports:deposit", args=[student.pk]),
            "Déposer mon rapport",
        )
    if signed:
        return Step("Votre convention est signée : suivez votre stage.", detail, "Ma fiche")
    open_placements = [
        p
        for p in placements
        if p.status not in (PlacementStatus.REJECTED, PlacementStatus.WITHDRAWN)
    ]
    if not open_placements:
        if can(user, Action.PLACEMENT_PROPOSE, student):
            return Step(
                "Proposez l’organisme qui vous accueillera en stage.",
                reverse("students:propose", args=[student.pk]),
                "Proposer un organisme",
            )
        return Step("Aucun organisme d’accueil n’est encore proposé.", detail, "Ma fiche")
    last = open_placements[-1]
    if last.status == PlacementStatus.PROPOSED:
        return Step("Votre choix d’organisme attend la validation de l’équipe pédagogique.")
    if last.status == PlacementStatus.VALIDATED:
        return Step("Votre choix est validé : il attend d’être arrêté par le chef d’établissement.")
    if can(user, Action.CONVENTION_CREATE, student):
        return Step(
            "Votre choix est arrêté : préparez le brouillon de votre convention.",
            reverse("conventions:create") + f"?choix={last.pk}",
            "Créer ma convention",
        )
    return Step("Votre choix est arrêté : l’établissement prépare votre convention de stage.")
