"""The exam side's pages: the rectorat's sessions, the derogation requests and the queue.

Objects are fetched through what the user may see (`visible_derogations`, `visible_students`,
`visible_sessions`: another school's or académie's object is a 404), then `milieu.permissions`
answers for the action (403). Files are sent only after that check, as they are stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from milieu import storage
from milieu.exams.enums import STATUS_BADGES, DerogationStatus
from milieu.exams.forms import DecisionForm, DerogationForm, ExamSessionForm
from milieu.exams.models import DerogationRequest, DerogationTransition, ExamSession
from milieu.exams.operations import (
    DEROGATION_FLOW,
    ExamsInvalid,
    ExamsRefused,
    allowed_transitions,
    create_request,
    grant_request,
    refuse_request,
    save_exam_session,
    submit_request,
    update_request,
    withdraw_request,
)
from milieu.exams.options import derogation_options
from milieu.exams.queries import queue_of, visible_derogations, visible_sessions
from milieu.exams.uploads import AttachmentRefused
from milieu.http import client_ip, stored_file_response
from milieu.people.models import User
from milieu.permissions import (
    Action,
    can,
    get_object_for,
    require,
    visible_academies,
    visible_students,
)
from milieu.students.models import Student

# URL word -> transition name in DEROGATION_FLOW
ACTIONS = {"soumettre": "submit", "retirer": "withdraw", "accorder": "grant", "refuser": "refuse"}
WORDS = {name: word for word, name in ACTIONS.items()}
CONFIRMATIONS = {
    "submit": "La demande est transmise au rectorat.",
    "withdraw": "La demande est retirée.",
    "grant": "La dérogation est accordée : la décision du recteur est délivrée.",
    "refuse": "La demande est refusée ; le motif est envoyé à l’établissement.",
}


# --- exam sessions ---------------------------------------------------------------------------

SESSION_LABELS = {
    "diploma": "Diplôme",
    "session": "Session",
    "exam_date": "Date de l’examen",
    "report_deadline": "Date limite de remise",
    "transmission": "Procédure de transmission",
    "pilot_academie": "Académie pilote",
}


def acting(request: HttpRequest) -> User:
    """The signed-in user who acts (every view here is `login_required`)."""
    assert isinstance(request.user, User)
    return request.user


def _permission(name: str) -> Action:
    permission = DEROGATION_FLOW[name].permission
    assert permission is not None  # every transition of the table is a person's
    return permission


def _managed_academies(request: HttpRequest) -> list[Any]:
    return [
        a
        for a in visible_academies(request.user)
        if can(request.user, Action.EXAM_SESSION_MANAGE, a)
    ]


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EXAM_SESSION_LIST)
    sessions = list(
        visible_sessions(request.user).order_by("academie__name", "-session", "diploma")
    )
    return render(
        request,
        "exams/session_list.html",
        {"sessions": sessions, "may_create": bool(_managed_academies(request))},
    )


def _academie_field(form: ExamSessionForm, academies: list[Any]) -> None:
    if len(academies) > 1:
        form.fields["academie"] = forms.ChoiceField(
            label="Académie", choices=[(str(a.pk), str(a)) for a in academies]
        )


def _session_page(
    request: HttpRequest,
    form: ExamSessionForm,
    instance: ExamSession | None,
    status: int = 200,
) -> HttpResponse:
    changes = [
        (
            change,
            [
                (SESSION_LABELS.get(name, name), values[0], values[1])
                for name, values in change.changes.items()
            ],
        )
        for change in (
            instance.changes.select_related("actor").order_by("-at", "-pk") if instance else []
        )
    ]
    return render(
        request,
        "exams/session_form.html",
        {"form": form, "instance": instance, "changes": changes},
        status=status,
    )


def _save_session(
    request: HttpRequest, form: ExamSessionForm, academie: Any, instance: ExamSession | None
) -> HttpResponse | None:
    try:
        saved = save_exam_session(
            academie,
            form.data_object(),
            by=acting(request),
            instance=instance,
            ip=client_ip(request),
        )
    except ExamsInvalid as invalid:
        for name, message in invalid.errors.items():
            form.add_error(name if name in form.fields else None, message)
        return None
    messages.success(request, f"{saved} : enregistrée.")
    return redirect("exams:session_list")


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    academies = _managed_academies(request)
    if not academies:
        raise PermissionDenied("Les sessions d’examen sont fixées par le rectorat.")
    form = ExamSessionForm(request.POST or None)
    _academie_field(form, academies)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("academie")
        academie = next((a for a in academies if str(a.pk) == chosen), academies[0])
        response = _save_session(request, form, academie, None)
        if response is not None:
            return response
    return _session_page(request, form, None, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instance: ExamSession = get_object_or_404(visible_sessions(request.user), pk=pk)
    require(request.user, Action.EXAM_SESSION_MANAGE, instance.academie)
    initial = {
        "diploma": instance.diploma,
        "session": instance.session,
        "exam_date": instance.exam_date,
        "report_deadline": instance.report_deadline,
        "transmission": instance.transmission,
        "pilot_academie": instance.pilot_academie,
    }
    form = ExamSessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save_session(request, form, instance.academie, instance)
        if response is not None:
            return response
    return _session_page(request, form, instance, status=400 if request.method == "POST" else 200)


# --- derogation requests ---------------------------------------------------------------------


@login_required
def derogation_list(request: HttpRequest) -> HttpResponse:
    """The school's requests (its establishments) and, for the rectorat, its académie's."""
    require(request.user, Action.DEROGATION_LIST)
    chosen = request.GET.get("etat", "")
    requests = visible_derogations(request.user).order_by("-created_at", "-pk")
    if chosen in DerogationStatus.values:
        requests = requests.filter(status=chosen)
    rows = [(r, STATUS_BADGES.get(r.status, "")) for r in requests]
    return render(
        request,
        "exams/derogation_list.html",
        {
            "rows": rows,
            "statuses": DerogationStatus.choices,
            "chosen": chosen,
            "may_queue": can(request.user, Action.DEROGATION_QUEUE),
        },
    )


@login_required
def derogation_queue(request: HttpRequest) -> HttpResponse:
    """The rectorat's queue: submitted requests of its académie, oldest first."""
    require(request.user, Action.DEROGATION_QUEUE)
    rows = [(r, can(request.user, Action.DEROGATION_DECIDE, r)) for r in queue_of(request.user)]
    return render(request, "exams/derogation_queue.html", {"rows": rows})


def _form_page(
    request: HttpRequest,
    student: Student,
    form: DerogationForm,
    instance: DerogationRequest | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "exams/derogation_form.html",
        {
            "student": student,
            "form": form,
            "instance": instance,
            "options": form.options,
            "attachments": list(instance.attachments.all()) if instance else [],
        },
        status=status,
    )


def _apply_errors(form: DerogationForm, invalid: ExamsInvalid) -> None:
    for name, message in invalid.errors.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def derogation_create(request: HttpRequest, student_pk: int) -> HttpResponse:
    student: Student = get_object_for(
        request.user, visible_students(request.user), student_pk, Action.DEROGATION_REQUEST
    )
    options = derogation_options(student)
    if request.method != "POST":
        return _form_page(request, student, DerogationForm(options=options), None)
    form = DerogationForm(request.POST, request.FILES, options=options)
    if form.is_valid():
        try:
            created = create_request(
                student,
                form.data_object(),
                by=acting(request),
                uploads=form.cleaned_data.get("attachments") or [],
                ip=client_ip(request),
                refuse_duplicate=True,
            )
        except AttachmentRefused as refused:
            form.add_error("attachments", str(refused))
        except ExamsInvalid as invalid:
            _apply_errors(form, invalid)
        except ExamsRefused as refused:
            form.add_error(None, str(refused))
        else:
            if request.POST.get("transmettre"):
                try:
                    submit_request(created, by=acting(request), ip=client_ip(request))
                except ExamsRefused as refused:  # the draft is kept: say so on its page
                    messages.error(request, str(refused))
                    return redirect("exams:derogation_detail", pk=created.pk)
            if created.status == DerogationStatus.DRAFT:
                messages.success(request, "La demande est enregistrée en brouillon.")
            else:
                messages.success(request, CONFIRMATIONS["submit"])
            return redirect("exams:derogation_detail", pk=created.pk)
    return _form_page(request, student, form, None, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def derogation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_for(
        request.user, visible_derogations(request.user), pk, Action.DEROGATION_CHANGE
    )
    if found.status != DerogationStatus.DRAFT:
        messages.info(request, "Seul un brouillon se modifie.")
        return redirect("exams:derogation_detail", pk=found.pk)
    options = derogation_options(found.student)
    if request.method != "POST":
        initial = {
            "kind": found.kind,
            "reason": found.reason,
            "weeks": found.weeks,
            "units": found.units,
            "justification": found.justification,
        }
        return _form_page(
            request, found.student, DerogationForm(initial=initial, options=options), found
        )
    form = DerogationForm(request.POST, request.FILES, options=options)
    if form.is_valid():
        try:
            update_request(
                found,
                form.data_object(),
                by=acting(request),
                uploads=form.cleaned_data.get("attachments") or [],
                ip=client_ip(request),
            )
            if request.POST.get("transmettre"):
                submit_request(found, by=acting(request), ip=client_ip(request))
        except AttachmentRefused as refused:
            form.add_error("attachments", str(refused))
        except ExamsInvalid as invalid:
            _apply_errors(form, invalid)
        except ExamsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                CONFIRMATIONS["submit"]
                if request.POST.get("transmettre")
                else "Le brouillon est enregistré.",
            )
            return redirect("exams:derogation_detail", pk=found.pk)
    return _form_page(request, found.student, form, found, status=400)


def actions_for(user: Any, found: DerogationRequest) -> list[str]:
    """The transitions the request's state allows and the user may take (URL words)."""
    return [
        WORDS[name] for name in allowed_transitions(found) if can(user, _permission(name), found)
    ]


@login_required
def derogation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_for(
        request.user, visible_derogations(request.user), pk, Action.DEROGATION_VIEW
    )
    history = list(
        DerogationTransition.objects.filter(request=found)
        .select_related("actor")
        .order_by("at", "pk")
    )
    options = derogation_options(found.student)
    option = options.kinds.get(found.kind)
    return render(
        request,
        "exams/derogation_detail.html",
        {
            "item": found,
            "badge": STATUS_BADGES.get(found.status, ""),
            "history": history,
            "attachments": list(found.attachments.all()),
            "decision": getattr(found, "decision", None)
            if found.status == DerogationStatus.GRANTED
            else None,
            "actions": actions_for(request.user, found),
            "may_edit": found.status == DerogationStatus.DRAFT
            and can(request.user, Action.DEROGATION_CHANGE, found),
            "rule": option.rule if option else None,
            "source": options.cite(option.rule) if option else "",
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def derogation_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    name = ACTIONS.get(action)
    if name is None:
        raise Http404("Action inconnue.")
    found = get_object_for(request.user, visible_derogations(request.user), pk, _permission(name))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("exams:derogation_detail", pk=found.pk)
    comment = form.cleaned_data.get("comment") or ""
    ip = client_ip(request)
    user = acting(request)
    if name == "submit":
        submit_request(found, by=user, ip=ip, comment=comment)
    elif name == "withdraw":
        withdraw_request(found, by=user, ip=ip, comment=comment)
    elif name == "grant":
        grant_request(found, by=user, ip=ip, comment=comment)
    else:
        refuse_request(found, by=user, ip=ip, reason=comment)
    messages.success(request, CONFIRMATIONS[name])
    if name in ("grant", "refuse") and request.POST.get("retour") == "file":
        return redirect("exams:derogation_queue")
    return redirect("exams:derogation_detail", pk=found.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = get_object_for(
        request.user, visible_derogations(request.user), pk, Action.DEROGATION_VIEW
    )
    attachment = get_object_or_404(found.attachments, pk=attachment_pk)
    try:
        content = storage.read(attachment.path)
    except (OSError, ValueError) as missing:
        raise Http404("Fichier introuvable.") from missing
    return stored_file_response(
        content, sha256=attachment.sha256, filename=attachment.original_name or "piece.pdf"
    )


@login_required
def decision_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The recteur's decision as it was issued (never rebuilt), with its SHA-256."""
    found = get_object_for(
        request.user, visible_derogations(request.user), pk, Action.DEROGATION_VIEW
    )
    decision = (
        getattr(found, "decision", None) if found.status == DerogationStatus.GRANTED else None
    )
    if decision is None:
        raise Http404("Aucune décision délivrée pour cette demande.")
    return stored_file_response(
        decision.content,
        sha256=decision.sha256,
        filename=f"decision-recteur-demande-{found.pk}.pdf",
    )
