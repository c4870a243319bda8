"""The school's follow-up page of one convention: links, absences, presence, certificates
(the tutor's or the host's paper), the pedagogy sessions and the history. Objects are fetched
through `get_object_for` (another school's are a 404, an action not allowed a 403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from milieu import storage
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.forms import PaperCertificateForm, PedagogySessionForm
from milieu.followup.models import Certificate, TutorAccess
from milieu.followup.operations import (
    FollowupRefused,
    evaluation_of,
    grid_of,
    issue_tutor_link,
    record_paper_certificate,
    renew_tutor_link,
    revoke_tutor_link,
)
from milieu.followup.pedagogy import (
    missing_kinds,
    pedagogy_reference,
    pedagogy_required,
    record_pedagogy_session,
    sessions_by_period,
)
from milieu.followup.views.common import audited, certificate_pdf, period_rows
from milieu.http import AuthenticatedHttpRequest, client_ip
from milieu.permissions import Action, can, get_object_for, visible_conventions


def convention_for(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Convention:
    """The convention `pk` as the user may reach it for `action` (404 / 403)."""
    return get_object_for(request.user, visible_conventions(request.user), pk, action)


@login_required
def convention(
    request: AuthenticatedHttpRequest,
    pk: int,
    paper_form: PaperCertificateForm | None = None,
    paper_period: int | None = None,
    status: int = 200,
    pedagogy_form: PedagogySessionForm | None = None,
    pedagogy_period: int | None = None,
) -> HttpResponse:
    """The follow-up of one convention for the school: links, absences, presence, certificates,
    the evaluation grid, the contracts and bilans, and the history of every operation."""
    conv = convention_for(request, pk, Action.FOLLOWUP_VIEW)
    grid = grid_of(conv)
    evaluation = evaluation_of(conv) if grid else None
    return render(
        request,
        "followup/convention.html",
        {
            "paper_form": paper_form,
            "blank_paper_form": PaperCertificateForm(prefix="papier"),
            "paper_period": paper_period,
            "today": timezone.localdate(),
            "convention": conv,
            "rows": period_rows(conv),
            "accesses": list(conv.tutor_accesses.select_related("created_by")),
            "may_manage": can(request.user, Action.FOLLOWUP_MANAGE, conv),
            "grid": grid,
            "evaluation": evaluation,
            "events": list(
                conv.followup_events.select_related("actor", "period").order_by("-at", "-pk")
            ),
            # the grid's changes of state (its workflow's log): from which state to which, by
            # whom, from which address, with the change described
            "grid_steps": list(
                evaluation.transitions.select_related("actor").order_by("-at", "-pk")
            )
            if evaluation is not None
            else [],
            "pedagogy": _pedagogy_panels(request, conv, pedagogy_form, pedagogy_period),
        },
        status=status,
    )


def _pedagogy_panels(
    request: AuthenticatedHttpRequest,
    conv: Convention,
    form: PedagogySessionForm | None,
    form_period: int | None,
) -> list[dict[str, Any]]:
    """BEP (seed 000 §1): each period's préparation and exploitation pédagogique, what it still
    lacks, and the form to record one (the form with its errors for the period just posted)."""
    if not pedagogy_required(conv):
        return []
    periods = list(conv.active_periods())
    sessions = sessions_by_period(periods)
    may = can(request.user, Action.FOLLOWUP_PEDAGOGY, conv)
    today = timezone.localdate()
    return [
        {
            "period": period,
            "sessions": sessions[period.pk],
            "missing": missing_kinds(period, sessions[period.pk], today),
            "form": (form if form_period == period.pk else None)
            or (PedagogySessionForm(prefix=f"pedagogie-{period.pk}") if may else None),
            "reference": pedagogy_reference(conv),
        }
        for period in periods
    ]


@login_required
@require_POST
def record_pedagogy(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """The team records a préparation or an exploitation pédagogique of one period."""
    conv = convention_for(request, pk, Action.FOLLOWUP_PEDAGOGY)
    period = get_object_or_404(ConventionPeriod, convention=conv, pk=period_pk, active=True)
    form = PedagogySessionForm(request.POST, prefix=f"pedagogie-{period.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = record_pedagogy_session(
                period,
                kind=data["kind"],
                held_on=data["held_on"],
                led_by=data["led_by"],
                content=data["content"],
                by=request.user,
            )
        except FollowupRefused as refused:
            form.add_error(None, refused.user_message())
        else:
            messages.success(request, f"{session.get_kind_display()} enregistrée.")
            return redirect(
                reverse("followup:convention", args=[conv.pk]) + f"#pedagogie-{period.pk}"
            )
    return convention(request, conv.pk, status=400, pedagogy_form=form, pedagogy_period=period.pk)


@login_required
@require_POST
def paper_certificate(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Staff record the certificate a host signed on paper (scan, date, absences stated)."""
    conv = convention_for(request, pk, Action.FOLLOWUP_MANAGE)
    period = get_object_or_404(ConventionPeriod, convention=conv, pk=period_pk)
    form = PaperCertificateForm(request.POST, request.FILES, prefix="papier")
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_paper_certificate(
                period,
                by=request.user,
                upload=data["scan"],
                signed_by=data["signed_by"],
                signed_on=data["signed_on"],
                absence_days=data["absence_days"],
                ip=client_ip(request),
            )
        except (FollowupRefused, storage.UploadRefused) as refused:
            form.add_error(None, refused.user_message())
        else:
            messages.success(request, "Attestation papier enregistrée.")
            return redirect("followup:convention", pk=conv.pk)
    return convention(request, conv.pk, paper_form=form, paper_period=period.pk, status=400)


@login_required
@require_POST
def issue_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conv = convention_for(request, pk, Action.FOLLOWUP_MANAGE)
    issue_tutor_link(conv, by=request.user, ip=client_ip(request))
    messages.success(request, "Le lien de suivi est envoyé au tuteur.")
    return redirect("followup:convention", pk=conv.pk)


@login_required
@require_POST
def renew_link(request: AuthenticatedHttpRequest, pk: int, access_pk: int) -> HttpResponse:
    conv = convention_for(request, pk, Action.FOLLOWUP_MANAGE)
    access = get_object_or_404(TutorAccess, pk=access_pk, convention=conv)
    renewed = renew_tutor_link(access, by=request.user, ip=client_ip(request))
    messages.success(
        request,
        "Le lien du tuteur est prolongé jusqu'au "
        f"{timezone.localtime(renewed.expires_at):%d/%m/%Y} ; il reste le même.",
    )
    return redirect("followup:convention", pk=conv.pk)


@login_required
@require_POST
def revoke_link(request: AuthenticatedHttpRequest, pk: int, access_pk: int) -> HttpResponse:
    conv = convention_for(request, pk, Action.FOLLOWUP_MANAGE)
    access = get_object_or_404(TutorAccess, pk=access_pk, convention=conv)
    if access.revoked:  # a second click: nothing to do, nothing to refuse
        messages.info(request, "Action déjà effectuée.")
        return redirect("followup:convention", pk=conv.pk)
    revoke_tutor_link(access, by=request.user, ip=client_ip(request))
    messages.success(request, "Le lien du tuteur est révoqué.")
    return redirect("followup:convention", pk=conv.pk)


@login_required
def certificate(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    conv = convention_for(request, pk, Action.FOLLOWUP_VIEW)
    found = get_object_or_404(Certificate, period__pk=period_pk, period__convention=conv)
    return audited(request, certificate_pdf(found), conv, found, False)
