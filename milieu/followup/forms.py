from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from milieu.validators import validate_name, validate_text


class AbsenceForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="Nombre de jours d'absence", min_value=1, max_value=400)
    reason = forms.CharField(label="Motif", max_length=300)
    declared_by = forms.CharField(label="Votre nom", max_length=200, validators=[validate_name])


class CertificateForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    tutor_name = forms.CharField(label="Votre nom", max_length=200, validators=[validate_name])
    gratification_paid = forms.DecimalField(
        label="Gratification versée (€)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
    )


class PaperCertificateForm(forms.Form):
    """The scan of a certificate the host signed on paper (staff, once the period has ended)."""

    scan = forms.FileField(
        label="Scan de l'attestation (PDF)",
        error_messages={
            "required": "Choisissez le scan de l'attestation.",
            "empty": "Le fichier est vide.",
            "invalid": "Aucun fichier n'a été reçu : choisissez-le de nouveau.",
        },
    )
    signed_by = forms.CharField(
        label="Signée par (organisme d'accueil)",
        max_length=200,
        validators=[validate_name],
        error_messages={"required": "Indiquez qui a signé l'attestation."},
    )
    signed_on = forms.DateField(
        label="Date de l'attestation",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Saisissez une date valide."},
    )
    absence_days = forms.IntegerField(
        label="Jours d'absence indiqués sur l'attestation",
        min_value=0,
        initial=0,
        error_messages={
            "required": "Indiquez les jours d'absence (0 s'il n'y en a pas).",
            "min_value": "Les jours d'absence ne peuvent pas être négatifs.",
            "invalid": "Saisissez un nombre entier de jours.",
        },
    )


class PresenceForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(
        label="Jour de présence", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    tutor_name = forms.CharField(label="Votre nom", max_length=200, validators=[validate_name])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)


class TutorNameForm(forms.Form):
    """The tutor's typed name, with the period, for an agreement given through the link."""

    period = forms.IntegerField(widget=forms.HiddenInput)
    tutor_name = forms.CharField(label="Votre nom", max_length=200, validators=[validate_name])


ANSWER_MAX = 4000
COMMENT_MAX = 1000


class EvaluationForm(forms.Form):
    """One level (an index into the grid's scale) and an optional comment per item, the
    *appréciation proposée*, and — for the tutor — their name. Levels may be left empty in a
    draft; the operation says what is missing before the grid is sent or co-signed."""

    appreciation = forms.CharField(
        label="Appréciation proposée",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, grid: dict[str, Any], *args: Any, tutor: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.grid = grid
        choices = [("", "—")] + [(str(i), label) for i, label in enumerate(grid["scale"])]
        for item in grid["items"]:
            code = item["code"]
            level = forms.TypedChoiceField(
                label=f"{code} — {item['label']}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            # a draft may leave it empty, the grid cannot be transmitted without it
            level.needed_later = "à renseigner pour transmettre"  # type: ignore[attr-defined]
            self.fields[f"level_{code}"] = level
            self.fields[f"comment_{code}"] = forms.CharField(
                label=f"Commentaire sur {code}",
                required=False,
                max_length=COMMENT_MAX,
            )
        if tutor:
            self.fields["tutor_name"] = forms.CharField(
                label="Votre nom", max_length=200, validators=[validate_name]
            )

    @classmethod
    def initial_from(cls, evaluation: Any) -> dict[str, Any]:
        if evaluation is None:
            return {}
        initial: dict[str, Any] = {
            "appreciation": evaluation.appreciation,
            "tutor_name": evaluation.tutor_name,
        }
        for code, level in (evaluation.levels or {}).items():
            initial[f"level_{code}"] = str(level)
        for code, comment in (evaluation.comments or {}).items():
            initial[f"comment_{code}"] = comment
        return initial

    def item_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "level": self[f"level_{item['code']}"],
                "comment": self[f"comment_{item['code']}"],
            }
            for item in self.grid["items"]
        ]

    def levels(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            item["code"]: data[f"level_{item['code']}"]
            for item in self.grid["items"]
            if data.get(f"level_{item['code']}") is not None
        }

    def comments(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            item["code"]: data[f"comment_{item['code']}"].strip()
            for item in self.grid["items"]
            if (data.get(f"comment_{item['code']}") or "").strip()
        }


class PeriodDocumentForm(forms.Form):
    """One text per item of the training contract or the bilan (the tutor also gives a name)."""

    def __init__(self, items: list[str], *args: Any, tutor: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for i, label in enumerate(self.items):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=label,
                required=False,
                max_length=ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if tutor:
            self.fields["tutor_name"] = forms.CharField(
                label="Votre nom", max_length=200, validators=[validate_name]
            )

    @staticmethod
    def initial_from(document: Any) -> dict[str, Any]:
        if document is None:
            return {}
        return {f"answer_{i}": text for i, text in enumerate(document.answers or [])}

    def answer_fields(self) -> list[Any]:
        return [self[f"answer_{i}"] for i in range(len(self.items))]

    def answers(self) -> list[str]:
        return [self.cleaned_data[f"answer_{i}"].strip() for i in range(len(self.items))]


class PedagogySessionForm(forms.Form):
    """A préparation or an exploitation pédagogique of one period (BEP, seed 000 §1)."""

    kind = forms.ChoiceField(
        label="Séance",
        choices=[
            ("preparation", "Préparation (avant la période)"),
            ("exploitation", "Exploitation pédagogique (au retour)"),
        ],
        error_messages={"required": "Choisissez la séance.", "invalid_choice": "Choix inconnu."},
    )
    held_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Saisissez une date valide."},
    )
    led_by = forms.CharField(
        label="Menée par",
        max_length=300,
        help_text="Les enseignants de l'équipe pédagogique qui l'ont menée.",
        validators=[validate_name],
        error_messages={"required": "Indiquez qui a mené la séance."},
    )
    content = forms.CharField(
        label="Contenu",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui a été fait : objectifs présentés, consignes, retour d'expérience…",
        validators=[validate_text],
        error_messages={"required": "Indiquez ce qui a été fait."},
    )


class VisitAnswerForm(forms.Form):
    """The tutor's answer to a planned visit (seed 004: visits organised with the tutor)."""

    visit = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        label="Votre réponse",
        choices=[
            ("confirm", "Je confirme cette visite"),
            ("other-date", "Je propose une autre date"),
        ],
        widget=forms.RadioSelect,
        initial="confirm",
        error_messages={"required": "Choisissez votre réponse."},
    )
    proposed_at = forms.DateTimeField(
        label="Date et heure proposées",
        help_text="Si vous proposez une autre date.",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": "Saisissez une date et une heure valides."},
    )
    comment = forms.CharField(
        label="Message pour l'enseignant",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_text],
    )
    tutor_name = forms.CharField(
        label="Votre nom",
        max_length=200,
        validators=[validate_name],
        error_messages={"required": "Indiquez votre nom."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        proposing = cleaned.get("answer") == "other-date"
        if proposing and not cleaned.get("proposed_at") and "proposed_at" not in self.errors:
            self.add_error("proposed_at", "Indiquez la date que vous proposez.")
        return cleaned
