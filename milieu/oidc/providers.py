"""The identity providers Milieu trusts, read from the settings, and one Authlib client for each.

A provider is enabled when its issuer, client id and secret are all set (``milieu/settings.py``
refuses a half-configured one). Its endpoints and keys come from the issuer's
``/.well-known/openid-configuration`` (OpenID Connect Discovery), fetched once per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet

PROCONNECT = "proconnect"
EDUCONNECT = "educonnect"


class ProviderError(Exception):
    """The provider answered something Milieu cannot trust (the reason is for the logs)."""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    scopes: str
    # how a person is recognised: the verified e-mail (staff) or the INE claim (students)
    matched_by: Literal["email", "ine"]
    ine_claim: str = ""

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _configured(
    key: str, label: str, prefix: str, matched_by: Literal["email", "ine"], ine_claim: str = ""
) -> Provider | None:
    issuer = str(getattr(settings, f"{prefix}_ISSUER", "") or "")
    client_id = str(getattr(settings, f"{prefix}_CLIENT_ID", "") or "")
    secret = str(getattr(settings, f"{prefix}_CLIENT_SECRET", "") or "")
    if not (issuer and client_id and secret):
        return None
    return Provider(
        key=key,
        label=label,
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        scopes=str(getattr(settings, f"{prefix}_SCOPES", "openid")),
        matched_by=matched_by,
        ine_claim=ine_claim,
    )


def enabled_providers() -> list[Provider]:
    """The providers whose buttons the login page shows, ProConnect first."""
    candidates = [
        _configured(PROCONNECT, "ProConnect", "PROCONNECT", "email"),
        _configured(
            EDUCONNECT,
            "ÉduConnect",
            "EDUCONNECT",
            "ine",
            ine_claim=str(getattr(settings, "EDUCONNECT_INE_CLAIM", "FrEduCtEleveINE")),
        ),
    ]
    return [provider for provider in candidates if provider is not None]


def get_provider(key: str) -> Provider | None:
    return next((p for p in enabled_providers() if p.key == key), None)


_clients: dict[Provider, DjangoOAuth2App] = {}
_clients_lock = threading.Lock()


def client_for(provider: Provider) -> DjangoOAuth2App:
    """Authlib's client for this provider: authorization code flow with PKCE (S256), a nonce
    for every request, the state kept in the session. One per configuration and process, so
    that the discovery document and the keys are fetched once."""
    with _clients_lock:
        client = _clients.get(provider)
        if client is None:
            client = OAuth().register(
                name=provider.key,
                client_id=provider.client_id,
                client_secret=provider.client_secret,
                server_metadata_url=provider.discovery_url,
                client_kwargs={
                    "scope": provider.scopes,
                    "code_challenge_method": "S256",
                    "default_timeout": int(getattr(settings, "OIDC_HTTP_TIMEOUT", 10)),
                },
            )
            _clients[provider] = client
    return client


def checked_metadata(client: DjangoOAuth2App, provider: Provider) -> dict[str, Any]:
    """The discovery document, refused unless it names the configured issuer (OpenID Connect
    Discovery §4.3); also chooses how the client authenticates at the token endpoint."""
    metadata: dict[str, Any] = client.load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer.rstrip("/"):
        raise ProviderError(f"{provider.label}: the discovery document names another issuer")
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    client.client_kwargs["token_endpoint_auth_method"] = (
        "client_secret_basic" if "client_secret_basic" in supported else "client_secret_post"
    )
    return metadata


def fetch_userinfo(
    client: DjangoOAuth2App, provider: Provider, token: dict[str, Any], metadata: dict[str, Any]
) -> dict[str, Any]:
    """The userinfo endpoint's claims. ProConnect answers with a signed JWT
    (``application/jwt``): its signature is checked with the provider's keys, and its ``iss`` and
    ``aud`` when present (OpenID Connect Core §5.3.2); other providers answer with JSON."""
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return {}
    response = client.get(endpoint, token=token)
    response.raise_for_status()
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type != "application/jwt":
        claims = response.json()
        if not isinstance(claims, dict):
            raise ProviderError(f"{provider.label}: the userinfo answer is not an object")
        return claims
    algorithms = metadata.get("userinfo_signing_alg_values_supported") or ["RS256", "ES256"]
    algorithms = [alg for alg in algorithms if alg != "none"]
    try:
        decoded = jwt.decode(
            response.text.strip(),
            KeySet.import_key_set(client.fetch_jwk_set()),
            algorithms=algorithms,
        )
    except InvalidKeyIdError:  # the provider rotated its keys since they were fetched
        decoded = jwt.decode(
            response.text.strip(),
            KeySet.import_key_set(client.fetch_jwk_set(force=True)),
            algorithms=algorithms,
        )
    signed = dict(decoded.claims)
    if "iss" in signed and signed["iss"] != metadata.get("issuer"):
        raise ProviderError(f"{provider.label}: the signed userinfo names another issuer")
    if "aud" in signed:
        audience = signed["aud"] if isinstance(signed["aud"], list) else [signed["aud"]]
        if provider.client_id not in audience:
            raise ProviderError(f"{provider.label}: the signed userinfo is for another client")
    return signed
