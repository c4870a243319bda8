from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from milieu.conventions.enums import SIGNED_STATUSES, ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.editlock import EditConflict
from milieu.establishments.queries import coming_period
from milieu.evidence.pathways import evidence_pathway
from milieu.exams.dossier import build_dossier
from milieu.exams.queries import checked_dossier
from milieu.hosts.models import Placement, PlacementTransition
from milieu.hosts.operations import (
    TRANSITIONS,
    TransitionRefused,
    allowed_transitions,
    arrete_placement,
    propose_placement,
    reject_placement,
    validate_placement,
    withdraw_placement,
)
from milieu.http import HtmxHttpRequest, client_ip
from milieu.permissions import can, require, visible_hosts, visible_placements, visible_students
from milieu.students.enums import Pathway, RepeaterContract, RepeaterReport
from milieu.students.forms import (
    PlacementDecisionForm,
    ProposePlacementForm,
    RepresentativeFormSet,
    StudentForm,
)
from milieu.students.models import Student
from milieu.students.operations import update_student

# URL word -> (operation, French confirmation)
DECISIONS: dict[str, tuple[Callable[..., Placement], str]] = {
    "valider": (validate_placement, "Le choix de l’organisme est validé."),
    "arreter": (arrete_placement, "Le choix de l’organisme est arrêté."),
    "refuser": (reject_placement, "Le choix de l’organisme est refusé."),
    "retirer": (withdraw_placement, "Le choix de l’organisme est retiré."),
}
# operation name in `TRANSITIONS` -> URL word
_WORDS = {"validate": "valider", "arrete": "arreter", "reject": "refuser", "withdraw": "retirer"}


def _student(request: HttpRequest, pk: int, action: str = "student.view") -> Student:
    student: Student = get_object_or_404(visible_students(request.user), pk=pk)
    require(request.user, action, student)
    return student


def decisions_for(user: Any, placement: Placement) -> list[str]:
    """The decisions the placement's state allows and the user may take (URL words)."""
    return [
        _WORDS[name]
        for name in allowed_transitions(placement)
        if can(user, TRANSITIONS[name][2], placement)
    ]


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk)
    today = timezone.localdate()
    placements = list(
        student.placements.select_related("cohort_period", "host", "site", "tutor")
        .prefetch_related(
            Prefetch("transitions", queryset=PlacementTransition.objects.select_related("actor"))
        )
        .order_by("cohort_period__start", "created_at")
    )
    conventions = list(
        student.conventions.select_related("host")
        .prefetch_related(
            Prefetch(
                "periods",
                queryset=ConventionPeriod.objects.filter(active=True)
                .order_by("start")
                .prefetch_related("pedagogy_sessions"),
                to_attr="active_period_list",
            )
        )
        .order_by("-created_at", "-pk")
    )
    dossier = build_dossier(student, as_of=today)
    return render(
        request,
        "students/detail.html",
        {
            "student": student,
            "today": today,
            "representatives": list(student.representatives.all()),
            "placements": [(p, decisions_for(request.user, p)) for p in placements],
            "conventions": conventions,
            "placement_conventions": {
                c.placement_id: c
                for c in reversed(conventions)
                if c.placement_id and c.status != ConventionStatus.CANCELLED
            },
            "checked": checked_dossier(student, dossier, today),
            "followup": _followup_links(student),
            "accepted_pieces": _accepted_pieces(student, dossier),
        },
    )


def _accepted_pieces(student: Student, dossier: dict[str, Any]) -> list[tuple[str, str]]:
    """What accepted documents put in the dossier beside the stage (issue 11), for the verdict:
    a repeater's previous grid, an apprentice repeater's contract (001 §5, 002 §D, 003 §4), the
    BEP sector experience (000 §3)."""
    pieces: list[tuple[str, str]] = []
    repeater = dossier.get("repeater")
    if isinstance(repeater, dict):
        if student.repeater_report in (RepeaterReport.REUSE, RepeaterReport.MODIFIED):
            pieces.append(
                (
                    "Grille de la session précédente",
                    "acceptée : aucune nouvelle grille n'est exigée"
                    if repeater.get("previous_evaluation")
                    else "pas encore au dossier",
                )
            )
        if student.pathway == Pathway.APPRENTISSAGE:
            contract = repeater.get("contract")
            pieces.append(
                (
                    "Contrat de l'apprenti redoublant",
                    str(RepeaterContract(contract).label) + " (pièce acceptée)"
                    if contract
                    else "ni contrat prorogé ni nouveau contrat au dossier",
                )
            )
    if dossier.get("professional_experience_in_sector"):
        pieces.append(
            (
                "Expérience professionnelle dans le secteur",
                "certificat de travail accepté : stage non exigé",
            )
        )
    return pieces


def _followup_links(student: Student) -> dict[str, Any]:
    """What the follow-up section of the page offers, read from the catalogue, never from the
    diploma id: the training contract and bilan of each period (seed 004 §1), the report, the
    evidence replacing the certificate."""
    extra = student.cohort.catalogue_extra
    return {
        "period_documents": bool(extra.get("training_contract_items")),
        # BEP (seed 000 §1): préparation and exploitation pédagogique of each period
        "period_pedagogy": bool(extra.get("period_pedagogy")),
        "report": bool(extra.get("report_sections")),
        # a pathway replacing the certificate, or a repeater's / BEP adult's documents
        "evidence": bool(evidence_pathway(student).kinds),
        "signed_statuses": sorted(SIGNED_STATUSES),
    }


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier as judged today, in contract v1: `milieu check` gives the page's verdict."""
    student = _student(request, pk, "student.export")
    today = timezone.localdate()
    dossier = build_dossier(student, as_of=today)
    response = HttpResponse(
        json.dumps(dossier, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="dossier-{student.ine}-{today.isoformat()}.json"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The student's record; a save over someone else's newer change is refused (409), shows
    that change and keeps what the user typed, to be saved again knowingly."""
    student = _student(request, pk, "student.change")
    data = request.POST if request.method == "POST" else None
    form = StudentForm(data, instance=student)
    representatives = RepresentativeFormSet(data, instance=student, prefix="representants")
    conflict: EditConflict | None = None
    if data is not None and form.is_valid() and representatives.is_valid():
        try:
            update_student(
                form,
                representatives,
                version=form.cleaned_data["version"],
                by=request.user,
                ip=client_ip(request),
            )
        except EditConflict as refused:
            conflict = refused
            current = student = Student.objects.get(pk=student.pk)
            kept = data.copy()
            kept["version"] = str(current.version)  # saving again overwrites knowingly
            form = StudentForm(kept, instance=current)
            representatives = RepresentativeFormSet(kept, instance=current, prefix="representants")
        else:
            messages.success(request, "La fiche de l’élève est enregistrée.")
            return redirect("students:detail", student.pk)
    return render(
        request,
        "students/edit.html",
        {
            "student": student,
            "form": form,
            "representatives": representatives,
            "conflict": conflict,
        },
        status=409 if conflict is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def propose(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    student = _student(request, pk, "placement.propose")
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
                )
            except TransitionRefused as refusal:
                form.add_error(None, str(refusal))
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
            return render(request, "students/_host_options.html", {"form": form})
    return render(request, "students/propose.html", {"student": student, "form": form})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Valider, arrêter, refuser or retirer a host choice; a stale click is told politely."""
    if action not in DECISIONS:
        raise Http404
    placement = get_object_or_404(visible_placements(request.user), pk=pk)
    operation, done = DECISIONS[action]
    form = PlacementDecisionForm(request.POST, reason_required=action == "refuser")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("students:detail", placement.student_id)
    try:
        operation(placement, by=request.user, comment=form.cleaned_data["comment"])
    except TransitionRefused as refusal:
        messages.info(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect("students:detail", placement.student_id)
