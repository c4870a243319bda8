"""The pages of the host choice: propose a host for a period, decide on a choice, and the
cohort's placement board (who has a host for a period)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from milieu.establishments.queries import coming_period
from milieu.hosts.models import Placement
from milieu.http import client_ip
from milieu.pagination import paginate
from milieu.people.requests import SignedInRequest
from milieu.permissions import (
    Action,
    can,
    get_object_for,
    student_for,
    visible_cohorts,
    visible_hosts,
    visible_placements,
)
from milieu.placements.board import (
    BOARD_FILTERS,
    FILTERS_BY_SLUG,
    board_counts,
    board_rows,
    board_students,
    filtered,
    school_finds_host,
    without_retained_host,
)
from milieu.placements.forms import PlacementDecisionForm, ProposePlacementForm
from milieu.placements.operations import (
    PLACEMENT_FLOW,
    PlacementRefused,
    decide,
    propose_placement,
)

if TYPE_CHECKING:
    from milieu.people.models import User

# URL word -> (transition of `PLACEMENT_FLOW`, French confirmation)
DECISIONS: dict[str, tuple[str, str]] = {
    "valider": ("validate", "Le choix de l’organisme est validé."),
    "arreter": ("arrete", "Le choix de l’organisme est arrêté."),
    "refuser": ("reject", "Le choix de l’organisme est refusé."),
    "retirer": ("withdraw", "Le choix de l’organisme est retiré."),
}
WORDS = {name: word for word, (name, _) in DECISIONS.items()}


def decisions_for(user: User, placement: Placement) -> list[str]:
    """The decisions the placement's state allows and the user may take (URL words)."""
    words = []
    for name in PLACEMENT_FLOW.allowed(placement):  # only transitions with a permission
        permission = PLACEMENT_FLOW[name].permission
        if permission is not None and can(user, permission, placement):
            words.append(WORDS[name])
    return words


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def propose(request: SignedInRequest, pk: int) -> HttpResponse:
    student = student_for(request.user, pk, Action.PLACEMENT_PROPOSE)
    periods = student.cohort.periods.all()
    hosts = visible_hosts(request.user).order_by("name")
    if request.method == "POST":
        form = ProposePlacementForm(request.POST, periods=periods, hosts=hosts)
        if form.is_valid():
            try:
                placement = propose_placement(
                    student,
                    cohort_period=form.cleaned_data["cohort_period"],
                    host=form.cleaned_data["host"],
                    site=form.cleaned_data["site"],
                    tutor=form.cleaned_data["tutor"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                    ip=client_ip(request),
                )
            except PlacementRefused as refusal:  # the form comes back with what was typed
                form.add_error(None, refusal.user_message())
            else:
                messages.success(
                    request,
                    f"L’organisme « {placement.host} » est proposé pour "
                    f"« {placement.cohort_period.label} ».",
                )
                return redirect("students:detail", student.pk)
    else:
        coming = coming_period(periods, timezone.localdate())
        form = ProposePlacementForm(
            initial={"cohort_period": coming, "host": request.GET.get("host")},
            periods=periods,
            hosts=hosts,
        )
        if request.htmx:
            return render(request, "placements/_host_options.html", {"form": form})
    return render(request, "placements/propose.html", {"student": student, "form": form})


@login_required
@require_POST
def decide_placement(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    """Valider, arrêter, refuser or retirer a host choice; a stale click is told politely (the
    refusal's message, by `milieu.middleware.RefusedMiddleware`)."""
    if action not in DECISIONS:
        raise Http404
    name, done = DECISIONS[action]
    permission = PLACEMENT_FLOW[name].permission
    assert permission is not None  # every decision is a person's, with its permission
    placement = get_object_for(
        request.user,
        visible_placements(request.user).select_related("student__cohort"),
        pk,
        permission,
    )
    form = PlacementDecisionForm(request.POST, reason_required=action == "refuser")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("students:detail", placement.student_id)
    decide(
        placement,
        name,
        by=request.user,
        comment=form.cleaned_data["comment"],
        ip=client_ip(request),
    )
    messages.success(request, done)
    return redirect("students:detail", placement.student_id)


@login_required
@vary_on_headers("HX-Request")
def placement_board(request: SignedInRequest, pk: int) -> HttpResponse:
    """Who has a host for a period: filters (htmx, no reload) and the BEP rule of seed 000 §1."""
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_VIEW)
    periods = list(cohort.periods.all())
    chosen = request.GET.get("periode", "")
    period = next((p for p in periods if str(p.pk) == chosen), None) or coming_period(
        periods, timezone.localdate()
    )
    current = FILTERS_BY_SLUG.get(request.GET.get("filtre", ""), BOARD_FILTERS[0])
    students = board_students(cohort, period)
    # the counts of the filters by one grouped COUNT; the rows of the page's 50 students only
    counts = board_counts(students)
    rule = school_finds_host(cohort)
    page = paginate(request, filtered(students, current), count=counts[current.slug])
    rows = board_rows(cohort, period, page.object_list)
    page.object_list = rows
    context = {
        "cohort": cohort,
        "periods": periods,
        "period": period,
        "period_over": period is not None and period.end < timezone.localdate(),
        "filters": [(f, counts[f.slug]) for f in BOARD_FILTERS],
        "current": current,
        "total": counts[BOARD_FILTERS[0].slug],
        "page": page,
        "rows": rows,
        # the right to create a convention depends on the cohort, not on the student (staff)
        "may_create_conventions": bool(rows)
        and can(request.user, Action.CONVENTION_CREATE, rows[0].student),
        "rule": rule,
        "without_retained_host": without_retained_host(students) if rule else [],
    }
    template = "placements/_board.html" if request.htmx else "placements/board.html"
    return render(request, template, context)
