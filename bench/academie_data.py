"""An académie of many candidates, written fast with `bulk_create` (no factory per row).

`build_academie(candidates, schools, seed)` writes, in the configured database, one académie of
`schools` establishments sharing `candidates` students, and returns what the benches need
(`AcademieData`: ids, the rectorat's and a school's accounts). The cohorts copy the demo's
(`milieu.demo.PLANS`: the five diplomas of the catalogue, their pathways, training starts,
sessions and PFMP windows); each student gets what a real dossier holds on `as_of`:

- for each window already over: most often a finished convention (its signature in the log,
  a few signed late), a certificate for most (with the absences it attests), declared absences,
  a training contract, a bilan, a co-signed evaluation grid for some; sometimes nothing;
- for each window to come: a signed convention, or a host choice *arrêté* (a placement), or
  nothing yet;
- apprentices: an accepted apprenticeship contract; continuing education: work certificates;
  a few *contrats de travail de type particulier*;
- for the diplomas with a report: deposits (one or two versions, some with a host's visa,
  some scans to check), a deadline for some cohorts;
- the recteur's decisions: granted, refused and waiting derogation requests;
- an exam session per diploma and year (exam date, report deadline).

The same `seed` gives the same académie. Every row is written with `bulk_create` in batches,
in one transaction: 60,000 candidates take a few minutes on PostgreSQL.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

BATCH = 2000
PASSWORD = "banc-d-essai-2026"

FIRST_NAMES = (
    "Léa", "Hugo", "Chloé", "Lucas", "Emma", "Nathan", "Inès", "Louis", "Manon", "Adam",
    "Jade", "Gabriel", "Camille", "Raphaël", "Sarah", "Arthur", "Zoé", "Yanis", "Lina", "Noé",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Schmitt", "Meyer", "Weber", "Klein", "Wolff", "Koch", "Schneider", "Fischer",
)  # fmt: skip
CITIES = (
    ("Strasbourg", "67000"), ("Colmar", "68000"), ("Mulhouse", "68100"), ("Haguenau", "67500"),
    ("Sélestat", "67600"), ("Saverne", "67700"), ("Guebwiller", "68500"), ("Obernai", "67210"),
)  # fmt: skip
REPORT_DIPLOMAS = ("bts-ccst", "bts-ciel", "bts-metiers-de-la-mesure", "bma-bijou")


@dataclass(frozen=True)
class AcademieData:
    academie_id: int
    name: str
    establishment_ids: list[int]
    uais: list[str]
    cohort_ids: list[int]
    student_count: int
    rectorat_email: str
    head_email: str
    ddfpt_email: str
    password: str
    sessions: list[int]
    diplomas: list[str]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _work_days(start: date, end: date) -> int:
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += timedelta(days=1)
    return days


def _analysis_json(diploma: str, key: str, rng: random.Random, *, readable: bool) -> Any:
    """A stored report analysis: the sections the catalogue expects (some missing), pages."""
    from milieu.reports.analysis import ReportAnalysis
    from milieu.reports.conformity import expectation

    expect = expectation(diploma, key)
    sections = list(expect.required_sections()) if expect.profile is not None else []
    if sections and rng.random() < 0.2:
        sections.pop(rng.randrange(len(sections)))
    pages = rng.randint(12, 40)
    starts = {name: 2 + i * 3 for i, name in enumerate(sections)}
    return ReportAnalysis(
        diploma_id=diploma,
        total_pages=pages + 4,
        pages=pages,
        annex_pages=4,
        annex_start=pages + 1,
        page_format="A4",
        largest_page_mm=(210, 297),
        page_formats={"A4": pages + 4},
        sections=tuple(sections),
        section_starts=starts,
        section_pages={name: 3 for name in sections},
        parts={},
        english_documents=(),
        language_by_page={1: "fr"},
        headings_source="outline",
        readable=readable,
    ).as_json()


def build_academie(
    candidates: int,
    schools: int = 150,
    seed: int = 2026,
    *,
    as_of: date | None = None,
    name: str | None = None,
    progress: Callable[[str], None] | None = None,
    into_cohorts: list[int] | None = None,
) -> AcademieData:
    """Write an académie of `candidates` students over `schools` establishments (see the
    module's text); returns its ids and accounts. Runs in one transaction.

    `into_cohorts`: instead, add the `candidates` to these existing cohorts (of one académie,
    e.g. the demo's, to make it ten times bigger), with the same kinds of dossiers."""
    from django.db import transaction

    with transaction.atomic():
        return _build(
            candidates,
            max(1, schools),
            seed,
            as_of,
            name,
            progress or (lambda _: None),
            into_cohorts,
        )


@dataclass(frozen=True)
class _Plan:
    """What an existing cohort gives the students added to it."""

    pathways: tuple[str, ...]
    division: str
    school_year: int


def _new_schools(
    academie: Any, schools: int, candidates: int, rng: random.Random
) -> tuple[list[Any], list[Any], list[int], list[Any], list[Any]]:
    """`schools` establishments, three cohorts each copied from the demo's plans, their PFMP
    windows; the candidates shared among the cohorts."""
    from milieu.demo import PLANS
    from milieu.establishments.enums import EstablishmentKind
    from milieu.establishments.models import Cohort, CohortPeriod, Establishment
    from milieu.factories import valid_uai

    first_uai = 400_000 + Establishment.objects.count() * 7
    establishments = Establishment.objects.bulk_create(
        [
            Establishment(
                academie=academie,
                uai=valid_uai(first_uai + i),
                name=f"Lycée professionnel n° {i + 1} ({academie.pk})",
                kind=EstablishmentKind.LYCEE_PRO if i % 3 else EstablishmentKind.LYCEE,
                city=CITIES[i % len(CITIES)][0],
                postal_code=CITIES[i % len(CITIES)][1],
            )
            for i in range(schools)
        ],
        batch_size=BATCH,
    )
    templates = [c for plan in PLANS for c in plan.cohorts]
    per_school = [
        candidates // schools + (1 if i < candidates % schools else 0) for i in range(schools)
    ]
    cohorts: list[Cohort] = []
    sizes: list[int] = []
    plans_of: list[Any] = []
    for index, school in enumerate(establishments):
        chosen = rng.sample(templates, k=min(3, len(templates)))
        left = per_school[index]
        for rank, plan in enumerate(chosen):
            size = left if rank == len(chosen) - 1 else left // (len(chosen) - rank)
            left -= size
            if size == 0:
                continue
            cohorts.append(
                Cohort(
                    establishment=school,
                    name=plan.name,
                    diploma=plan.diploma,
                    school_year=plan.school_year,
                    training_start=plan.training_start,
                    session=plan.session,
                )
            )
            sizes.append(size)
            plans_of.append(plan)
    cohorts = Cohort.objects.bulk_create(cohorts, batch_size=BATCH)
    windows = CohortPeriod.objects.bulk_create(
        [
            CohortPeriod(cohort=cohort, label=label, start=start, end=end)
            for cohort, plan in zip(cohorts, plans_of, strict=True)
            for label, start, end in plan.periods
        ],
        batch_size=BATCH,
    )
    return establishments, cohorts, sizes, plans_of, windows


def _build(
    candidates: int,
    schools: int,
    seed: int,
    as_of: date | None,
    name: str | None,
    say: Callable[[str], None],
    into_cohorts: list[int] | None,
) -> AcademieData:
    from django.utils import timezone

    from milieu.contracts.enums import SpecialContractKind
    from milieu.contracts.models import SpecialContract
    from milieu.conventions.enums import ConventionStatus
    from milieu.conventions.models import Convention, ConventionPeriod, ConventionTransition
    from milieu.establishments.enums import HolidayZone
    from milieu.establishments.models import Academie, Cohort, CohortPeriod
    from milieu.evidence.enums import EvidenceKind, EvidenceStatus, FileKind
    from milieu.evidence.models import EvidenceDocument
    from milieu.exams.enums import REASONS_BY_KIND, DerogationKind, DerogationStatus
    from milieu.exams.models import DerogationRequest, ExamSession
    from milieu.factories import member, valid_ine, valid_siret
    from milieu.followup.models import (
        Absence,
        Bilan,
        Certificate,
        Evaluation,
        EvaluationStatus,
        TrainingContract,
    )
    from milieu.hosts.enums import PlacementStatus
    from milieu.hosts.models import Host, Placement
    from milieu.people.enums import Role
    from milieu.reports.models import ReportDeadline, ReportDeposit
    from milieu.reports.operations import expectation_of  # noqa: F401  (the catalogue loads)
    from milieu.students.enums import Pathway
    from milieu.students.models import Student

    rng = random.Random(seed)
    today = as_of or timezone.localdate()
    stamp = Academie.objects.count() + 1
    if into_cohorts:
        cohorts = list(
            Cohort.objects.filter(pk__in=into_cohorts)
            .select_related("establishment")
            .order_by("pk")
        )
        academie = Academie.objects.get(pk=cohorts[0].establishment.academie_id)
    else:
        academie = Academie.objects.create(
            name=name or f"Académie du banc d'essai n° {stamp} ({candidates} candidats)",
            holiday_zone=HolidayZone.B,
        )
    rectorat = member(
        Role.EXAM_SERVICE,
        academie=academie,
        email=f"examens.banc{stamp}@exemple.fr",
        password=PASSWORD,
    )
    delegate = member(
        Role.RECTEUR_DELEGATE, academie=academie, email=f"delegue.banc{stamp}@exemple.fr"
    )
    if into_cohorts:
        establishments = sorted({c.establishment for c in cohorts}, key=lambda e: e.pk)
        sizes = [
            candidates // len(cohorts) + (1 if i < candidates % len(cohorts) else 0)
            for i in range(len(cohorts))
        ]
        plans_of: list[Any] = [
            _Plan(("scolaire", "scolaire", "scolaire", "apprentissage"), "", c.school_year)
            for c in cohorts
        ]
        windows = list(CohortPeriod.objects.filter(cohort__in=cohorts))
    else:
        establishments, cohorts, sizes, plans_of, windows = _new_schools(
            academie, schools, candidates, rng
        )
    head = member(
        Role.HEAD,
        establishment=establishments[0],
        email=f"chef.banc{stamp}@exemple.fr",
        password=PASSWORD,
    )
    ddfpt = member(
        Role.DDFPT,
        establishment=establishments[0],
        email=f"ddfpt.banc{stamp}@exemple.fr",
        password=PASSWORD,
    )
    windows_of: dict[int, list[CohortPeriod]] = {}
    for window in windows:
        windows_of.setdefault(window.cohort_id, []).append(window)
    say(f"{len(establishments)} établissements, {len(cohorts)} promotions")

    # exam sessions, report deadlines --------------------------------------------------------
    pairs = sorted({(c.diploma, c.session) for c in cohorts})
    ExamSession.objects.bulk_create(
        [
            ExamSession(
                academie=academie,
                diploma=diploma,
                session=year,
                exam_date=date(year, 6, 15),
                report_deadline=date(year, 5, 15) if diploma in REPORT_DIPLOMAS else None,
                updated_by=rectorat,
            )
            for diploma, year in pairs
        ],
        ignore_conflicts=True,  # an existing académie keeps its sessions
    )
    ReportDeadline.objects.bulk_create(
        [
            ReportDeadline(cohort=c, deadline=date(c.session, 5, 2), set_by=ddfpt)
            for c in cohorts
            if c.diploma in REPORT_DIPLOMAS and rng.random() < 0.4
        ],
        ignore_conflicts=True,
    )

    # hosts ----------------------------------------------------------------------------------
    first_host = 800_000 + Host.objects.count()
    hosts = Host.objects.bulk_create(
        [
            Host(
                siret=valid_siret(first_host + i),
                name=f"Entreprise {LAST_NAMES[i % len(LAST_NAMES)]} n° {first_host + i}",
                naf_code=rng.choice(["62.02A", "71.20B", "25.62B", "32.12Z", "46.69B"]),
                headcount=rng.choice([4, 12, 19, 35, 80, 250]),
                city=CITIES[i % len(CITIES)][0],
                postal_code=CITIES[i % len(CITIES)][1],
            )
            for i in range(max(20, min(5000, candidates // 12)))
        ],
        batch_size=BATCH,
    )
    say(f"{len(hosts)} organismes d'accueil")

    # students -------------------------------------------------------------------------------
    first_ine = 1_000_000 + Student.objects.count()
    students: list[Student] = []
    for cohort, plan, size in zip(cohorts, plans_of, sizes, strict=True):
        for n in range(size):
            pathway, _, situation = plan.pathways[n % len(plan.pathways)].partition("/")
            repeater = plan.school_year < today.year and rng.random() < 0.05
            adult = pathway in (Pathway.FORMATION_CONTINUE, Pathway.EXPERIENCE)
            students.append(
                Student(
                    cohort=cohort,
                    ine=valid_ine(first_ine + len(students)),
                    last_name=rng.choice(LAST_NAMES),
                    first_name=rng.choice(FIRST_NAMES),
                    birth_date=date(
                        rng.randint(1980, 2000) if adult else rng.randint(2006, 2010),
                        rng.randint(1, 12),
                        rng.randint(1, 28),
                    ),
                    division=plan.division,
                    pathway=pathway,
                    continuing_situation=situation,
                    distance=rng.random() < 0.05,
                    repeater=repeater,
                    previous_session=cohort.session - 1 if repeater else None,
                    repeater_report="reuse" if repeater and rng.random() < 0.5 else "",
                )
            )
    students = Student.objects.bulk_create(students, batch_size=BATCH)
    say(f"{len(students)} élèves")

    # conventions, placements ----------------------------------------------------------------
    conventions: list[Convention] = []
    convention_spans: list[tuple[Student, date, date, bool]] = []  # (student, start, end, over)
    placements: list[Placement] = []
    for student in students:
        for window in windows_of.get(student.cohort_id, []):
            draw = rng.random()
            over = window.end < today
            if draw < (0.9 if over else 0.45):
                start, end = window.start, window.end
                if (end - start).days > 21:  # some start late or end early
                    start += timedelta(days=rng.choice([0, 0, 0, 7]))
                    end -= timedelta(days=rng.choice([0, 0, 0, 0, 7]))
                started = window.start <= today
                status = (
                    ConventionStatus.FINISHED
                    if over
                    else ConventionStatus.IN_PROGRESS
                    if started
                    else ConventionStatus.SIGNED
                )
                conventions.append(
                    Convention(
                        student=student,
                        host=rng.choice(hosts),
                        status=status,
                        weekly_hours=Decimal("35"),
                        activities="Activités du référentiel.",
                        created_by=ddfpt,
                    )
                )
                convention_spans.append((student, start, end, over))
            elif not over and draw < 0.75:
                placements.append(
                    Placement(
                        student=student,
                        cohort_period=window,
                        host=rng.choice(hosts),
                        status=PlacementStatus.ARRETE,
                    )
                )
    conventions = Convention.objects.bulk_create(conventions, batch_size=BATCH)
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    periods = ConventionPeriod.objects.bulk_create(
        [
            ConventionPeriod(convention=convention, student=student, start=start, end=end)
            for convention, (student, start, end, _) in zip(
                conventions, convention_spans, strict=True
            )
        ],
        batch_size=BATCH,
    )
    ConventionTransition.objects.bulk_create(
        [
            ConventionTransition(
                convention=convention,
                from_status=ConventionStatus.SIGNING,
                to_status=ConventionStatus.SIGNED,
                actor=ddfpt,
                at=_noon(start + timedelta(days=3 if rng.random() < 0.03 else -15)),
            )
            for convention, (_, start, _, _) in zip(conventions, convention_spans, strict=True)
        ],
        batch_size=BATCH,
    )
    say(f"{len(conventions)} conventions, {len(placements)} choix arrêtés")

    # what follows a stage that is over ----------------------------------------------------
    certificates: list[Certificate] = []
    absences: list[Absence] = []
    contracts: list[TrainingContract] = []
    bilans: list[Bilan] = []
    evaluations: list[Evaluation] = []
    for convention, period, (_, start, end, over) in zip(
        conventions, periods, convention_spans, strict=True
    ):
        if not over:
            continue
        scheduled = _work_days(start, end)
        absent = rng.choice([0, 0, 0, 0, 1, 2, 5])
        if absent and rng.random() < 0.5:
            absences.append(
                Absence(
                    period=period,
                    start=start,
                    end=start + timedelta(days=absent - 1),
                    days=absent,
                    reason="maladie",
                    declared_by="tuteur",
                )
            )
        if rng.random() < 0.85:
            presence = max(0, scheduled - absent)
            certificates.append(
                Certificate(
                    period=period,
                    start=start,
                    end=end,
                    scheduled_days=scheduled,
                    absence_days=absent,
                    presence_days=presence,
                    weeks=(Decimal(presence) / 5).quantize(Decimal("0.01")),
                    tutor_name="Tuteur du banc d'essai",
                    content=b"",
                    sha256="0" * 64,
                    signed_on=end,
                )
            )
        done = _noon(end)
        if rng.random() < 0.6:
            contracts.append(TrainingContract(period=period, items=[], completed_at=done))
        if rng.random() < 0.6:
            bilans.append(Bilan(period=period, items=[], completed_at=done))
        if rng.random() < 0.5:
            evaluations.append(
                Evaluation(
                    convention=convention,
                    status=EvaluationStatus.COSIGNED,
                    grid={},
                    cosigned_at=done,
                )
            )
    for model, rows in (
        (Certificate, certificates),
        (Absence, absences),
        (TrainingContract, contracts),
        (Bilan, bilans),
        (Evaluation, evaluations),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
    say(f"{len(certificates)} attestations, {len(absences)} absences")

    # evidence, special contracts ----------------------------------------------------------
    evidence: list[EvidenceDocument] = []
    specials: list[SpecialContract] = []
    for student in students:
        common = {
            "student": student,
            "status": EvidenceStatus.ACCEPTED if rng.random() < 0.85 else EvidenceStatus.DEPOSITED,
            "file_path": f"banc/{student.pk}.pdf",
            "file_size": 1000,
            "file_sha256": "0" * 64,
            "file_kind": FileKind.PDF,
            "original_name": "piece.pdf",
            "deposited_by": ddfpt,
        }
        if student.pathway == Pathway.APPRENTISSAGE:
            evidence.append(EvidenceDocument(kind=EvidenceKind.APPRENTICESHIP_CONTRACT, **common))
        elif student.pathway in (Pathway.FORMATION_CONTINUE, Pathway.EXPERIENCE):
            for years in range(rng.choice([1, 1, 2])):
                begin = date(2015 + 3 * years, rng.randint(1, 12), 1)
                evidence.append(
                    EvidenceDocument(
                        kind=EvidenceKind.WORK_CERTIFICATE,
                        employer="Employeur précédent",
                        start=begin,
                        end=begin + timedelta(days=rng.randint(120, 900)),
                        full_time=rng.random() < 0.8,
                        in_sector=rng.random() < 0.7,
                        **common,
                    )
                )
            if rng.random() < 0.1:
                fit = rng.random() < 0.7
                specials.append(
                    SpecialContract(
                        student=student,
                        kind=rng.choice(SpecialContractKind.values),
                        employer="Employeur (contrat particulier)",
                        siret=valid_siret(first_host + 7),
                        start=date(student.cohort.training_start.year + 1, 1, 4),
                        end=date(student.cohort.training_start.year + 1, 3, 26),
                        recorded_by=ddfpt,
                        activities_fit=fit,
                        activities_fit_by=ddfpt if fit else None,
                        activities_fit_at=timezone.now() if fit else None,
                    )
                )
    EvidenceDocument.objects.bulk_create(evidence, batch_size=BATCH)
    SpecialContract.objects.bulk_create(specials, batch_size=BATCH)
    say(f"{len(evidence)} pièces, {len(specials)} contrats particuliers")

    # reports --------------------------------------------------------------------------------
    analyses: dict[tuple[str, str, bool], Any] = {}
    deposits: list[ReportDeposit] = []
    for student in students:
        diploma = str(student.cohort.diploma)
        if diploma not in REPORT_DIPLOMAS or student.cohort.session > today.year + 1:
            continue
        if rng.random() >= 0.6:
            continue
        for version in range(1, rng.choice([1, 1, 1, 2]) + 1):
            readable = rng.random() < 0.95
            key = (diploma, student.pathway_key, readable)
            if key not in analyses:
                analyses[key] = _analysis_json(diploma, student.pathway_key, rng, readable=readable)
            deposits.append(
                ReportDeposit(
                    student=student,
                    version=version,
                    original_name="rapport.pdf",
                    path=f"banc/rapports/{student.pk}-{version}.pdf",
                    size=250_000,
                    sha256="0" * 64,
                    uploaded_by=ddfpt,
                    analysis=analyses[key],
                    uploaded_at=min(
                        _noon(date(student.cohort.session, 4, rng.randint(1, 30))),
                        timezone.now(),
                    ),
                )
            )
    deposits = ReportDeposit.objects.bulk_create(deposits, batch_size=BATCH)
    say(f"{len(deposits)} rapports déposés")

    # derogation requests -------------------------------------------------------------------
    requests: list[DerogationRequest] = []
    decided_at = timezone.now() - timedelta(days=10)
    for student in students:
        draw = rng.random()
        if draw >= 0.04:
            continue
        kind = rng.choice(
            [DerogationKind.REDUCTION, DerogationKind.REDUCTION, DerogationKind.PARTIAL]
        )
        status = (
            DerogationStatus.GRANTED
            if draw < 0.025
            else DerogationStatus.SUBMITTED
            if draw < 0.035
            else DerogationStatus.REFUSED
        )
        decided = status in (DerogationStatus.GRANTED, DerogationStatus.REFUSED)
        requests.append(
            DerogationRequest(
                student=student,
                kind=kind,
                reason=REASONS_BY_KIND[kind][0],
                weeks=Decimal(rng.choice([4, 5, 6])) if kind == DerogationKind.REDUCTION else None,
                justification="Situation exposée par l'établissement.",
                status=status,
                created_by=ddfpt,
                submitted_at=decided_at - timedelta(days=5),
                decided_by=delegate if decided else None,
                decided_at=decided_at if decided else None,
            )
        )
    DerogationRequest.objects.bulk_create(requests, batch_size=BATCH)
    say(f"{len(requests)} demandes de dérogation")

    return AcademieData(
        academie_id=academie.pk,
        name=academie.name,
        establishment_ids=[e.pk for e in establishments],
        uais=[e.uai for e in establishments],
        cohort_ids=[c.pk for c in cohorts],
        student_count=len(students),
        rectorat_email=str(rectorat.email),
        head_email=str(head.email),
        ddfpt_email=str(ddfpt.email),
        password=PASSWORD,
        sessions=sorted({c.session for c in cohorts}),
        diplomas=sorted({str(c.diploma) for c in cohorts}),
    )
