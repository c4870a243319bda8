from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from milieu.audit.history import history_section
from milieu.conventions.enums import SIGNED_STATUSES, ConventionStatus
from milieu.conventions.models import ConventionPeriod
from milieu.editlock import EditConflict
from milieu.evidence.pathways import evidence_pathway
from milieu.exams.assembly import build_dossier
from milieu.exams.queries import checked_dossier
from milieu.hosts.models import PlacementTransition
from milieu.http import client_ip
from milieu.people.requests import SignedInRequest
from milieu.permissions import Action, student_for
from milieu.placements.views import decisions_for
from milieu.students.enums import Pathway, RepeaterContract, RepeaterReport
from milieu.students.forms import RepresentativeFormSet, StudentForm
from milieu.students.models import Student
from milieu.students.operations import update_student


@login_required
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    student = student_for(request.user, pk, Action.STUDENT_VIEW)
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
            "history": history_section(
                request.user, [student], establishments=[student.cohort.establishment]
            ),
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
def export(request: SignedInRequest, pk: int) -> HttpResponse:
    """The dossier as judged today, in contract v1: `milieu check` gives the page's verdict."""
    student = student_for(request.user, pk, Action.STUDENT_EXPORT)
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
def edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """The student's record; a save over someone else's newer change is refused (409), shows
    that change and keeps what the user typed, to be saved again knowingly."""
    student = student_for(request.user, pk, Action.STUDENT_CHANGE)
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
