"""Apprenticeship pages. The school's pages go through `milieu.permissions` (the student is
fetched through `get_object_for` over `visible_students`: another establishment's is a 404, a
refused action a 403; a refused operation is shown by `RefusedMiddleware`); the maître
d'apprentissage's pages are public, the link's token being the credential for one apprenticeship
only. Every change is a function of `milieu.apprenticeships.operations`.

The student's page records a contract as the special contracts' page does
(`milieu.contracts.views.record_on_student_page`); the report's visa and download through the
link are the tutor's views (`milieu.reports.views.ReportLink`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from milieu.apprenticeships.forms import ApprenticeshipForm
from milieu.apprenticeships.models import ApprenticeEvaluation, Apprenticeship, EmployerAccess
from milieu.apprenticeships.operations import (
    ApprenticeshipData,
    ApprenticeshipRefused,
    cosign_apprentice_evaluation,
    endorse_report_as_employer,
    evaluation_of,
    fill_apprentice_evaluation,
    grid_of,
    issue_employer_link,
    record_apprenticeship,
    resolve_employer_access,
    revoke_employer_link,
    takes_employer_link,
)
from milieu.audit.downloads import audit_minor_download
from milieu.contracts.views import RecordingPage, record_on_student_page
from milieu.followup.enums import EvaluationStatus
from milieu.followup.forms import EvaluationForm
from milieu.http import AuthenticatedHttpRequest, client_ip, stored_file_response
from milieu.permissions import Action, can, require, visible_students
from milieu.reports.analysis import ReportAnalysis
from milieu.reports.operations import expectation_of, latest_deposit
from milieu.reports.views import ReportLink, link_access, link_download, link_endorse
from milieu.students.models import Student


def _apprenticeship(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Apprenticeship:
    """The apprenticeship of a visible student (404 otherwise); `action` is asked of the student."""
    found: Apprenticeship = get_object_or_404(
        Apprenticeship.objects.filter(
            student__in=visible_students(request.user).values("pk")
        ).select_related("student", "student__cohort", "student__cohort__establishment"),
        pk=pk,
    )
    require(request.user, action, found.student)
    return found


def _page(
    request: AuthenticatedHttpRequest,
    student: Student,
    form: ApprenticeshipForm | None,
    status: int = 200,
) -> HttpResponse:
    may_manage = can(request.user, Action.APPRENTICESHIP_MANAGE, student)
    apprentice = takes_employer_link(student)
    if form is None and may_manage and apprentice:
        form = ApprenticeshipForm()
    rows = []
    for apprenticeship in Apprenticeship.objects.filter(student=student).select_related(
        "recorded_by"
    ):
        rows.append(
            {
                "apprenticeship": apprenticeship,
                "accesses": list(apprenticeship.accesses.select_related("created_by")),
                "evaluation": evaluation_of(apprenticeship),
                "events": list(apprenticeship.events.select_related("actor")[:20]),
            }
        )
    return render(
        request,
        "apprenticeships/student.html",
        {
            "student": student,
            "rows": rows,
            "apprentice": apprentice,
            "may_manage": may_manage,
            "may_cosign": can(request.user, Action.APPRENTICESHIP_COSIGN, student),
            "form": form if may_manage and apprentice else None,
            "now": timezone.now(),
        },
        status=status,
    )


APPRENTICESHIPS_PAGE = RecordingPage(
    actions=(Action.APPRENTICESHIP_VIEW, Action.APPRENTICESHIP_MANAGE),
    form_class=ApprenticeshipForm,
    data_class=ApprenticeshipData,
    record=record_apprenticeship,
    render=_page,
    success="Contrat d'apprentissage enregistré : envoyez le lien au maître d'apprentissage.",
    url_name="apprenticeships:student",
)


@login_required
@require_http_methods(["GET", "POST"])
def student(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    """The apprentice's apprenticeships: employer, maître d'apprentissage, link, grid, history."""
    return record_on_student_page(request, student_pk, APPRENTICESHIPS_PAGE)


@login_required
@require_POST
def send_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send the maître d'apprentissage a link (a new one revokes the previous ones)."""
    apprenticeship = _apprenticeship(request, pk, Action.APPRENTICESHIP_MANAGE)
    access, _ = issue_employer_link(apprenticeship, by=request.user, ip=client_ip(request))
    messages.success(
        request,
        f"Le lien est envoyé à {access.sent_to} ; il est valable jusqu'au "
        f"{timezone.localtime(access.expires_at):%d/%m/%Y}.",
    )
    return redirect("apprenticeships:student", student_pk=apprenticeship.student_id)


@login_required
@require_POST
def revoke_link(request: AuthenticatedHttpRequest, pk: int, access_pk: int) -> HttpResponse:
    apprenticeship = _apprenticeship(request, pk, Action.APPRENTICESHIP_MANAGE)
    access = get_object_or_404(EmployerAccess, pk=access_pk, apprenticeship=apprenticeship)
    revoke_employer_link(access, by=request.user, ip=client_ip(request))
    messages.success(request, "Le lien du maître d'apprentissage est révoqué.")
    return redirect("apprenticeships:student", student_pk=apprenticeship.student_id)


@login_required
@require_POST
def cosign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    apprenticeship = _apprenticeship(request, pk, Action.APPRENTICESHIP_COSIGN)
    cosign_apprentice_evaluation(apprenticeship, by=request.user, ip=client_ip(request))
    messages.success(request, "Grille d'évaluation arrêtée conjointement : elle est figée.")
    return redirect("apprenticeships:student", student_pk=apprenticeship.student_id)


def _evaluation_pdf(found: ApprenticeEvaluation) -> HttpResponse:
    return stored_file_response(
        bytes(found.content or b""),
        sha256=found.sha256,
        filename=f"grille-apprenti-{found.pk}.pdf",
        inline=True,
    )


@login_required
def evaluation_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    apprenticeship = _apprenticeship(request, pk, Action.APPRENTICESHIP_VIEW)
    found = get_object_or_404(
        ApprenticeEvaluation, apprenticeship=apprenticeship, status=EvaluationStatus.COSIGNED
    )
    return audit_minor_download(
        request, _evaluation_pdf(found), students=[apprenticeship.student], document=found
    )


# --- the maître d'apprentissage's pages --------------------------------------------------------


EMPLOYER_LINK = ReportLink(
    resolve=resolve_employer_access,
    refused=ApprenticeshipRefused,
    refused_template="followup/link_refused.html",
    student_id=lambda access: access.apprenticeship.student_id,
    endorse=lambda access, deposit, name, ip: endorse_report_as_employer(
        access, deposit, master_name=name, ip=ip
    ),
    name_field="master_name",
    page="apprenticeships:employer",
    actor_label=lambda access: (
        f"{access.apprenticeship.master_name} — lien du maître d'apprentissage"
    ),
)


def _report_context(access: EmployerAccess) -> dict[str, Any]:
    student = access.apprenticeship.student
    expect = expectation_of(student)
    deposit = latest_deposit(student.pk) if expect.expected else None
    return {
        "expect": expect,
        "deposit": deposit,
        "analysis": ReportAnalysis.from_json(deposit.analysis) if deposit else None,
        "endorsement": getattr(deposit, "endorsement", None) if deposit else None,
    }


@require_http_methods(["GET", "POST"])
def employer(request: HttpRequest, token: str) -> HttpResponse:
    """The maître d'apprentissage's page: the evaluation grid and the report's visa."""
    access, refusal = link_access(request, token, EMPLOYER_LINK)
    if refusal is not None:
        return refusal
    apprenticeship = access.apprenticeship
    grid = grid_of(apprenticeship)
    evaluation = evaluation_of(apprenticeship) if grid else None
    form = None
    if grid is not None and not (evaluation and evaluation.frozen):
        form = EvaluationForm(
            evaluation.grid if evaluation else grid,
            initial=EvaluationForm.initial_from(evaluation)
            or {"tutor_name": apprenticeship.master_name},
            tutor=True,
            prefix="grille",
        )
    error = ""
    if request.method == "POST":
        if grid is None:
            raise Http404("Le diplôme de cet apprenti ne prévoit pas de grille d'évaluation.")
        form = EvaluationForm(
            evaluation.grid if evaluation else grid, request.POST, tutor=True, prefix="grille"
        )
        if form.is_valid():
            submit = request.POST.get("submit") != "draft"
            try:
                fill_apprentice_evaluation(
                    access,
                    levels=form.levels(),
                    comments=form.comments(),
                    appreciation=form.cleaned_data["appreciation"],
                    master_name=form.cleaned_data["tutor_name"],
                    submit=submit,
                    ip=client_ip(request),
                )
            except ApprenticeshipRefused as refused:
                error = str(refused)
            else:
                messages.success(
                    request,
                    "Grille d'évaluation transmise à l'équipe pédagogique."
                    if submit
                    else "Brouillon de la grille d'évaluation enregistré.",
                )
                return redirect("apprenticeships:employer", token=token)
        else:
            error = "La grille n'est pas enregistrée : corrigez les champs signalés."
    return render(
        request,
        "apprenticeships/employer.html",
        {
            "access": access,
            "apprenticeship": apprenticeship,
            "student": apprenticeship.student,
            "token": token,
            "grid": grid,
            "evaluation": evaluation,
            "form": form,
            "error": error,
            **_report_context(access),
        },
        status=400 if error else 200,
    )


@require_POST
def employer_endorse(request: HttpRequest, token: str, deposit_pk: int) -> HttpResponse:
    return link_endorse(request, token, deposit_pk, EMPLOYER_LINK)


def employer_report(request: HttpRequest, token: str, deposit_pk: int) -> HttpResponse:
    return link_download(request, token, deposit_pk, EMPLOYER_LINK)


def employer_evaluation(request: HttpRequest, token: str) -> HttpResponse:
    access, refusal = link_access(request, token, EMPLOYER_LINK)
    if refusal is not None:
        return refusal
    found = get_object_or_404(
        ApprenticeEvaluation,
        apprenticeship=access.apprenticeship,
        status=EvaluationStatus.COSIGNED,
    )
    return audit_minor_download(
        request,
        _evaluation_pdf(found),
        students=[access.apprenticeship.student],
        document=found,
        actor_label=EMPLOYER_LINK.actor_label(access),
    )
