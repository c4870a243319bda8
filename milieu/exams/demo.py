"""The exam side of the demo académie: its exam sessions and derogation requests at every state.

Built through the very operations the pages call: the DDFPT of each school asks, the recteur's
delegate (`delegue.recteur@demo.milieu.fr`) decides. Called by `milieu.demo` once the schools,
their students and the followed stage exist.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from milieu.conventions.documents import render_pdf
from milieu.exams.enums import DerogationKind, DerogationReason
from milieu.exams.jury import issue_jury_notice
from milieu.exams.models import ExamSession
from milieu.exams.operations import (
    RequestData,
    SessionData,
    create_request,
    grant_request,
    refuse_request,
    save_exam_session,
    submit_request,
    withdraw_request,
)
from milieu.exams.verdicts import refresh_verdicts
from milieu.people.enums import Role
from milieu.people.models import User
from milieu.students.enums import Pathway
from milieu.students.models import Student

DELEGATE_EMAIL = "delegue.recteur@demo.milieu.fr"
EXAM_SERVICE_EMAIL = "examens@demo.milieu.fr"

# (diploma, session) -> exam date, report / dossier deadline, transmission, académie pilote
SESSIONS: dict[tuple[str, int], tuple[date, date | None, str, str]] = {
    ("bts-ciel", 2027): (
        date(2027, 5, 18),
        date(2027, 5, 7),
        "Rapport d'activité déposé au format PDF sur la plateforme académique des examens ; "
        "l'établissement transmet les attestations de stage au service des examens.",
        "",
    ),
    ("bts-ciel", 2028): (
        date(2028, 5, 16),
        date(2028, 5, 5),
        "Rapport d'activité déposé au format PDF sur la plateforme académique des examens.",
        "",
    ),
    ("bts-metiers-de-la-mesure", 2028): (
        date(2028, 5, 22),
        date(2028, 4, 28),
        "Rapport numérique et grille d'évaluation co-signée transmis selon la procédure de "
        "l'académie pilote, qui contrôle la conformité avant l'interrogation (001 §4).",
        "Nancy-Metz",
    ),
    ("bts-ccst", 2028): (
        date(2028, 5, 15),
        None,
        "Attestations de stage transmises au service des examens par l'établissement (002 §B.1).",
        "",
    ),
    ("bep-mpmi", 2028): (
        date(2028, 6, 6),
        None,
        "Attestation de stage jointe au livret scolaire.",
        "",
    ),
    ("bma-bijou", 2028): (
        date(2028, 6, 1),
        date(2028, 5, 12),
        "Dossier (projet et annexes, format A3 au plus) remis au centre d'examen à la date "
        "fixée par le recteur (004 §1).",
        "",
    ),
}


def _pdf(title: str) -> SimpleUploadedFile:
    content = render_pdf("conventions/pdf/paper_scan.html", {"title": title})
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.pdf", content, "application/pdf")


def _student(academie: Any, cohort_name: str, offset: int) -> Any:
    return (
        Student.objects.filter(
            cohort__establishment__academie=academie,
            cohort__name=cohort_name,
            pathway=Pathway.SCOLAIRE,
            conventions__isnull=True,
        )
        .select_related("cohort__establishment")
        .order_by("pk")[offset]
    )


def _ddfpt(student: Any) -> Any:
    return User.objects.get(
        memberships__establishment=student.cohort.establishment_id,
        memberships__role=Role.DDFPT,
    )


def build_exam_side(academie: Any) -> None:
    """Sessions for every diploma and year of the académie's cohorts, and seven requests: a
    granted reduction, a granted CCST U4 dispense, a granted partial stage, a refused request,
    one waiting for the delegate, one draft and one withdrawn; then every candidate's stored
    verdict."""
    service = User.objects.get(email=EXAM_SERVICE_EMAIL)
    delegate = User.objects.get(email=DELEGATE_EMAIL)
    for (diploma, year), (exam, deadline, transmission, pilot) in SESSIONS.items():
        save_exam_session(
            academie,
            SessionData(diploma, year, exam, deadline, transmission, pilot),
            by=service,
        )

    def ask(cohort: str, offset: int, data: RequestData, attachment: str) -> Any:
        student = _student(academie, cohort, offset)
        return create_request(student, data, by=_ddfpt(student), uploads=[_pdf(attachment)])

    reduction = ask(
        "BTS CIEL 2e année",
        0,
        RequestData(
            DerogationKind.REDUCTION,
            DerogationReason.POSITIONNEMENT,
            "Titulaire d'un BTS SN obtenu en 2024 : décision de positionnement de l'équipe "
            "pédagogique ; le stage est ramené à quatre semaines (003 §3).",
            weeks=Decimal(4),
        ),
        "Decision de positionnement",
    )
    dispense = ask(
        "BTS CCST 1re année",
        0,
        RequestData(
            DerogationKind.DISPENSE,
            DerogationReason.VAE,
            "Unité U4 acquise par validation des acquis de l'expérience (jury de juin 2026) : "
            "la durée du stage est réduite de moitié (002 §C).",
            units=("U4",),
        ),
        "Notification de VAE",
    )
    partial = ask(
        "BTS Métiers de la Mesure 1re année",
        0,
        RequestData(
            DerogationKind.PARTIAL,
            DerogationReason.FORCE_MAJEURE,
            "Hospitalisation de six semaines pendant la période de stage (certificat médical "
            "joint) : le candidat demande à se présenter après un stage partiel (001 §4).",
        ),
        "Certificat medical",
    )
    refused = ask(
        "BTS CIEL 1re année (Bloch)",
        0,
        RequestData(
            DerogationKind.REDUCTION,
            DerogationReason.AMENAGEMENT,
            "Le candidat souhaite reprendre un emploi saisonnier en juillet.",
            weeks=Decimal(5),
        ),
        "Courrier du candidat",
    )
    waiting = ask(
        "BTS CIEL 1re année",
        0,
        RequestData(
            DerogationKind.REDUCTION,
            DerogationReason.FORCE_MAJEURE,
            "Fracture de la jambe en mai 2027 (certificat médical joint) : le stage ne pourra "
            "commencer que le 14 juin ; durée demandée : cinq semaines (003 §3).",
            weeks=Decimal(5),
        ),
        "Certificat medical",
    )
    ask(
        "BMA bijou 1re année",
        0,
        RequestData(
            DerogationKind.PARTIAL,
            DerogationReason.FORCE_MAJEURE,
            "Fermeture de l'atelier d'accueil pendant la deuxième période (en préparation).",
        ),
        "Courrier de l'organisme",
    )
    withdrawn = ask(
        "BTS CCST à distance",
        0,
        RequestData(
            DerogationKind.REDUCTION,
            DerogationReason.POSITIONNEMENT,
            "Demande faite par erreur : le positionnement n'a pas été prononcé.",
            weeks=Decimal(12),
        ),
        "Courrier",
    )
    for request in (reduction, dispense, partial, refused, waiting, withdrawn):
        submit_request(request, by=request.created_by)
    grant_request(reduction, by=delegate)
    grant_request(
        dispense, by=delegate, comment="Unité U4 acquise par VAE : stage de 7 à 8 semaines."
    )
    grant_request(partial, by=delegate)
    refuse_request(
        refused,
        by=delegate,
        reason="Un emploi saisonnier n'est ni un cas de force majeure ni une formation aménagée "
        "(003 §3).",
    )
    withdraw_request(withdrawn, by=withdrawn.created_by, comment="Positionnement non prononcé.")
    # the jury's information of the BTS Métiers de la Mesure session, which lists the partial
    # stage granted above (milieu.exams.jury)
    issue_jury_notice(
        ExamSession.objects.get(
            academie=academie,
            diploma=partial.student.cohort.diploma,
            session=partial.student.cohort.session,
        ),
        by=service,
    )

    # every candidate of the académie has a stored verdict: the académie board shows them all
    refresh_verdicts(
        Student.objects.filter(cohort__establishment__academie=academie), timezone.localdate()
    )
