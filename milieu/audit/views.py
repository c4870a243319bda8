"""The audit journal of an establishment, read by its head (`audit.view`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from milieu.audit.enums import AuditAction
from milieu.audit.forms import JournalFilterForm
from milieu.audit.history import describe, objects_condition
from milieu.audit.models import AuditEntry
from milieu.people.models import Membership
from milieu.permissions import Action, get_object_for, visible_establishments

PER_PAGE = 50
# Sign-ins are about a person, not an establishment: a row without one is shown to the heads
# of the establishments where that person has a role.
PERSONAL_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT)


def journal_entries(establishment: Any) -> QuerySet[AuditEntry]:
    """The rows an establishment's head reads: the establishment's own, and the sign-ins of
    its members recorded without an establishment. Newest first."""
    members = Membership.objects.filter(establishment=establishment).values("user_id")
    return (
        AuditEntry.objects.filter(
            Q(establishment=establishment)
            | Q(establishment__isnull=True, action__in=PERSONAL_ACTIONS, actor_id__in=members)
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def filtered(entries: QuerySet[AuditEntry], data: dict[str, Any]) -> QuerySet[AuditEntry]:
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("du"):
        entries = entries.filter(at__date__gte=data["du"])
    if data.get("au"):
        entries = entries.filter(at__date__lte=data["au"])
    if data.get("auteur"):
        words = data["auteur"].strip()
        entries = entries.filter(
            Q(actor_label__icontains=words)
            | Q(actor__last_name__icontains=words)
            | Q(actor__first_name__icontains=words)
        )
    return entries


@never_cache
@login_required
@require_GET
def journal(request: HttpRequest, establishment_pk: int) -> HttpResponse:
    establishment = get_object_for(
        request.user, visible_establishments(request.user), establishment_pk, Action.AUDIT_VIEW
    )
    bound = any(request.GET.get(name) for name in JournalFilterForm.base_fields)
    form = JournalFilterForm(request.GET if bound else None)
    entries = journal_entries(establishment)
    error = form.is_bound and not form.is_valid()
    if form.is_bound and not error:
        entries = filtered(entries, form.cleaned_data)
    # one record's rows (and its parts'), from the « Historique » of its page
    objects = objects_condition(request.GET.getlist("objet")[:200])
    if objects is not None:
        entries = entries.filter(objects)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(entry, describe(entry.changes, entry.object_type)) for entry in page]
    return render(
        request,
        "audit/journal.html",
        {
            "establishment": establishment,
            "form": form,
            "page": page,
            "rows": rows,
            "objects": objects is not None,
        },
        status=400 if error else 200,
    )
