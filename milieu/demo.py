"""The demo: a realistic académie built with the factories and operations the tests use.

`load_demo()` is idempotent: the académie "Strasbourg (démonstration)" is built once; a second run
only reports what is there. It is refused outside a demo by the `loaddemo` command (DEBUG off).

What it builds (seeded, so every run gives the same names):
- 3 establishments covering the five diplomas of the catalogue;
- about 300 students over every pathway: minors, apprentices, continuing education (first
  training, retraining, perfectionnement), distance learners, repeaters;
- about 80 hosts with valid SIRETs (and two abroad), their sites and tutors;
- staff accounts per establishment, a few student accounts, rectorat accounts;
- PFMP windows per cohort and host choices at every step (proposed, validated, arrêté);
- conventions at every step, one sealed, one amended;
- a stage followed to its end (BTS CIEL 2e année): signed convention, a teacher's visit and its
  report, the tutor's link, an absence, a presence confirmed, the certificate, the evaluation
  grid co-signed, the report deposited and analysed — the student's verdict is "conforme"; and a
  classmate's stage with only its convention signed and the tutor's link printed, to walk the
  same path in the pages;
- the rectorat's exam sessions (one per diploma and year) and derogation requests at every state,
  decided by the recteur's delegate (`milieu.exams.demo`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import factory.random
from django.db import transaction
from django.test.utils import override_settings

from milieu.checker.samples import Sample, all_samples
from milieu.establishments.enums import EstablishmentKind, HolidayZone
from milieu.establishments.models import Academie, Cohort, CohortPeriod, Establishment
from milieu.evidence.enums import EvidenceKind
from milieu.factories import (
    DEMO_PASSWORD,
    CohortFactory,
    CohortPeriodFactory,
    EstablishmentFactory,
    HostFactory,
    HostSiteFactory,
    LegalRepresentativeFactory,
    StudentFactory,
    TutorFactory,
    member,
    valid_ine,
    valid_siret,
)
from milieu.hosts.models import Host
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.placements.operations import arrete_placement, propose_placement, validate_placement
from milieu.students.enums import Pathway, RepeaterReport
from milieu.students.models import Student

ACADEMIE_NAME = "Strasbourg (démonstration)"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    samples: tuple[Sample, ...]
    accounts: tuple[DemoAccount, ...] = field(default=())
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CohortPlan:
    name: str
    diploma: str
    school_year: int
    training_start: date
    session: int
    size: int
    division: str
    periods: tuple[tuple[str, date, date], ...]
    pathways: tuple[str, ...] = ("scolaire",)
    minors: bool = False


@dataclass(frozen=True)
class SchoolPlan:
    key: str
    name: str
    uai_seed: int
    kind: str
    city: str
    postal_code: str
    cohorts: tuple[CohortPlan, ...]


PLANS = (
    SchoolPlan(
        key="couffignal",
        name="Lycée professionnel Louis Couffignal",
        uai_seed=101,
        kind=EstablishmentKind.LYCEE_PRO,
        city="Strasbourg",
        postal_code="67100",
        cohorts=(
            CohortPlan(
                "BEP MPMI 1re année",
                "bep-mpmi",
                2026,
                date(2026, 9, 1),
                2028,
                56,
                "1 MPMI",
                (
                    ("Phase 1 — découverte", date(2026, 9, 28), date(2026, 10, 2)),
                    ("Phase 2 — équipe de production", date(2027, 6, 7), date(2027, 6, 18)),
                ),
                minors=True,
            ),
            CohortPlan(
                "BMA bijou 1re année",
                "bma-bijou",
                2026,
                date(2026, 9, 1),
                2028,
                34,
                "1 BMA",
                (
                    ("PFMP 1", date(2027, 1, 11), date(2027, 2, 19)),
                    ("PFMP 2", date(2028, 1, 10), date(2028, 2, 18)),
                ),
                pathways=("scolaire", "scolaire", "scolaire", "apprentissage"),
                minors=True,
            ),
            CohortPlan(
                "BMA bijou — formation continue",
                "bma-bijou",
                2026,
                date(2026, 9, 14),
                2028,
                12,
                "FC BMA",
                (("PFMP 1", date(2027, 3, 1), date(2027, 4, 9)),),
                pathways=(
                    "formation-continue/reconversion",
                    "formation-continue/perfectionnement",
                    "experience-professionnelle",
                ),
            ),
        ),
    ),
    SchoolPlan(
        key="rostand",
        name="Lycée Jean Rostand",
        uai_seed=202,
        kind=EstablishmentKind.LYCEE,
        city="Strasbourg",
        postal_code="67000",
        cohorts=(
            CohortPlan(
                "BTS CIEL 1re année",
                "bts-ciel",
                2026,
                date(2026, 9, 7),
                2028,
                40,
                "BTS CIEL 1",
                (("Stage", date(2027, 5, 31), date(2027, 7, 9)),),
                pathways=("scolaire", "scolaire", "scolaire", "scolaire", "apprentissage"),
            ),
            CohortPlan(
                "BTS CIEL 2e année",
                "bts-ciel",
                2025,
                date(2025, 9, 8),
                2027,
                30,
                "BTS CIEL 2",
                (("Stage", date(2026, 5, 26), date(2026, 7, 3)),),
                pathways=(
                    "scolaire",
                    "scolaire",
                    "scolaire",
                    "formation-continue/premiere-formation",
                ),
            ),
            CohortPlan(
                "BTS Métiers de la Mesure 1re année",
                "bts-metiers-de-la-mesure",
                2026,
                date(2026, 9, 7),
                2028,
                30,
                "BTS MM 1",
                (("Stage", date(2027, 4, 19), date(2027, 7, 9)),),
                pathways=(
                    "scolaire",
                    "scolaire",
                    "scolaire",
                    "scolaire",
                    "apprentissage",
                    "formation-continue/perfectionnement",
                ),
            ),
        ),
    ),
    SchoolPlan(
        key="bloch",
        name="Lycée Marc Bloch",
        uai_seed=303,
        kind=EstablishmentKind.LYCEE,
        city="Bischheim",
        postal_code="67800",
        cohorts=(
            CohortPlan(
                "BTS CCST 1re année",
                "bts-ccst",
                2026,
                date(2026, 9, 7),
                2028,
                44,
                "BTS CCST 1",
                (
                    ("Stage 1 — bloc de première année", date(2027, 1, 4), date(2027, 2, 12)),
                    ("Stage 2", date(2027, 5, 3), date(2027, 6, 25)),
                ),
                pathways=(
                    "scolaire",
                    "scolaire",
                    "scolaire",
                    "scolaire",
                    "apprentissage",
                    "formation-continue/reconversion",
                ),
            ),
            CohortPlan(
                "BTS CCST à distance",
                "bts-ccst",
                2026,
                date(2026, 9, 14),
                2028,
                24,
                "CCST CNED",
                (("Stage 1", date(2027, 2, 1), date(2027, 3, 12)),),
                pathways=(
                    "scolaire",
                    "formation-continue/premiere-formation",
                    "formation-continue/perfectionnement",
                    "experience-professionnelle",
                ),
            ),
            CohortPlan(
                "BTS CIEL 1re année (Bloch)",
                "bts-ciel",
                2026,
                date(2026, 9, 7),
                2028,
                30,
                "BTS CIEL 1B",
                (("Stage", date(2027, 6, 7), date(2027, 7, 16)),),
            ),
        ),
    ),
)

HOST_NAMES = (
    "Métrologie Rhénane",
    "Atelier Dupont",
    "Alsace Mécanique de Précision",
    "Bijouterie Kléber",
    "Orfèvrerie de l'Ill",
    "Cyber Rhin Services",
    "Réseaux & Télécoms de l'Est",
    "ÉlectroSystèmes Sarl",
    "Laboratoire d'essais Vauban",
    "Solutions Techniques du Ried",
    "Comptoir industriel alsacien",
    "Usinage Haute-Précision",
    "Joaillerie Gutenberg",
    "Numérique Strasbourg",
    "Contrôle & Mesure SAS",
)


def _accounts_for(school: Establishment, key: str, cohorts: list[Cohort]) -> list[DemoAccount]:
    made = []
    for role, local, label in (
        (Role.HEAD, "chef", "chef d'établissement"),
        (Role.DDFPT, "ddfpt", "DDFPT"),
        (Role.SECRETARY, "secretariat", "secrétariat"),
    ):
        email = f"{local}.{key}@demo.milieu.fr"
        member(role, establishment=school, email=email)
        made.append(DemoAccount(email, DEMO_PASSWORD, f"{label}, {school.name}"))
    for index, cohort in enumerate(cohorts, start=1):
        email = f"prof{index}.{key}@demo.milieu.fr"
        teacher = member(Role.TEACHER, establishment=school, email=email)
        cohort.teachers.add(teacher)
        made.append(
            DemoAccount(email, DEMO_PASSWORD, f"enseignant de « {cohort.name} », {school.name}")
        )
    return made


def _pathway_fields(spec: str, rng: random.Random) -> dict[str, Any]:
    pathway, _, situation = spec.partition("/")
    fields: dict[str, Any] = {"pathway": pathway, "continuing_situation": situation}
    if rng.random() < 0.08:
        fields["distance"] = True
    return fields


def _build(rng: random.Random) -> tuple[list[DemoAccount], dict[str, int]]:
    academie = Academie.objects.create(name=ACADEMIE_NAME, holiday_zone=HolidayZone.B)
    accounts: list[DemoAccount] = []
    for role, email, label in (
        (Role.EXAM_SERVICE, "examens@demo.milieu.fr", "service des examens du rectorat"),
        (Role.RECTEUR_DELEGATE, "delegue.recteur@demo.milieu.fr", "délégué du recteur"),
    ):
        member(role, academie=academie, email=email)
        accounts.append(DemoAccount(email, DEMO_PASSWORD, label))

    hosts: list[Host] = []
    for index in range(78):
        base = HOST_NAMES[index % len(HOST_NAMES)]
        name = (
            base
            if index < len(HOST_NAMES)
            else f"{base} — établissement {index // len(HOST_NAMES) + 1}"
        )
        host = HostFactory.create(
            siret=valid_siret(9000 + index),
            name=name,
            naf_code=rng.choice(["62.02A", "71.20B", "25.62B", "32.12Z", "46.69B", "26.51B"]),
            headcount=rng.choice([4, 12, 19, 35, 80, 250]),
            city=rng.choice(
                [
                    "Strasbourg",
                    "Illkirch-Graffenstaden",
                    "Schiltigheim",
                    "Haguenau",
                    "Colmar",
                    "Sélestat",
                ]
            ),
        )
        HostSiteFactory.create(host=host, name="Siège")
        for _ in range(rng.choice([1, 1, 2])):
            TutorFactory.create(host=host)
        hosts.append(host)
    for name, country, identifier in (
        ("Präzisionstechnik Kehl GmbH", "DE", "HRB 701234"),
        ("Bijoux Bâlois SA", "CH", "CHE-123.456.789"),
    ):
        host = HostFactory.create(
            abroad=True, name=name, country=country, foreign_identifier=identifier
        )
        TutorFactory.create(host=host)
        hosts.append(host)

    ine_counter = 50_000
    students_made = 0
    pieces: list[tuple[Student, str]] = []
    for plan in PLANS:
        school = EstablishmentFactory.create(
            academie=academie,
            name=plan.name,
            uai=_uai(plan.uai_seed),
            kind=plan.kind,
            city=plan.city,
            postal_code=plan.postal_code,
        )
        cohorts: list[Cohort] = []
        for cplan in plan.cohorts:
            cohort = CohortFactory.create(
                establishment=school,
                name=cplan.name,
                diploma=cplan.diploma,
                school_year=cplan.school_year,
                training_start=cplan.training_start,
                session=cplan.session,
            )
            for label, start, end in cplan.periods:
                CohortPeriodFactory.create(cohort=cohort, label=label, start=start, end=end)
            cohorts.append(cohort)
            for n in range(cplan.size):
                ine_counter += 1
                spec = cplan.pathways[n % len(cplan.pathways)]
                fields = _pathway_fields(spec, rng)
                if cplan.minors:
                    birth = date(2010 + rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
                elif fields["pathway"] in (Pathway.FORMATION_CONTINUE, Pathway.EXPERIENCE):
                    birth = date(rng.randint(1980, 2000), rng.randint(1, 12), rng.randint(1, 28))
                else:
                    birth = date(
                        rng.choice([2006, 2007, 2008]), rng.randint(1, 12), rng.randint(1, 28)
                    )
                repeater = cplan.school_year < 2026 and rng.random() < 0.15
                student = StudentFactory.create(
                    cohort=cohort,
                    ine=valid_ine(ine_counter),
                    birth_date=birth,
                    division=cplan.division,
                    repeater=repeater,
                    previous_session=cplan.session - 1 if repeater else None,
                    repeater_report=rng.choice(
                        [RepeaterReport.REUSE, RepeaterReport.MODIFIED, RepeaterReport.NEW]
                    )
                    if repeater
                    else "",
                    **fields,
                )
                # issue 11: documents a manager accepts, no longer boxes on the record (the
                # same draws of `rng` as when they were boxes, so the rest of the demo is kept)
                if repeater and fields["pathway"] == Pathway.APPRENTISSAGE:
                    pieces.append((student, EvidenceKind.CONTRACT_EXTENDED))
                if fields["pathway"] == Pathway.FORMATION_CONTINUE and rng.random() < 0.3:
                    pieces.append((student, EvidenceKind.WORK_CERTIFICATE))
                if student.is_minor_on(date.today()):
                    LegalRepresentativeFactory.create(student=student, last_name=student.last_name)
                students_made += 1
        accounts.extend(_accounts_for(school, plan.key, cohorts))
        _accepted_pieces(school, pieces)
        accounts.extend(_student_accounts(school, plan.key, cohorts))
        _placements(school, cohorts, hosts, rng)
        _conventions(school)
    _stage_story()
    _pedagogy_stories()
    _pathway_candidates()
    from milieu.exams.demo import build_exam_side

    build_exam_side(academie)
    counts = {"établissements": len(PLANS), "élèves": students_made, "organismes": len(hosts)}
    return accounts, counts


def _accepted_pieces(school: Establishment, pieces: list[tuple[Student, str]]) -> None:
    """The DDFPT deposits (and so accepts) each student's piece: an apprentice repeater's
    extended contract, a BEP continuing-education candidate's in-sector work certificate (the
    dispense of 000 §3; elsewhere the pathway takes no such piece)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from milieu.evidence.operations import deposit_evidence
    from milieu.evidence.pathways import evidence_pathway

    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    scans: dict[str, bytes] = {}
    for student, kind in pieces:
        if kind not in evidence_pathway(student).kinds:
            continue
        label = str(EvidenceKind(kind).label)
        scan = scans.setdefault(kind, _demo_pdf_scan(label))
        extra: dict[str, Any] = {}
        if kind == EvidenceKind.WORK_CERTIFICATE:
            extra = {
                "employer": "Mécanique de précision du Rhin",
                "start": date(2021, 9, 1),
                "end": date(2024, 6, 30),
                "full_time": True,
                "in_sector": True,
            }
        deposit_evidence(
            student,
            by=ddfpt,
            kind=kind,
            upload=SimpleUploadedFile(f"{kind}.pdf", scan, content_type="application/pdf"),
            **extra,
        )
    pieces.clear()


def _uai(seed: int) -> str:
    from milieu.factories import valid_uai

    return valid_uai(seed)


def _student_accounts(school: Establishment, key: str, cohorts: list[Cohort]) -> list[DemoAccount]:
    made = []
    for cohort in cohorts[:1]:
        student = (
            Student.objects.filter(cohort=cohort, pathway=Pathway.SCOLAIRE).order_by("pk").first()
        )
        if student is None:
            continue
        email = f"eleve.{key}@demo.milieu.fr"
        user = member(
            Role.STUDENT,
            establishment=school,
            email=email,
            first_name=student.first_name,
            last_name=student.last_name,
        )
        student.user = user
        student.save(update_fields=["user"])
        made.append(
            DemoAccount(email, DEMO_PASSWORD, f"élève {student.full_name}, « {cohort.name} »")
        )
    return made


def _placements(
    school: Establishment, cohorts: list[Cohort], hosts: list[Host], rng: random.Random
) -> None:
    """Host choices at every step, made by the demo's own staff through the operations."""
    head = User.objects.get(memberships__establishment=school, memberships__role=Role.HEAD)
    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    for cohort in cohorts:
        # the coming PFMP window, as the placement board shows it (else the last one)
        periods = CohortPeriod.objects.filter(cohort=cohort).order_by("start")
        period = periods.filter(end__gte=date.today()).first() or periods.last()
        if period is None:
            continue
        students = list(
            Student.objects.filter(
                cohort=cohort, pathway__in=[Pathway.SCOLAIRE, Pathway.FORMATION_CONTINUE]
            ).order_by("pk")
        )
        for index, student in enumerate(students):
            step = index % 5  # 0: none yet, 1: proposed, 2: validated, 3 and 4: arrêté
            if step == 0:
                continue
            host = hosts[rng.randrange(len(hosts))]
            tutor = host.tutors.order_by("pk").first()
            placement = propose_placement(
                student, cohort_period=period, host=host, tutor=tutor, by=ddfpt
            )
            if step >= 2:
                validate_placement(placement, by=ddfpt)
            if step >= 3:
                arrete_placement(placement, by=head)


def _demo_pdf_scan(title: str) -> bytes:
    """A one-page PDF standing for a signed paper copy."""
    from milieu.conventions.documents import render_pdf

    return render_pdf("conventions/pdf/paper_scan.html", {"title": title})


def _conventions(school: Establishment) -> int:
    """Conventions at every step for the first cohort of an establishment, made with the
    operations the pages call: a draft, one validated, one approved, one out for signature
    (links in the console), one signed and sealed, one signed then amended by an avenant."""
    from milieu.conventions.amendments import create_amendment, send_amendment_for_signature
    from milieu.conventions.models import Convention
    from milieu.conventions.operations import (
        approve_convention,
        create_convention,
        submit_convention,
        validate_convention,
    )
    from milieu.conventions.signatures import send_for_signature, sign_on_paper
    from milieu.hosts.enums import PlacementStatus
    from milieu.hosts.models import Placement

    head = User.objects.get(memberships__establishment=school, memberships__role=Role.HEAD)
    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    placements = list(
        Placement.objects.filter(
            student__cohort__establishment=school,
            status=PlacementStatus.ARRETE,
            student__birth_date__lt=date(2008, 1, 1),
        )
        .select_related("student", "student__cohort", "cohort_period", "host", "tutor")
        .order_by("student__cohort__name", "pk")[:6]
    )
    made = 0
    for step, placement in enumerate(placements):
        student = placement.student
        teacher = student.cohort.teachers.first()
        if teacher is None or placement.tutor is None:
            continue
        window = placement.cohort_period
        convention = create_convention(
            student=student,
            host=placement.host,
            periods=[(window.start, window.end)],
            by=teacher,
            tutor=placement.tutor,
            placement=placement,
            referent=teacher,
            activities="Participation aux activités de l'équipe, sous la responsabilité du tuteur.",
            objectives="Compétences du référentiel travaillées pendant la période.",
            host_signatory_name="Direction de l'organisme",
            host_signatory_position="Gérant",
            host_signatory_email=f"direction.{placement.host.pk}@organisme.demo.milieu.fr",
            gratification_hourly=Decimal("4.50"),
            liability_insurance="Assurance responsabilité civile de l'organisme d'accueil.",
        )
        made += 1
        if step >= 1:
            submit_convention(convention, by=teacher)
        if step >= 2:
            validate_convention(convention, by=ddfpt)
        if step >= 3 and not [p for p in convention_problems(convention) if p.blocking]:
            approve_convention(convention, by=head)
        else:
            continue
        if step >= 4:
            send_for_signature(convention, by=ddfpt)
        if step >= 5:
            for signatory in convention.signatories.all():
                sign_on_paper(signatory, _demo_pdf_scan(f"Convention n° {convention.pk}"), by=ddfpt)
            convention = Convention.objects.get(pk=convention.pk)
            amendment = create_amendment(
                convention,
                by=ddfpt,
                reason="Report d'une semaine à la demande de l'organisme.",
                new_periods=[(window.start + timedelta(days=7), window.end + timedelta(days=7))],
            )
            send_amendment_for_signature(amendment, by=ddfpt)
            for signatory in amendment.signatories.all():
                sign_on_paper(signatory, _demo_pdf_scan(f"Avenant n° {amendment.number}"), by=ddfpt)
    return made


STORY_COHORT = "BTS CIEL 2e année"
STORY_EMAIL = "eleve.stage@demo.milieu.fr"
STORY_PERIOD = (date(2026, 5, 18), date(2026, 6, 29))
_story_links: list[str] = []


def _signed_convention(student: Student, host: Host, tutor: Any, teacher: User) -> Any:
    """A convention over `STORY_PERIOD` taken through every step to its signature on paper."""
    from milieu.conventions.models import Convention
    from milieu.conventions.operations import (
        approve_convention,
        create_convention,
        submit_convention,
        validate_convention,
    )
    from milieu.conventions.signatures import send_for_signature, sign_on_paper

    school = student.cohort.establishment
    head = User.objects.get(memberships__establishment=school, memberships__role=Role.HEAD)
    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    convention = create_convention(
        student=student,
        host=host,
        periods=[STORY_PERIOD],
        by=teacher,
        tutor=tutor,
        referent=teacher,
        activities="Configuration de commutateurs, supervision du réseau local, procédures de sauvegarde.",
        objectives="Compétences de la spécialité : installer, configurer et superviser un réseau.",
        host_signatory_name="Direction de l'organisme",
        host_signatory_position="Gérant",
        host_signatory_email=f"direction.{host.pk}@organisme.demo.milieu.fr",
        liability_insurance="Assurance responsabilité civile de l'organisme d'accueil.",
    )
    submit_convention(convention, by=teacher)
    validate_convention(convention, by=ddfpt)
    approve_convention(convention, by=head)
    send_for_signature(convention, by=ddfpt)
    for signatory in convention.signatories.all():
        sign_on_paper(signatory, _demo_pdf_scan(f"Convention n° {convention.pk}"), by=ddfpt)
    # the story's history: the paper convention was signed the week before its period, not on
    # the day the demo is built (else the verdict warns CONVENTION_SIGNED_LATE, contract v1.1)
    from milieu.conventions.models import ConventionTransition

    ConventionTransition.objects.filter(convention=convention, to_status="signed").update(
        at=datetime.combine(STORY_PERIOD[0] - timedelta(days=7), datetime.min.time(), tzinfo=UTC)
    )
    return Convention.objects.get(pk=convention.pk)


def _story_report(student: Student, convention: Any) -> bytes:
    from milieu.conventions.documents import render_pdf

    period = convention.periods.get(active=True)
    return render_pdf(
        "demo/report.html",
        {
            "student": student.full_name,
            "cohort": student.cohort.name,
            "session": student.cohort.session,
            "host": convention.host.name,
            "start": period.start,
            "end": period.end,
            "paragraphs": range(6),
            "activity_pages": range(4),
        },
    )


def _stage_story() -> None:
    """Two students of the BTS CIEL 2e année: one stage followed to its end through the very
    operations the pages call, one left at its signed convention with the tutor's link."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from milieu.followup.operations import (
        confirm_presence,
        cosign_evaluation,
        declare_absence,
        fill_evaluation,
        grid_of,
        issue_certificate,
        issue_tutor_link,
        resolve_access,
    )
    from milieu.reports.operations import deposit_report, set_deadline
    from milieu.visits.operations import plan_visit, record_visit_report

    cohort = Cohort.objects.filter(
        name=STORY_COHORT, establishment__academie__name=ACADEMIE_NAME
    ).first()
    if cohort is None:
        return
    teacher = cohort.teachers.order_by("pk").first()
    ddfpt = User.objects.get(
        memberships__establishment=cohort.establishment, memberships__role=Role.DDFPT
    )
    busy = Student.objects.filter(conventions__isnull=False)
    students = list(
        Student.objects.filter(
            cohort=cohort, pathway=Pathway.SCOLAIRE, birth_date__lt=date(2007, 1, 1)
        )
        .exclude(pk__in=busy)
        .order_by("pk")[:2]
    )
    hosts = list(
        Host.objects.filter(country="FR", tutors__email__gt="").distinct().order_by("pk")[:2]
    )
    if teacher is None or len(students) < 2 or len(hosts) < 2:
        return
    followed, walked = students
    # the student deposits the report: give them an account
    followed.user = member(
        Role.STUDENT,
        establishment=cohort.establishment,
        email=STORY_EMAIL,
        first_name=followed.first_name,
        last_name=followed.last_name,
    )
    followed.save(update_fields=["user"])

    convention = _signed_convention(followed, hosts[0], hosts[0].tutors.first(), teacher)
    period = convention.periods.get(active=True)
    visit = plan_visit(
        convention,
        by=teacher,
        teacher=teacher,
        period=period,
        when=datetime(2026, 6, 10, 10, 0, tzinfo=UTC),
    )
    record_visit_report(
        visit,
        by=teacher,
        seen="Le stagiaire configure les commutateurs de l'atelier sous le contrôle du tuteur.",
        difficulties="Rédaction des procédures encore hésitante.",
        actions="Relecture des procédures avec le tuteur chaque vendredi.",
    )
    access = resolve_access(issue_tutor_link(convention, by=teacher))
    tutor_name = str(convention.tutor)
    confirm_presence(access, period, day=period.start, tutor_name=tutor_name)
    declare_absence(
        access,
        period,
        start=date(2026, 6, 3),
        end=date(2026, 6, 3),
        days=1,
        reason="Rendez-vous médical",
        declared_by=tutor_name,
    )
    issue_certificate(access, period, tutor_name=tutor_name)
    grid = grid_of(convention)
    if grid is not None:
        fill_evaluation(
            access,
            levels={item["code"]: 2 + index % 2 for index, item in enumerate(grid["items"])},
            comments={},
            appreciation="Stagiaire impliqué, autonome sur la configuration du réseau.",
            tutor_name=tutor_name,
        )
        cosign_evaluation(convention, by=teacher)
    set_deadline(cohort, date(cohort.session, 4, 30), by=ddfpt)
    pdf = _story_report(followed, convention)
    deposit_report(
        followed,
        SimpleUploadedFile("rapport-de-stage.pdf", pdf, content_type="application/pdf"),
        by=followed.user,
    )

    second = _signed_convention(walked, hosts[1], hosts[1].tutors.first(), teacher)
    plan_visit(
        second,
        by=teacher,
        teacher=teacher,
        period=second.periods.get(active=True),
        when=datetime(2026, 6, 12, 14, 0, tzinfo=UTC),
    )
    token = issue_tutor_link(second, by=teacher)
    from django.conf import settings
    from django.urls import reverse

    _story_links.append(settings.SITE_URL + reverse("followup:tutor", kwargs={"token": token}))


def story_lines(base_url: str) -> tuple[str, ...]:
    """What the console says of the followed stages (the tutor's link only on the first run)."""
    from django.urls import reverse

    cohort = Cohort.objects.filter(
        name=STORY_COHORT, establishment__academie__name=ACADEMIE_NAME
    ).first()
    if cohort is None:
        return ()
    students = list(
        Student.objects.filter(
            cohort=cohort,
            conventions__periods__start=STORY_PERIOD[0],
            conventions__periods__end=STORY_PERIOD[1],
        )
        .distinct()
        .order_by("pk")
    )
    lines = []
    for student in students:
        url = base_url + reverse("students:detail", args=[student.pk])
        if student.user is not None and student.user.email == STORY_EMAIL:
            lines.append(
                f"Stage suivi jusqu'au bout ({student.full_name}, {cohort.name}) : {url} "
                f"(compte {STORY_EMAIL})"
            )
        else:
            lines.append(f"Stage à suivre vous-même ({student.full_name}) : {url}")
    for link in _story_links:
        lines.append(f"Lien du tuteur de ce stage (sans compte) : {link}")
    if students and not _story_links:
        lines.append(
            "Lien du tuteur : émettez-en un depuis la page « Suivi » de la convention "
            "(le courriel s'affiche dans la console)."
        )
    from milieu.pathways_demo import candidate_lines

    return tuple(lines) + candidate_lines(base_url)


def _pathway_candidates() -> None:
    """One conforme candidate of each pathway in the followed stage's cohort (issue 11)."""
    from milieu.pathways_demo import build_pathway_candidates

    cohort = Cohort.objects.filter(
        name=STORY_COHORT, establishment__academie__name=ACADEMIE_NAME
    ).first()
    if cohort is not None and cohort.teachers.exists():
        build_pathway_candidates(cohort)


def convention_problems(convention: Any) -> list[Any]:
    from milieu.conventions.checks import check_convention

    return check_convention(convention)


def _existing_accounts() -> list[DemoAccount]:
    accounts = []
    for user in (
        User.objects.filter(email__endswith="@demo.milieu.fr")
        .prefetch_related("memberships__establishment", "memberships__academie")
        .order_by("email")
    ):
        for membership in user.memberships.all():
            place = membership.establishment or membership.academie
            accounts.append(
                DemoAccount(user.email, DEMO_PASSWORD, f"{membership.get_role_display()}, {place}")
            )
    return accounts


def load_demo() -> DemoSummary:
    """Create (or leave as they are) the demo's objects; safe to run again."""
    if not Academie.objects.filter(name=ACADEMIE_NAME).exists():
        factory.random.reseed_random(2026)
        # the invitations the demo's operations send are not printed in the console
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            _build(random.Random(2026))
    counts = {
        "établissements": Establishment.objects.filter(academie__name=ACADEMIE_NAME).count(),
        "élèves": Student.objects.filter(
            cohort__establishment__academie__name=ACADEMIE_NAME
        ).count(),
        "organismes": Host.objects.count(),
    }
    return DemoSummary(samples=all_samples(), accounts=tuple(_existing_accounts()), counts=counts)


# --- pedagogy the texts require (issue 11): BEP préparation / exploitation and visits, a
# jewellery visit confirmed by the tutor, a stay abroad with its adaptations -------------------

BEP_COHORT = "BEP MPMI 1re année"
BIJOU_COHORT = "BMA bijou 1re année"
ABROAD_COHORT = "BTS Métiers de la Mesure 1re année"


def _free_student(cohort: Cohort, **filters: Any) -> Student | None:
    """A student of `cohort` without any convention yet (the demo's first one that fits)."""
    busy = Student.objects.filter(conventions__isnull=False)
    return (
        Student.objects.filter(cohort=cohort, pathway=Pathway.SCOLAIRE, **filters)
        .exclude(pk__in=busy)
        .order_by("pk")
        .first()
    )


def _demo_convention(
    student: Student,
    host: Host,
    period: tuple[date, date],
    teacher: User,
    *,
    sign: bool = True,
    **fields: Any,
) -> Any:
    """A convention taken through the pages' operations to its approval, then (`sign`) signed
    on paper the week before its period; None when a blocking problem stops it."""
    from milieu.conventions.models import Convention, ConventionTransition
    from milieu.conventions.operations import (
        approve_convention,
        create_convention,
        submit_convention,
        validate_convention,
    )
    from milieu.conventions.signatures import send_for_signature, sign_on_paper

    school = student.cohort.establishment
    head = User.objects.get(memberships__establishment=school, memberships__role=Role.HEAD)
    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    convention = create_convention(
        student=student,
        host=host,
        periods=[period],
        by=teacher,
        tutor=host.tutors.order_by("pk").first(),
        referent=teacher,
        host_signatory_name="Direction de l'organisme",
        host_signatory_position="Gérant",
        host_signatory_email=f"direction.{host.pk}@organisme.demo.milieu.fr",
        liability_insurance="Assurance responsabilité civile de l'organisme d'accueil.",
        **fields,
    )
    submit_convention(convention, by=teacher)
    validate_convention(convention, by=ddfpt)
    if [p for p in convention_problems(convention) if p.blocking]:
        return None
    approve_convention(convention, by=head)
    if sign:
        send_for_signature(convention, by=ddfpt)
        for signatory in convention.signatories.all():
            sign_on_paper(signatory, _demo_pdf_scan(f"Convention n° {convention.pk}"), by=ddfpt)
        ConventionTransition.objects.filter(convention=convention, to_status="signed").update(
            at=datetime.combine(period[0] - timedelta(days=7), datetime.min.time(), tzinfo=UTC)
        )
    return Convention.objects.get(pk=convention.pk)


def _pedagogy_stories() -> None:
    """Issue 11, « Pedagogy the texts require », each through the operations the pages call:
    a BEP period with its préparation, two visits and its exploitation pédagogique (seed 000
    §1); a jewellery convention whose planned visit the tutor confirmed from the link (seed 004);
    a stay abroad whose convention states its adaptations and the embassy's notice (seeds 001
    and 003 §2.1.1)."""
    from milieu.followup.operations import issue_tutor_link, resolve_access
    from milieu.followup.pedagogy import record_pedagogy_session
    from milieu.visits.operations import answer_visit_as_tutor, plan_visit, record_visit_report

    today = date.today()
    french = list(
        Host.objects.filter(country="FR", tutors__email__gt="").distinct().order_by("-pk")[:3]
    )
    if len(french) < 2:
        return

    bep = Cohort.objects.filter(name=BEP_COHORT, establishment__academie__name=ACADEMIE_NAME)
    cohort = bep.first()
    phase = cohort.periods.order_by("start").first() if cohort else None
    student = _free_student(cohort) if cohort else None
    teacher = cohort.teachers.order_by("pk").first() if cohort else None
    if cohort and phase and student and teacher:
        span = (phase.start, phase.end)
        convention = _demo_convention(
            student,
            french[0],
            span,
            teacher,
            activities="Observation de l'atelier de production, découverte des postes d'usinage.",
            objectives="Découvrir l'entreprise et la production de biens techniques.",
        )
        if convention is not None:
            period = convention.periods.get(active=True)
            for offset, hour in ((1, 9), (3, 14)):
                day = period.start + timedelta(days=offset)
                visit = plan_visit(
                    convention,
                    by=teacher,
                    teacher=teacher,
                    period=period,
                    when=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
                )
                if day <= today:
                    record_visit_report(
                        visit,
                        by=teacher,
                        seen="L'élève observe le réglage d'un centre d'usinage avec le tuteur.",
                        difficulties="Vocabulaire technique encore hésitant.",
                        actions="Fiche de vocabulaire à compléter avant l'exploitation.",
                    )
            before = period.start - timedelta(days=7)
            if before <= today:
                record_pedagogy_session(
                    period,
                    kind="preparation",
                    held_on=before,
                    led_by=str(teacher.get_full_name() or teacher.email),
                    content="Présentation de l'entreprise d'accueil, consignes de sécurité, "
                    "questionnaire d'observation de la production.",
                    by=teacher,
                )
            after = period.end + timedelta(days=7)
            if after <= today:
                record_pedagogy_session(
                    period,
                    kind="exploitation",
                    held_on=after,
                    led_by=str(teacher.get_full_name() or teacher.email),
                    content="Restitution orale devant la classe à partir du questionnaire ; "
                    "mise en relation avec les cours de fabrication.",
                    by=teacher,
                )

    bijou = Cohort.objects.filter(name=BIJOU_COHORT, establishment__academie__name=ACADEMIE_NAME)
    cohort = bijou.first()
    window = cohort.periods.order_by("start").first() if cohort else None
    student = _free_student(cohort) if cohort else None
    teacher = cohort.teachers.order_by("pk").first() if cohort else None
    if cohort and window and student and teacher:
        convention = _demo_convention(
            student,
            french[1],
            (window.start, window.end),
            teacher,
            activities="Sertissage, finitions et polissage de bagues sous la conduite du tuteur.",
            objectives="Réaliser tout ou partie d'un bijou ; procéder aux finitions.",
        )
        if convention is not None:
            period = convention.periods.get(active=True)
            day = period.start + timedelta(days=8)
            visit = plan_visit(
                convention,
                by=teacher,
                teacher=teacher,
                period=period,
                when=datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC),
            )
            access = resolve_access(issue_tutor_link(convention, by=teacher))
            answer_visit_as_tutor(
                access,
                visit,
                confirm=True,
                tutor_name=str(convention.tutor),
                comment="L'atelier de sertissage est au premier étage.",
            )

    mesure = Cohort.objects.filter(name=ABROAD_COHORT, establishment__academie__name=ACADEMIE_NAME)
    cohort = mesure.first()
    window = cohort.periods.order_by("start").first() if cohort else None
    student = _free_student(cohort, birth_date__lt=date(2008, 1, 1)) if cohort else None
    teacher = cohort.teachers.order_by("pk").first() if cohort else None
    abroad = Host.objects.exclude(country="FR").filter(tutors__isnull=False).order_by("pk").first()
    if cohort and window and student and teacher and abroad:
        _demo_convention(
            student,
            abroad,
            (window.start, window.end),
            teacher,
            sign=False,
            gratification_hourly=Decimal("4.50"),
            activities="Étalonnage d'instruments de mesure au laboratoire de métrologie.",
            objectives="Compétences de la métrologie : étalonner, vérifier, rédiger un constat.",
            foreign_law_adaptations="Horaires, jours fériés et protection sociale du pays "
            "d'accueil ; l'élève reste affilié au régime des accidents du travail français "
            "(article L412-8 du code de la sécurité sociale).",
            embassy_notified_on=min(today, window.start - timedelta(days=30)),
        )
