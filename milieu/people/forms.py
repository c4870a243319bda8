from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.people import throttle
from milieu.people.models import User


def client_ip(request: HttpRequest | None) -> str:
    """The address the request came from (behind a proxy, the proxy must set REMOTE_ADDR)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


class LoginForm(AuthenticationForm):
    """Log in with an e-mail address; throttled per account, per network address and per both
    (see `milieu.people.throttle`): the attempt is counted before its password is checked.
    Failures go to the audit journal with the address typed."""

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé. Adressez-vous à votre établissement.",
        "throttled": (
            "Trop de tentatives de connexion ont échoué pour %(scope)s. "
            "Réessayez dans %(minutes)s minute(s)."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "Adresse électronique"
        username.widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "spellcheck": "false"}
        )
        self.fields["password"].label = "Mot de passe"

    def clean_username(self) -> str:
        """The address as typed, matched without regard to case (accounts are stored lower-case,
        older ones may not be)."""
        typed = str(self.cleaned_data.get("username", "")).strip()
        stored = User.objects.filter(email__iexact=typed).values_list("email", flat=True).first()
        return stored or typed.lower()

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data
        ip = client_ip(self.request)
        decision = throttle.begin(email, ip)
        if not decision.allowed:
            if decision.first_refusal:
                self._journal_failure(email, "trop de tentatives : connexion bloquée")
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": decision.minutes_left, "scope": decision.refused_by[0].label},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            self._journal_failure(email, "adresse ou mot de passe incorrect")
            raise
        throttle.succeeded(email, ip)
        return cleaned

    def _journal_failure(self, email: str, reason: str) -> None:
        record(
            AuditAction.LOGIN_FAILED,
            actor_label=email,
            ip=client_ip(self.request) or None,
            establishment=None,
            changes={"motif": reason},
        )
