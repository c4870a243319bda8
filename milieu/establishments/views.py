from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from milieu.audit.history import history_section
from milieu.checker.enums import VerdictStatus
from milieu.editlock import EditConflict
from milieu.establishments.forms import CohortForm, CohortPeriodForm, EstablishmentSettingsForm
from milieu.establishments.models import Cohort, CohortPeriod, Establishment
from milieu.establishments.operations import (
    create_cohort,
    save_period,
    update_cohort,
    update_settings,
)
from milieu.establishments.queries import cohort_counts, coming_period
from milieu.exams.cohort_verdicts import VerdictRow, verdict_rows
from milieu.exports import csv_response
from milieu.formats import weeks
from milieu.http import client_ip
from milieu.pagination import paginate
from milieu.people.invitations import joined_count
from milieu.people.requests import SignedInRequest
from milieu.permissions import (
    Action,
    can,
    get_object_for,
    require,
    visible_cohorts,
    visible_establishments,
)
from milieu.placements.board import board_rows, board_students
from milieu.rules.calendar import school_year_of


@login_required
def cohort_list(request: SignedInRequest) -> HttpResponse:
    require(request.user, Action.COHORT_LIST)
    cohorts = visible_cohorts(request.user)
    several = cohorts.order_by().values("establishment_id").distinct()[:2].count() > 1
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        cohorts = cohorts.filter(
            Q(name__icontains=query)
            | Q(establishment__name__icontains=query)
            | Q(establishment__city__icontains=query)
            | Q(establishment__uai__iexact=query)
        )
    page = paginate(request, cohorts.order_by("establishment__name", "-school_year", "name", "pk"))
    rows = cohort_counts(page.object_list, timezone.localdate())
    creatable = [
        e
        for e in visible_establishments(request.user)
        if can(request.user, Action.COHORT_CREATE, e)
    ]
    return render(
        request,
        "establishments/cohort_list.html",
        {
            "rows": rows,
            "page": page,
            "query": query,
            "may_create": bool(creatable),
            "several_establishments": several,
        },
    )


@login_required
def cohort_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_VIEW)
    periods = list(cohort.periods.all())
    today = timezone.localdate()
    period = coming_period(periods, today)
    page = paginate(request, board_students(cohort, period))
    return render(
        request,
        "establishments/cohort_detail.html",
        {
            "cohort": cohort,
            "periods": periods,
            "period": period,
            "rows": board_rows(cohort, period, page.object_list),
            "page": page,
            "today": today,
            # BEP (seed 000 §1): the attestation joined to the livret scolaire, for the cohort
            "livret": bool(cohort.catalogue_extra.get("livret_attestation"))
            and can(request.user, Action.LIVRET_EXPORT, cohort),
            "report_expected": bool(cohort.catalogue_extra.get("report_sections"))
            and can(request.user, Action.REPORT_LIST, cohort),
            "joined": joined_count(cohort),
            "history": history_section(
                request.user,
                [cohort, *periods],
                establishments=[cohort.establishment],
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: SignedInRequest) -> HttpResponse:
    establishments = [
        e
        for e in visible_establishments(request.user)
        if can(request.user, Action.COHORT_CREATE, e)
    ]
    if not establishments:
        raise PermissionDenied("Vous ne gérez aucun établissement.")
    today = timezone.localdate()
    year = school_year_of(today)  # the school year of today (1 September, milieu.rules.calendar)
    form = CohortForm(
        request.POST or None,
        establishments=establishments,
        initial={"school_year": year, "session": year + 1, "training_start": date(year, 9, 1)},
    )
    if request.method == "POST" and form.is_valid():
        cohort = create_cohort(form, by=request.user, ip=client_ip(request))
        messages.success(request, f"La promotion « {cohort.name} » est créée.")
        return redirect("establishments:cohort_detail", cohort.pk)
    return render(
        request,
        "establishments/cohort_form.html",
        {"form": form, "cohort": None, "conflict": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_CHANGE)
    form = CohortForm(request.POST or None, instance=cohort)
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            update_cohort(
                form, version=form.cleaned_data["version"], by=request.user, ip=client_ip(request)
            )
        except EditConflict as refused:
            conflict = refused
            kept = request.POST.copy()
            cohort = Cohort.objects.get(pk=cohort.pk)
            kept["version"] = str(cohort.version)  # saving again overwrites knowingly
            form = CohortForm(kept, instance=cohort)
        else:
            messages.success(request, "La promotion est enregistrée.")
            return redirect("establishments:cohort_detail", cohort.pk)
    if form.is_bound:  # the instance holds the typed values: the title keeps the saved name
        cohort = Cohort.objects.get(pk=cohort.pk)
    return render(
        request,
        "establishments/cohort_form.html",
        {"form": form, "cohort": cohort, "conflict": conflict},
        status=409 if conflict is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request: SignedInRequest, pk: int) -> HttpResponse:
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_CHANGE)
    form = CohortPeriodForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        period = save_period(form, by=request.user, ip=client_ip(request))
        messages.success(request, f"La période « {period.label} » est ajoutée.")
        return redirect("establishments:cohort_detail", cohort.pk)
    return render(
        request, "establishments/period_form.html", {"form": form, "cohort": cohort, "period": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: SignedInRequest, pk: int, period_pk: int) -> HttpResponse:
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_CHANGE)
    period = get_object_or_404(CohortPeriod, cohort=cohort, pk=period_pk)
    form = CohortPeriodForm(request.POST or None, instance=period, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        save_period(form, by=request.user, ip=client_ip(request))
        messages.success(request, f"La période « {period.label} » est enregistrée.")
        return redirect("establishments:cohort_detail", cohort.pk)
    return render(
        request,
        "establishments/period_form.html",
        {"form": form, "cohort": cohort, "period": period},
    )


AHEAD = "a-venir"


@login_required
def cohort_verdicts(request: SignedInRequest, pk: int) -> HttpResponse:
    """Each student's verdict, computed from the database as on the student page; CSV export."""
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_VIEW)
    today = timezone.localdate()
    rows = verdict_rows(cohort, today)
    if request.GET.get("format") == "csv":
        header = [
            "INE",
            "Nom",
            "Prénom",
            "Verdict",
            "Verdict du moteur à ce jour",
            "Semaines effectuées",
            "Semaines requises",
            "Motifs",
            "À venir",
        ]
        lines = [
            [
                row.student.ine,
                row.student.last_name,
                row.student.first_name,
                row.checked.error_message if row.checked.is_error else row.checked.shown_label,
                "" if row.checked.is_error else row.checked.status_label,
                weeks(row.checked.weeks_completed),
                weeks(row.checked.weeks_min),
                " | ".join(f.message for f in row.checked.findings),
                " | ".join(row.checked.outlook.lines) if row.checked.outlook else "",
            ]
            for row in rows
        ]
        return csv_response(
            f"verdicts-promotion-{cohort.pk}-{today.isoformat()}.csv", header, lines
        )
    chosen = request.GET.get("statut", "")
    # one group per row: « stage à venir » while the cohort has a PFMP period to come (issue 13
    # §11: no blocking verdict for a stage that has not started), otherwise the engine's status
    groups = [(AHEAD, "Stage à venir"), *((s.value, s.label) for s in VerdictStatus)]
    counts = {value: 0 for value, _ in groups}

    def group_of(row: VerdictRow) -> str:
        return AHEAD if row.checked.ahead else row.checked.status

    for row in rows:
        if group_of(row) in counts:
            counts[group_of(row)] += 1
    shown = [row for row in rows if not chosen or group_of(row) == chosen]
    return render(
        request,
        "establishments/cohort_verdicts.html",
        {
            "cohort": cohort,
            "today": today,
            "rows": shown,
            "total": len(rows),
            "chosen": chosen,
            "statuses": [(value, label, counts[value]) for value, label in groups],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def establishment_settings(request: SignedInRequest, pk: int) -> HttpResponse:
    """The establishment's team settings: single-person validation of conventions, students'
    own drafts (issue 13 §17). The head and the DDFPT edit them."""
    establishment: Establishment = get_object_for(
        request.user, visible_establishments(request.user), pk, Action.ESTABLISHMENT_SETTINGS
    )
    form = EstablishmentSettingsForm(request.POST or None, instance=establishment)
    if request.method == "POST" and form.is_valid():
        update_settings(form, by=request.user, ip=client_ip(request))
        messages.success(request, "Les réglages de l’établissement sont enregistrés.")
        return redirect("establishments:settings", establishment.pk)
    return render(
        request,
        "establishments/settings.html",
        {"form": form, "establishment": establishment},
    )
