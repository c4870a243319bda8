from __future__ import annotations

from django import forms


class AbsenceForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="Nombre de jours d'absence", min_value=1, max_value=400)
    reason = forms.CharField(label="Motif", max_length=300)
    declared_by = forms.CharField(label="Votre nom", max_length=200)


class CertificateForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    tutor_name = forms.CharField(label="Votre nom", max_length=200)
    gratification_paid = forms.DecimalField(
        label="Gratification versée (€, facultatif)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
    )
