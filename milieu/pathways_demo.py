"""One candidate of each pathway whose dossier is *conforme* (issue 11, « Done means »).

In the demo's BTS CIEL 2e année (session 2027), beside the stage followed in `milieu.demo`:
scolaire, apprenti, formation continue première formation under a *contrat de travail de type
particulier*, perfectionnement, expérience professionnelle, à distance, redoublant scolaire and
redoublant apprenti. Every piece is made by the operations the pages call.

`build_pathway_candidates(cohort, finish=False)` leaves each candidate one piece short — the last
one, which a person gives through a page — so that a test can give it through the pages and see
the verdict turn *conforme* (`tests/web/test_pathway_candidates.py`); the demo builds them
finished. The names of the last pieces are in `LAST_PIECES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from milieu.apprenticeships.operations import (
    ApprenticeshipData,
    cosign_apprentice_evaluation,
    fill_apprentice_evaluation,
    issue_employer_link,
    record_apprenticeship,
)
from milieu.apprenticeships.operations import grid_of as apprenticeship_grid_of
from milieu.contracts.operations import (
    ContractData,
    confirm_activities_fit,
    record_special_contract,
)
from milieu.conventions.documents import render_pdf
from milieu.conventions.models import Convention, ConventionTransition
from milieu.conventions.operations import (
    approve_convention,
    create_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import send_for_signature, sign_on_paper
from milieu.establishments.models import Cohort
from milieu.evidence.enums import EvidenceKind
from milieu.evidence.operations import deposit_evidence
from milieu.factories import StudentFactory, valid_ine, valid_siret
from milieu.followup.operations import (
    confirm_presence,
    cosign_evaluation,
    fill_evaluation,
    issue_certificate,
    issue_tutor_link,
    resolve_access,
)
from milieu.followup.operations import grid_of as convention_grid_of
from milieu.hosts.models import Host
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.reports.operations import deposit_report
from milieu.students.enums import Pathway, RepeaterReport
from milieu.students.models import Student

# the stage of the scolaire and distance candidates, over by the demo's autumn
PERIOD = (date(2026, 5, 18), date(2026, 6, 26))
SPECIAL_CONTRACT = (date(2026, 1, 5), date(2026, 2, 20))  # seven weeks (6 to 8 required)
WORK = (date(2025, 6, 2), date(2026, 10, 30))  # a year and more in the two years before the exam
INE_BASE = 95_000

# label -> (what the candidate is, the last piece and the page that gives it)
LAST_PIECES: dict[str, tuple[str, str]] = {
    "scolaire": ("Voie scolaire", "l'attestation de stage, délivrée par le tuteur (son lien)"),
    "apprenti": (
        "Apprenti",
        "la grille remplie par le maître d'apprentissage (son lien), arrêtée par le professeur",
    ),
    "contrat-particulier": (
        "Formation continue, première formation, contrat de professionnalisation",
        "la conformité des activités au référentiel, constatée par l'équipe",
    ),
    "perfectionnement": (
        "Formation continue, perfectionnement",
        "le certificat de travail, déposé par le DDFPT",
    ),
    "experience": ("Expérience professionnelle", "le rapport, déposé pour le candidat"),
    "distance": (
        "Voie scolaire, formation à distance",
        "la grille d'évaluation, arrêtée conjointement par le professeur",
    ),
    "redoublant": (
        "Redoublant de la voie scolaire (précédent rapport)",
        "la grille de la session précédente, déposée par le DDFPT",
    ),
    "redoublant-apprenti": (
        "Apprenti redoublant (contrat prorogé, précédent rapport)",
        "le contrat initial prorogé d'un an, déposé par le DDFPT",
    ),
}


@dataclass
class PathwayCandidates:
    students: dict[str, Student] = field(default_factory=dict)
    # label -> the token of the tutor's or maître d'apprentissage's link (not stored anywhere)
    tokens: dict[str, str] = field(default_factory=dict)


def _staff(cohort: Cohort, role: str) -> User:
    return User.objects.get(memberships__establishment=cohort.establishment, memberships__role=role)


def report_pdf(
    title: str, student: Student, host: str, start: date, end: date
) -> SimpleUploadedFile:
    content = render_pdf(
        "demo/report.html",
        {
            "student": student.full_name,
            "cohort": student.cohort.name,
            "session": student.cohort.session,
            "host": host,
            "start": start,
            "end": end,
            "paragraphs": range(6),
            "activity_pages": range(4),
        },
    )
    return SimpleUploadedFile(title, content, content_type="application/pdf")


def _scan(title: str) -> SimpleUploadedFile:
    content = render_pdf("conventions/pdf/paper_scan.html", {"title": title})
    return SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")


def _report(student: Student, by: User, host: str, start: date, end: date) -> None:
    deposit_report(student, report_pdf("rapport.pdf", student, host, start, end), by=by)


def _signed_convention(student: Student, host: Host, teacher: User) -> Any:
    """A convention over `PERIOD`, through every step to its paper signatures, signed the week
    before its period (no CONVENTION_SIGNED_LATE)."""
    head = _staff(student.cohort, Role.HEAD)
    ddfpt = _staff(student.cohort, Role.DDFPT)
    convention = create_convention(
        student=student,
        host=host,
        periods=[PERIOD],
        by=teacher,
        tutor=host.tutors.exclude(email="").order_by("pk").first(),
        referent=teacher,
        activities="Installation et supervision d'un réseau, sauvegardes.",
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
        sign_on_paper(signatory, _scan(f"Convention n° {convention.pk}").read(), by=ddfpt)
    ConventionTransition.objects.filter(convention=convention, to_status="signed").update(
        at=datetime.combine(PERIOD[0] - timedelta(days=7), datetime.min.time(), tzinfo=UTC)
    )
    return Convention.objects.get(pk=convention.pk)


def _levels(grid: dict[str, Any]) -> dict[str, int]:
    return {item["code"]: 2 + index % 2 for index, item in enumerate(grid["items"])}


def _followed_stage(
    student: Student, host: Host, teacher: User, *, certificate: bool, cosign: bool
) -> str:
    """The stage of a scolaire candidate, followed by the tutor's link: presence, certificate,
    grid filled and co-signed, as far as asked. Returns the link's token."""
    convention = _signed_convention(student, host, teacher)
    period = convention.periods.get(active=True)
    token = issue_tutor_link(convention, by=teacher)
    access = resolve_access(token)
    tutor = str(convention.tutor)
    confirm_presence(access, period, day=period.start, tutor_name=tutor)
    if certificate:
        issue_certificate(access, period, tutor_name=tutor)
    grid = convention_grid_of(convention)
    if grid is not None:
        fill_evaluation(
            access,
            levels=_levels(grid),
            comments={},
            appreciation="Stagiaire impliqué, autonome sur la configuration du réseau.",
            tutor_name=tutor,
        )
        if cosign:
            cosign_evaluation(convention, by=teacher)
    return token


def _employer_grid(student: Student, by: User, *, fill: bool, cosign: bool) -> str:
    """The employer record, the link, and (as far as asked) the grid filled and co-signed."""
    apprenticeship = record_apprenticeship(
        student,
        ApprenticeshipData(
            employer="Cyber Rhin Services",
            siret=valid_siret(9500 + student.pk % 400),
            master_name="Sophie Muller",
            master_email=f"sophie.muller.{student.pk}@cyber-rhin.demo.milieu.fr",
            start=date(2025, 9, 1),
            end=date(2027, 8, 31),
        ),
        by=by,
    )
    access, token = issue_employer_link(apprenticeship, by=by)
    grid = apprenticeship_grid_of(apprenticeship)
    if fill and grid is not None:
        fill_apprentice_evaluation(
            access,
            levels=_levels(grid),
            comments={},
            appreciation="Apprenti fiable, progresse sur la supervision du réseau.",
            master_name="Sophie Muller",
        )
        if cosign:
            cosign_apprentice_evaluation(apprenticeship, by=by)
    return token


def _deposit(student: Student, by: User, kind: str, **fields: Any) -> None:
    deposit_evidence(
        student,
        by=by,
        kind=kind,
        upload=_scan(f"{EvidenceKind(kind).label} — {student.full_name}"),
        **fields,
    )


def work_certificate(student: Student, by: User) -> None:
    _deposit(
        student,
        by,
        EvidenceKind.WORK_CERTIFICATE,
        employer="Numérique Strasbourg",
        start=WORK[0],
        end=WORK[1],
        full_time=True,
        in_sector=True,
    )


def build_pathway_candidates(cohort: Cohort, *, finish: bool = True) -> PathwayCandidates:
    """The eight candidates in `cohort` (a BTS CIEL cohort of session 2027 whose report deadline
    is set and whose staff and hosts exist); with `finish` false, each lacks its last piece."""
    teacher = cohort.teachers.order_by("pk").first()
    ddfpt = _staff(cohort, Role.DDFPT)
    assert teacher is not None
    hosts = list(
        Host.objects.filter(country="FR", tutors__email__gt="").distinct().order_by("pk")[2:4]
    )
    made = PathwayCandidates()

    def student(label: str, index: int, **fields: Any) -> Student:
        found = StudentFactory.create(
            cohort=cohort,
            ine=valid_ine(INE_BASE + index),
            birth_date=date(2001, 3, 1 + index),
            division="BTS CIEL 2",
            **fields,
        )
        made.students[label] = found
        return found

    # voie scolaire: the tutor's link gives the certificate last
    s = student("scolaire", 0)
    made.tokens["scolaire"] = _followed_stage(s, hosts[0], teacher, certificate=finish, cosign=True)
    _report(s, ddfpt, hosts[0].name, *PERIOD)

    # apprenti (003 §2.2): the contract copy, the maître d'apprentissage's grid
    a = student("apprenti", 1, pathway=Pathway.APPRENTISSAGE)
    _deposit(a, ddfpt, EvidenceKind.APPRENTICESHIP_CONTRACT)
    made.tokens["apprenti"] = _employer_grid(a, teacher, fill=finish, cosign=finish)
    _report(a, ddfpt, "Cyber Rhin Services", date(2025, 9, 1), date(2026, 11, 20))

    # formation continue, première formation, contrat de professionnalisation (003 §2.3.1)
    c = student(
        "contrat-particulier",
        2,
        pathway=Pathway.FORMATION_CONTINUE,
        continuing_situation="premiere-formation",
    )
    contract = record_special_contract(
        c,
        ContractData(
            kind="professionnalisation",
            employer="Réseaux & Télécoms de l'Est",
            siret=valid_siret(9401),
            start=SPECIAL_CONTRACT[0],
            end=SPECIAL_CONTRACT[1],
        ),
        by=ddfpt,
    )
    if finish:
        confirm_activities_fit(contract, by=ddfpt)
    made.tokens["contrat-particulier"] = _employer_grid(c, teacher, fill=True, cosign=True)
    _report(c, ddfpt, "Réseaux & Télécoms de l'Est", *SPECIAL_CONTRACT)

    # perfectionnement (003 §2.3.2): work certificates in the sector
    p = student(
        "perfectionnement",
        3,
        pathway=Pathway.FORMATION_CONTINUE,
        continuing_situation="perfectionnement",
    )
    _report(p, ddfpt, "Numérique Strasbourg", *WORK)
    if finish:
        work_certificate(p, ddfpt)

    # expérience professionnelle (003 §2.5)
    e = student("experience", 4, pathway=Pathway.EXPERIENCE)
    work_certificate(e, ddfpt)
    if finish:
        _report(e, ddfpt, "Numérique Strasbourg", *WORK)

    # à distance (003 §2.4): the rules of the voie scolaire
    d = student("distance", 5, distance=True)
    made.tokens["distance"] = _followed_stage(d, hosts[1], teacher, certificate=True, cosign=finish)
    _report(d, ddfpt, hosts[1].name, *PERIOD)

    # redoublant scolaire presenting the previous report (003 §4), keeping the previous grid
    r = student(
        "redoublant", 6, repeater=True, previous_session=2026, repeater_report=RepeaterReport.REUSE
    )
    _report(r, ddfpt, "Atelier Dupont", date(2025, 5, 19), date(2025, 6, 27))
    if finish:
        _deposit(r, ddfpt, EvidenceKind.PREVIOUS_EVALUATION)

    # apprenti redoublant (003 §4): the initial contract extended by a year
    ra = student(
        "redoublant-apprenti",
        7,
        pathway=Pathway.APPRENTISSAGE,
        repeater=True,
        previous_session=2026,
        repeater_report=RepeaterReport.REUSE,
    )
    _deposit(ra, ddfpt, EvidenceKind.PREVIOUS_EVALUATION)
    _report(ra, ddfpt, "Cyber Rhin Services", date(2024, 9, 2), date(2026, 8, 31))
    if finish:
        _deposit(ra, ddfpt, EvidenceKind.CONTRACT_EXTENDED)
    return made


def candidate_lines(base_url: str) -> tuple[str, ...]:
    """What the console says of the eight candidates (their pages), once they exist."""
    from django.urls import reverse

    lines = []
    for index, (label, (what, _)) in enumerate(LAST_PIECES.items()):
        found = Student.objects.filter(ine=valid_ine(INE_BASE + index)).first()
        if found is not None and label:
            url = base_url + reverse("students:detail", args=[found.pk])
            lines.append(f"Dossier conforme — {what} ({found.full_name}) : {url}")
    return tuple(lines)
