"""Follow-up views. The tutor's pages are public (the link's token is the credential and opens
one intern's convention only); the staff page goes through `milieu.permissions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.forms import AbsenceForm, CertificateForm
from milieu.followup.models import Certificate, TutorAccess
from milieu.followup.operations import (
    FollowupRefused,
    declare_absence,
    figures,
    issue_certificate,
    issue_tutor_link,
    period_of,
    resolve_access,
    revoke_tutor_link,
)
from milieu.permissions import can, require, visible_conventions


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "followup/link_refused.html", {"message": message}, status=410)


def _periods(convention: Convention) -> list[dict[str, Any]]:
    rows = []
    for period in (
        ConventionPeriod.objects.filter(convention=convention, active=True)
        .select_related("convention", "certificate")
        .prefetch_related("absences")
        .order_by("start")
    ):
        rows.append(
            {
                "period": period,
                "figures": figures(period),
                "absences": list(period.absences.all()),
                "certificate": getattr(period, "certificate", None),
            }
        )
    return rows


def _pdf(certificate: Certificate) -> HttpResponse:
    response = HttpResponse(bytes(certificate.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{certificate.pk}.pdf"'
    response["X-Content-SHA256"] = certificate.sha256
    return response


@require_http_methods(["GET", "POST"])
def tutor(request: HttpRequest, token: str) -> HttpResponse:
    """The tutor's page: the intern's periods, their absences, the certificate."""
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return _refused(request, str(refused))
    absence_form = AbsenceForm(prefix="absence")
    certificate_form = CertificateForm(prefix="certificate")
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "absence":
                absence_form = AbsenceForm(request.POST, prefix="absence")
                if absence_form.is_valid():
                    data = absence_form.cleaned_data
                    declare_absence(
                        access,
                        period_of(access, data["period"]),
                        start=data["start"],
                        end=data["end"],
                        days=data["days"],
                        reason=data["reason"],
                        declared_by=data["declared_by"],
                    )
                    messages.success(request, "Absence enregistrée.")
                    return redirect("followup:tutor", token=token)
            elif action == "certificate":
                certificate_form = CertificateForm(request.POST, prefix="certificate")
                if certificate_form.is_valid():
                    data = certificate_form.cleaned_data
                    issue_certificate(
                        access,
                        period_of(access, data["period"]),
                        tutor_name=data["tutor_name"],
                        gratification_paid=data["gratification_paid"],
                    )
                    messages.success(request, "Attestation de stage délivrée.")
                    return redirect("followup:tutor", token=token)
        except FollowupRefused as refused:
            error = str(refused)
    context = {
        "access": access,
        "convention": access.convention,
        "student": access.convention.student,
        "rows": _periods(access.convention),
        "token": token,
        "absence_form": absence_form,
        "certificate_form": certificate_form,
        "error": error,
    }
    return render(request, "followup/tutor.html", context, status=400 if error else 200)


def tutor_certificate(request: HttpRequest, token: str, period_pk: int) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return _refused(request, str(refused))
    certificate = get_object_or_404(
        Certificate, period__pk=period_pk, period__convention=access.convention
    )
    return _pdf(certificate)


def _convention(request: HttpRequest, pk: int, action: str) -> Convention:
    convention: Convention = get_object_or_404(visible_conventions(request.user), pk=pk)
    require(request.user, action, convention)
    return convention


@login_required
def convention(request: HttpRequest, pk: int) -> HttpResponse:
    """The follow-up of one convention for the school: links, absences, certificates."""
    conv = _convention(request, pk, "followup.view")
    return render(
        request,
        "followup/convention.html",
        {
            "convention": conv,
            "rows": _periods(conv),
            "accesses": list(conv.tutor_accesses.select_related("created_by")),
            "may_manage": can(request.user, "followup.manage", conv),
        },
    )


@login_required
@require_POST
def issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.manage")
    try:
        issue_tutor_link(conv, by=request.user)
    except FollowupRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Le lien de suivi est envoyé au tuteur.")
    return redirect("followup:convention", pk=conv.pk)


@login_required
@require_POST
def revoke_link(request: HttpRequest, pk: int, access_pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.manage")
    access = get_object_or_404(TutorAccess, pk=access_pk, convention=conv)
    if access.revoked:
        messages.info(request, "Action déjà effectuée.")
    else:
        revoke_tutor_link(access, by=request.user)
        messages.success(request, "Le lien du tuteur est révoqué.")
    return redirect("followup:convention", pk=conv.pk)


@login_required
def certificate(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.view")
    found = get_object_or_404(Certificate, period__pk=period_pk, period__convention=conv)
    return _pdf(found)
