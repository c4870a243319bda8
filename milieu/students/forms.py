from __future__ import annotations

from typing import Any

from django import forms

from milieu.establishments.forms import DateInput
from milieu.students.enums import (
    ContinuingSituation,
    Pathway,
    Relation,
    RepeaterReport,
)
from milieu.students.models import LegalRepresentative, Student
from milieu.students.operations import EDITED_FIELDS
from milieu.validators import guard_names


class StudentForm(forms.ModelForm[Student]):
    """A student's identity and pathway; the fields that only make sense together are checked
    together (the situation with continuing education, the previous session with a repeater).
    `version` is the record's version the page showed (optimistic locking)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "La version de la fiche manque : rechargez la page.",
            "invalid": "La version de la fiche est illisible : rechargez la page.",
            "min_value": "La version de la fiche est illisible : rechargez la page.",
        },
    )

    class Meta:
        model = Student
        fields = list(EDITED_FIELDS)  # what `update_student` writes and the journal records
        widgets = {"birth_date": DateInput()}
        help_texts = {
            "ine": "11 caractères, par exemple 123456789AB.",
            "continuing_situation": "Seulement pour la formation continue.",
            "previous_session": "Seulement pour un redoublant.",
            "repeater_report": (
                "Seulement pour un redoublant. La grille de la session précédente, le contrat "
                "de l'apprenti redoublant se déposent comme pièces justificatives."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        situation = self.fields["continuing_situation"]
        assert isinstance(situation, forms.TypedChoiceField)
        situation.choices = [("", "Sans objet"), *ContinuingSituation.choices]
        report = self.fields["repeater_report"]
        assert isinstance(report, forms.TypedChoiceField)
        report.choices = [("", "Sans objet"), *RepeaterReport.choices]
        guard_names(self, "last_name", "first_name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("pathway") == Pathway.FORMATION_CONTINUE:
            if not cleaned.get("continuing_situation"):
                self.add_error(
                    "continuing_situation",
                    "Précisez la situation en formation continue : première formation, "
                    "reconversion ou perfectionnement.",
                )
        elif "pathway" in cleaned:
            cleaned["continuing_situation"] = ""
        if cleaned.get("repeater"):
            if cleaned.get("previous_session") is None:
                self.add_error("previous_session", "Indiquez la session précédente du redoublant.")
            if not cleaned.get("repeater_report"):
                self.add_error(
                    "repeater_report",
                    "Indiquez ce que présente le redoublant : le précédent rapport, modifié ou "
                    "non, ou un nouveau stage.",
                )
        elif "repeater" in cleaned:
            cleaned["previous_session"] = None
            cleaned["repeater_report"] = ""
        return cleaned


class LegalRepresentativeForm(forms.ModelForm[LegalRepresentative]):
    class Meta:
        model = LegalRepresentative
        fields = ["last_name", "first_name", "relation", "email", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relation = self.fields["relation"]
        assert isinstance(relation, forms.TypedChoiceField)
        relation.choices = [("", "Choisissez le lien"), *Relation.choices]
        guard_names(self, "last_name", "first_name")


RepresentativeFormSet = forms.inlineformset_factory(
    Student,
    LegalRepresentative,
    form=LegalRepresentativeForm,
    fields=["last_name", "first_name", "relation", "email", "phone"],
    extra=1,
    max_num=4,
    can_delete=True,
)
