"""Sign-in with ProConnect or ÉduConnect: the redirect to the provider, its answer, the return
after the provider's own logout. The protocol checks (state, nonce, PKCE, the id_token's
signature, issuer, audience and dates) are Authlib's; a refusal is a French page."""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.http import client_ip
from milieu.oidc.matching import match_account
from milieu.oidc.providers import (
    Provider,
    ProviderError,
    checked_metadata,
    client_for,
    fetch_userinfo,
    get_provider,
)

log = logging.getLogger(__name__)

SESSION_NEXT = "oidc_next"
SESSION_PROVIDER = "oidc_provider"
SESSION_ID_TOKEN = "oidc_id_token"

# what the person reads when the sign-in does not open a session: (title, explanation); the
# explanation may name {provider} and {email}
REFUSALS: dict[str, tuple[str, str]] = {
    "cancelled": (
        "Connexion annulée",
        "La connexion avec {provider} a été annulée ou refusée. Vous pouvez recommencer, ou vous "
        "connecter avec votre adresse électronique et votre mot de passe.",
    ),
    "unreachable": (
        "{provider} ne répond pas",
        "{provider} ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous "
        "avec votre adresse électronique et votre mot de passe.",
    ),
    "invalid": (
        "La connexion n’a pas abouti",
        "La réponse de {provider} n’a pas pu être vérifiée : le lien a peut-être expiré, déjà servi, "
        "ou été ouvert dans un autre navigateur. Recommencez la connexion depuis la page de "
        "connexion de Milieu.",
    ),
    "no_email": (
        "Adresse électronique manquante",
        "{provider} n’a pas transmis votre adresse électronique : Milieu ne peut pas savoir quel "
        "compte est le vôtre.",
    ),
    "unverified_email": (
        "Adresse électronique non vérifiée",
        "{provider} n’atteste pas que l’adresse {email} est vérifiée : Milieu ne peut pas s’y fier "
        "pour vous connecter.",
    ),
    "unknown_staff": (
        "Aucun compte Milieu à cette adresse",
        "Aucun compte Milieu ne correspond à l’adresse {email}. Milieu ne crée pas de compte de "
        "lui-même : demandez à votre chef d’établissement (ou, au rectorat, au service des "
        "examens) de vous enregistrer avec cette adresse, puis reconnectez-vous avec {provider}.",
    ),
    "not_staff": (
        "Compte d’élève",
        "Le compte Milieu à l’adresse {email} est celui d’un élève : les élèves se connectent avec "
        "ÉduConnect, ou avec leur adresse électronique et leur mot de passe.",
    ),
    "no_ine": (
        "Connexion réservée aux élèves",
        "{provider} n’a pas transmis d’identifiant national d’élève (INE) : seuls les élèves "
        "peuvent se connecter à Milieu avec {provider}. Milieu n’ouvre pas de compte aux "
        "représentants légaux.",
    ),
    "unknown_student": (
        "Élève inconnu de Milieu",
        "Aucun élève enregistré dans Milieu n’a l’INE que {provider} a transmis. Adressez-vous au "
        "secrétariat de votre établissement : il vérifiera l’INE inscrit sur votre fiche.",
    ),
    "student_without_account": (
        "Compte pas encore ouvert",
        "Votre établissement vous a bien inscrit, mais ne vous a pas encore ouvert de compte "
        "Milieu. Demandez-lui une invitation ; une fois votre compte ouvert, vous pourrez vous "
        "connecter avec {provider}.",
    ),
    "inactive": (
        "Compte désactivé",
        "Ce compte est désactivé. Adressez-vous à votre établissement.",
    ),
}

# the failures of the protocol: a forged or replayed answer, a signature or a claim that does not
# verify, a provider that answers nonsense
_PROTOCOL_ERRORS = (AuthlibBaseError, JoseError, ProviderError, ValueError, KeyError)


def _provider_or_404(key: str) -> Provider:
    provider = get_provider(key)
    if provider is None:
        raise Http404("Ce fournisseur d’identité n’est pas activé.")
    return provider


def _refuse(
    request: HttpRequest,
    provider: Provider,
    reason: str,
    *,
    email: str = "",
    status: int = 403,
) -> HttpResponse:
    title, text = REFUSALS[reason]
    record(
        AuditAction.LOGIN_FAILED,
        actor_label=email or provider.label,
        ip=client_ip(request),
        changes={"motif": title, "fournisseur": provider.label},
    )
    return render(
        request,
        "oidc/refused.html",
        {
            "provider": provider,
            "title": title.format(provider=provider.label),
            "explanation": text.format(provider=provider.label, email=email),
        },
        status=status,
    )


def _redirect_uri(provider: Provider) -> str:
    """The callback address registered with the provider, from SITE_URL (behind a proxy the
    request's own host may not be the public one)."""
    return settings.SITE_URL + reverse("oidc_callback", args=[provider.key])


@require_GET
def start(request: HttpRequest, provider: str) -> HttpResponse:
    """Send the person to the provider, with a fresh state, nonce and PKCE challenge."""
    chosen = _provider_or_404(provider)
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT] = wanted
    else:
        request.session.pop(SESSION_NEXT, None)
    client = client_for(chosen)
    try:
        checked_metadata(client, chosen)
        response: HttpResponse = client.authorize_redirect(request, _redirect_uri(chosen))
    except requests.RequestException:
        log.warning("%s: discovery failed", chosen.label, exc_info=True)
        return _refuse(request, chosen, "unreachable", status=503)
    except ProviderError:
        log.warning("%s: untrusted discovery document", chosen.label, exc_info=True)
        return _refuse(request, chosen, "unreachable", status=503)
    return response


@require_GET
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's answer: the code is exchanged, the id_token verified, the account found
    (never created), the session opened."""
    chosen = _provider_or_404(provider)
    if request.GET.get("error"):
        # the state is consumed all the same: the same answer cannot be replayed
        client_for(chosen).framework.clear_state_data(request.session, request.GET.get("state"))
        return _refuse(request, chosen, "cancelled", status=400)
    client = client_for(chosen)
    try:
        metadata = checked_metadata(client, chosen)
        token: dict[str, Any] = client.authorize_access_token(request)
        id_claims = token.get("userinfo")
        if not token.get("id_token") or id_claims is None:
            raise ProviderError(f"{chosen.label}: no verified id_token in the answer")
        claims = dict(id_claims)
        extra = fetch_userinfo(client, chosen, token, metadata)
        if extra:
            if extra.get("sub") != claims.get("sub"):
                raise ProviderError(f"{chosen.label}: userinfo is about another subject")
            claims.update(extra)
    except requests.RequestException:
        log.warning("%s: the provider did not answer", chosen.label, exc_info=True)
        return _refuse(request, chosen, "unreachable", status=503)
    except _PROTOCOL_ERRORS as error:
        log.warning("%s: sign-in refused: %r", chosen.label, error)
        return _refuse(request, chosen, "invalid", status=400)

    match = match_account(chosen, claims)
    if match.user is None:
        return _refuse(request, chosen, match.refusal, email=match.claimed)

    next_url = request.session.pop(SESSION_NEXT, "")
    auth_login(request, match.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_PROVIDER] = chosen.key
    request.session[SESSION_ID_TOKEN] = token["id_token"]
    record(
        AuditAction.LOGIN,
        actor=match.user,
        ip=client_ip(request),
        changes={"méthode": chosen.label},
    )
    messages.success(request, "Vous êtes connecté.")
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send a person signed in through a provider that offers RP-initiated logout
    (``end_session_endpoint``), with the id_token as hint and Milieu's return address; None
    otherwise or when the provider cannot be reached (the local logout is done anyway).
    Call it before the session is flushed."""
    provider = get_provider(str(request.session.get(SESSION_PROVIDER, "")))
    id_token = request.session.get(SESSION_ID_TOKEN)
    if provider is None or not id_token:
        return None
    client = client_for(provider)
    try:
        metadata = checked_metadata(client, provider)
    except (requests.RequestException, ProviderError):
        log.warning("%s: no RP-initiated logout, discovery failed", provider.label, exc_info=True)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    ending = client.create_logout_url(
        post_logout_redirect_uri=settings.SITE_URL + reverse("oidc_logged_out"),
        id_token_hint=id_token,
        client_id=provider.client_id,
    )
    return str(ending["url"])


@require_GET
def logged_out(request: HttpRequest) -> HttpResponse:
    """Back from the provider's logout: Milieu's own session already ended."""
    return redirect("home")
