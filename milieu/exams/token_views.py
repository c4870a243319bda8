"""The rectorat's API keys (`milieu.exams.api_tokens`): the list, the creation form that shows
the new key once, and the revocation with its confirmation."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from milieu.exams.api_tokens import (
    LABEL_MAX_LENGTH,
    TokenRefused,
    create_token,
    revoke_token,
    visible_tokens,
)
from milieu.exams.views import acting
from milieu.http import client_ip
from milieu.permissions import Action, can, require, visible_academies

# the creation form carries a one-time value: a reload of the page that showed a new key sends
# the same form again, which must not create (and show) a second active key behind the user's back
FORM_NONCE = "api_token_form"
ALREADY_SENT = (
    "Ce formulaire a déjà été envoyé (page rechargée ?) : la clé n’a été créée qu’une fois et "
    "n’est plus affichée. Pour une autre clé, remplissez de nouveau le formulaire."
)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The keys of the user's académies; POST creates one and shows it once."""
    require(request.user, Action.API_TOKEN_LIST)
    academies = [
        a
        for a in visible_academies(request.user).order_by("name")
        if can(request.user, Action.API_TOKEN_MANAGE, a)
    ]
    label = ""
    error = ""
    created = None
    key = ""
    status = 200
    sent_nonce = request.POST.get("formulaire", "") if request.method == "POST" else ""
    if sent_nonce and sent_nonce != request.session.get(FORM_NONCE):
        error = ALREADY_SENT
        status = 400
    elif request.method == "POST":
        label = request.POST.get("label", "")
        chosen = request.POST.get("academie", "")
        academie = next((a for a in academies if str(a.pk) == chosen), None)
        if academie is None and len(academies) == 1:
            academie = academies[0]
        if academie is None:
            error = "Choisissez l’académie de la clé."
        else:
            try:
                created, key = create_token(
                    academie, label, by=acting(request), ip=client_ip(request)
                )
                label = ""
            except TokenRefused as refusal:
                error = str(refusal)
        if error:
            status = 400
    nonce = secrets.token_urlsafe(16)
    request.session[FORM_NONCE] = nonce
    tokens = list(visible_tokens(request.user))
    response = render(
        request,
        "exams/api_tokens.html",
        {
            "tokens": tokens,
            "academies": academies,
            "label": label,
            "label_max": LABEL_MAX_LENGTH,
            "error": error,
            "created": created,
            "key": key,
            "nonce": nonce,
            "api_url": request.build_absolute_uri(reverse("api-v1:verdicts")),
        },
        status=status,
    )
    return _no_store(response)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(visible_tokens(request.user), pk=pk)
    require(request.user, Action.API_TOKEN_MANAGE, token.academie)
    if request.method == "POST":
        revoke_token(token, by=acting(request), ip=client_ip(request))
        messages.success(
            request, f"La clé « {token.label} » est révoquée : elle est refusée dès maintenant."
        )
        return redirect("exams:api_tokens")
    return render(request, "exams/api_token_revoke.html", {"token": token})
