"""What the follow-up pages share: the PDF answers (audited when the student is a minor), the
refused-link page, and the rows of a convention's periods with their contract and bilan panels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from milieu.audit.downloads import audit_minor_download
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.forms import PeriodDocumentForm
from milieu.followup.models import Certificate, PeriodDocument, TrainingContract
from milieu.followup.operations import KINDS, DocumentKind, figures, items_of
from milieu.http import stored_file_response


def link_refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "followup/link_refused.html", {"message": message}, status=410)


def pdf_response(content: Any, sha256: str, filename: str) -> HttpResponse:
    return stored_file_response(content, sha256=sha256, filename=filename, inline=True)


def certificate_pdf(certificate: Certificate) -> HttpResponse:
    return pdf_response(
        certificate.content, certificate.sha256, f"attestation-{certificate.pk}.pdf"
    )


def audited(
    request: HttpRequest, response: HttpResponse, conv: Convention, document: Any, by_link: bool
) -> HttpResponse:
    """The download recorded in the audit journal when the stage's student is a minor."""
    label = f"{conv.tutor or 'Tuteur'} — lien de suivi" if by_link else ""
    return audit_minor_download(
        request, response, students=[conv.student], document=document, actor_label=label
    )


# kind -> the staff page, its PDF, the tutor's PDF
URL_NAMES = {
    "contract": (
        "followup:training_contract",
        "followup:training_contract_pdf",
        "followup:tutor_training_contract",
    ),
    "bilan": ("followup:bilan", "followup:bilan_pdf", "followup:tutor_bilan"),
}


def document_panel(
    kind: DocumentKind,
    period: ConventionPeriod,
    items: list[str],
    *,
    form: PeriodDocumentForm | None = None,
    tutor: bool = False,
    prefix: str = "",
) -> dict[str, Any]:
    """What a page shows of one period's contract or bilan: text, agreements, warnings."""
    document: PeriodDocument | None = getattr(period, kind.related_name, None)
    today = timezone.localdate()
    warnings = []
    if isinstance(document, TrainingContract) and document.established_late:
        completed = timezone.localtime(document.completed_at)
        warnings.append(
            f"Contrat établi après le début de la période : signé par les trois parties le "
            f"{completed:%d/%m/%Y}, la période a commencé le {period.start:%d/%m/%Y}."
        )
    elif kind.name == "contract" and document is not None and not document.completed:
        if period.start <= today:
            warnings.append(
                f"La période a commencé le {period.start:%d/%m/%Y} : ce contrat, à négocier "
                "avant la période, sera établi après le début de la période."
            )
    elif kind.name == "contract" and document is None and period.start <= today:
        warnings.append(
            f"La période a commencé le {period.start:%d/%m/%Y} sans contrat individuel de "
            "formation : il sera établi après le début de la période."
        )
    if kind.name == "bilan" and period.end > today and not (document and document.completed):
        warnings.append(
            "Le bilan individuel s'établit après la période : il pourra être signé à partir du "
            f"{period.end:%d/%m/%Y}."
        )
    if form is None and not (document and document.completed):
        form = PeriodDocumentForm(
            items,
            initial=PeriodDocumentForm.initial_from(document),
            tutor=tutor,
            prefix=prefix or f"{kind.name}-{period.pk}",
        )
    page, pdf, tutor_pdf = URL_NAMES[kind.name]
    return {
        "kind": kind,
        "page_url_name": page,
        "pdf_url_name": pdf,
        "tutor_pdf_url_name": tutor_pdf,
        "period": period,
        "document": document,
        "pairs": document.pairs() if document else [(label, "") for label in items],
        "form": form,
        "warnings": warnings,
    }


def period_rows(convention: Convention, *, tutor: bool = False) -> list[dict[str, Any]]:
    kinds = [(kind, items_of(kind, convention)) for kind in KINDS.values()]
    rows = []
    for period in (
        ConventionPeriod.objects.filter(convention=convention, active=True)
        .select_related("convention", "certificate", "training_contract", "bilan")
        .prefetch_related("absences", "presence_confirmations")
        .order_by("start")
    ):
        rows.append(
            {
                "period": period,
                "figures": figures(period),
                "absences": list(period.absences.all()),
                "presences": list(period.presence_confirmations.all()),
                "certificate": getattr(period, "certificate", None),
                "documents": [
                    document_panel(kind, period, items, tutor=tutor)
                    for kind, items in kinds
                    if items
                ],
            }
        )
    return rows
