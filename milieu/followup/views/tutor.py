"""The tutor's pages: public, the link's token is the credential and opens one intern's
convention only. Every change is a function of `milieu.followup.operations`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from milieu.followup.enums import EvaluationStatus
from milieu.followup.forms import (
    AbsenceForm,
    CertificateForm,
    EvaluationForm,
    PeriodDocumentForm,
    PresenceForm,
    TutorNameForm,
    VisitAnswerForm,
)
from milieu.followup.models import Certificate, Evaluation, TutorAccess
from milieu.followup.operations import (
    KINDS,
    DocumentKind,
    FollowupRefused,
    confirm_presence,
    declare_absence,
    edit_period_document,
    evaluation_of,
    fill_evaluation,
    grid_of,
    issue_certificate,
    items_of,
    period_of,
    resolve_access,
    sign_period_document,
)
from milieu.followup.views.common import (
    audited,
    certificate_pdf,
    link_refused,
    pdf_response,
    period_rows,
)
from milieu.http import client_ip, parse_id
from milieu.visits.models import Visit
from milieu.visits.operations import VisitRefused, answer_visit_as_tutor, tutor_visits


def _tutor_absence(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    form = forms["absence"] = AbsenceForm(request.POST, prefix="absence")
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    declare_absence(
        access,
        period_of(access, data["period"]),
        start=data["start"],
        end=data["end"],
        days=data["days"],
        reason=data["reason"],
        declared_by=data["declared_by"],
        ip=client_ip(request),
    )
    return "Absence enregistrée."


def _tutor_certificate(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    form = forms["certificate"] = CertificateForm(request.POST, prefix="certificate")
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    issue_certificate(
        access,
        period_of(access, data["period"]),
        tutor_name=data["tutor_name"],
        gratification_paid=data["gratification_paid"],
        ip=client_ip(request),
    )
    return "Attestation de stage délivrée."


def _tutor_presence(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    form = forms["presence"] = PresenceForm(request.POST, prefix="presence")
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    confirm_presence(
        access,
        period_of(access, data["period"]),
        day=data["day"],
        tutor_name=data["tutor_name"],
        ip=client_ip(request),
    )
    return f"Présence du stagiaire confirmée le {data['day']:%d/%m/%Y}."


def _tutor_evaluation(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    grid = grid_of(access.convention)
    if grid is None:
        raise FollowupRefused("Le diplôme de ce stage ne prévoit pas de grille d'évaluation.")
    existing = evaluation_of(access.convention)
    form = forms["evaluation"] = EvaluationForm(
        existing.grid if existing else grid, request.POST, tutor=True, prefix="evaluation"
    )
    if not form.is_valid():
        return ""
    submit = request.POST.get("submit") != "draft"
    fill_evaluation(
        access,
        levels=form.levels(),
        comments=form.comments(),
        appreciation=form.cleaned_data["appreciation"],
        tutor_name=form.cleaned_data["tutor_name"],
        submit=submit,
        ip=client_ip(request),
    )
    if submit:
        return "Grille d'évaluation transmise à l'équipe pédagogique."
    return "Brouillon de la grille d'évaluation enregistré."


def _tutor_document_edit(kind: DocumentKind) -> Callable[..., str]:
    def handle(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
        period = period_of(access, request.POST.get("period"))
        items = items_of(kind, access.convention)
        form = PeriodDocumentForm(
            items, request.POST, tutor=True, prefix=f"{kind.name}-{period.pk}"
        )
        forms["documents"][(kind.name, period.pk)] = form
        if not form.is_valid():
            return ""
        edit_period_document(
            kind,
            period,
            form.answers(),
            access=access,
            tutor_name=form.cleaned_data["tutor_name"],
            ip=client_ip(request),
        )
        return f"{kind.title} enregistré : les accords déjà donnés sont effacés."

    return handle


def _tutor_document_sign(kind: DocumentKind) -> Callable[..., str]:
    def handle(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
        form = forms[f"{kind.name}-sign"] = TutorNameForm(request.POST, prefix=f"{kind.name}-sign")
        if not form.is_valid():
            return ""
        document = sign_period_document(
            kind,
            period_of(access, form.cleaned_data["period"]),
            access=access,
            tutor_name=form.cleaned_data["tutor_name"],
            ip=client_ip(request),
        )
        if document.completed:
            return f"{kind.title} signé par les trois parties : il est établi."
        return "Votre accord est enregistré."

    return handle


def _tutor_visit_answer(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    """The tutor confirms a planned visit or proposes another date (seed 004)."""
    visit_pk = parse_id(request.POST.get("visit-visit"))
    form = VisitAnswerForm(request.POST, prefix="visit")
    forms["visits"][visit_pk] = form
    if not form.is_valid():
        return ""
    visit = Visit.objects.filter(
        pk=form.cleaned_data["visit"], convention=access.convention
    ).first()
    if visit is None:
        raise FollowupRefused("Cette visite n'est pas une visite de ce stage.")
    data = form.cleaned_data
    try:
        answered = answer_visit_as_tutor(
            access,
            visit,
            confirm=data["answer"] == "confirm",
            tutor_name=data["tutor_name"],
            proposed_at=data["proposed_at"],
            comment=data["comment"],
            ip=client_ip(request),
        )
    except VisitRefused as refused:
        if refused.field and refused.field in form.fields:
            form.add_error(refused.field, str(refused))
            return ""
        raise FollowupRefused(str(refused)) from refused
    if answered.tutor_proposed_at:
        return "Votre proposition de date est transmise à l'enseignant."
    return "Visite confirmée : l'enseignant en est informé sur sa page."


TUTOR_ACTIONS: dict[str, Callable[..., str]] = {
    "visit-answer": _tutor_visit_answer,
    "absence": _tutor_absence,
    "certificate": _tutor_certificate,
    "presence": _tutor_presence,
    "evaluation": _tutor_evaluation,
    **{f"{name}-edit": _tutor_document_edit(kind) for name, kind in KINDS.items()},
    **{f"{name}-sign": _tutor_document_sign(kind) for name, kind in KINDS.items()},
}


@require_http_methods(["GET", "POST"])
def tutor(request: HttpRequest, token: str) -> HttpResponse:
    """The tutor's page: the intern's periods, absences, presence, certificate, the documents
    of the stage (contract and bilan where the diploma asks for them) and the evaluation grid."""
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return link_refused(request, str(refused))
    convention = access.convention
    forms: dict[str, Any] = {
        "absence": AbsenceForm(prefix="absence"),
        "certificate": CertificateForm(prefix="certificate"),
        "presence": PresenceForm(prefix="presence"),
        "documents": {},
        "visits": {},
        **{f"{name}-sign": TutorNameForm(prefix=f"{name}-sign") for name in KINDS},
    }
    error = ""
    if request.method == "POST":
        handler = TUTOR_ACTIONS.get(request.POST.get("action", ""))
        try:
            if handler is None:
                raise FollowupRefused("Cette action n'existe pas.")
            done = handler(request, access, forms)
        except FollowupRefused as refused:
            error = str(refused)
        else:
            if done:
                messages.success(request, done)
                return redirect("followup:tutor", token=token)
    rows = period_rows(convention, tutor=True)
    for row in rows:
        for panel in row["documents"]:
            bound = forms["documents"].get((panel["kind"].name, row["period"].pk))
            if bound is not None:
                panel["form"] = bound
            panel["sign_form"] = forms[f"{panel['kind'].name}-sign"]
    grid = grid_of(convention)
    evaluation = evaluation_of(convention) if grid else None
    if grid and "evaluation" not in forms:
        forms["evaluation"] = EvaluationForm(
            evaluation.grid if evaluation else grid,
            initial=EvaluationForm.initial_from(evaluation),
            tutor=True,
            prefix="evaluation",
        )
    context = {
        "access": access,
        "convention": convention,
        "student": convention.student,
        "rows": rows,
        "token": token,
        "absence_form": forms["absence"],
        "certificate_form": forms["certificate"],
        "presence_form": forms["presence"],
        "grid": grid,
        "evaluation": evaluation,
        "evaluation_form": forms.get("evaluation") if grid else None,
        "error": error,
        "today": timezone.localdate(),
        "visits": [
            (
                visit,
                forms["visits"].get(visit.pk)
                or VisitAnswerForm(prefix="visit", initial={"visit": visit.pk}),
            )
            for visit in tutor_visits(convention)
        ],
    }
    invalid = any(not f.is_valid() for f in forms["visits"].values())
    return render(request, "followup/tutor.html", context, status=400 if error or invalid else 200)


def tutor_certificate(request: HttpRequest, token: str, period_pk: int) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return link_refused(request, str(refused))
    certificate = get_object_or_404(
        Certificate, period__pk=period_pk, period__convention=access.convention
    )
    return audited(request, certificate_pdf(certificate), access.convention, certificate, True)


def tutor_evaluation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return link_refused(request, str(refused))
    found = get_object_or_404(
        Evaluation, convention=access.convention, status=EvaluationStatus.COSIGNED
    )
    response = pdf_response(found.content, found.sha256, f"grille-{found.pk}.pdf")
    return audited(request, response, access.convention, found, True)


def tutor_document(request: HttpRequest, token: str, period_pk: int, kind: str) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return link_refused(request, str(refused))
    found = get_object_or_404(
        KINDS[kind].model,
        period__pk=period_pk,
        period__active=True,
        period__convention=access.convention,
        completed_at__isnull=False,
    )
    response = pdf_response(found.content, found.sha256, f"{kind}-{found.pk}.pdf")
    return audited(request, response, access.convention, found, True)
