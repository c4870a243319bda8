"""The evaluation grid for the pedagogical team: review, adjust, co-sign, read its PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from milieu.conventions.models import Convention
from milieu.followup.enums import EvaluationStatus
from milieu.followup.forms import EvaluationForm
from milieu.followup.models import Evaluation
from milieu.followup.operations import (
    FollowupRefused,
    adjust_evaluation,
    cosign_evaluation,
    evaluation_of,
    grid_of,
    last_day_of,
)
from milieu.followup.views.common import audited, pdf_response
from milieu.followup.views.school import convention_for
from milieu.http import AuthenticatedHttpRequest, client_ip
from milieu.permissions import Action, can, require


def graded_convention(
    request: AuthenticatedHttpRequest, pk: int, action: Action
) -> tuple[Convention, Any]:
    conv = convention_for(request, pk, action)
    grid = grid_of(conv)
    if grid is None:
        raise Http404("Le diplôme de ce stage ne prévoit pas de grille d'évaluation.")
    return conv, grid


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The grid the tutor filled, for the pedagogical team to review, adjust and co-sign."""
    conv, grid = graded_convention(request, pk, Action.FOLLOWUP_VIEW)
    found = evaluation_of(conv)
    form = EvaluationForm(
        found.grid if found else grid, initial=EvaluationForm.initial_from(found), prefix="grid"
    )
    error = ""
    if request.method == "POST":
        require(request.user, Action.EVALUATION_COSIGN, conv)
        form = EvaluationForm(found.grid if found else grid, request.POST, prefix="grid")
        if form.is_valid():
            try:
                adjust_evaluation(
                    conv,
                    by=request.user,
                    levels=form.levels(),
                    comments=form.comments(),
                    appreciation=form.cleaned_data["appreciation"],
                    ip=client_ip(request),
                )
            except FollowupRefused as refused:
                error = str(refused)
            else:
                messages.success(request, "Grille ajustée : la modification est enregistrée.")
                return redirect("followup:evaluation", pk=conv.pk)
    last = last_day_of(conv)
    return render(
        request,
        "followup/evaluation.html",
        {
            "convention": conv,
            "grid": found.grid if found else grid,
            "evaluation": found,
            "form": form,
            "error": error,
            "may_cosign": can(request.user, Action.EVALUATION_COSIGN, conv),
            "last_day": last,
            "stage_over": last is not None and last <= timezone.localdate(),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def evaluation_cosign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conv, _ = graded_convention(request, pk, Action.EVALUATION_COSIGN)
    cosign_evaluation(conv, by=request.user, ip=client_ip(request))
    messages.success(request, "Grille d'évaluation arrêtée conjointement : elle est figée.")
    return redirect("followup:evaluation", pk=conv.pk)


@login_required
def evaluation_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conv, _ = graded_convention(request, pk, Action.FOLLOWUP_VIEW)
    found = get_object_or_404(Evaluation, convention=conv, status=EvaluationStatus.COSIGNED)
    response = pdf_response(found.content, found.sha256, f"grille-{found.pk}.pdf")
    return audited(request, response, conv, found, False)
