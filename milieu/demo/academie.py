"""The académie itself: establishments, cohorts, students, staff, hosts and placements;
then the conventions, the stories and the exam side."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from milieu.demo.conventions import conventions_at_every_step, demo_pdf_scan
from milieu.demo.pedagogy import pedagogy_stories
from milieu.demo.plans import (
    ACADEMIE_NAME,
    HOST_NAMES,
    PLANS,
    DemoAccount,
)
from milieu.demo.story import pathway_candidates, stage_story
from milieu.establishments.enums import HolidayZone
from milieu.establishments.models import Academie, Cohort, CohortPeriod, Establishment
from milieu.evidence.enums import EvidenceKind
from milieu.evidence.operations import deposit_evidence
from milieu.evidence.pathways import evidence_pathway
from milieu.exams.demo import build_exam_side
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
    valid_uai,
)
from milieu.hosts.models import Host
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.placements.operations import arrete_placement, propose_placement, validate_placement
from milieu.students.enums import Pathway, RepeaterReport
from milieu.students.models import Student


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


def build_academie(rng: random.Random) -> tuple[list[DemoAccount], dict[str, int]]:
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
        conventions_at_every_step(school)
    stage_story()
    pedagogy_stories()
    pathway_candidates()

    build_exam_side(academie)
    counts = {"établissements": len(PLANS), "élèves": students_made, "organismes": len(hosts)}
    return accounts, counts


def _accepted_pieces(school: Establishment, pieces: list[tuple[Student, str]]) -> None:
    """The DDFPT deposits (and so accepts) each student's piece: an apprentice repeater's
    extended contract, a BEP continuing-education candidate's in-sector work certificate (the
    dispense of 000 §3; elsewhere the pathway takes no such piece)."""

    ddfpt = User.objects.get(memberships__establishment=school, memberships__role=Role.DDFPT)
    scans: dict[str, bytes] = {}
    for student, kind in pieces:
        if kind not in evidence_pathway(student).kinds:
            continue
        label = str(EvidenceKind(kind).label)
        scan = scans.setdefault(kind, demo_pdf_scan(label))
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
