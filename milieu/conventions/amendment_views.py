"""Avenant screens: create one from a signed convention, follow its signatures, send or cancel it.

Every view has one shape: fetch through `get_object_for` (404 when not visible, 403 when the
action is not allowed), bind the form, call the operation of `amendments`, flash a French
message, redirect. A step no longer possible says why (`ConventionRefused`, shown by
`milieu.middleware.RefusedMiddleware`, or inside the creation form it re-renders).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.audit.downloads import audit_minor_download
from milieu.conventions.amendment_documents import describe_changes
from milieu.conventions.amendment_forms import AmendmentForm
from milieu.conventions.amendments import (
    AMENDABLE_STATUSES,
    OPEN_AMENDMENT_STATUSES,
    amended_problems,
    cancel_amendment,
    create_amendment,
    send_amendment_for_signature,
)
from milieu.conventions.enums import AmendmentStatus, SignatureState
from milieu.conventions.flow import AMENDMENT_FLOW, ConventionRefused
from milieu.conventions.forms import CommentForm, PaperScanForm, PeriodFormSet
from milieu.conventions.models import Amendment, Convention, Signatory
from milieu.conventions.signatures import sign_on_paper
from milieu.http import AuthenticatedHttpRequest, client_ip, stored_file_response
from milieu.people.models import User
from milieu.permissions import Action, can, get_object_for, visible_conventions


def _visible_amendments(user: User) -> QuerySet[Amendment]:
    return Amendment.objects.filter(
        convention__in=visible_conventions(user).values("pk")
    ).select_related(
        "convention",
        "convention__student",
        "convention__student__cohort",
        "convention__host",
        "new_site",
        "new_tutor",
        "created_by",
    )


def convention_url(convention: Convention) -> str:
    return reverse("conventions:detail", args=[convention.pk])


@login_required
@require_http_methods(["GET", "POST"])
def amendment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Nouvel avenant: the convention's periods, place, tutor and hours, prefilled."""
    convention = get_object_for(
        request.user, visible_conventions(request.user), pk, Action.CONVENTION_AMEND
    )
    if convention.status not in AMENDABLE_STATUSES:
        messages.warning(
            request,
            "Un avenant ne modifie qu’une convention signée ou un stage en cours ; "
            f"cette convention est « {convention.get_status_display()} ».",
        )
        return redirect(convention_url(convention))
    data = request.POST if request.method == "POST" else None
    form = AmendmentForm(data, convention=convention)
    periods = PeriodFormSet(
        data,
        prefix="periodes",
        initial=[{"start": p.start, "end": p.end} for p in convention.active_periods()],
    )
    if data is not None and form.is_valid() and periods.is_valid():
        try:
            amendment = create_amendment(
                convention,
                by=request.user,
                ip=client_ip(request),
                **form.amendment_fields(periods.spans()),
            )
        except ConventionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(
                request,
                f"L’avenant n° {amendment.number} est enregistré en brouillon : relisez-le, "
                "puis envoyez-le en signature.",
            )
            return redirect("conventions:amendment_detail", pk=amendment.pk)
    context = {
        "convention": convention,
        "convention_url": convention_url(convention),
        "convention_label": f"Convention n° {convention.pk}",
        "form": form,
        "periods": periods,
    }
    return render(request, "conventions/amendments/form.html", context)


@login_required
@require_GET
def amendment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Un avenant: what it changes, its signatories, its documents and its history."""
    amendment = get_object_for(
        request.user, _visible_amendments(request.user), pk, Action.AMENDMENT_VIEW
    )
    convention = amendment.convention
    is_open = amendment.status in OPEN_AMENDMENT_STATUSES
    may_amend = can(request.user, Action.CONVENTION_AMEND, convention)
    context = {
        "amendment": amendment,
        "convention": convention,
        "convention_url": convention_url(convention),
        "convention_label": f"Convention n° {convention.pk}",
        "amendment_label": f"Avenant n° {amendment.number}",
        "changes": describe_changes(amendment, with_before=is_open),
        "with_before": is_open,
        "signatories": list(amendment.signatories.order_by("order", "pk")),
        "documents": list(amendment.documents.order_by("created_at", "pk")),
        "history": list(
            convention.transitions.filter(
                comment__startswith=f"Avenant n° {amendment.number} "
            ).select_related("actor")
        ),
        "problems": amended_problems(amendment)
        if amendment.status == AmendmentStatus.DRAFT
        else [],
        "may_amend": may_amend,
        "may_send": AMENDMENT_FLOW.may(amendment, "send")
        and can(request.user, Action.AMENDMENT_SEND, amendment),
        "may_cancel": AMENDMENT_FLOW.may(amendment, "cancel")
        and can(request.user, Action.AMENDMENT_CANCEL, amendment),
        "may_record_paper": may_amend and amendment.status == AmendmentStatus.SIGNING,
        "cancel_form": CommentForm(),
        "paper_form": PaperScanForm(),
        "pending": SignatureState.PENDING,
    }
    return render(request, "conventions/amendments/detail.html", context)


@login_required
@require_POST
def amendment_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_for(
        request.user, _visible_amendments(request.user), pk, Action.AMENDMENT_SEND
    )
    send_amendment_for_signature(amendment, by=request.user, ip=client_ip(request))
    messages.success(
        request,
        f"L’avenant n° {amendment.number} est envoyé en signature : chaque partie a reçu "
        "son lien par courriel.",
    )
    return redirect("conventions:amendment_detail", pk=amendment.pk)


@login_required
@require_POST
def amendment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    amendment = get_object_for(
        request.user, _visible_amendments(request.user), pk, Action.AMENDMENT_CANCEL
    )
    form = CommentForm(
        request.POST, required_message="Indiquez le motif de l’annulation de l’avenant."
    )
    if not form.is_valid():
        for error in form.errors.get("comment", []):
            messages.error(request, str(error))
        return redirect("conventions:amendment_detail", pk=amendment.pk)
    cancel_amendment(
        amendment, by=request.user, reason=form.cleaned_data["comment"], ip=client_ip(request)
    )
    messages.success(request, f"L’avenant n° {amendment.number} est annulé.")
    return redirect("conventions:amendment_detail", pk=amendment.pk)


@login_required
@require_POST
def amendment_paper(request: AuthenticatedHttpRequest, pk: int, signatory_pk: int) -> HttpResponse:
    """A party signed the printed avenant: its scan is stored and the signature recorded."""
    amendment = get_object_for(
        request.user, _visible_amendments(request.user), pk, Action.AMENDMENT_SEND
    )
    signatory = get_object_or_404(Signatory, pk=signatory_pk, amendment=amendment)
    form = PaperScanForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("scan", []):
            messages.error(request, str(error))
        return redirect("conventions:amendment_detail", pk=amendment.pk)
    sign_on_paper(signatory, form.cleaned_data["scan"], by=request.user, ip=client_ip(request))
    messages.success(request, f"La signature sur papier de {signatory.name} est enregistrée.")
    return redirect("conventions:amendment_detail", pk=amendment.pk)


@login_required
@require_GET
def amendment_document(
    request: AuthenticatedHttpRequest, pk: int, document_pk: int
) -> HttpResponse:
    amendment = get_object_for(
        request.user, _visible_amendments(request.user), pk, Action.AMENDMENT_VIEW
    )
    document = get_object_or_404(amendment.documents, pk=document_pk)
    response = stored_file_response(
        document.content,
        sha256=document.sha256,
        filename=f"convention-{amendment.convention_id}-avenant-{amendment.number}-"
        f"{document.kind}-{document.pk}.pdf",
    )
    student = amendment.convention.student
    return audit_minor_download(request, response, students=[student], document=document)
