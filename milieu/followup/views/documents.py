"""One period's training contract or bilan for the pedagogical team and the candidate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import ConventionPeriod
from milieu.followup.forms import PeriodDocumentForm
from milieu.followup.operations import (
    KINDS,
    DocumentKind,
    FollowupRefused,
    edit_period_document,
    items_of,
    sign_period_document,
)
from milieu.followup.views.common import audited, document_panel, pdf_response
from milieu.http import AuthenticatedHttpRequest, client_ip
from milieu.permissions import Action, can, require, visible_conventions


def _visible_period(request: AuthenticatedHttpRequest, period_pk: int, kind: DocumentKind) -> Any:
    """An active period of a signed convention the user sees (else 404), of a diploma that
    asks for `kind` (else 404), that the user may read (else 403)."""
    period = get_object_or_404(
        ConventionPeriod.objects.select_related(
            "convention",
            "convention__student",
            "convention__student__cohort",
            "convention__student__cohort__establishment",
            "convention__host",
            "training_contract",
            "bilan",
        ),
        pk=period_pk,
        active=True,
        convention__in=visible_conventions(request.user).values("pk"),
        convention__status__in=sorted(SIGNED_STATUSES),
    )
    items = items_of(kind, period.convention)
    if not items:
        raise Http404(f"Le diplôme de ce stage ne prévoit pas de {kind.title.lower()}.")
    require(request.user, Action.FOLLOWUP_DOCUMENT_READ, period.convention)
    return period, items


@login_required
@require_http_methods(["GET", "POST"])
def period_document(request: AuthenticatedHttpRequest, period_pk: int, kind: str) -> HttpResponse:
    """One period's training contract or bilan: the text, who agreed, edit and agree."""
    document_kind = KINDS[kind]
    period, items = _visible_period(request, period_pk, document_kind)
    conv = period.convention
    form = None
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "sign":
                done = sign_period_document(
                    document_kind, period, by=request.user, ip=client_ip(request)
                )
                message = (
                    f"{document_kind.title} signé par les trois parties : il est établi."
                    if done.completed
                    else "Votre accord est enregistré."
                )
            else:
                form = PeriodDocumentForm(items, request.POST, prefix=kind)
                message = ""
                if form.is_valid():
                    edit_period_document(
                        document_kind,
                        period,
                        form.answers(),
                        by=request.user,
                        ip=client_ip(request),
                    )
                    message = (
                        f"{document_kind.title} enregistré : les accords déjà donnés sont effacés."
                    )
        except FollowupRefused as refused:
            error = str(refused)
        else:
            if message:
                messages.success(request, message)
                return redirect(request.path)
        period = ConventionPeriod.objects.select_related(
            "convention", "training_contract", "bilan"
        ).get(pk=period.pk)
    panel = document_panel(document_kind, period, items, form=form, prefix=kind)
    team = can(request.user, Action.FOLLOWUP_TEAM_SIGN, conv)
    candidate = can(request.user, Action.FOLLOWUP_CANDIDATE_SIGN, conv)
    document = panel["document"]
    signed_by_me = bool(
        document
        and (
            (team and document.team_signed_at is not None)
            or (candidate and document.candidate_signed_at is not None)
        )
    )
    return render(
        request,
        "followup/period_document.html",
        {
            "convention": conv,
            "student": conv.student,
            "period": period,
            "panel": panel,
            "kind": document_kind,
            "may_edit": (team or candidate) and not (document and document.completed),
            "may_sign": (team or candidate)
            and document is not None
            and not document.completed
            and not signed_by_me,
            "party": "team" if team else "candidate" if candidate else "",
            "may_follow": can(request.user, Action.FOLLOWUP_VIEW, conv),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def period_document_pdf(
    request: AuthenticatedHttpRequest, period_pk: int, kind: str
) -> HttpResponse:
    document_kind = KINDS[kind]
    period, _ = _visible_period(request, period_pk, document_kind)
    found = get_object_or_404(document_kind.model, period=period, completed_at__isnull=False)
    response = pdf_response(found.content, found.sha256, f"{kind}-{found.pk}.pdf")
    return audited(request, response, period.convention, found, False)
