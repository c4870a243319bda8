"""A small OpenID provider for the tests, built from Authlib's server components (authorization
code grant with OpenID Connect and PKCE, the userinfo endpoint, RP-initiated logout) and served
by Flask in a thread on a free loopback port.

It signs with an RS256 key published at its JWKS address, auto-approves whoever is set as
``person`` (the claims the provider vouches for), and can be told to misbehave: alter the
id_token's signature, or put another nonce in it. It answers like ProConnect (claims only in the
userinfo, as a signed JWT) or like ÉduConnect (userinfo as JSON)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo, UserInfoEndpoint
from authlib.oidc.discovery import OpenIDProviderMetadata
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import Flask, jsonify
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server


@dataclass
class Person:
    """Who signs in at the provider: the claims it releases (``sub`` always)."""

    claims: dict[str, Any]


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    client_metadata: dict[str, Any] = field(default_factory=dict)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass
class Token(TokenMixin):
    access_token: str
    scope: str
    client: Client
    person: Person
    issued_at: int = field(default_factory=lambda: int(time.time()))
    expires_in: int = 3600

    def check_client(self, client: ClientMixin) -> bool:
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> Person:
        return self.person

    def get_client(self) -> Client:
        return self.client


class LocalProvider:
    """Start with ``start()``, stop with ``stop()``; ``issuer`` is its address."""

    def __init__(self, *, userinfo_as_jwt: bool, end_session: bool = True) -> None:
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": secrets.token_hex(4), "use": "sig", "alg": "RS256"}
        )
        self.userinfo_as_jwt = userinfo_as_jwt
        self.end_session = end_session
        self.person: Person | None = None
        self.id_token_claims_too = False  # also release the claims in the id_token
        self.alter_signature = False
        self.wrong_nonce = False
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests = 0
        self.logouts: list[dict[str, Any]] = []
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LocalProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def register_client(
        self, client_id: str, secret: str, redirect_uri: str, logout_uri: str
    ) -> None:
        metadata: dict[str, Any] = {"post_logout_redirect_uris": [logout_uri]}
        if self.userinfo_as_jwt:
            metadata["userinfo_signed_response_alg"] = "RS256"
        self.clients[client_id] = Client(client_id, secret, [redirect_uri], metadata)

    def public_jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    # -- the Flask application -------------------------------------------------------------

    def _app(self) -> Flask:
        provider = self
        app = Flask(__name__)
        server = AuthorizationServer(
            app,
            query_client=lambda client_id: provider.clients.get(client_id),
            save_token=self._save_token,
        )

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                nonce = data.get("nonce")
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.payload.scope,
                    person=request.user,
                    nonce=("une-autre-valeur" if provider.wrong_nonce else nonce),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                if found is not None and found.client_id == client.client_id:
                    return found
                return None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Person:
                return authorization_code.person

        class OpenID(OpenIDCode):
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(code.nonce == nonce for code in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": str(provider.key.kid)}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {
                    "iss": provider.issuer,
                    "aud": [client.get_client_id()],
                    "exp": int(time.time()) + 600,
                }

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                # like ProConnect: the id_token says who (sub), the userinfo says the rest
                if provider.id_token_claims_too:
                    return UserInfo(user.claims)
                return UserInfo(sub=user.claims["sub"])

            def encode_id_token(self, token: dict[str, Any], request: Any) -> str:
                id_token = str(super().encode_id_token(token, request))
                if provider.alter_signature:
                    head, payload, signature = id_token.split(".")
                    flipped = "A" if signature[10] != "A" else "B"
                    id_token = ".".join([head, payload, signature[:10] + flipped + signature[11:]])
                return id_token

        server.register_grant(CodeGrant, [OpenID(require_nonce=True), CodeChallenge(required=True)])

        class Bearer(BearerTokenValidator):
            def authenticate_token(self, token_string: str) -> Token | None:
                return provider.tokens.get(token_string)

        protector = ResourceProtector()
        protector.register_token_validator(Bearer())

        class Userinfo(UserInfoEndpoint):
            def get_issuer(self) -> str:
                return provider.issuer

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                return UserInfo(user.claims)

            def resolve_private_key(self) -> RSAKey:
                return provider.key

            def get_supported_algorithms(self) -> list[str]:
                return ["RS256"]

        server.register_endpoint(Userinfo(resource_protector=protector))

        class EndSession(EndSessionEndpoint):
            def get_server_jwks(self) -> dict[str, Any]:
                return provider.public_jwks()

            def end_session(self, end_session_request: Any) -> None:
                provider.logouts.append(
                    {
                        "sub": (end_session_request.id_token_claims or {}).get("sub"),
                        "redirect_uri": end_session_request.redirect_uri,
                    }
                )

        server.register_endpoint(EndSession())

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            metadata = OpenIDProviderMetadata(
                {
                    "issuer": provider.issuer,
                    "authorization_endpoint": f"{provider.issuer}/authorize",
                    "token_endpoint": f"{provider.issuer}/token",
                    "userinfo_endpoint": f"{provider.issuer}/userinfo",
                    "jwks_uri": f"{provider.issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "userinfo_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                    "code_challenge_methods_supported": ["S256"],
                }
            )
            if provider.end_session:
                metadata["end_session_endpoint"] = f"{provider.issuer}/logout"
            metadata.validate()
            return jsonify(dict(metadata))

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(provider.public_jwks())

        @app.get("/authorize")
        def authorize() -> Any:
            from flask import request

            provider.authorize_requests.append(dict(request.args))
            # the test person is signed in at the provider and consents at once
            grant = server.get_consent_grant(end_user=provider.person)
            return server.create_authorization_response(grant=grant, grant_user=provider.person)

        @app.post("/token")
        def token() -> Any:
            provider.token_requests += 1
            return server.create_token_response()

        @app.route("/userinfo", methods=["GET", "POST"])
        def userinfo() -> Any:
            return server.create_endpoint_response("userinfo")

        @app.get("/logout")
        def logout() -> Any:
            request = server.validate_endpoint_request("end_session")
            answer = server.create_endpoint_response("end_session", request)
            return answer if answer is not None else "Vous êtes déconnecté."

        return app

    def _save_token(self, token: dict[str, Any], request: Any) -> None:
        self.tokens[token["access_token"]] = Token(
            access_token=token["access_token"],
            scope=token.get("scope", ""),
            client=request.client,
            person=request.user,
        )
