"""Creating and editing a convention draft (the annexe pédagogique follows the diploma)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from milieu.conventions.drafting import update_convention
from milieu.conventions.enums import ConventionStatus
from milieu.conventions.flow import ConventionRefused
from milieu.conventions.forms import ConventionForm
from milieu.conventions.models import Convention
from milieu.conventions.operations import create_convention
from milieu.conventions.page_forms import BasePeriodFormSet, PeriodFormSet
from milieu.conventions.page_views import get_convention
from milieu.establishments.forms import teachers_of
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.http import AuthenticatedHttpRequest, HtmxHttpRequest, client_ip, parse_id
from milieu.permissions import (
    Action,
    can,
    require,
    student_for,
    visible_hosts,
    visible_placements,
)
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
from milieu.students.models import Student

PERIODS_PREFIX = "periodes"
WORKING_WEEK = list(DEFAULT_WORK_DAY_NAMES)


class SignedInHtmxRequest(HtmxHttpRequest, AuthenticatedHttpRequest):
    """A signed-in request through the htmx middleware (the form's partial updates)."""


def _number(value: str | None) -> int:
    """A primary key from the query string; anything else is a 404, never a 500."""
    number = parse_id(value)
    if number is None:
        raise Http404
    return number


def _form(
    request: HttpRequest, student: Student, data: Any = None, **kwargs: Any
) -> ConventionForm:
    return ConventionForm(
        data,
        student=student,
        hosts=visible_hosts(request.user).order_by("name"),
        tutors_readable=can(request.user, Action.TUTOR_VIEW),
        **kwargs,
    )


def _host_fields(request: HtmxHttpRequest, form: ConventionForm) -> HttpResponse:
    """The part of the form that depends on the host (sites, tutors, abroad), for htmx."""
    return render(request, "conventions/_host_fields.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def create(request: SignedInHtmxRequest) -> HttpResponse:
    """A new draft for a student (`?eleve=`), or from a host choice *arrêté* (`?choix=`)."""
    placement: Placement | None = None
    if "choix" in request.GET:
        placement = get_object_or_404(
            visible_placements(request.user).filter(status=PlacementStatus.ARRETE),
            pk=_number(request.GET.get("choix")),
        )
        student = placement.student
    else:
        student = student_for(
            request.user, _number(request.GET.get("eleve")), Action.CONVENTION_CREATE
        )
    require(request.user, Action.CONVENTION_CREATE, student)
    if placement is not None:
        existing = placement.conventions.exclude(status=ConventionStatus.CANCELLED).first()
        if existing is not None:
            messages.info(request, f"Ce choix a déjà sa convention (n° {existing.pk}).")
            return redirect("conventions:detail", existing.pk)
    initial: dict[str, Any] = {"work_days": WORKING_WEEK, "tutor_signs": True}
    if teachers_of(student.cohort.establishment).filter(pk=request.user.pk or 0).exists():
        initial["referent"] = request.user.pk
    periods_initial: list[dict[str, Any]] = []
    if placement is not None:
        initial.update(host=placement.host_id, site=placement.site_id, tutor=placement.tutor_id)
        window = placement.cohort_period
        periods_initial = [{"start": window.start, "end": window.end}]
    if request.method == "GET" and request.htmx and "host" in request.GET:
        return _host_fields(
            request, _form(request, student, initial={**initial, "host": request.GET["host"]})
        )
    data = request.POST if request.method == "POST" else None
    form = _form(request, student, data, initial=initial)
    periods: BasePeriodFormSet = PeriodFormSet(data, initial=periods_initial, prefix=PERIODS_PREFIX)
    if data is not None and form.is_valid() and periods.is_valid():
        try:
            convention = create_convention(
                student=student,
                host=form.cleaned_data["host"],
                periods=periods.spans(),
                by=request.user,
                ip=client_ip(request),
                placement=placement,
                **form.convention_fields(),
            )
        except ConventionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, f"La convention n° {convention.pk} est créée en brouillon.")
            return redirect("conventions:detail", convention.pk)
    return render(
        request,
        "conventions/form.html",
        {"form": form, "periods": periods, "student": student, "convention": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def edit(request: SignedInHtmxRequest, pk: int) -> HttpResponse:
    """Change a draft; once submitted, the convention is changed by sending it back, or by an
    avenant once signed."""
    convention: Convention = get_convention(request, pk, Action.CONVENTION_CHANGE)
    if convention.status != ConventionStatus.DRAFT:
        messages.info(
            request,
            f"La convention n’est plus modifiable : elle est « {convention.get_status_display()} ».",
        )
        return redirect("conventions:detail", convention.pk)
    student = convention.student
    if request.method == "GET" and request.htmx and "host" in request.GET:
        return _host_fields(
            request,
            _form(request, student, instance=convention, initial={"host": request.GET["host"]}),
        )
    data = request.POST if request.method == "POST" else None
    form = _form(request, student, data, instance=convention)
    periods: BasePeriodFormSet = PeriodFormSet(
        data,
        initial=[{"start": p.start, "end": p.end} for p in convention.active_periods()],
        prefix=PERIODS_PREFIX,
    )
    if data is not None and form.is_valid() and periods.is_valid():
        try:
            update_convention(
                convention,
                by=request.user,
                periods=periods.spans(),
                host=form.cleaned_data["host"],
                **form.convention_fields(),
            )
        except ConventionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, "Le brouillon de la convention est enregistré.")
            return redirect("conventions:detail", convention.pk)
    return render(
        request,
        "conventions/form.html",
        {
            "form": form,
            "periods": periods,
            "student": student,
            "convention": convention,
            "crumb": f"Convention n° {convention.pk}",
        },
    )
