"""Sign-in with ProConnect and ÉduConnect, end to end against a real local OpenID provider
(tests/hosting/oidc_provider.py: Authlib's server components under Flask, on a loopback port).

Django's test client plays the browser on Milieu's side; ``requests`` plays it at the provider,
which approves the configured person at once. Milieu's callback exchanges the code over real
HTTP, checks the id_token's RS256 signature with the provider's JWKS, its nonce, the state and
the PKCE verifier, then reads the userinfo (a signed JWT for ProConnect)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.factories import EstablishmentFactory, StudentFactory, UserFactory, member
from milieu.oidc.views import SESSION_ID_TOKEN
from milieu.people.enums import Role
from milieu.people.models import User
from tests.hosting.oidc_provider import LocalProvider, Person

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
SECRET = "un-secret-de-client-assez-long-pour-le-test"


@pytest.fixture(scope="module")
def proconnect() -> Iterator[LocalProvider]:
    provider = LocalProvider(userinfo_as_jwt=True).start()
    provider.register_client(
        "milieu-proconnect",
        SECRET,
        f"{SITE}/connexion/proconnect/retour/",
        f"{SITE}/deconnexion/fournisseur/",
    )
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def educonnect() -> Iterator[LocalProvider]:
    # like ÉduConnect here: userinfo as JSON, and no RP-initiated logout offered
    provider = LocalProvider(userinfo_as_jwt=False, end_session=False).start()
    provider.register_client(
        "milieu-educonnect",
        SECRET,
        f"{SITE}/connexion/educonnect/retour/",
        f"{SITE}/deconnexion/fournisseur/",
    )
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _providers(settings: Any, proconnect: LocalProvider, educonnect: LocalProvider) -> None:
    settings.SITE_URL = SITE
    settings.PROCONNECT_ISSUER = proconnect.issuer
    settings.PROCONNECT_CLIENT_ID = "milieu-proconnect"
    settings.PROCONNECT_CLIENT_SECRET = SECRET
    settings.EDUCONNECT_ISSUER = educonnect.issuer
    settings.EDUCONNECT_CLIENT_ID = "milieu-educonnect"
    settings.EDUCONNECT_CLIENT_SECRET = SECRET
    for provider in (proconnect, educonnect):
        provider.person = None
        provider.alter_signature = False
        provider.wrong_nonce = False
        provider.token_requests = 0
        provider.logouts.clear()
        provider.authorize_requests.clear()


def at_provider(location: str) -> str:
    """The browser at the provider: it approves and sends back to Milieu's callback."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["Location"])


def sign_in(browser: Client, key: str, **query: str) -> Any:
    """Click « Se connecter avec … », go through the provider, come back: Milieu's answer."""
    start = browser.get(f"/connexion/{key}/", query)
    assert start.status_code == 302
    back = at_provider(start["Location"])
    assert back.startswith(f"{SITE}/connexion/{key}/retour/?")
    return browser.get(back.removeprefix(SITE))


def signed_in_user(browser: Client) -> str | None:
    return browser.session.get("_auth_user_id")


def staff_person(email: str, **claims: Any) -> Person:
    return Person(
        {
            "sub": f"pc-{email}",
            "email": email,
            "given_name": "Camille",
            "usual_name": "Martin",
            "uid": "1234",
            "siret": "13002526500013",
            **claims,
        }
    )


def test_the_redirect_carries_state_nonce_pkce_and_the_scopes(proconnect: LocalProvider) -> None:
    start = Client().get("/connexion/proconnect/")
    location = urlsplit(start["Location"])
    assert f"{location.scheme}://{location.netloc}" == proconnect.issuer
    params = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert params["response_type"] == "code"
    assert params["client_id"] == "milieu-proconnect"
    assert params["redirect_uri"] == f"{SITE}/connexion/proconnect/retour/"
    assert params["scope"] == "openid email given_name usual_name uid siret"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20


def test_staff_signs_in_with_proconnect_matched_by_email(proconnect: LocalProvider) -> None:
    school = EstablishmentFactory.create()
    ddfpt = member(Role.DDFPT, establishment=school, email="camille.martin@ac-exemple.fr")
    # the provider's address differs in case: the account is found all the same
    proconnect.person = staff_person("Camille.Martin@ac-exemple.fr")
    browser = Client()

    answer = sign_in(browser, "proconnect")

    assert answer.status_code == 302 and answer["Location"] == "/tableau-de-bord/"
    assert signed_in_user(browser) == str(ddfpt.pk)
    assert browser.session[SESSION_ID_TOKEN].count(".") == 2
    assert proconnect.token_requests == 1
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == ddfpt and entry.changes == {"méthode": "ProConnect"}
    assert browser.get("/tableau-de-bord/").status_code == 200


def test_the_next_page_is_kept_across_the_provider(proconnect: LocalProvider) -> None:
    member(Role.TEACHER, establishment=EstablishmentFactory.create(), email="prof@ac-exemple.fr")
    proconnect.person = staff_person("prof@ac-exemple.fr")
    browser = Client()
    assert sign_in(browser, "proconnect", next="/journal/")["Location"] == "/journal/"
    # another site is never a destination
    assert sign_in(browser, "proconnect", next="https://ailleurs.example/")["Location"] == (
        "/tableau-de-bord/"
    )


def test_student_signs_in_with_educonnect_matched_by_ine(educonnect: LocalProvider) -> None:
    account = UserFactory.create(email="eleve@exemple.fr")
    student = StudentFactory.create(user=account)
    member_of = student.cohort.establishment
    account.memberships.create(role=Role.STUDENT, establishment=member_of)
    # ÉduConnect's claim, written with a space and in lower case: still the same INE
    ine = student.ine
    educonnect.person = Person({"sub": "ec-42", "FrEduCtEleveINE": f"{ine[:5]} {ine[5:].lower()}"})
    browser = Client()

    answer = sign_in(browser, "educonnect")

    assert answer.status_code == 302
    assert signed_in_user(browser) == str(account.pk)
    assert AuditEntry.objects.get(action=AuditAction.LOGIN).changes == {"méthode": "ÉduConnect"}


def test_the_ine_claim_is_named_by_a_setting(settings: Any, educonnect: LocalProvider) -> None:
    settings.EDUCONNECT_INE_CLAIM = "ine"
    account = UserFactory.create()
    student = StudentFactory.create(user=account)
    educonnect.person = Person({"sub": "ec-43", "ine": student.ine})
    browser = Client()
    sign_in(browser, "educonnect")
    assert signed_in_user(browser) == str(account.pk)


def test_an_unknown_person_is_told_why_and_no_account_is_created(
    proconnect: LocalProvider,
) -> None:
    proconnect.person = staff_person("inconnu@ac-exemple.fr")
    accounts = User.objects.count()
    browser = Client()

    answer = sign_in(browser, "proconnect")

    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Aucun compte Milieu ne correspond à l’adresse inconnu@ac-exemple.fr" in page
    assert "Milieu ne crée pas de compte de lui-même" in page
    assert User.objects.count() == accounts
    assert signed_in_user(browser) is None
    failure = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failure.actor_label == "inconnu@ac-exemple.fr"


@pytest.mark.parametrize(
    ("claims", "text"),
    [
        ({"FrEduCtEleveINE": "123456789AB"}, "Aucun élève enregistré dans Milieu n’a l’INE"),
        ({}, "Milieu n’ouvre pas de compte aux représentants légaux"),
    ],
)
def test_an_unknown_student_or_a_parent_is_refused_in_french(
    educonnect: LocalProvider, claims: dict[str, str], text: str
) -> None:
    educonnect.person = Person({"sub": "ec-parent", **claims})
    accounts = User.objects.count()
    browser = Client()
    answer = sign_in(browser, "educonnect")
    assert answer.status_code == 403 and text in answer.content.decode()
    assert User.objects.count() == accounts and signed_in_user(browser) is None


def test_a_student_without_an_account_is_not_given_one(educonnect: LocalProvider) -> None:
    student = StudentFactory.create(user=None)
    educonnect.person = Person({"sub": "ec-44", "FrEduCtEleveINE": student.ine})
    accounts = User.objects.count()
    answer = sign_in(Client(), "educonnect")
    assert answer.status_code == 403
    assert "ne vous a pas encore ouvert de compte" in answer.content.decode()
    assert User.objects.count() == accounts
    student.refresh_from_db()
    assert student.user is None


def test_an_inactive_account_is_refused(proconnect: LocalProvider) -> None:
    gone = member(Role.SECRETARY, establishment=EstablishmentFactory.create(), email="parti@ac.fr")
    gone.is_active = False
    gone.save()
    proconnect.person = staff_person("parti@ac.fr")
    browser = Client()
    answer = sign_in(browser, "proconnect")
    assert answer.status_code == 403 and "Ce compte est désactivé" in answer.content.decode()
    assert signed_in_user(browser) is None


def test_an_unverified_email_is_not_trusted(proconnect: LocalProvider) -> None:
    member(Role.HEAD, establishment=EstablishmentFactory.create(), email="chef@ac-exemple.fr")
    proconnect.person = staff_person("chef@ac-exemple.fr", email_verified=False)
    browser = Client()
    answer = sign_in(browser, "proconnect")
    assert answer.status_code == 403 and "n’atteste pas que l’adresse" in answer.content.decode()
    assert signed_in_user(browser) is None


def test_a_student_account_cannot_come_through_proconnect(proconnect: LocalProvider) -> None:
    account = UserFactory.create(email="eleve2@exemple.fr")
    StudentFactory.create(user=account)
    proconnect.person = staff_person("eleve2@exemple.fr")
    browser = Client()
    answer = sign_in(browser, "proconnect")
    assert answer.status_code == 403 and "les élèves se connectent avec" in answer.content.decode()
    assert signed_in_user(browser) is None


def test_a_wrong_state_is_refused_before_any_code_exchange(proconnect: LocalProvider) -> None:
    member(Role.DDFPT, establishment=EstablishmentFactory.create(), email="ddfpt@ac-exemple.fr")
    proconnect.person = staff_person("ddfpt@ac-exemple.fr")
    browser = Client()
    start = browser.get("/connexion/proconnect/")
    back = urlsplit(at_provider(start["Location"]))
    params = {name: values[0] for name, values in parse_qs(back.query).items()}

    forged = browser.get(back.path, {"code": params["code"], "state": "etat-forge"})

    assert forged.status_code == 400
    assert "La réponse de ProConnect n’a pas pu être vérifiée" in forged.content.decode()
    assert proconnect.token_requests == 0 and signed_in_user(browser) is None
    # an answer opened in another browser (without Milieu's session) is refused too
    elsewhere = Client().get(back.path, params)
    assert elsewhere.status_code == 400 and signed_in_user(browser) is None


def test_an_answer_cannot_be_replayed(proconnect: LocalProvider) -> None:
    member(Role.DDFPT, establishment=EstablishmentFactory.create(), email="rejeu@ac-exemple.fr")
    proconnect.person = staff_person("rejeu@ac-exemple.fr")
    browser = Client()
    start = browser.get("/connexion/proconnect/")
    back = at_provider(start["Location"]).removeprefix(SITE)
    assert browser.get(back).status_code == 302
    browser.logout()
    again = browser.get(back)
    assert again.status_code == 400 and signed_in_user(browser) is None


def test_a_nonce_mismatch_is_refused(proconnect: LocalProvider) -> None:
    member(Role.DDFPT, establishment=EstablishmentFactory.create(), email="nonce@ac-exemple.fr")
    proconnect.person = staff_person("nonce@ac-exemple.fr")
    proconnect.wrong_nonce = True
    browser = Client()
    answer = sign_in(browser, "proconnect")
    assert answer.status_code == 400
    assert proconnect.token_requests == 1  # the token came, its id_token was refused
    assert signed_in_user(browser) is None
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()


def test_an_id_token_with_an_altered_signature_is_refused(proconnect: LocalProvider) -> None:
    member(Role.DDFPT, establishment=EstablishmentFactory.create(), email="signe@ac-exemple.fr")
    proconnect.person = staff_person("signe@ac-exemple.fr")
    proconnect.alter_signature = True
    browser = Client()
    answer = sign_in(browser, "proconnect")
    assert answer.status_code == 400
    assert "n’a pas pu être vérifiée" in answer.content.decode()
    assert signed_in_user(browser) is None


def test_logout_ends_both_sessions(proconnect: LocalProvider) -> None:
    ddfpt = member(Role.DDFPT, establishment=EstablishmentFactory.create(), email="fin@ac-ex.fr")
    proconnect.person = staff_person("fin@ac-ex.fr")
    browser = Client()
    sign_in(browser, "proconnect")
    id_token = browser.session[SESSION_ID_TOKEN]

    answer = browser.post("/deconnexion/")

    assert signed_in_user(browser) is None
    assert browser.get("/tableau-de-bord/").status_code == 302  # back to the login page
    ending = urlsplit(answer["Location"])
    assert f"{ending.scheme}://{ending.netloc}{ending.path}" == f"{proconnect.issuer}/logout"
    params = {name: values[0] for name, values in parse_qs(ending.query).items()}
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == f"{SITE}/deconnexion/fournisseur/"
    assert params["client_id"] == "milieu-proconnect" and params["state"]
    # the provider accepts the hint (its own signature) and sends the person back to Milieu
    back = at_provider(answer["Location"])
    assert back == f"{SITE}/deconnexion/fournisseur/?state={params['state']}"
    assert proconnect.logouts == [{"sub": "pc-fin@ac-ex.fr", "redirect_uri": back}]
    assert browser.get(back.removeprefix(SITE))["Location"] == "/"
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor=ddfpt).count() == 1


def test_logout_stays_local_when_the_provider_offers_no_end_session(
    educonnect: LocalProvider,
) -> None:
    account = UserFactory.create()
    student = StudentFactory.create(user=account)
    educonnect.person = Person({"sub": "ec-45", "FrEduCtEleveINE": student.ine})
    browser = Client()
    sign_in(browser, "educonnect")
    assert signed_in_user(browser) == str(account.pk)
    answer = browser.post("/deconnexion/")
    assert answer["Location"] == "/" and signed_in_user(browser) is None


def test_an_unreachable_provider_is_said_in_french(settings: Any) -> None:
    settings.PROCONNECT_ISSUER = "http://127.0.0.1:9/api/v2"  # the discard port: nobody answers
    answer = Client().get("/connexion/proconnect/")
    assert answer.status_code == 503
    assert "ProConnect ne répond pas pour le moment" in answer.content.decode()


def test_a_password_session_logs_out_locally(settings: Any) -> None:
    user = member(Role.DDFPT, establishment=EstablishmentFactory.create())
    browser = Client()
    browser.force_login(user)
    answer = browser.post("/deconnexion/")
    assert answer["Location"] == "/" and signed_in_user(browser) is None


def test_the_login_page_shows_the_enabled_providers_only(settings: Any) -> None:
    page = Client().get("/connexion/").content.decode()
    assert "Se connecter avec</span>" in page and "ProConnect</span>" in page
    assert "Se connecter avec ÉduConnect" in page
    assert 'href="/connexion/proconnect/"' in page

    settings.EDUCONNECT_ISSUER = ""
    page = Client().get("/connexion/").content.decode()
    assert "ÉduConnect" not in page and "ProConnect</span>" in page
    assert Client().get("/connexion/educonnect/").status_code == 404

    settings.PROCONNECT_ISSUER = ""
    page = Client().get("/connexion/").content.decode()
    assert "ProConnect" not in page and 'name="password"' in page


def _settings_from(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with these environment variables."""
    clean = {key: value for key, value in os.environ.items() if "CONNECT_" not in key}
    return subprocess.run(
        [sys.executable, "-c", "import milieu.settings as s; print(s.CONTENT_SECURITY_POLICY)"],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, **environ},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_half_configured_provider_stops_the_start() -> None:
    refused = _settings_from({"PROCONNECT_ISSUER": "https://proconnect.example/api/v2"})
    assert refused.returncode != 0
    assert "PROCONNECT_CLIENT_ID et PROCONNECT_CLIENT_SECRET vont ensemble" in refused.stderr


def test_the_logout_form_may_lead_to_the_providers_address() -> None:
    """The logout form's redirect ends at the provider's end_session_endpoint: the CSP's
    form-action names the enabled issuers' origins, and only them."""
    started = _settings_from(
        {
            "EDUCONNECT_ISSUER": "https://educonnect.example/idp/oidc",
            "EDUCONNECT_CLIENT_ID": "milieu",
            "EDUCONNECT_CLIENT_SECRET": "s3cret",
        }
    )
    assert started.returncode == 0, started.stderr
    assert "form-action 'self' https://educonnect.example;" in started.stdout
    plain = _settings_from({})
    assert "form-action 'self';" in plain.stdout
