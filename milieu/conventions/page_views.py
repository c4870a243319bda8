"""The conventions of the school screens: the list, one convention's page and its actions.

Each view fetches the convention through `get_object_for` over `visible_conventions` (404 when
it is not yours, 403 when the action is not), calls the operation, and either redirects with a
French message or shows the page again with every reason of a refusal (a refusal elsewhere is
shown by `milieu.middleware.RefusedMiddleware`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from milieu.audit.downloads import audit_minor_download
from milieu.conventions.checks import check_convention
from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.flow import TRANSITIONS, ConventionRefused, allowed_transitions
from milieu.conventions.models import (
    Convention,
    ConventionDocument,
    ConventionPeriod,
    ConventionTransition,
)
from milieu.conventions.operations import (
    approve_convention,
    cancel_convention,
    return_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.page_forms import CommentForm, PaperScanForm
from milieu.conventions.sealing import SealUnavailable
from milieu.conventions.signatures import (
    remind_convention,
    send_for_signature,
    sign_on_paper,
    signing_parties,
)
from milieu.establishments.models import Cohort
from milieu.http import AuthenticatedHttpRequest, client_ip, stored_file_response
from milieu.pagination import paginate
from milieu.people.models import User
from milieu.permissions import (
    Action,
    can,
    get_object_for,
    visible_conventions,
    visible_student_values,
)
from milieu.rules import get_catalogue

S = ConventionStatus
BEFORE_APPROVAL = frozenset({S.DRAFT, S.SUBMITTED, S.VALIDATED})
BEFORE_SIGNING = BEFORE_APPROVAL | {S.APPROVED}
AMENDABLE = frozenset({S.SIGNED, S.IN_PROGRESS})
PAGE_SIZE = 50


def get_convention(
    request: HttpRequest, pk: int, action: Action = Action.CONVENTION_VIEW
) -> Convention:
    """The convention `pk` as the user may reach it for `action` (404 / 403)."""
    return get_object_for(request.user, visible_conventions(request.user), pk, action)


@dataclass(frozen=True)
class PageAction:
    """A transition as the page offers it: URL word, operation, French confirmation."""

    word: str
    name: str
    operation: Callable[..., Convention]
    done: str
    comment_required: str = ""
    secondary: bool = False
    button: str = ""

    @property
    def label(self) -> str:
        return self.button or TRANSITIONS[self.name].label


def _send(convention: Convention, *, by: User, ip: str | None, comment: str = "") -> Convention:
    return send_for_signature(convention, by=by, ip=ip)


ACTIONS: dict[str, PageAction] = {
    a.word: a
    for a in (
        PageAction(
            "soumettre",
            "submit",
            submit_convention,
            "La convention est soumise à l’équipe pédagogique.",
        ),
        PageAction(
            "valider", "validate", validate_convention, "La convention est validée par l’équipe."
        ),
        PageAction(
            "approuver",
            "approve",
            approve_convention,
            "La convention est approuvée : elle peut partir en signature.",
        ),
        PageAction(
            "envoyer",
            "send",
            _send,
            "La convention est envoyée en signature : chaque partie a reçu son lien par courriel.",
        ),
        PageAction(
            "renvoyer",
            "return",
            return_convention,
            "La convention est renvoyée en brouillon.",
            comment_required="Indiquez ce qui est à reprendre.",
            secondary=True,
        ),
        PageAction(
            "annuler",
            "cancel",
            cancel_convention,
            "La convention est annulée.",
            comment_required="Indiquez le motif de l’annulation.",
            secondary=True,
            button="Annuler la convention",
        ),
    )
}
BY_NAME = {a.name: a for a in ACTIONS.values()}


def actions_for(user: User, convention: Convention) -> list[PageAction]:
    """The transitions the state allows and the user may do, in the table's order."""
    found = []
    for name in allowed_transitions(convention):
        permission = TRANSITIONS[name].permission
        action = BY_NAME.get(name)
        if action is not None and permission is not None and can(user, permission, convention):
            found.append(action)
    return sorted(found, key=lambda a: a.secondary)  # the way forward first


# --- the list -----------------------------------------------------------------------------


@login_required
def convention_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The conventions the user sees, newest change first, filtered by state; a fixed number
    of queries whatever their number."""
    conventions = visible_conventions(request.user)
    counts = dict(
        conventions.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    status = request.GET.get("etat", "")
    if status not in S.values:
        status = ""
    # issue 13 §16: the cohort filter offers the cohorts of the conventions the user sees
    cohorts = list(
        Cohort.objects.filter(
            pk__in=visible_student_values(
                request.user,
                "cohort_id",
                Exists(Convention.objects.filter(student=OuterRef("pk"))),
            )
        )
        .select_related("establishment")
        .order_by("establishment__name", "-school_year", "name")
    )
    cohort = request.GET.get("promotion", "")
    if cohort not in {str(c.pk) for c in cohorts}:
        cohort = ""
    if cohort:
        conventions = conventions.filter(student__cohort_id=int(cohort))
        counts = dict(
            conventions.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    shown = conventions.filter(status=status) if status else conventions
    shown = shown.order_by("-updated_at", "-pk").prefetch_related(
        Prefetch(
            "periods",
            queryset=ConventionPeriod.objects.filter(active=True).order_by("start"),
            to_attr="active_period_list",
        )
    )
    page = paginate(request, shown, PAGE_SIZE)
    return render(
        request,
        "conventions/list.html",
        {
            "page": page,
            "status": status,
            "cohort": cohort,
            "cohorts": cohorts,
            "several_establishments": len({c.establishment_id for c in cohorts}) > 1,
            "filters": [("", "Toutes", sum(counts.values()))]
            + [(value, label, counts.get(value, 0)) for value, label in S.choices],
        },
    )


# --- one convention -----------------------------------------------------------------------


def annex_display(convention: Convention, extra: dict[str, Any]) -> dict[str, Any]:
    """The annexe pédagogique as the catalogue names it: chosen codes with their labels, the
    items with their texts, the training contract's items."""
    chosen = set(convention.competencies or [])
    referential = []
    for key, title in (
        ("competencies", "Compétences du référentiel visées"),
        ("activities", "Activités du référentiel confiées"),
    ):
        items = [
            (str(item["code"]), str(item["label"]))
            for item in extra.get(key) or []
            if isinstance(item, dict) and item.get("code") in chosen
        ]
        if items:
            referential.append((title, items))
    texts = convention.annex_items or {}
    return {
        "referential": referential,
        "items": [
            (str(label), texts.get(str(index), ""))
            for index, label in enumerate(extra.get("annex_items") or [])
        ],
        "training_contract_items": [str(i) for i in extra.get("training_contract_items") or []],
        "summer_rest_terms": str(extra.get("summer_rest_terms") or ""),
    }


def training_contract_dates(
    convention: Convention, periods: list[ConventionPeriod], today: date
) -> list[dict[str, Any]]:
    """Seed 004 §1: « Pour chaque période, un contrat individuel de formation sera préalablement
    négocié »: each active period with the day its contract was agreed by the three parties and
    whether that was late (after the period's first day) or is now overdue. Decision: shown on
    the convention's pages only; the dossier contract (v1.1) has a `training_contract` flag but
    no date nor finding for a late one, so the verdict is unchanged."""
    rows = []
    for period in periods:
        if not period.active:
            continue
        # the follow-up app's document, reached through its reverse relation (no import upward)
        contract = getattr(period, "training_contract", None)
        agreed = contract.completed_at if contract is not None else None
        agreed_on = timezone.localtime(agreed).date() if agreed else None
        rows.append(
            {
                "period": period,
                "agreed_on": agreed_on,
                "late": bool(agreed_on and agreed_on > period.start)
                or (agreed_on is None and period.start <= today),
            }
        )
    return rows


def _page(
    request: AuthenticatedHttpRequest,
    convention: Convention,
    *,
    refusal: tuple[str, list[str]] | None = None,
    comment_forms: dict[str, CommentForm] | None = None,
    paper_forms: dict[int, PaperScanForm] | None = None,
) -> HttpResponse:
    user = request.user
    periods = list(convention.periods.select_related("amendment").order_by("start", "pk"))
    signatories = list(
        convention.signatories.filter(amendment__isnull=True).order_by("-version", "order", "pk")
    )
    current = [s for s in signatories if s.version == convention.version]
    earlier = [s for s in signatories if s.version != convention.version]
    documents = list(convention.documents.defer("content").select_related("amendment"))
    may_paper = convention.status == S.SIGNING and can(user, Action.CONVENTION_SEND, convention)
    may_remind = convention.status == S.SIGNING and can(user, Action.CONVENTION_REMIND, convention)
    actions = actions_for(user, convention)
    forms = comment_forms or {}
    problems = check_convention(convention) if convention.status in BEFORE_APPROVAL else []
    sending = signing_parties(convention)[1] if convention.status in BEFORE_SIGNING else []
    diploma = get_catalogue().get(convention.student.cohort.diploma)
    return render(
        request,
        "conventions/detail.html",
        {
            "crumb": f"Convention n° {convention.pk}",
            "diploma_title": diploma.title if diploma else convention.student.cohort.diploma,
            "annex": annex_display(convention, dict(diploma.extra) if diploma else {}),
            "training_contracts": training_contract_dates(convention, periods, timezone.localdate())
            if diploma and diploma.extra.get("training_contract_items")
            else [],
            "convention": convention,
            "student": convention.student,
            "periods": periods,
            "signatories": current,
            "earlier_signatories": earlier,
            "documents": documents,
            "transitions": list(
                ConventionTransition.objects.filter(convention=convention).select_related("actor")
            ),
            "amendments": list(convention.amendments.all()),
            "problems": problems,
            "blocking": [p for p in problems if p.blocking],
            "warnings": [p for p in problems if not p.blocking],
            "sending_reasons": sending,
            "actions": [(a, forms.get(a.name) or CommentForm(prefix=a.word)) for a in actions],
            "may_edit": convention.status == S.DRAFT
            and can(user, Action.CONVENTION_CHANGE, convention),
            "may_paper": may_paper,
            "may_remind": may_remind
            and any(s.state == SignatureState.PENDING and s.email for s in current),
            "may_amend": convention.status in AMENDABLE
            and can(user, Action.CONVENTION_AMEND, convention),
            "paper_forms": {
                s.pk: (paper_forms or {}).get(s.pk) or PaperScanForm(prefix=f"papier-{s.pk}")
                for s in current
                if may_paper and s.state == SignatureState.PENDING
            },
            "refusal": refusal,
        },
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_convention(request, pk))


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Soumettre, valider, approuver, envoyer, renvoyer or annuler; a stale click is told."""
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    permission = TRANSITIONS[step.name].permission
    assert permission is not None
    convention = get_convention(request, pk, permission)
    form = CommentForm(request.POST, prefix=step.word, required_message=step.comment_required)
    if not form.is_valid():
        return _page(request, convention, comment_forms={step.name: form})
    try:
        step.operation(
            convention, by=request.user, ip=client_ip(request), comment=form.cleaned_data["comment"]
        )
    except ConventionRefused as refused:
        return _page(
            request,
            convention,
            refusal=(f"« {step.label} » est impossible pour l’instant", refused.reasons),
            comment_forms={step.name: form},
        )
    messages.success(request, step.done)
    return redirect("conventions:detail", convention.pk)


@login_required
@require_POST
def remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """« Relancer » (issue 13 §14): a new link to each party whose signature is awaited, from the
    convention's page or the dashboard's queue; back to where the click came from."""
    convention = get_convention(request, pk, Action.CONVENTION_REMIND)
    count = remind_convention(convention, by=request.user)
    if count:
        messages.success(
            request,
            f"Convention n° {convention.pk} : {count} signataire{'s' if count > 1 else ''} "
            f"relancé{'s' if count > 1 else ''}, un nouveau lien {'leur' if count > 1 else 'lui'} "
            "a été envoyé par courriel.",
        )
    else:
        messages.info(
            request,
            f"Convention n° {convention.pk} : les signataires en attente ont déjà été relancés "
            "il y a moins d’un jour.",
        )
    back = request.POST.get("suivant", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("conventions:detail", convention.pk)


@login_required
@require_POST
def paper(request: AuthenticatedHttpRequest, pk: int, signatory_pk: int) -> HttpResponse:
    """A party signed the printed convention: its scan (a PDF) is stored and the signature
    recorded; after the last signature, the convention is sealed."""
    convention = get_convention(request, pk, Action.CONVENTION_SEND)
    signatory = get_object_or_404(
        convention.signatories.filter(amendment__isnull=True), pk=signatory_pk
    )
    form = PaperScanForm(request.POST, request.FILES, prefix=f"papier-{signatory.pk}")
    if form.is_valid():
        try:
            sign_on_paper(
                signatory, form.cleaned_data["scan"], by=request.user, ip=client_ip(request)
            )
        except SealUnavailable as unavailable:  # the last signature could not be sealed
            messages.error(
                request,
                f"La signature n’est pas enregistrée : {unavailable} Prévenez l’administrateur.",
            )
        else:
            messages.success(
                request, f"La signature sur papier de {signatory.name} est enregistrée."
            )
        return redirect("conventions:detail", convention.pk)
    return _page(request, convention, paper_forms={signatory.pk: form})


@login_required
def document(request: AuthenticatedHttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """One stored PDF of the convention, as stored (never rebuilt), with its SHA-256."""
    convention = get_convention(request, pk)
    stored = get_object_or_404(ConventionDocument.objects.filter(convention=convention), pk=doc_pk)
    response = stored_file_response(
        stored.content,
        sha256=stored.sha256,
        filename=f"convention-{convention.pk}-v{stored.version}-{stored.kind}.pdf",
    )
    return audit_minor_download(request, response, students=[convention.student], document=stored)
