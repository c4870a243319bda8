"""The forms of the host choice: propose a host for a period, decide on a choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from milieu.establishments.models import CohortPeriod
from milieu.hosts.models import Host, HostSite, Tutor
from milieu.http import parse_id


class ProposePlacementForm(forms.Form):
    """A host for one period of the student's cohort, and optionally one of its sites and tutors."""

    cohort_period = forms.ModelChoiceField(
        label="Période de PFMP", queryset=CohortPeriod.objects.none(), empty_label=None
    )
    host = forms.ModelChoiceField(
        label="Organisme d’accueil",
        queryset=Host.objects.none(),
        empty_label="Choisissez un organisme",
    )
    site = forms.ModelChoiceField(
        label="Site ou service",
        queryset=HostSite.objects.none(),
        required=False,
        empty_label="Aucun en particulier",
    )
    tutor = forms.ModelChoiceField(
        label="Tuteur",
        queryset=Tutor.objects.none(),
        required=False,
        empty_label="À préciser plus tard",
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Visible de l’équipe pédagogique dans l’historique du choix.",
    )

    def __init__(
        self, *args: Any, periods: QuerySet[CohortPeriod], hosts: QuerySet[Host], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("cohort_period", periods)
        self._set_queryset("host", hosts)
        raw = self.data.get("host") if self.is_bound else self.initial.get("host")
        host_id = parse_id(getattr(raw, "pk", raw))
        if host_id is not None and hosts.filter(pk=host_id).exists():
            self._set_queryset("site", HostSite.objects.filter(host_id=host_id))
            self._set_queryset("tutor", Tutor.objects.filter(host_id=host_id))
            self.host_chosen = True
        else:
            self.host_chosen = False

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class PlacementDecisionForm(forms.Form):
    """The comment that goes with a decision; the reason is required to refuse."""

    comment = forms.CharField(label="Commentaire", required=False, max_length=2000)

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = "Motif du refus"
            self.fields["comment"].error_messages["required"] = "Indiquez le motif du refus."
