"""Visit screens: plan a visit, the visit page and its report, a teacher's calendar and its
iCalendar feed (with the session, or by a secret address for calendar applications), a stage's
visits period by period, and the periods still waiting for a visit.

Every view has one shape: fetch through the visible querysets (404 when not yours), ask
`require` for the action (403), bind the form, call the operation, flash a French message,
redirect. The secret feed is public: its token is the credential and opens one teacher's visits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.pedagogy import pedagogy_alerts
from milieu.http import AuthenticatedHttpRequest, client_ip
from milieu.pagination import paginate
from milieu.people.models import User
from milieu.permissions import Action, can, get_object_for, require, visible_conventions
from milieu.rules import get_catalogue
from milieu.visits import ical
from milieu.visits.enums import VisitStatus
from milieu.visits.forms import CalendarFeedForm, CancelVisitForm, PlanVisitForm, VisitReportForm
from milieu.visits.operations import (
    VISIT_FLOW,
    VisitRefused,
    active_calendar_feed,
    cancel_visit,
    default_period,
    issue_calendar_feed,
    plan_visit,
    planning_refusal,
    record_visit_report,
    resolve_calendar_feed,
    revoke_calendar_feed,
    visiting_teachers,
)
from milieu.visits.queries import (
    COUNTED_VISIT_STATUSES,
    periods_without_visit,
    teacher_visits,
    visible_visits,
    visits_by_period,
)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Planifier une visite: during which period, which teacher goes to the host, and when. The
    period offered first is the one asked for (`?periode=`, from the alerts), else the one under
    way, else the next one."""
    convention = get_object_for(
        request.user, visible_conventions(request.user), pk, Action.VISIT_PLAN
    )
    refusal = planning_refusal(convention)
    teachers = visiting_teachers(convention)
    periods = list(convention.active_periods())
    initial: dict[str, Any] = {"teacher": request.user.pk} if request.user in teachers else {}
    chosen = _asked_period(request, periods) or default_period(periods, timezone.localdate())
    if chosen is not None:
        initial["period"] = chosen.pk
    data = request.POST if request.method == "POST" and refusal is None else None
    form = PlanVisitForm(data, teachers=teachers, periods=periods, initial=initial)
    if data is not None and form.is_valid():
        try:
            visit = plan_visit(
                convention,
                by=request.user,
                teacher=form.cleaned_data["teacher"],
                period=form.cleaned_data["period"],
                when=form.cleaned_data["planned_at"],
                ip=client_ip(request),
            )
        except VisitRefused as refused:
            form.add_error(refused.field, refused.user_message())
        else:
            messages.success(request, f"La visite est planifiée le {_local(visit.planned_at)}.")
            return redirect("visits:detail", pk=visit.pk)
    context = {
        "convention": convention,
        "convention_url": reverse("conventions:detail", args=[convention.pk]),
        "visits_url": reverse("visits:convention", args=[convention.pk]),
        "refusal": refusal,
        "form": form,
    }
    return render(request, "visits/plan.html", context)


def _asked_period(
    request: AuthenticatedHttpRequest, periods: list[ConventionPeriod]
) -> ConventionPeriod | None:
    asked = request.GET.get("periode", "")
    return next((p for p in periods if str(p.pk) == asked), None)


@login_required
@require_GET
def convention_visits(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Les visites d'un stage, période par période: whoever sees the convention reads them; the
    pedagogical team plans one for a period from here."""
    convention = get_object_or_404(visible_conventions(request.user), pk=pk)
    may_plan = planning_refusal(convention) is None and can(
        request.user, Action.VISIT_PLAN, convention
    )
    today = timezone.localdate()
    plan_url = reverse("visits:plan", args=[convention.pk])
    groups = [
        {
            "period": period,
            "visits": visits,
            "visited": any(v.status in COUNTED_VISIT_STATUSES for v in visits),
            "over": period.end < today,
            "plan_url": f"{plan_url}?periode={period.pk}" if may_plan and period.active else "",
        }
        for period, visits in visits_by_period(convention)
    ]
    context = {
        "convention": convention,
        "convention_url": reverse("conventions:detail", args=[convention.pk]),
        "groups": groups,
        "with_tutor": with_tutor_reference(convention),
    }
    return render(request, "visits/convention.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Une visite: when, who, and its report (written by the visiting teacher)."""
    visit = get_object_or_404(visible_visits(request.user).prefetch_related("events__actor"), pk=pk)
    too_early = timezone.localdate() < timezone.localdate(visit.planned_at)
    may_report = (
        can(request.user, Action.VISIT_REPORT, visit)
        and VISIT_FLOW.may(visit, "report")
        and not too_early
    )
    initial = {"seen": visit.seen, "difficulties": visit.difficulties, "actions": visit.actions}
    form = VisitReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        require(request.user, Action.VISIT_REPORT, visit)
        if form.is_valid():
            record_visit_report(visit, by=request.user, ip=client_ip(request), **form.cleaned_data)
            messages.success(request, "Le compte rendu de la visite est enregistré.")
            return redirect("visits:detail", pk=visit.pk)
    context = {
        "visit": visit,
        "convention": visit.convention,
        "convention_url": reverse("conventions:detail", args=[visit.convention_id]),
        "visits_url": reverse("visits:convention", args=[visit.convention_id]),
        "form": form,
        "may_report": may_report,
        "too_early": too_early and visit.status == VisitStatus.PLANNED,
        "may_cancel": VISIT_FLOW.may(visit, "cancel")
        and can(request.user, Action.VISIT_CANCEL, visit),
        "cancel_form": CancelVisitForm(),
        "events": list(visit.events.all()),
    }
    return render(request, "visits/detail.html", context)


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(visible_visits(request.user), pk=pk)
    require(request.user, Action.VISIT_CANCEL, visit)
    form = CancelVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de l'annulation.")
    else:
        cancel_visit(
            visit, by=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request)
        )
        messages.success(request, "La visite est annulée.")
    return redirect("visits:detail", pk=visit.pk)


def _calendar_page(
    request: AuthenticatedHttpRequest,
    *,
    feed_form: CalendarFeedForm | None = None,
    new_feed_url: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    visits = list(teacher_visits(request.user))
    is_coming = {v.pk: v.status == VisitStatus.PLANNED and v.planned_at >= now for v in visits}
    may_feed = can(request.user, Action.VISIT_FEED)
    context = {
        "coming": [v for v in visits if is_coming[v.pk]],
        "past": [v for v in reversed(visits) if not is_coming[v.pk]],
        "may_feed": may_feed,
        "feed": active_calendar_feed(request.user) if may_feed else None,
        "feed_form": feed_form or CalendarFeedForm(),
        "new_feed_url": new_feed_url,
    }
    response = render(request, "visits/calendar.html", context, status=status)
    if new_feed_url:
        response["Cache-Control"] = "private, no-store"  # the address is shown once
    return response


@login_required
@require_GET
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mon calendrier de visites: the coming ones first, then the past and cancelled ones; and
    the secret address for a calendar application."""
    return _calendar_page(request)


def _ics(teacher: User, *, disposition: str) -> HttpResponse:
    domain = urlsplit(settings.SITE_URL).hostname or "milieu"
    text = ical.calendar(teacher_visits(teacher), domain=domain, now=timezone.now())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="mes-visites.ics"'
    return response


@login_required
@require_GET
def calendar_ics(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _ics(request.user, disposition="attachment")


@login_required
@require_POST
def feed_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create (or regenerate) the secret address: shown once, in this answer only."""
    require(request.user, Action.VISIT_FEED)
    form = CalendarFeedForm(request.POST)
    if not form.is_valid():
        return _calendar_page(request, feed_form=form)
    token = issue_calendar_feed(by=request.user)
    url = settings.SITE_URL + reverse("visits:feed_ics", kwargs={"token": token})
    return _calendar_page(request, new_feed_url=url)


@login_required
@require_POST
def feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Action.VISIT_FEED)
    if revoke_calendar_feed(by=request.user):
        messages.success(request, "L’adresse secrète de votre agenda est révoquée.")
    else:
        messages.info(request, "Vous n’aviez pas d’adresse secrète d’agenda en vigueur.")
    return redirect("visits:calendar")


@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The visits feed of the teacher whose secret address this is (no session: calendar
    applications poll it). Unknown or revoked: 404."""
    feed = resolve_calendar_feed(token)
    if feed is None:
        raise Http404("Adresse d’agenda inconnue ou révoquée.")
    response = _ics(feed.teacher, disposition="inline")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_GET
def alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The periods of stages signed or in progress that have no visit (planned or done) and are
    not over, with a link to plan one for that period."""
    require(request.user, Action.VISIT_ALERTS)
    rows = []
    may_plan_cohort: dict[int, bool] = {}
    page = paginate(request, periods_without_visit(request.user, timezone.localdate()))
    for period in page:
        convention = period.convention
        cohort_id = convention.student.cohort_id
        if cohort_id not in may_plan_cohort:  # the same answer for every student of a cohort
            may_plan_cohort[cohort_id] = can(request.user, Action.VISIT_PLAN, convention)
        plan_url = reverse("visits:plan", args=[convention.pk]) + f"?periode={period.pk}"
        rows.append(
            {
                "period": period,
                "convention": convention,
                "may_plan": may_plan_cohort[cohort_id],
                "plan_url": plan_url,
                "visits_url": reverse("visits:convention", args=[convention.pk]),
            }
        )
    pedagogy = pedagogy_alerts(request.user, timezone.localdate())
    return render(
        request, "visits/alerts.html", {"rows": rows, "page": page, "pedagogy_rows": pedagogy}
    )


def with_tutor_reference(convention: Convention) -> str:
    """« annexe BMA bijou, §préambule » when the diploma's text has the visits organised with
    the tutor (catalogue `visits_with_tutor`), "" otherwise. Every tutor sees and may confirm the
    visits from their link; where the text asks for it, the page says so."""
    diploma = get_catalogue().get(convention.student.cohort.diploma)
    if diploma is None or not diploma.extra.get("visits_with_tutor"):
        return ""
    return f"{diploma.short}, {diploma.extra.get('visits_with_tutor_ref', '')}".rstrip(", ")


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"
