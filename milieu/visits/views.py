"""Visit screens: plan a visit, the visit page and its report, a teacher's calendar and its
iCalendar feed, and the conventions still waiting for a visit.

Every view has one shape: fetch through the visible querysets (404 when not yours), ask
`require` for the action (403), bind the form, call the operation, flash a French message,
redirect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.permissions import can, require, visible_conventions
from milieu.visits import ical
from milieu.visits.enums import VisitStatus
from milieu.visits.forms import CancelVisitForm, PlanVisitForm, VisitReportForm
from milieu.visits.operations import (
    VisitRefused,
    cancel_visit,
    plan_visit,
    record_visit_report,
    visiting_teachers,
)
from milieu.visits.queries import (
    conventions_without_planned_visit,
    teacher_visits,
    visible_visits,
)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Planifier une visite: which teacher goes to the host, and when."""
    convention = get_object_or_404(visible_conventions(request.user), pk=pk)
    require(request.user, "visit.plan", convention)
    teachers = visiting_teachers(convention)
    initial = {"teacher": request.user.pk} if request.user in teachers else {}
    data = request.POST if request.method == "POST" else None
    form = PlanVisitForm(data, teachers=teachers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = plan_visit(
                convention,
                by=request.user,
                teacher=form.cleaned_data["teacher"],
                when=form.cleaned_data["planned_at"],
            )
        except VisitRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"La visite est planifiée le {_local(visit.planned_at)}.")
            return redirect("visits:detail", pk=visit.pk)
    context = {
        "convention": convention,
        "convention_url": reverse("conventions:detail", args=[convention.pk]),
        "form": form,
    }
    return render(request, "visits/plan.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Une visite: when, who, and its report (written by the visiting teacher)."""
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    may_report = can(request.user, "visit.report", visit) and visit.status != VisitStatus.CANCELLED
    initial = {"seen": visit.seen, "difficulties": visit.difficulties, "actions": visit.actions}
    form = VisitReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        require(request.user, "visit.report", visit)
        if form.is_valid():
            try:
                record_visit_report(visit, by=request.user, **form.cleaned_data)
            except VisitRefused as refused:
                messages.warning(request, str(refused))
            else:
                messages.success(request, "Le compte rendu de la visite est enregistré.")
            return redirect("visits:detail", pk=visit.pk)
    context = {
        "visit": visit,
        "convention": visit.convention,
        "convention_url": reverse("conventions:detail", args=[visit.convention_id]),
        "form": form,
        "may_report": may_report,
        "may_cancel": visit.status == VisitStatus.PLANNED
        and can(request.user, "visit.cancel", visit),
        "cancel_form": CancelVisitForm(),
    }
    return render(request, "visits/detail.html", context)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    require(request.user, "visit.cancel", visit)
    form = CancelVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de l'annulation.")
    else:
        try:
            cancel_visit(visit, by=request.user, reason=form.cleaned_data["reason"])
        except VisitRefused as refused:
            messages.warning(request, str(refused))
        else:
            messages.success(request, "La visite est annulée.")
    return redirect("visits:detail", pk=visit.pk)


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Mon calendrier de visites: the coming ones first, then the past and cancelled ones."""
    now = timezone.now()
    visits = list(teacher_visits(request.user))
    is_coming = {v.pk: v.status == VisitStatus.PLANNED and v.planned_at >= now for v in visits}
    coming = [v for v in visits if is_coming[v.pk]]
    past = [v for v in reversed(visits) if not is_coming[v.pk]]
    return render(request, "visits/calendar.html", {"coming": coming, "past": past})


@login_required
@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    domain = urlsplit(settings.SITE_URL).hostname or "milieu"
    text = ical.calendar(teacher_visits(request.user), domain=domain, now=timezone.now())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-visites.ics"'
    return response


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Stages signed or in progress that no visit is planned for, with a link to plan one."""
    require(request.user, "visit.alerts")
    rows = []
    may_plan_cohort: dict[int, bool] = {}
    for convention in conventions_without_planned_visit(request.user):
        cohort_id = convention.student.cohort_id
        if cohort_id not in may_plan_cohort:  # the same answer for every student of a cohort
            may_plan_cohort[cohort_id] = can(request.user, "visit.plan", convention)
        rows.append({"convention": convention, "may_plan": may_plan_cohort[cohort_id]})
    return render(request, "visits/alerts.html", {"rows": rows})


def _local(moment: Any) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"
