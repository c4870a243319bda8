"""Evidence pages: a student's documents (list, deposit, review, download), the review queue.

Objects are fetched through `get_object_for` over the visible students (another establishment's
student is a 404), which asks `milieu.permissions` for the action (403). Files are sent only after
that check. A refused transition is shown by `milieu.middleware.RefusedMiddleware`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from milieu import storage
from milieu.audit.downloads import audit_minor_download
from milieu.checker.checking import CheckedDossier
from milieu.evidence.enums import STATUS_BADGES, EvidenceStatus
from milieu.evidence.forms import DepositForm, RefusalForm
from milieu.evidence.models import EvidenceDocument, EvidenceTransition
from milieu.evidence.operations import (
    EvidenceInvalid,
    EvidenceRefused,
    accept_evidence,
    actions_for,
    deposit_evidence,
    refuse_evidence,
    withdraw_evidence,
)
from milieu.evidence.pathways import EvidencePathway, evidence_pathway
from milieu.exams.assembly import build_dossier
from milieu.http import AuthenticatedHttpRequest, client_ip, stored_file_response
from milieu.permissions import (
    Action,
    can,
    get_object_for,
    require,
    scope_of,
    student_for,
    visible_students,
)
from milieu.rules import judge
from milieu.students.models import Student

# the engine's findings about what replaces the stage certificate
EVIDENCE_CODES = (
    "APPRENTICESHIP_EVIDENCE_MISSING",
    "WORK_CERTIFICATES_MISSING",
    "WORK_EXPERIENCE_INSUFFICIENT",
)


def _document(request: AuthenticatedHttpRequest, pk: int, action: Action) -> EvidenceDocument:
    """The document as the user may reach it; `action` is asked of the document."""
    return get_object_for(
        request.user,
        EvidenceDocument.objects.filter(
            student__in=visible_students(request.user).values("pk")
        ).select_related("student", "student__cohort", "student__cohort__establishment"),
        pk,
        action,
    )


def _documents(student: Student) -> QuerySet[EvidenceDocument]:
    return (
        EvidenceDocument.objects.filter(student=student)
        .select_related("deposited_by", "student", "student__cohort")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=EvidenceTransition.objects.select_related("actor").order_by("at", "pk"),
            )
        )
        .order_by("-deposited_at", "-pk")
    )


def _work_experience(pathway: EvidencePathway, student: Student, finding: Any) -> dict[str, Any]:
    """The figures of the 6-months / 1-year rule as the engine counted them, with what the
    catalogue requires; empty when the pathway has no such rule."""
    if pathway.diploma is None:
        return {}
    rule = pathway.diploma.first_rules(student.pathway_key).get("work-experience")
    if rule is None:
        return {}
    figures: dict[str, Any] = {
        "full_time_required": rule.params["full_time_days"],
        "full_time_window": rule.params["full_time_window_days"],
        "any_time_required": rule.params["any_time_days"],
        "any_time_window": rule.params["any_time_window_days"],
        "met": finding is None,
    }
    if finding is not None and isinstance(finding.detail, dict):
        figures["full_time_days"] = finding.detail.get("full_time_days")
        figures["any_time_days"] = finding.detail.get("any_time_days")
    return figures


def _page(
    request: AuthenticatedHttpRequest,
    student: Student,
    *,
    form: DepositForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    pathway = evidence_pathway(student)
    granted = {
        action: can(request.user, action, student)
        for action in (Action.EVIDENCE_DEPOSIT, Action.EVIDENCE_REVIEW)
    }
    may_deposit = bool(pathway.kinds) and granted[Action.EVIDENCE_DEPOSIT]
    if form is None and may_deposit:
        form = DepositForm(kinds=pathway.kinds, prefix="piece")
    documents = list(_documents(student))
    checked = CheckedDossier(judge(build_dossier(student, as_of=today), today=today))
    findings = [] if checked.is_error else checked.findings
    evidence_findings = [f for f in findings if f.code in EVIDENCE_CODES]
    experience = next((f for f in findings if f.code == "WORK_EXPERIENCE_INSUFFICIENT"), None)
    return render(
        request,
        "evidence/student.html",
        {
            "student": student,
            "today": today,
            "pathway": pathway,
            "documents": [
                (d, actions_for(request.user, d, granted), STATUS_BADGES.get(d.status, ""))
                for d in documents
            ],
            "form": form if may_deposit else None,
            "checked": checked,
            "evidence_findings": evidence_findings,
            "work_experience": _work_experience(pathway, student, experience),
            "may_review": granted[Action.EVIDENCE_REVIEW],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def student(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    """The student's evidence: documents with their status and reasons, the deposit form, and
    what the regulation engine says about them."""
    if request.method != "POST":
        return _page(request, student_for(request.user, student_pk, Action.EVIDENCE_VIEW))
    found = student_for(request.user, student_pk, Action.EVIDENCE_DEPOSIT)
    kinds = evidence_pathway(found).kinds
    if not kinds:
        messages.info(request, "Aucune pièce justificative n’est attendue pour cette voie.")
        return redirect("evidence:student", student_pk=found.pk)
    form = DepositForm(request.POST, request.FILES, kinds=kinds, prefix="piece")
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = deposit_evidence(
                found,
                by=request.user,
                kind=data["kind"],
                upload=data["file"],
                employer=data.get("employer") or "",
                start=data.get("start"),
                end=data.get("end"),
                full_time=data.get("full_time"),
                in_sector=data.get("in_sector"),
                comment=data.get("comment") or "",
                ip=client_ip(request),
            )
        except storage.UploadRefused as refused:
            form.add_error("file", str(refused))
        except EvidenceInvalid as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except EvidenceRefused as refused:
            form.add_error(None, str(refused))
        else:
            if document.status == EvidenceStatus.ACCEPTED:
                messages.success(request, f"« {document.get_kind_display()} » déposée et acceptée.")
            else:
                messages.success(
                    request,
                    f"« {document.get_kind_display()} » déposée : elle sera vérifiée par "
                    "l’établissement.",
                )
            return redirect("evidence:student", student_pk=found.pk)
    return _page(request, found, form=form, status=400)


def _back(request: AuthenticatedHttpRequest, document: EvidenceDocument) -> HttpResponse:
    if request.POST.get("retour") == "file" and can(request.user, Action.EVIDENCE_QUEUE):
        return redirect("evidence:pending")
    return redirect("evidence:student", student_pk=document.student_id)


@login_required
@require_POST
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk, Action.EVIDENCE_DOCUMENT_REVIEW)
    accept_evidence(document, by=request.user, ip=client_ip(request))
    messages.success(
        request, f"« {document.get_kind_display()} » de {document.student.full_name} acceptée."
    )
    return _back(request, document)


@login_required
@require_POST
def refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk, Action.EVIDENCE_DOCUMENT_REVIEW)
    form = RefusalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return _back(request, document)
    refuse_evidence(
        document, by=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
    )
    messages.success(
        request,
        f"« {document.get_kind_display()} » de {document.student.full_name} refusée ; "
        "le motif est envoyé à l’élève.",
    )
    return _back(request, document)


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only the depositor withdraws (`Action.EVIDENCE_WITHDRAW`)."""
    document = _document(request, pk, Action.EVIDENCE_WITHDRAW)
    withdraw_evidence(document, by=request.user, ip=client_ip(request))
    messages.success(request, f"« {document.get_kind_display()} » retirée.")
    return redirect("evidence:student", student_pk=document.student_id)


@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The deposited file as stored, after the permission check; never served from disk."""
    document = _document(request, pk, Action.EVIDENCE_DOCUMENT_VIEW)
    try:
        content = storage.read(document.file_path)
    except (OSError, ValueError) as missing:
        raise Http404("Fichier introuvable.") from missing
    extension = "jpg" if document.file_kind == "jpeg" else document.file_kind
    name = f"{Path(document.original_name).stem or 'piece'}.{extension}"
    response = stored_file_response(
        content,
        sha256=document.file_sha256,
        filename=name,
        content_type=storage.CONTENT_TYPES.get(document.file_kind, "application/pdf"),
    )
    return audit_minor_download(request, response, students=[document.student], document=document)


@login_required
def pending(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The managers' queue: documents of their establishment(s) waiting for review."""
    require(request.user, Action.EVIDENCE_QUEUE)
    managed = scope_of(request.user).managed_establishments
    documents = list(
        EvidenceDocument.objects.pending()
        .filter(student__cohort__establishment_id__in=managed)
        .select_related(
            "student", "student__cohort", "student__cohort__establishment", "deposited_by"
        )
        .order_by("deposited_at", "pk")
    )
    return render(
        request,
        "evidence/pending.html",
        {
            "documents": [
                (d, can(request.user, Action.EVIDENCE_DOCUMENT_REVIEW, d)) for d in documents
            ],
            "several_schools": len(managed) > 1,
        },
    )
