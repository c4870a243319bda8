"""One of every stored document of a school's students, with the address it downloads from.

Conventions (for signature, sealed), an avenant, a certificate, a co-signed evaluation grid,
a jewellery candidate's training contract and bilan, the livret edition, a report and an
evidence document: everything a model keeps with a SHA-256 (`grep sha256 milieu/*/models.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from milieu import storage
from milieu.conventions.models import Amendment, Convention, ConventionDocument
from milieu.evidence.enums import EvidenceKind
from milieu.evidence.models import EvidenceDocument
from milieu.factories import (
    CohortFactory,
    ConventionFactory,
    HostFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.followup.models import (
    Bilan,
    Certificate,
    Evaluation,
    EvaluationStatus,
    TrainingContract,
)
from milieu.followup.operations import grid_of
from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob
from milieu.reports.models import ReportDeposit
from tests.core.conftest import School


@dataclass(frozen=True)
class Stored:
    kind: str
    url: str
    sha256: str
    student: Any


def pdf(label: str) -> bytes:
    return b"%PDF-1.4\n% " + label.encode() + b"\n%%EOF\n"


def signed_convention(
    school: School, student: Any, periods: list[tuple[date, date]] | None = None
) -> Convention:
    host = HostFactory.create(headcount=50)
    convention = ConventionFactory.create(
        signed=True,
        student=student,
        host=host,
        periods=periods or [(date(2026, 5, 4), date(2026, 6, 12))],
        created_by=school.head,
        tutor=TutorFactory.create(host=host, email="tuteur@entreprise.exemple.fr"),
        activities="Maintenance d'un réseau local.",
    )
    return convention


def every_stored_document(school: School, *, minor: bool, tag: str = "") -> list[Stored]:
    """New students of `school` (a BTS CIEL one and a jewellery one, minors or adults) with one
    of every stored document; downloaded by the school's head."""
    traits = {"minor": True} if minor else {"birth_date": date(2000, 1, 15)}
    student = StudentFactory.create(cohort=school.cohort, **traits)
    found: list[Stored] = []

    def keep(kind: str, url: str, sha256: str, whose: Any = student) -> None:
        found.append(Stored(kind, url, sha256, whose))

    convention = signed_convention(school, student)
    period = convention.periods.get()
    for kind in (ConventionDocument.Kind.FOR_SIGNATURE, ConventionDocument.Kind.SEALED):
        doc = ConventionDocument.objects.create(
            convention=convention, kind=kind, version=1, content=pdf(f"{tag}{kind}")
        )
        url = reverse("conventions:document", kwargs={"pk": convention.pk, "doc_pk": doc.pk})
        keep(f"convention ({kind})", url, doc.sha256)

    amendment = Amendment.objects.create(
        convention=convention, number=1, reason="Report des dates.", created_by=school.head
    )
    doc = ConventionDocument.objects.create(
        convention=convention,
        amendment=amendment,
        kind=ConventionDocument.Kind.AMENDMENT_SEALED,
        version=1,
        content=pdf(f"{tag}avenant"),
    )
    keep(
        "avenant",
        reverse(
            "conventions:amendment_document",
            kwargs={"pk": amendment.pk, "document_pk": doc.pk},
        ),
        doc.sha256,
    )

    certificate = Certificate.objects.create(
        period=period,
        start=period.start,
        end=period.end,
        scheduled_days=29,
        absence_days=0,
        presence_days=29,
        weeks=6,
        tutor_name="Claire Dubois",
        content=pdf(f"{tag}attestation"),
    )
    keep(
        "attestation de stage",
        reverse("followup:certificate", kwargs={"pk": convention.pk, "period_pk": period.pk}),
        certificate.sha256,
    )

    evaluation = Evaluation.objects.create(
        convention=convention,
        status=EvaluationStatus.COSIGNED,
        grid=grid_of(convention) or {},
        cosigned_by=school.head,
        cosigned_at=timezone.now(),
        content=pdf(f"{tag}grille"),
    )
    keep(
        "grille d'évaluation",
        reverse("followup:evaluation_pdf", kwargs={"pk": convention.pk}),
        evaluation.sha256,
    )

    jewellery = CohortFactory.create(
        establishment=school.establishment, name=f"BMA bijou {tag}", diploma="bma-bijou"
    )
    candidate = StudentFactory.create(cohort=jewellery, **traits)
    bijou_period = signed_convention(school, candidate).periods.get()
    for model, name in ((TrainingContract, "training_contract_pdf"), (Bilan, "bilan_pdf")):
        document = model.objects.create(
            period=bijou_period,
            items=[],
            completed_at=timezone.now(),
            content=pdf(f"{tag}{name}"),
        )
        keep(
            str(model._meta.verbose_name),
            reverse(f"followup:{name}", kwargs={"period_pk": bijou_period.pk}),
            document.sha256,
            candidate,
        )

    content = pdf(f"{tag}livret")
    job = LivretJob.objects.create(
        cohort=school.cohort,
        requested_by=school.head,
        status=LivretStatus.DONE,
        total=1,
        done=1,
        pages=1,
        content=content,
        sha256=LivretJob.digest(content),
    )
    keep("livret", reverse("livret:download", kwargs={"pk": job.pk}), job.sha256)

    stored = storage.store("reports", pdf(f"{tag}rapport"), suffix="pdf")
    deposit = ReportDeposit.objects.create(
        student=student,
        version=1,
        original_name="rapport.pdf",
        path=stored.path,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=school.head,
        analysis={},
    )
    keep(
        "rapport",
        reverse("reports:download", kwargs={"pk": student.pk, "deposit_pk": deposit.pk}),
        deposit.sha256,
    )

    stored = storage.store("evidence", pdf(f"{tag}contrat"), suffix="pdf")
    evidence = EvidenceDocument.objects.create(
        student=student,
        kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
        file_path=stored.path,
        file_size=stored.size,
        file_sha256=stored.sha256,
        file_kind="pdf",
        original_name="contrat.pdf",
        deposited_by=school.head,
    )
    keep(
        "pièce justificative",
        reverse("evidence:download", kwargs={"pk": evidence.pk}),
        evidence.file_sha256,
    )
    return found


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
