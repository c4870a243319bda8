"""Forms of the account pages: accepting an invitation, forgotten password, password change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError

from milieu.people import throttle
from milieu.people.models import User

PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."


def _password_field(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Saisissez le mot de passe."},
    )


class ChoosePasswordForm(forms.Form):
    """The invited student chooses their password (Django's validators, in French)."""

    password1 = _password_field("Mot de passe", help_text=password_validators_help_text_html())
    password2 = _password_field("Confirmation du mot de passe")

    def __init__(self, *args: Any, future_user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.future_user = future_user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two:
            if one != two:
                self.add_error("password2", PASSWORD_MISMATCH)
            else:
                try:
                    validate_password(one, self.future_user)
                except ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class ThrottledPasswordResetForm(PasswordResetForm):
    """Ask for a reset link. Counted like a login attempt (per address typed, per address typed
    from this network address, per network address) under keys of its own, so that asking does
    not lock the login; the answer is the same whether an account exists or not."""

    error_messages = {
        "throttled": (
            "Trop de demandes ont été faites pour %(scope)s. Réessayez dans %(minutes)s minute(s)."
        ),
    }

    def __init__(self, *args: Any, ip: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ip = ip
        self.fields["email"].label = "Adresse électronique"
        self.fields["email"].error_messages = {
            "required": "Saisissez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide.",
        }

    def clean_email(self) -> str:
        email = throttle.normalise_email(str(self.cleaned_data["email"]))
        decision = throttle.begin(f"reinitialisation:{email}", self.ip)
        if not decision.allowed:
            scope = decision.refused_by[0].label.replace("ce compte", "cette adresse électronique")
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": decision.minutes_left, "scope": scope},
            )
        return email


def _french_password_labels(form: forms.Form) -> None:
    labels = {
        "old_password": "Mot de passe actuel",
        "new_password1": "Nouveau mot de passe",
        "new_password2": "Confirmation du nouveau mot de passe",
    }
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label


class FrenchSetPasswordForm(SetPasswordForm):
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _french_password_labels(self)


class FrenchPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": "Le mot de passe actuel est incorrect.",
    }

    def __init__(self, *args: Any, ip: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ip = ip
        _french_password_labels(self)

    def clean_old_password(self) -> str:
        """The current password is checked under the login's throttle (same counters)."""
        decision = throttle.begin(self.user.email, self.ip)
        if not decision.allowed:
            raise ValidationError(
                "Trop de tentatives ont échoué pour %(scope)s. Réessayez dans %(minutes)s minute(s).",
                code="throttled",
                params={"minutes": decision.minutes_left, "scope": decision.refused_by[0].label},
            )
        old: str = super().clean_old_password()
        throttle.succeeded(self.user.email, self.ip)
        return old
