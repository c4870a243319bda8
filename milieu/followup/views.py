"""Follow-up views. The tutor's pages are public (the link's token is the credential and opens
one intern's convention only); the staff and candidate pages go through `milieu.permissions`
(objects are fetched through `visible_conventions`: another school's are a 404). Every change is
a function of `milieu.followup.operations`; a view reads the form, calls it, says the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from milieu import storage
from milieu.audit.downloads import audit_minor_download
from milieu.conventions.enums import SIGNED_STATUSES
from milieu.conventions.models import Convention, ConventionPeriod
from milieu.followup.forms import (
    AbsenceForm,
    CertificateForm,
    EvaluationForm,
    PaperCertificateForm,
    PedagogySessionForm,
    PeriodDocumentForm,
    PresenceForm,
    TutorNameForm,
    VisitAnswerForm,
)
from milieu.followup.models import (
    Certificate,
    Evaluation,
    EvaluationStatus,
    PeriodDocument,
    TrainingContract,
    TutorAccess,
)
from milieu.followup.operations import (
    KINDS,
    DocumentKind,
    FollowupRefused,
    adjust_evaluation,
    confirm_presence,
    cosign_evaluation,
    declare_absence,
    edit_period_document,
    evaluation_of,
    figures,
    fill_evaluation,
    grid_of,
    issue_certificate,
    issue_tutor_link,
    items_of,
    last_day_of,
    period_of,
    record_paper_certificate,
    renew_tutor_link,
    resolve_access,
    revoke_tutor_link,
    sign_period_document,
)
from milieu.followup.pedagogy import (
    missing_kinds,
    pedagogy_reference,
    pedagogy_required,
    record_pedagogy_session,
    sessions_by_period,
)
from milieu.http import client_ip, parse_id, stored_file_response
from milieu.permissions import can, require, visible_conventions
from milieu.visits.models import Visit
from milieu.visits.operations import VisitRefused, answer_visit_as_tutor, tutor_visits


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "followup/link_refused.html", {"message": message}, status=410)


def _pdf(content: Any, sha256: str, filename: str) -> HttpResponse:
    return stored_file_response(content, sha256=sha256, filename=filename, inline=True)


def _certificate_pdf(certificate: Certificate) -> HttpResponse:
    return _pdf(certificate.content, certificate.sha256, f"attestation-{certificate.pk}.pdf")


def _audited(
    request: HttpRequest, response: HttpResponse, conv: Convention, document: Any, by_link: bool
) -> HttpResponse:
    """The download recorded in the audit journal when the stage's student is a minor."""
    label = f"{conv.tutor or 'Tuteur'} — lien de suivi" if by_link else ""
    return audit_minor_download(
        request, response, students=[conv.student], document=document, actor_label=label
    )


# kind -> the staff page, its PDF, the tutor's PDF
URL_NAMES = {
    "contract": (
        "followup:training_contract",
        "followup:training_contract_pdf",
        "followup:tutor_training_contract",
    ),
    "bilan": ("followup:bilan", "followup:bilan_pdf", "followup:tutor_bilan"),
}


def _document_panel(
    kind: DocumentKind,
    period: ConventionPeriod,
    items: list[str],
    *,
    form: PeriodDocumentForm | None = None,
    tutor: bool = False,
    prefix: str = "",
) -> dict[str, Any]:
    """What a page shows of one period's contract or bilan: text, agreements, warnings."""
    document: PeriodDocument | None = getattr(period, kind.related_name, None)
    today = timezone.localdate()
    warnings = []
    if isinstance(document, TrainingContract) and document.established_late:
        completed = timezone.localtime(document.completed_at)
        warnings.append(
            f"Contrat établi après le début de la période : signé par les trois parties le "
            f"{completed:%d/%m/%Y}, la période a commencé le {period.start:%d/%m/%Y}."
        )
    elif kind.name == "contract" and document is not None and not document.completed:
        if period.start <= today:
            warnings.append(
                f"La période a commencé le {period.start:%d/%m/%Y} : ce contrat, à négocier "
                "avant la période, sera établi après le début de la période."
            )
    elif kind.name == "contract" and document is None and period.start <= today:
        warnings.append(
            f"La période a commencé le {period.start:%d/%m/%Y} sans contrat individuel de "
            "formation : il sera établi après le début de la période."
        )
    if kind.name == "bilan" and period.end > today and not (document and document.completed):
        warnings.append(
            "Le bilan individuel s'établit après la période : il pourra être signé à partir du "
            f"{period.end:%d/%m/%Y}."
        )
    if form is None and not (document and document.completed):
        form = PeriodDocumentForm(
            items,
            initial=PeriodDocumentForm.initial_from(document),
            tutor=tutor,
            prefix=prefix or f"{kind.name}-{period.pk}",
        )
    page, pdf, tutor_pdf = URL_NAMES[kind.name]
    return {
        "kind": kind,
        "page_url_name": page,
        "pdf_url_name": pdf,
        "tutor_pdf_url_name": tutor_pdf,
        "period": period,
        "document": document,
        "pairs": document.pairs() if document else [(label, "") for label in items],
        "form": form,
        "warnings": warnings,
    }


def _periods(convention: Convention, *, tutor: bool = False) -> list[dict[str, Any]]:
    kinds = [(kind, items_of(kind, convention)) for kind in KINDS.values()]
    rows = []
    for period in (
        ConventionPeriod.objects.filter(convention=convention, active=True)
        .select_related("convention", "certificate", "training_contract", "bilan")
        .prefetch_related("absences", "presence_confirmations")
        .order_by("start")
    ):
        rows.append(
            {
                "period": period,
                "figures": figures(period),
                "absences": list(period.absences.all()),
                "presences": list(period.presence_confirmations.all()),
                "certificate": getattr(period, "certificate", None),
                "documents": [
                    _document_panel(kind, period, items, tutor=tutor)
                    for kind, items in kinds
                    if items
                ],
            }
        )
    return rows


# --- the tutor's page ------------------------------------------------------------------------


def _tutor_absence(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    form = forms["absence"] = AbsenceForm(request.POST, prefix="absence")
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    declare_absence(
        access,
        period_of(access, data["period"]),
        start=data["start"],
        end=data["end"],
        days=data["days"],
        reason=data["reason"],
        declared_by=data["declared_by"],
        ip=client_ip(request),
    )
    return "Absence enregistrée."


def _tutor_certificate(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    form = forms["certificate"] = CertificateForm(request.POST, prefix="certificate")
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    issue_certificate(
        access,
        period_of(access, data["period"]),
        tutor_name=data["tutor_name"],
        gratification_paid=data["gratification_paid"],
        ip=client_ip(request),
    )
    return "Attestation de stage délivrée."


def _tutor_presence(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    form = forms["presence"] = PresenceForm(request.POST, prefix="presence")
    if not form.is_valid():
        return ""
    data = form.cleaned_data
    confirm_presence(
        access,
        period_of(access, data["period"]),
        day=data["day"],
        tutor_name=data["tutor_name"],
        ip=client_ip(request),
    )
    return f"Présence du stagiaire confirmée le {data['day']:%d/%m/%Y}."


def _tutor_evaluation(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    grid = grid_of(access.convention)
    if grid is None:
        raise FollowupRefused("Le diplôme de ce stage ne prévoit pas de grille d'évaluation.")
    existing = evaluation_of(access.convention)
    form = forms["evaluation"] = EvaluationForm(
        existing.grid if existing else grid, request.POST, tutor=True, prefix="evaluation"
    )
    if not form.is_valid():
        return ""
    submit = request.POST.get("submit") != "draft"
    fill_evaluation(
        access,
        levels=form.levels(),
        comments=form.comments(),
        appreciation=form.cleaned_data["appreciation"],
        tutor_name=form.cleaned_data["tutor_name"],
        submit=submit,
        ip=client_ip(request),
    )
    if submit:
        return "Grille d'évaluation transmise à l'équipe pédagogique."
    return "Brouillon de la grille d'évaluation enregistré."


def _tutor_document_edit(kind: DocumentKind) -> Callable[..., str]:
    def handle(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
        period = period_of(access, request.POST.get("period"))
        items = items_of(kind, access.convention)
        form = PeriodDocumentForm(
            items, request.POST, tutor=True, prefix=f"{kind.name}-{period.pk}"
        )
        forms["documents"][(kind.name, period.pk)] = form
        if not form.is_valid():
            return ""
        edit_period_document(
            kind,
            period,
            form.answers(),
            access=access,
            tutor_name=form.cleaned_data["tutor_name"],
            ip=client_ip(request),
        )
        return f"{kind.title} enregistré : les accords déjà donnés sont effacés."

    return handle


def _tutor_document_sign(kind: DocumentKind) -> Callable[..., str]:
    def handle(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
        form = forms[f"{kind.name}-sign"] = TutorNameForm(request.POST, prefix=f"{kind.name}-sign")
        if not form.is_valid():
            return ""
        document = sign_period_document(
            kind,
            period_of(access, form.cleaned_data["period"]),
            access=access,
            tutor_name=form.cleaned_data["tutor_name"],
            ip=client_ip(request),
        )
        if document.completed:
            return f"{kind.title} signé par les trois parties : il est établi."
        return "Votre accord est enregistré."

    return handle


def _tutor_visit_answer(request: HttpRequest, access: TutorAccess, forms: dict[str, Any]) -> str:
    """The tutor confirms a planned visit or proposes another date (seed 004)."""
    visit_pk = parse_id(request.POST.get("visit-visit"))
    form = VisitAnswerForm(request.POST, prefix="visit")
    forms["visits"][visit_pk] = form
    if not form.is_valid():
        return ""
    visit = Visit.objects.filter(
        pk=form.cleaned_data["visit"], convention=access.convention
    ).first()
    if visit is None:
        raise FollowupRefused("Cette visite n'est pas une visite de ce stage.")
    data = form.cleaned_data
    try:
        answered = answer_visit_as_tutor(
            access,
            visit,
            confirm=data["answer"] == "confirm",
            tutor_name=data["tutor_name"],
            proposed_at=data["proposed_at"],
            comment=data["comment"],
        )
    except VisitRefused as refused:
        if refused.field and refused.field in form.fields:
            form.add_error(refused.field, str(refused))
            return ""
        raise FollowupRefused(str(refused)) from refused
    if answered.tutor_proposed_at:
        return "Votre proposition de date est transmise à l'enseignant."
    return "Visite confirmée : l'enseignant en est informé sur sa page."


TUTOR_ACTIONS: dict[str, Callable[..., str]] = {
    "visit-answer": _tutor_visit_answer,
    "absence": _tutor_absence,
    "certificate": _tutor_certificate,
    "presence": _tutor_presence,
    "evaluation": _tutor_evaluation,
    **{f"{name}-edit": _tutor_document_edit(kind) for name, kind in KINDS.items()},
    **{f"{name}-sign": _tutor_document_sign(kind) for name, kind in KINDS.items()},
}


@require_http_methods(["GET", "POST"])
def tutor(request: HttpRequest, token: str) -> HttpResponse:
    """The tutor's page: the intern's periods, absences, presence, certificate, the documents
    of the stage (contract and bilan where the diploma asks for them) and the evaluation grid."""
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return _refused(request, str(refused))
    convention = access.convention
    forms: dict[str, Any] = {
        "absence": AbsenceForm(prefix="absence"),
        "certificate": CertificateForm(prefix="certificate"),
        "presence": PresenceForm(prefix="presence"),
        "documents": {},
        "visits": {},
        **{f"{name}-sign": TutorNameForm(prefix=f"{name}-sign") for name in KINDS},
    }
    error = ""
    if request.method == "POST":
        handler = TUTOR_ACTIONS.get(request.POST.get("action", ""))
        try:
            if handler is None:
                raise FollowupRefused("Cette action n'existe pas.")
            done = handler(request, access, forms)
        except FollowupRefused as refused:
            error = str(refused)
        else:
            if done:
                messages.success(request, done)
                return redirect("followup:tutor", token=token)
    rows = _periods(convention, tutor=True)
    for row in rows:
        for panel in row["documents"]:
            bound = forms["documents"].get((panel["kind"].name, row["period"].pk))
            if bound is not None:
                panel["form"] = bound
            panel["sign_form"] = forms[f"{panel['kind'].name}-sign"]
    grid = grid_of(convention)
    evaluation = evaluation_of(convention) if grid else None
    if grid and "evaluation" not in forms:
        forms["evaluation"] = EvaluationForm(
            evaluation.grid if evaluation else grid,
            initial=EvaluationForm.initial_from(evaluation),
            tutor=True,
            prefix="evaluation",
        )
    context = {
        "access": access,
        "convention": convention,
        "student": convention.student,
        "rows": rows,
        "token": token,
        "absence_form": forms["absence"],
        "certificate_form": forms["certificate"],
        "presence_form": forms["presence"],
        "grid": grid,
        "evaluation": evaluation,
        "evaluation_form": forms.get("evaluation") if grid else None,
        "error": error,
        "today": timezone.localdate(),
        "visits": [
            (
                visit,
                forms["visits"].get(visit.pk)
                or VisitAnswerForm(prefix="visit", initial={"visit": visit.pk}),
            )
            for visit in tutor_visits(convention)
        ],
    }
    invalid = any(not f.is_valid() for f in forms["visits"].values())
    return render(request, "followup/tutor.html", context, status=400 if error or invalid else 200)


def tutor_certificate(request: HttpRequest, token: str, period_pk: int) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return _refused(request, str(refused))
    certificate = get_object_or_404(
        Certificate, period__pk=period_pk, period__convention=access.convention
    )
    return _audited(request, _certificate_pdf(certificate), access.convention, certificate, True)


def tutor_evaluation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return _refused(request, str(refused))
    found = get_object_or_404(
        Evaluation, convention=access.convention, status=EvaluationStatus.COSIGNED
    )
    response = _pdf(found.content, found.sha256, f"grille-{found.pk}.pdf")
    return _audited(request, response, access.convention, found, True)


def tutor_document(request: HttpRequest, token: str, period_pk: int, kind: str) -> HttpResponse:
    try:
        access = resolve_access(token)
    except FollowupRefused as refused:
        return _refused(request, str(refused))
    found = get_object_or_404(
        KINDS[kind].model,
        period__pk=period_pk,
        period__active=True,
        period__convention=access.convention,
        completed_at__isnull=False,
    )
    response = _pdf(found.content, found.sha256, f"{kind}-{found.pk}.pdf")
    return _audited(request, response, access.convention, found, True)


# --- the school's pages ----------------------------------------------------------------------


def _convention(request: HttpRequest, pk: int, action: str) -> Convention:
    convention: Convention = get_object_or_404(visible_conventions(request.user), pk=pk)
    require(request.user, action, convention)
    return convention


@login_required
def convention(
    request: HttpRequest,
    pk: int,
    paper_form: PaperCertificateForm | None = None,
    paper_period: int | None = None,
    status: int = 200,
    pedagogy_form: PedagogySessionForm | None = None,
    pedagogy_period: int | None = None,
) -> HttpResponse:
    """The follow-up of one convention for the school: links, absences, presence, certificates,
    the evaluation grid, the contracts and bilans, and the history of every operation."""
    conv = _convention(request, pk, "followup.view")
    grid = grid_of(conv)
    return render(
        request,
        "followup/convention.html",
        {
            "paper_form": paper_form,
            "blank_paper_form": PaperCertificateForm(prefix="papier"),
            "paper_period": paper_period,
            "today": timezone.localdate(),
            "convention": conv,
            "rows": _periods(conv),
            "accesses": list(conv.tutor_accesses.select_related("created_by")),
            "may_manage": can(request.user, "followup.manage", conv),
            "grid": grid,
            "evaluation": evaluation_of(conv) if grid else None,
            "events": list(
                conv.followup_events.select_related("actor", "period").order_by("-at", "-pk")
            ),
            "pedagogy": _pedagogy_panels(request, conv, pedagogy_form, pedagogy_period),
        },
        status=status,
    )


def _pedagogy_panels(
    request: HttpRequest,
    conv: Convention,
    form: PedagogySessionForm | None,
    form_period: int | None,
) -> list[dict[str, Any]]:
    """BEP (seed 000 §1): each period's préparation and exploitation pédagogique, what it still
    lacks, and the form to record one (the form with its errors for the period just posted)."""
    if not pedagogy_required(conv):
        return []
    periods = list(conv.active_periods())
    sessions = sessions_by_period(periods)
    may = can(request.user, "followup.pedagogy", conv)
    today = timezone.localdate()
    return [
        {
            "period": period,
            "sessions": sessions[period.pk],
            "missing": missing_kinds(period, sessions[period.pk], today),
            "form": (form if form_period == period.pk else None)
            or (PedagogySessionForm(prefix=f"pedagogie-{period.pk}") if may else None),
            "reference": pedagogy_reference(conv),
        }
        for period in periods
    ]


@login_required
@require_POST
def record_pedagogy(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """The team records a préparation or an exploitation pédagogique of one period."""
    conv = _convention(request, pk, "followup.pedagogy")
    period = get_object_or_404(ConventionPeriod, convention=conv, pk=period_pk, active=True)
    form = PedagogySessionForm(request.POST, prefix=f"pedagogie-{period.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = record_pedagogy_session(
                period,
                kind=data["kind"],
                held_on=data["held_on"],
                led_by=data["led_by"],
                content=data["content"],
                by=request.user,
            )
        except FollowupRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{session.get_kind_display()} enregistrée.")
            return redirect(
                reverse("followup:convention", args=[conv.pk]) + f"#pedagogie-{period.pk}"
            )
    return convention(request, conv.pk, status=400, pedagogy_form=form, pedagogy_period=period.pk)


@login_required
@require_POST
def paper_certificate(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """Staff record the certificate a host signed on paper (scan, date, absences stated)."""
    conv = _convention(request, pk, "followup.manage")
    period = get_object_or_404(ConventionPeriod, convention=conv, pk=period_pk)
    form = PaperCertificateForm(request.POST, request.FILES, prefix="papier")
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_paper_certificate(
                period,
                by=request.user,
                upload=data["scan"],
                signed_by=data["signed_by"],
                signed_on=data["signed_on"],
                absence_days=data["absence_days"],
                ip=client_ip(request),
            )
        except (FollowupRefused, storage.UploadRefused) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Attestation papier enregistrée.")
            return redirect("followup:convention", pk=conv.pk)
    return convention(request, conv.pk, paper_form=form, paper_period=period.pk, status=400)


@login_required
@require_POST
def issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.manage")
    try:
        issue_tutor_link(conv, by=request.user, ip=client_ip(request))
    except FollowupRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Le lien de suivi est envoyé au tuteur.")
    return redirect("followup:convention", pk=conv.pk)


@login_required
@require_POST
def renew_link(request: HttpRequest, pk: int, access_pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.manage")
    access = get_object_or_404(TutorAccess, pk=access_pk, convention=conv)
    try:
        renewed = renew_tutor_link(access, by=request.user, ip=client_ip(request))
    except FollowupRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(
            request,
            "Le lien du tuteur est prolongé jusqu'au "
            f"{timezone.localtime(renewed.expires_at):%d/%m/%Y} ; il reste le même.",
        )
    return redirect("followup:convention", pk=conv.pk)


@login_required
@require_POST
def revoke_link(request: HttpRequest, pk: int, access_pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.manage")
    access = get_object_or_404(TutorAccess, pk=access_pk, convention=conv)
    if access.revoked:
        messages.info(request, "Action déjà effectuée.")
        return redirect("followup:convention", pk=conv.pk)
    try:
        revoke_tutor_link(access, by=request.user, ip=client_ip(request))
    except FollowupRefused:
        messages.info(request, "Action déjà effectuée.")
    else:
        messages.success(request, "Le lien du tuteur est révoqué.")
    return redirect("followup:convention", pk=conv.pk)


@login_required
def certificate(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    conv = _convention(request, pk, "followup.view")
    found = get_object_or_404(Certificate, period__pk=period_pk, period__convention=conv)
    return _audited(request, _certificate_pdf(found), conv, found, False)


# --- the evaluation grid (staff) -------------------------------------------------------------


def _graded_convention(request: HttpRequest, pk: int, action: str) -> tuple[Convention, Any]:
    conv = _convention(request, pk, action)
    grid = grid_of(conv)
    if grid is None:
        raise Http404("Le diplôme de ce stage ne prévoit pas de grille d'évaluation.")
    return conv, grid


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid the tutor filled, for the pedagogical team to review, adjust and co-sign."""
    conv, grid = _graded_convention(request, pk, "followup.view")
    found = evaluation_of(conv)
    form = EvaluationForm(
        found.grid if found else grid, initial=EvaluationForm.initial_from(found), prefix="grid"
    )
    error = ""
    if request.method == "POST":
        require(request.user, "evaluation.cosign", conv)
        form = EvaluationForm(found.grid if found else grid, request.POST, prefix="grid")
        if form.is_valid():
            try:
                adjust_evaluation(
                    conv,
                    by=request.user,
                    levels=form.levels(),
                    comments=form.comments(),
                    appreciation=form.cleaned_data["appreciation"],
                    ip=client_ip(request),
                )
            except FollowupRefused as refused:
                error = str(refused)
            else:
                messages.success(request, "Grille ajustée : la modification est enregistrée.")
                return redirect("followup:evaluation", pk=conv.pk)
    last = last_day_of(conv)
    return render(
        request,
        "followup/evaluation.html",
        {
            "convention": conv,
            "grid": found.grid if found else grid,
            "evaluation": found,
            "form": form,
            "error": error,
            "may_cosign": can(request.user, "evaluation.cosign", conv),
            "last_day": last,
            "stage_over": last is not None and last <= timezone.localdate(),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def evaluation_cosign(request: HttpRequest, pk: int) -> HttpResponse:
    conv, _ = _graded_convention(request, pk, "evaluation.cosign")
    try:
        cosign_evaluation(conv, by=request.user, ip=client_ip(request))
    except FollowupRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Grille d'évaluation arrêtée conjointement : elle est figée.")
    return redirect("followup:evaluation", pk=conv.pk)


@login_required
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    conv, _ = _graded_convention(request, pk, "followup.view")
    found = get_object_or_404(Evaluation, convention=conv, status=EvaluationStatus.COSIGNED)
    response = _pdf(found.content, found.sha256, f"grille-{found.pk}.pdf")
    return _audited(request, response, conv, found, False)


# --- the training contract and the bilan (team and candidate) --------------------------------


def _visible_period(request: HttpRequest, period_pk: int, kind: DocumentKind) -> Any:
    """An active period of a signed convention the user sees (else 404), of a diploma that
    asks for `kind` (else 404), that the user may read (else 403)."""
    period = get_object_or_404(
        ConventionPeriod.objects.select_related(
            "convention",
            "convention__student",
            "convention__student__cohort",
            "convention__student__cohort__establishment",
            "convention__host",
            "training_contract",
            "bilan",
        ),
        pk=period_pk,
        active=True,
        convention__in=visible_conventions(request.user).values("pk"),
        convention__status__in=sorted(SIGNED_STATUSES),
    )
    items = items_of(kind, period.convention)
    if not items:
        raise Http404(f"Le diplôme de ce stage ne prévoit pas de {kind.title.lower()}.")
    user, conv = request.user, period.convention
    if not any(
        can(user, action, conv)
        for action in ("followup.view", "followup.team_sign", "followup.candidate_sign")
    ):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
    return period, items


@login_required
@require_http_methods(["GET", "POST"])
def period_document(request: HttpRequest, period_pk: int, kind: str) -> HttpResponse:
    """One period's training contract or bilan: the text, who agreed, edit and agree."""
    document_kind = KINDS[kind]
    period, items = _visible_period(request, period_pk, document_kind)
    conv = period.convention
    form = None
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "sign":
                done = sign_period_document(
                    document_kind, period, by=request.user, ip=client_ip(request)
                )
                message = (
                    f"{document_kind.title} signé par les trois parties : il est établi."
                    if done.completed
                    else "Votre accord est enregistré."
                )
            else:
                form = PeriodDocumentForm(items, request.POST, prefix=kind)
                message = ""
                if form.is_valid():
                    edit_period_document(
                        document_kind,
                        period,
                        form.answers(),
                        by=request.user,
                        ip=client_ip(request),
                    )
                    message = (
                        f"{document_kind.title} enregistré : les accords déjà donnés sont effacés."
                    )
        except FollowupRefused as refused:
            error = str(refused)
        else:
            if message:
                messages.success(request, message)
                return redirect(request.path)
        period = ConventionPeriod.objects.select_related(
            "convention", "training_contract", "bilan"
        ).get(pk=period.pk)
    panel = _document_panel(document_kind, period, items, form=form, prefix=kind)
    team = can(request.user, "followup.team_sign", conv)
    candidate = can(request.user, "followup.candidate_sign", conv)
    document = panel["document"]
    signed_by_me = bool(
        document
        and (
            (team and document.team_signed_at is not None)
            or (candidate and document.candidate_signed_at is not None)
        )
    )
    return render(
        request,
        "followup/period_document.html",
        {
            "convention": conv,
            "student": conv.student,
            "period": period,
            "panel": panel,
            "kind": document_kind,
            "may_edit": (team or candidate) and not (document and document.completed),
            "may_sign": (team or candidate)
            and document is not None
            and not document.completed
            and not signed_by_me,
            "party": "team" if team else "candidate" if candidate else "",
            "may_follow": can(request.user, "followup.view", conv),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def period_document_pdf(request: HttpRequest, period_pk: int, kind: str) -> HttpResponse:
    document_kind = KINDS[kind]
    period, _ = _visible_period(request, period_pk, document_kind)
    found = get_object_or_404(document_kind.model, period=period, completed_at__isnull=False)
    response = _pdf(found.content, found.sha256, f"{kind}-{found.pk}.pdf")
    return _audited(request, response, period.convention, found, False)
