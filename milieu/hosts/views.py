"""The host directory: hosts, their sites and tutors.

Every view has one shape: fetch through `get_object_for` over the `visible_*` querysets (404
when not visible, 403 when the action is refused), bind the form, call the operation, flash a
French message and redirect. The host's page ends with its « Historique » (its own, its sites'
and its tutors' edits, `milieu.audit.history`). Lists answer htmx requests with their results only (live search without reloading).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Value
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from milieu.audit.history import history_section
from milieu.conventions.enums import SignatoryRole, SignatureState
from milieu.conventions.models import Signatory
from milieu.hosts.countries import FRANCE
from milieu.hosts.forms import HostForm, HostSiteForm, TutorForm, compact
from milieu.hosts.models import (
    TUTOR_MAX_CURRENT_STUDENTS,
    Host,
    HostQuerySet,
    Tutor,
    TutorQuerySet,
)
from milieu.hosts.operations import DuplicateHost, add_site, create_host, save_tutor, update_host
from milieu.http import client_ip, int_param
from milieu.identifiers import siret_error
from milieu.people.requests import SignedInRequest
from milieu.permissions import (
    Action,
    can,
    editable_tutors_condition,
    get_object_for,
    own_establishment_ids,
    own_establishment_placements,
    require,
    scope_of,
    visible_establishments,
    visible_hosts,
    visible_tutors,
)

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100


def _search_text(request: SignedInRequest) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]


def _hosts(request: SignedInRequest) -> HostQuerySet:
    return cast(HostQuerySet, visible_hosts(request.user))


def _tutors(request: SignedInRequest) -> TutorQuerySet:
    return cast(TutorQuerySet, visible_tutors(request.user))


def _wants_results_only(request: SignedInRequest) -> bool:
    """An htmx search refreshes the results; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _with_editable(request: SignedInRequest, tutors: TutorQuerySet) -> TutorQuerySet:
    """Annotate `editable`: may the user edit this tutor (`tutor.change`)? In the list's own
    query, whatever the number of rows."""
    condition = editable_tutors_condition(request.user)
    value: Any = Value(False) if condition is None else ExpressionWrapper(condition, BooleanField())
    return tutors.annotate(editable=value)


def _editable(tutors: Any) -> dict[str, Any]:
    """Which of these (annotated) tutors the user may edit: a link on each such row."""
    editable = {tutor.pk for tutor in tutors if getattr(tutor, "editable", False)}
    return {"editable_tutor_ids": editable, "can_change_tutors": bool(editable)}


def _pending_signatures(tutor: Tutor) -> bool:
    return Signatory.objects.filter(
        convention__tutor=tutor, role=SignatoryRole.TUTOR, state=SignatureState.PENDING
    ).exists()


# --- hosts ------------------------------------------------------------------------------------


@login_required
@require_GET
def host_list(request: SignedInRequest) -> HttpResponse:
    """Annuaire des organismes d'accueil: search by name, trade name, city or SIRET prefix."""
    require(request.user, Action.HOST_VIEW)
    query = _search_text(request)
    hosts = _hosts(request).search(query).order_by("name", "pk")
    page = Paginator(hosts, PAGE_SIZE).get_page(request.GET.get("page"))
    digits = compact(query)
    context = {
        "query": query,
        "page": page,
        "import_into": [
            e
            for e in visible_establishments(request.user)
            if can(request.user, Action.ESTABLISHMENT_IMPORT, e)
        ],
        "can_create": can(request.user, Action.HOST_CREATE),
        "new_siret": digits if digits.isdigit() and len(digits) == 14 else "",
    }
    if _wants_results_only(request):
        return render(request, "hosts/_host_results.html", context)
    return render(request, "hosts/host_list.html", context)


@login_required
@require_GET
def host_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    host = get_object_for(request.user, _hosts(request), pk, Action.HOST_VIEW)
    scope = scope_of(request.user)
    today = timezone.localdate()
    own_ids = own_establishment_ids(request.user)
    tutors: list[Tutor] = []
    can_view_tutors = can(request.user, Action.TUTOR_VIEW)
    if can_view_tutors:
        tutors = list(
            _with_editable(request, _tutors(request))
            .filter(host=host)
            .with_current_students(own_ids, today)
            .order_by("last_name", "first_name", "pk")
        )
    sites = list(host.sites.all())
    siblings: list[Host] = []
    if host.country == FRANCE and host.siret:
        siblings = list(
            _hosts(request).same_siren(host.siret).exclude(pk=host.pk).order_by("siret")
        )
    placements = (
        own_establishment_placements(request.user)
        .filter(host=host)
        .select_related("student__cohort", "cohort_period", "tutor", "site")
        .order_by("-cohort_period__start", "student__last_name", "pk")
    )
    context = {
        "host": host,
        "sites": sites,
        "tutors": tutors,
        "can_view_tutors": can_view_tutors,
        "counts_students": bool(own_ids),
        "tutor_max": TUTOR_MAX_CURRENT_STUDENTS,
        "siblings": siblings,
        "placements": list(placements),
        "shows_placements": bool(scope.establishments),
        "as_student": scope.is_student and not scope.is_school_staff,
        "can_change": can(request.user, Action.HOST_CHANGE, host),
        "can_create_tutor": can(request.user, Action.TUTOR_CREATE, host),
        # the host's, its sites' and its tutors' edits, as written for the reader's schools
        "history": history_section(
            request.user,
            [host, *sites, *tutors],
            establishments=list(visible_establishments(request.user).filter(pk__in=own_ids)),
            shared=True,
        ),
        **_editable(tutors),
    }
    return render(request, "hosts/host_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def host_create(request: SignedInRequest) -> HttpResponse:
    require(request.user, Action.HOST_CREATE)
    if request.method == "POST":
        form = HostForm(request.POST)
        if form.is_valid():
            try:
                host = create_host(form.save(commit=False), by=request.user, ip=client_ip(request))
            except DuplicateHost as error:
                form.add_error("siret", str(error))
            else:
                messages.success(request, f"L’organisme « {host} » a été ajouté à l’annuaire.")
                return redirect("hosts:detail", pk=host.pk)
    else:
        siret = compact(request.GET.get("siret", ""))[:14]
        form = HostForm(initial={"siret": siret} if siret.isdigit() else {})
    return render(request, "hosts/host_form.html", {"form": form, "host": None})


@login_required
@require_http_methods(["GET", "POST"])
def host_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    host = get_object_for(request.user, _hosts(request), pk, Action.HOST_CHANGE)
    form = HostForm(request.POST if request.method == "POST" else None, instance=host)
    if request.method == "POST" and form.is_valid():
        try:
            update_host(form.save(commit=False), by=request.user, ip=client_ip(request))
        except DuplicateHost as error:
            form.add_error("siret", str(error))
        else:
            messages.success(request, "Les modifications de l’organisme ont été enregistrées.")
            return redirect("hosts:detail", pk=host.pk)
    if form.is_bound:
        # The instance holds the rejected values: show the saved name in the title.
        host = Host.objects.get(pk=host.pk)
    return render(request, "hosts/host_form.html", {"form": form, "host": host})


@login_required
@require_GET
def check_siret(request: SignedInRequest) -> HttpResponse:
    """While the SIRET is typed: is it valid, already registered, or a known company's?"""
    require(request.user, Action.HOST_VIEW)
    siret = compact(request.GET.get("siret", ""))[:20]
    country = request.GET.get("country", FRANCE).upper()[:2]
    hosts = _hosts(request)
    exclude = int_param(request, "organisme")
    if exclude is not None:
        hosts = hosts.exclude(pk=exclude)
    context: dict[str, Any] = {"siret": siret, "error": None, "duplicate": None, "siblings": []}
    if country == FRANCE and siret:
        context["error"] = siret_error(siret)
        if context["error"] is None:
            context["duplicate"] = hosts.same_siret(siret).first()
            context["siblings"] = list(hosts.same_siren(siret).exclude(siret=siret)[:20])
    context["checked"] = country == FRANCE and bool(siret)
    return render(request, "hosts/_siret_check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: SignedInRequest, pk: int) -> HttpResponse:
    host = get_object_for(request.user, _hosts(request), pk, Action.HOST_CHANGE)
    form = HostSiteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        site = add_site(host, form.save(commit=False), by=request.user, ip=client_ip(request))
        messages.success(request, f"Le site « {site} » a été ajouté.")
        return redirect("hosts:detail", pk=host.pk)
    return render(request, "hosts/site_form.html", {"form": form, "host": host})


# --- tutors -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tutor_create(request: SignedInRequest, pk: int) -> HttpResponse:
    host = get_object_for(request.user, _hosts(request), pk, Action.TUTOR_CREATE)
    form = TutorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        tutor = save_tutor(host, form.save(commit=False), by=request.user, ip=client_ip(request))
        messages.success(request, f"{tutor} a été ajouté comme tuteur.")
        return redirect("hosts:detail", pk=host.pk)
    return render(request, "hosts/tutor_form.html", {"form": form, "host": host, "tutor": None})


@login_required
@require_http_methods(["GET", "POST"])
def tutor_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    tutor = get_object_for(
        request.user, _tutors(request).select_related("host"), pk, Action.TUTOR_CHANGE
    )
    host = tutor.host
    saved_name = str(tutor)
    form = TutorForm(request.POST if request.method == "POST" else None, instance=tutor)
    if request.method == "POST" and form.is_valid():
        save_tutor(host, form.save(commit=False), by=request.user, ip=client_ip(request))
        messages.success(request, "Les modifications du tuteur ont été enregistrées.")
        if "email" in form.changed_data and _pending_signatures(tutor):
            messages.info(
                request,
                "Les signatures déjà demandées restent envoyées à l’adresse en vigueur lors de "
                "l’envoi de la convention : la nouvelle adresse servira aux prochains envois.",
            )
        return redirect("hosts:detail", pk=host.pk)
    context = {"form": form, "host": host, "tutor": tutor, "saved_name": saved_name}
    return render(request, "hosts/tutor_form.html", context)


@login_required
@require_GET
def tutor_list(request: SignedInRequest) -> HttpResponse:
    """Les tuteurs, leur organisme et, pour l'établissement de l'utilisateur, le nombre de ses
    élèves qu'ils suivent aujourd'hui (au plus 3 à la fois : D124-3)."""
    require(request.user, Action.TUTOR_VIEW)
    query = _search_text(request)
    own_ids = own_establishment_ids(request.user)
    busy_only = request.GET.get("suivis") == "1" and bool(own_ids)
    tutors = (
        _with_editable(request, _tutors(request))
        .search(query)
        .select_related("host")
        .with_current_students(own_ids, timezone.localdate())
        .order_by("last_name", "first_name", "pk")
    )
    if busy_only:
        tutors = tutors.filter(current_students__gt=0)  # type: ignore[misc]
    page = Paginator(tutors, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "busy_only": busy_only,
        "page": page,
        "counts_students": bool(own_ids),
        "tutor_max": TUTOR_MAX_CURRENT_STUDENTS,
        **_editable(page.object_list),
    }
    if _wants_results_only(request):
        return render(request, "hosts/_tutor_results.html", context)
    return render(request, "hosts/tutor_list.html", context)
