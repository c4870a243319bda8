"""The candidate's dossier (contract v1, ``shared/spec/dossier.md``) built from the database.

The periods are the active periods of the student's signed conventions (signed, stage in
progress or finished), with ``convention_signed`` true and the convention's working days; a host
choice *arrêté* by the chef d'établissement (seed 001 §2.1.2) that no such convention covers yet
is a period too, with the dates of its PFMP window and ``convention_signed`` false (so the engine
says the convention is missing). A signed period carries the absences its tutor declared
(capped at its scheduled days) — or, once its certificate is issued (by the tutor's link or
recorded on paper), the absences the certificate attests —, whether its certificate is issued and whether its training
contract and bilan are signed by their three parties (``milieu.followup``); ``evaluation`` says
whether one of those conventions has its evaluation grid co-signed by the pedagogical team.
The apprenticeship evidence, the work certificates (in the sector, for a BEP continuing-education
candidate: the dispense of 000 §3), an apprentice repeater's contract and a repeater's previous
grid are the documents a manager accepted (``milieu.evidence``); an apprentice's grid is the one
their maître d'apprentissage filled and the team co-signed (``milieu.apprenticeships``); the report is the latest version deposited, with its analysis and the
host's visa (``milieu.reports``).

The exam session of the cohort's académie, diploma and year (`milieu.exams.models.ExamSession`),
when the rectorat has fixed one, gives the dossier its ``exam_date`` and the report's deadline
(seed 001 §4: « à une date fixée dans la circulaire d'organisation de l'examen »); the school's own
date for the cohort is then only an internal reminder. Without a session, the cohort's date is
the deadline and the exam date is the contract's default. The derogations are the requests the
recteur granted (`milieu.exams.queries.granted_derogations`), ``decided_by: "recteur"``: nothing
else in the web application produces one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from milieu.apprenticeships.queries import apprentice_evaluated
from milieu.contracts.models import SpecialContract
from milieu.conventions.enums import SIGNED_STATUSES, ConventionStatus, SignatureState
from milieu.conventions.models import ConventionPeriod, ConventionTransition, Signatory
from milieu.evidence.pathways import evidence_pathway
from milieu.evidence.queries import evidence_facts
from milieu.exams.models import ExamSession
from milieu.exams.queries import granted_derogations, session_of_cohort
from milieu.followup.models import (
    Absence,
    Bilan,
    Certificate,
    Evaluation,
    EvaluationStatus,
    TrainingContract,
)
from milieu.followup.operations import scheduled_days_of
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Host, Placement
from milieu.reports.queries import contract_report
from milieu.students.enums import Pathway
from milieu.students.models import Student


def _period(
    start: date,
    end: date,
    host: Host,
    *,
    signed: bool,
    signed_on: date | None = None,
    work_days: list[str] | None = None,
    absence_days: int = 0,
    certificate: bool = False,
    training_contract: bool = False,
    bilan: bool = False,
) -> dict[str, Any]:
    period: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "absence_days": int(absence_days),
    }
    if work_days:
        period["work_days"] = [str(day) for day in work_days]
    period.update(
        {
            "convention_signed": signed,
            **({"convention_signed_on": signed_on.isoformat()} if signed_on else {}),
            "certificate": bool(certificate),
            "training_contract": bool(training_contract),
            "bilan": bool(bilan),
            "host": {"name": str(host.name), "country": str(host.country)},
        }
    )
    return period


def _signed_on(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _periods(student: Student) -> list[dict[str, Any]]:
    """Signed conventions' active periods, the arrêté choices none of them covers, and the
    *contrats de travail de type particulier* (three queries).

    Each signed period carries ``convention_signed_on`` (contract v1.1): the day its convention
    was fully signed — its first transition to « Signée », or, for a convention without that
    step in its log, its last party's signature — so that the engine warns of a convention signed
    after its period started (``CONVENTION_SIGNED_LATE``)."""
    signed = list(
        ConventionPeriod.objects.filter(
            student=student,
            active=True,
            convention__status__in=sorted(SIGNED_STATUSES),
        )
        .annotate(
            declared_absences=Coalesce(
                Subquery(
                    Absence.objects.filter(period=OuterRef("pk"))
                    .values("period")
                    .annotate(total=Sum("days"))
                    .values("total")
                ),
                0,
            ),
            has_certificate=Exists(Certificate.objects.filter(period=OuterRef("pk"))),
            # a certificate freezes the absences it attests (a paper one states them itself)
            certified_absences=Subquery(
                Certificate.objects.filter(period=OuterRef("pk")).values("absence_days")[:1]
            ),
            has_training_contract=Exists(
                TrainingContract.objects.filter(period=OuterRef("pk"), completed_at__isnull=False)
            ),
            has_bilan=Exists(
                Bilan.objects.filter(period=OuterRef("pk"), completed_at__isnull=False)
            ),
            fully_signed_at=Coalesce(
                Subquery(
                    ConventionTransition.objects.filter(
                        convention=OuterRef("convention"), to_status=ConventionStatus.SIGNED
                    )
                    .order_by("at", "pk")
                    .values("at")[:1]
                ),
                Subquery(
                    Signatory.objects.filter(
                        convention=OuterRef("convention"),
                        amendment__isnull=True,
                        state=SignatureState.SIGNED,
                        signed_at__isnull=False,
                    )
                    .order_by("-signed_at", "-pk")
                    .values("signed_at")[:1]
                ),
            ),
        )
        .select_related("convention", "convention__host")
        .order_by("start", "pk")
    )
    placements = (
        Placement.objects.filter(student=student, status=PlacementStatus.ARRETE)
        .select_related("cohort_period", "host")
        .order_by("cohort_period__start", "pk")
    )
    spans: list[tuple[date, dict[str, Any]]] = [
        (
            p.start,
            _period(
                p.start,
                p.end,
                p.convention.host,
                signed=True,
                signed_on=_signed_on(p.fully_signed_at),
                work_days=list(p.convention.work_days or []),
                absence_days=p.certified_absences
                if p.certified_absences is not None
                else min(p.declared_absences, scheduled_days_of(p)),
                certificate=p.has_certificate,
                training_contract=p.has_training_contract,
                bilan=p.has_bilan,
            ),
        )
        for p in signed
    ]
    covered = {p.convention.placement_id for p in signed if p.convention.placement_id}
    for placement in placements:
        window = placement.cohort_period
        overlaps = any(p.start <= window.end and window.start <= p.end for p in signed)
        if placement.pk in covered or overlaps:
            continue
        spans.append(
            (window.start, _period(window.start, window.end, placement.host, signed=False))
        )
    for contract in SpecialContract.objects.filter(student=student).order_by("start", "pk"):
        spans.append((contract.start, _special_contract(contract)))
    return [period for _, period in sorted(spans, key=lambda item: item[0])]


def _special_contract(contract: SpecialContract) -> dict[str, Any]:
    """A *contrat de travail de type particulier* as a period (contract v1.1): the engine counts
    it as a certified, conventioned stage when the candidate may take one and the team stated
    that its activities fit the diploma (001 §2.3.1, 002 §B.3.a, 003 §2.3.1, 004 §3.a)."""
    return {
        "start": contract.start.isoformat(),
        "end": contract.end.isoformat(),
        "kind": "special-contract",
        "activities_fit": bool(contract.activities_fit),
        "host": {"name": str(contract.employer), "country": "FR"},
    }


def _evaluated(student: Student) -> bool:
    """A co-signed evaluation grid for one of the conventions `_periods` uses (one query)."""
    return (
        ConventionPeriod.objects.filter(
            student=student,
            active=True,
            convention__status__in=sorted(SIGNED_STATUSES),
        )
        .filter(
            Exists(
                Evaluation.objects.filter(
                    convention=OuterRef("convention"), status=EvaluationStatus.COSIGNED
                )
            )
        )
        .exists()
    )


def exam_session_of(student: Student) -> ExamSession | None:
    """The rectorat's session for the student's cohort (one query)."""
    return session_of_cohort(student.cohort)


def _report(student: Student, session: ExamSession | None) -> dict[str, Any] | None:
    """The contract's report; with a session, the rectorat's deadline replaces the cohort's
    (none fixed: the engine takes the exam date)."""
    report = contract_report(student)
    if session is None:
        return report
    deadline = session.report_deadline.isoformat() if session.report_deadline else None
    if report is not None and report.get("submitted_on") is not None:
        return {**report, "deadline": deadline}
    if deadline is not None:
        return {"submitted_on": None, "deadline": deadline}
    return None


def build_dossier(student: Student, *, as_of: date) -> dict[str, Any]:
    """The dossier of `student` as judged on `as_of` (the id is the INE).

    Values are plain JSON types (``str``, not the ``TextChoices`` members a model may hold): the
    engine checks types strictly, as it would for a file.
    """
    cohort = student.cohort
    dossier: dict[str, Any] = {
        "id": str(student.ine),
        "diploma": str(cohort.diploma),
        "pathway": str(student.pathway),
    }
    if student.pathway == Pathway.FORMATION_CONTINUE:
        dossier["continuing_situation"] = str(student.continuing_situation)
    session = exam_session_of(student)
    evidence = evidence_facts(student)
    dossier.update({"distance": bool(student.distance), "session": int(cohort.session)})
    if session is not None:
        dossier["exam_date"] = session.exam_date.isoformat()
    dossier.update(
        {
            "training_start": cohort.training_start.isoformat(),
            "as_of": as_of.isoformat(),
            "periods": _periods(student),
            "apprenticeship_evidence": evidence.apprenticeship_evidence,
            "work_certificates": evidence.work_certificates,
            # BEP continuing education: an accepted in-sector work certificate (000 §3)
            "professional_experience_in_sector": evidence.in_sector_certificate
            and evidence_pathway(student).sector_experience,
            "derogations": granted_derogations(student),
            "report": _report(student, session),
            # an apprentice's grid comes from the maître d'apprentissage (001 §2.2, 003 §2.2)
            "evaluation": _evaluated(student) or apprentice_evaluated(student),
        }
    )
    if student.repeater:
        repeater: dict[str, Any] = {"previous_session": student.previous_session}
        if student.repeater_report:
            repeater["report"] = str(student.repeater_report)
        # the previous grid and the apprentice repeater's contract are accepted documents
        repeater["previous_evaluation"] = evidence.previous_evaluation
        if evidence.repeater_contract:
            repeater["contract"] = evidence.repeater_contract
        dossier["repeater"] = repeater
    return dossier
