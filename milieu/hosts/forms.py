"""Forms of the host directory, rendered with hand-written DSFR markup (see templates/hosts)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from milieu.hosts.countries import COUNTRIES, FRANCE, country_name
from milieu.hosts.models import Host, HostSite, Tutor
from milieu.hosts.operations import HOST_FIELDS
from milieu.identifiers import naf_normalised, siret_error
from milieu.validators import guard_names

_FRENCH_POSTAL_CODE = re.compile(r"^\d{5}$")


def compact(value: str) -> str:
    return "".join(value.split())


class HostForm(forms.ModelForm[Host]):
    """A host's identity. A French host is identified by its SIRET, a foreign one by its national
    identifier; the same identifier twice is refused with a link to the host that has it, and the
    other establishments of the same company (same SIREN) are shown before saving."""

    country = forms.ChoiceField(label="Pays", choices=COUNTRIES, initial=FRANCE)
    siret = forms.CharField(
        label="SIRET",
        required=False,
        max_length=20,
        help_text="14 chiffres, espaces acceptés (ex. 356 000 000 00048).",
    )
    naf_code = forms.CharField(
        label="Code NAF (APE)",
        required=False,
        max_length=10,
        help_text="4 chiffres et une lettre (ex. 62.02A).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    confirm_same_company = forms.BooleanField(
        label="J’ai vérifié : il s’agit bien d’un autre établissement de cette entreprise.",
        required=False,
    )

    class Meta:
        model = Host
        fields = list(HOST_FIELDS)  # what the audit rows record (milieu.hosts.operations)
        labels = {
            "foreign_identifier": "Identifiant national",
            "name": "Raison sociale",
            "trade_name": "Enseigne",
            "naf_version": "Version de la nomenclature NAF",
            "address": "Adresse",
            "postal_code": "Code postal",
            "city": "Commune",
            "headcount": "Effectif",
        }
        widgets = {
            "foreign_identifier": forms.TextInput(attrs={"autocomplete": "off"}),
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "trade_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "headcount": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        }
        help_texts = {
            "foreign_identifier": (
                "Pour un organisme hors de France : son numéro d’immatriculation dans son pays "
                "(ex. HRB 12345 en Allemagne)."
            ),
            "trade_name": "Le nom commercial, s’il diffère de la raison sociale.",
            "headcount": "Nombre de salariés : il fixe le nombre de stagiaires accueillis à la fois.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicate: Host | None = None
        self.siblings: list[Host] = []
        current = self.instance.country if self.instance.pk else ""
        if current and current not in dict(COUNTRIES):
            field = self.fields["country"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*COUNTRIES, (current, country_name(current))]
        headcount = self.fields["headcount"]
        assert isinstance(headcount, forms.IntegerField)
        headcount.error_messages["invalid"] = "Indiquez un nombre entier de salariés."
        headcount.error_messages["min_value"] = "L’effectif ne peut pas être négatif."
        guard_names(self, "name", "trade_name", "address", "city")

    def clean_siret(self) -> str:
        return compact(self.cleaned_data.get("siret") or "")

    def clean_naf_code(self) -> str:
        value = compact(self.cleaned_data.get("naf_code") or "")
        if not value:
            return ""
        normalised = naf_normalised(value)
        if normalised is None:
            raise forms.ValidationError("Le code NAF compte 4 chiffres et une lettre (ex. 62.02A).")
        return normalised

    def clean_foreign_identifier(self) -> str:
        return " ".join((self.cleaned_data.get("foreign_identifier") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        country = cleaned.get("country")
        if not country:
            return cleaned
        if country == FRANCE:
            self._clean_french(cleaned)
        else:
            self._clean_foreign(cleaned, country)
        return cleaned

    def _identity_changed(self) -> bool:
        if self.instance.pk is None:
            return True
        return bool({"country", "siret", "foreign_identifier"} & set(self.changed_data))

    def _others(self) -> Any:
        return Host.objects.exclude(pk=self.instance.pk) if self.instance.pk else Host.objects

    def _clean_french(self, cleaned: dict[str, Any]) -> None:
        siret = cleaned.get("siret", "")
        cleaned["foreign_identifier"] = ""
        if not siret:
            self.add_error("siret", "Indiquez le SIRET de l’organisme (14 chiffres).")
            return
        error = siret_error(siret)
        if error:
            self.add_error("siret", error)
            return
        postal_code = compact(cleaned.get("postal_code") or "")
        if postal_code and not _FRENCH_POSTAL_CODE.match(postal_code):
            self.add_error("postal_code", "Un code postal français compte 5 chiffres.")
        self.duplicate = self._others().same_siret(siret).first()
        if self.duplicate is not None:
            self.add_error("siret", "Un organisme d’accueil a déjà ce SIRET.")
            return
        self.siblings = list(self._others().same_siren(siret).order_by("siret"))
        if self.siblings and self._identity_changed() and not cleaned.get("confirm_same_company"):
            self.add_error(
                "confirm_same_company",
                "D’autres établissements de cette entreprise sont déjà enregistrés : vérifiez qu’il "
                "ne s’agit pas de l’un d’eux, puis cochez cette case.",
            )

    def _clean_foreign(self, cleaned: dict[str, Any], country: str) -> None:
        if cleaned.get("siret"):
            self.add_error(
                "siret",
                "Le SIRET ne concerne que les organismes situés en France : laissez ce champ vide "
                "et indiquez l’identifiant national.",
            )
        identifier = cleaned.get("foreign_identifier", "")
        if not identifier:
            self.add_error(
                "foreign_identifier",
                "Indiquez l’identifiant national de l’organisme (son immatriculation dans son pays).",
            )
            return
        self.duplicate = self._others().same_foreign_identifier(identifier, country=country).first()
        if self.duplicate is not None:
            self.add_error(
                "foreign_identifier", "Un organisme d’accueil de ce pays a déjà cet identifiant."
            )


class HostSiteForm(forms.ModelForm[HostSite]):
    class Meta:
        model = HostSite
        fields = ["name", "address", "city"]
        labels = {"name": "Service ou site", "address": "Adresse", "city": "Commune"}
        widgets = {
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }
        help_texts = {"name": "Par exemple « Atelier de maintenance » ou « Agence de Colmar »."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_names(self, "name", "address", "city")


class TutorForm(forms.ModelForm[Tutor]):
    class Meta:
        model = Tutor
        fields = ["last_name", "first_name", "position", "email", "phone"]
        labels = {
            "last_name": "Nom",
            "first_name": "Prénom",
            "position": "Fonction",
            "email": "Adresse électronique",
            "phone": "Téléphone",
        }
        help_texts = {"email": "Format attendu : nom@domaine.fr"}
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = (
            "Saisissez une adresse électronique valide (ex. nom@domaine.fr)."
        )
        guard_names(self, "last_name", "first_name", "position")
