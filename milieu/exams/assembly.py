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

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from milieu.apprenticeships.queries import apprentice_evaluated, apprentice_evaluated_ids
from milieu.contracts.models import SpecialContract
from milieu.conventions.enums import SIGNED_STATUSES, ConventionStatus, SignatureState
from milieu.conventions.models import ConventionPeriod, ConventionTransition, Signatory
from milieu.evidence.pathways import evidence_pathway
from milieu.evidence.queries import EvidenceFacts, evidence_facts, evidence_facts_by_student
from milieu.exams.conformity import (
    latest_conformities,
    latest_conformity,
    required_sections,
    with_conformity,
)
from milieu.exams.models import ExamSession
from milieu.exams.queries import (
    granted_derogations,
    granted_derogations_by_student,
    session_of_cohort,
    sessions_by_key,
)
from milieu.followup.models import (
    Absence,
    Bilan,
    Certificate,
    Evaluation,
    EvaluationStatus,
    TrainingContract,
)
from milieu.followup.operations import DEFAULT_WORK_DAYS
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.reports.conformity import Expectation, expectation
from milieu.reports.models import ReportDeadline, ReportDeposit
from milieu.reports.queries import contract_report, report_object
from milieu.rules.parsing import WEEKDAY_INDEX, scheduled_days
from milieu.students.enums import Pathway
from milieu.students.models import Student


def _period(
    start: date,
    end: date,
    host: tuple[str, str],
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
            "host": {"name": str(host[0]), "country": str(host[1])},
        }
    )
    return period


def _signed_on(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _active_signed() -> QuerySet[ConventionPeriod]:
    """The active periods of signed conventions (signed, stage in progress or finished)."""
    return ConventionPeriod.objects.filter(
        active=True, convention__status__in=sorted(SIGNED_STATUSES)
    )


def _signed_periods() -> QuerySet[Any, Any]:
    """`_active_signed` with what a dossier's period says of each (one query for any number
    of students).

    Each signed period carries ``convention_signed_on`` (contract v1.1): the day its convention
    was fully signed — its first transition to « Signée », or, for a convention without that
    step in its log, its last party's signature — so that the engine warns of a convention signed
    after its period started (``CONVENTION_SIGNED_LATE``)."""
    return (
        _active_signed()
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
        .values(
            "student_id",
            "start",
            "end",
            "declared_absences",
            "has_certificate",
            "certified_absences",
            "has_training_contract",
            "has_bilan",
            "fully_signed_at",
            placement_id=F("convention__placement_id"),
            work_days=F("convention__work_days"),
            host_name=F("convention__host__name"),
            host_country=F("convention__host__country"),
        )
    )


def _arrete_placements() -> QuerySet[Any, Any]:
    """The host choices *arrêté* by the chef d'établissement, with their PFMP window (plain
    rows: one query for any number of students)."""
    return Placement.objects.filter(status=PlacementStatus.ARRETE).values(
        "pk",
        "student_id",
        window_start=F("cohort_period__start"),
        window_end=F("cohort_period__end"),
        host_name=F("host__name"),
        host_country=F("host__country"),
    )


def _special_contracts() -> QuerySet[Any, Any]:
    return SpecialContract.objects.values(
        "student_id", "start", "end", "activities_fit", "employer"
    )


def _scheduled_days(start: date, end: date, work_days: list[str] | None) -> int:
    """The period's working days (`milieu.followup.operations.scheduled_days_of`)."""
    names = list(work_days or []) or list(DEFAULT_WORK_DAYS)
    indexes = tuple(sorted(WEEKDAY_INDEX[str(name)] for name in names))
    return scheduled_days(start.toordinal(), end.toordinal(), indexes)


def _periods(student: Student) -> list[dict[str, Any]]:
    """Signed conventions' active periods, the arrêté choices none of them covers, and the
    *contrats de travail de type particulier* (three queries)."""
    return periods_from(
        list(_signed_periods().filter(student=student).order_by("start", "pk")),
        list(_arrete_placements().filter(student=student).order_by("cohort_period__start", "pk")),
        list(_special_contracts().filter(student=student).order_by("start", "pk")),
    )


def periods_from(
    signed: list[dict[str, Any]],
    placements: list[dict[str, Any]],
    contracts: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The dossier's periods, in date order, from one student's signed periods
    (`_signed_periods`, by start), arrêté placements (`_arrete_placements`, by window) and
    special contracts (`_special_contracts`, by start)."""
    spans: list[tuple[date, dict[str, Any]]] = [
        (
            p["start"],
            _period(
                p["start"],
                p["end"],
                (p["host_name"], p["host_country"]),
                signed=True,
                signed_on=_signed_on(p["fully_signed_at"]),
                work_days=list(p["work_days"] or []),
                absence_days=p["certified_absences"]
                if p["certified_absences"] is not None
                else min(
                    p["declared_absences"],
                    _scheduled_days(p["start"], p["end"], p["work_days"]),
                ),
                certificate=p["has_certificate"],
                training_contract=p["has_training_contract"],
                bilan=p["has_bilan"],
            ),
        )
        for p in signed
    ]
    covered = {p["placement_id"] for p in signed if p["placement_id"]}
    for placement in placements:
        start, end = placement["window_start"], placement["window_end"]
        overlaps = any(p["start"] <= end and start <= p["end"] for p in signed)
        if placement["pk"] in covered or overlaps:
            continue
        host = (placement["host_name"], placement["host_country"])
        spans.append((start, _period(start, end, host, signed=False)))
    for contract in contracts:
        spans.append((contract["start"], _special_contract(contract)))
    return [period for _, period in sorted(spans, key=lambda item: item[0])]


def _special_contract(contract: dict[str, Any]) -> dict[str, Any]:
    """A *contrat de travail de type particulier* as a period (contract v1.1): the engine counts
    it as a certified, conventioned stage when the candidate may take one and the team stated
    that its activities fit the diploma (001 §2.3.1, 002 §B.3.a, 003 §2.3.1, 004 §3.a)."""
    return {
        "start": contract["start"].isoformat(),
        "end": contract["end"].isoformat(),
        "kind": "special-contract",
        "activities_fit": bool(contract["activities_fit"]),
        "host": {"name": str(contract["employer"]), "country": "FR"},
    }


def _evaluated(student: Student) -> bool:
    """A co-signed evaluation grid for one of the conventions `_periods` uses (one query)."""
    return _evaluated_periods().filter(student=student).exists()


def _evaluated_periods() -> QuerySet[ConventionPeriod]:
    return _active_signed().filter(
        Exists(
            Evaluation.objects.filter(
                convention=OuterRef("convention"), status=EvaluationStatus.COSIGNED
            )
        )
    )


def exam_session_of(student: Student) -> ExamSession | None:
    """The rectorat's session for the student's cohort (one query)."""
    return session_of_cohort(student.cohort)


def _report(student: Student, session: ExamSession | None) -> dict[str, Any] | None:
    """The contract's report; with a session, the rectorat's deadline replaces the cohort's
    (none fixed: the engine takes the exam date)."""
    return _with_session(contract_report(student), session)


def _with_session(
    report: dict[str, Any] | None, session: ExamSession | None
) -> dict[str, Any] | None:
    if session is None:
        return report
    deadline = session.report_deadline.isoformat() if session.report_deadline else None
    if report is not None and report.get("submitted_on") is not None:
        return {**report, "deadline": deadline}
    if deadline is not None:
        return {"submitted_on": None, "deadline": deadline}
    return None


def _pronounced(
    student: Student, report: dict[str, Any] | None, decision: Any
) -> dict[str, Any] | None:
    """The report as the exam service pronounced it, where it did (`milieu.exams.conformity`:
    the contract has no field for it, the decision maps onto the report's fields). `decision`:
    the student's latest pronouncement, None when there is none."""
    if decision is None:
        return report
    sections = required_sections(str(student.cohort.diploma), student.pathway_key)
    return with_conformity(report, decision, sections)


def build_dossier(student: Student, *, as_of: date) -> dict[str, Any]:
    """The dossier of `student` as judged on `as_of` (the id is the INE), with a handful of
    queries; `build_dossiers` gives the same dossiers for many students at once.

    Values are plain JSON types (``str``, not the ``TextChoices`` members a model may hold): the
    engine checks types strictly, as it would for a file.
    """
    session = exam_session_of(student)
    return _assemble(
        student,
        as_of,
        session=session,
        periods=_periods(student),
        evidence=evidence_facts(student),
        derogations=granted_derogations(student),
        report=_pronounced(student, _report(student, session), latest_conformity(student)),
        evaluated=_evaluated(student) or apprentice_evaluated(student),
    )


def build_dossiers(
    students: Sequence[Student], *, as_of: date, scope: QuerySet[Student] | None = None
) -> list[dict[str, Any]]:
    """`build_dossier` of each of `students`, in their order, with a fixed number of queries
    (twelve) whatever their number: every input table is read once for all of them, then each
    dossier is put together in Python. The students come with their cohort and its
    establishment (`select_related("cohort", "cohort__establishment")`). `scope`: a queryset
    of exactly these students, when the caller has one (read as a subquery)."""
    if not students:
        return []
    ids: Any = [s.pk for s in students]
    if scope is not None:
        # the same students as a subquery: no list of thousands of parameters to send
        ids = scope.order_by().values("pk")
    cohorts = {s.cohort_id: s.cohort for s in students}
    academies = sorted({c.establishment.academie_id for c in cohorts.values()} - {None})
    sessions = sessions_by_key(academies)
    signed = _grouped(
        _signed_periods().filter(student_id__in=ids).order_by("student_id", "start", "pk")
    )
    placements = _grouped(
        _arrete_placements()
        .filter(student_id__in=ids)
        .order_by("student_id", "cohort_period__start", "pk")
    )
    contracts = _grouped(
        _special_contracts().filter(student_id__in=ids).order_by("student_id", "start", "pk")
    )
    evaluated = set(
        _evaluated_periods().filter(student_id__in=ids).values_list("student_id", flat=True)
    )
    evidence = evidence_facts_by_student(ids)
    evaluated |= apprentice_evaluated_ids(ids)
    derogations = granted_derogations_by_student(ids)
    pronounced = latest_conformities(ids)
    latest: dict[int, ReportDeposit] = {}
    for version in (
        ReportDeposit.objects.filter(student_id__in=ids)
        .select_related("endorsement", "reading")
        .order_by("student_id", "-version")
    ):
        latest.setdefault(version.student_id, version)
    deadlines = dict(
        ReportDeadline.objects.filter(cohort_id__in=list(cohorts)).values_list(
            "cohort_id", "deadline"
        )
    )
    expectations: dict[tuple[str, str], Expectation] = {}
    dossiers = []
    for student in students:
        cohort = student.cohort
        session = sessions.get(
            (cohort.establishment.academie_id, str(cohort.diploma), int(cohort.session))
        )
        deposit = latest.get(student.pk)
        expect = None
        if deposit is not None:
            key = (str(cohort.diploma), student.pathway_key)
            if key not in expectations:
                expectations[key] = expectation(*key)
            expect = expectations[key]
        report = report_object(student, deposit, deadlines.get(student.cohort_id), expect)
        dossiers.append(
            _assemble(
                student,
                as_of,
                session=session,
                periods=periods_from(
                    signed.get(student.pk, []),
                    placements.get(student.pk, []),
                    contracts.get(student.pk, []),
                ),
                evidence=evidence.get(student.pk) or EvidenceFacts(),
                derogations=derogations.get(student.pk, []),
                report=_pronounced(
                    student, _with_session(report, session), pronounced.get(student.pk)
                ),
                evaluated=student.pk in evaluated,
            )
        )
    return dossiers


def _grouped(rows: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Rows by their `student_id`, each student's in the query's order."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["student_id"], []).append(row)
    return grouped


def _assemble(
    student: Student,
    as_of: date,
    *,
    session: ExamSession | None,
    periods: list[dict[str, Any]],
    evidence: EvidenceFacts,
    derogations: list[dict[str, Any]],
    report: dict[str, Any] | None,
    evaluated: bool,
) -> dict[str, Any]:
    cohort = student.cohort
    dossier: dict[str, Any] = {
        "id": str(student.ine),
        "diploma": str(cohort.diploma),
        "pathway": str(student.pathway),
    }
    if student.pathway == Pathway.FORMATION_CONTINUE:
        dossier["continuing_situation"] = str(student.continuing_situation)
    dossier.update({"distance": bool(student.distance), "session": int(cohort.session)})
    if session is not None:
        dossier["exam_date"] = session.exam_date.isoformat()
    dossier.update(
        {
            "training_start": cohort.training_start.isoformat(),
            "as_of": as_of.isoformat(),
            "periods": periods,
            "apprenticeship_evidence": evidence.apprenticeship_evidence,
            "work_certificates": evidence.work_certificates,
            # BEP continuing education: an accepted in-sector work certificate (000 §3)
            "professional_experience_in_sector": evidence.in_sector_certificate
            and evidence_pathway(student).sector_experience,
            "derogations": derogations,
            "report": report,
            # an apprentice's grid comes from the maître d'apprentissage (001 §2.2, 003 §2.2)
            "evaluation": evaluated,
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
