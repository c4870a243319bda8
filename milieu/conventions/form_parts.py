"""The two catalogue- and calendar-driven parts of the convention's form (`forms.ConventionForm`):
the weekly timetable (two spans a weekday, as time inputs) and the annexe pédagogique (the
competencies and activities of the référentiel to tick, the items that each get a text, as the
diploma's catalogue entry offers them). No diploma id is ever named here.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from milieu.conventions.calendar import DAY_LABELS, WEEKDAYS
from milieu.conventions.models import Convention
from milieu.rules import get_catalogue
from milieu.students.models import Student

SPANS = (1, 2)
SPAN_LABELS = {1: "1re plage", 2: "2e plage"}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def _coded(items: Any) -> list[tuple[str, str]]:
    """`[{"code", "label"}, …]` from the catalogue as choices "C01 — label"."""
    return [
        (str(item["code"]), f"{item['code']} — {item['label']}")
        for item in items or []
        if isinstance(item, dict) and "code" in item and "label" in item
    ]


def _texts(items: Any) -> list[str]:
    return [str(item) for item in items or [] if isinstance(item, str)]


def span_field(day: str, span: int, end: str) -> str:
    """`mon_1_debut`, `mon_1_fin`…: the inputs of one span of one weekday."""
    return f"{day}_{span}_{end}"


class TimetableFields(forms.BaseForm):
    """The timetable's inputs, their rows for the template, and their cleaning."""

    instance: Convention
    _day_errors: dict[str, list[str]]
    _span_errors: list[tuple[str, str]]

    def _add_timetable_fields(self) -> None:
        timetable = self.initial.get("timetable")
        if timetable is None:
            timetable = self.instance.timetable if self.instance.pk else None
        if timetable is None:
            timetable = Convention().timetable
        for day in WEEKDAYS:
            spans = list(timetable.get(day) or [])
            for span in SPANS:
                given = spans[span - 1] if len(spans) >= span else ["", ""]
                for index, end in enumerate(("debut", "fin")):
                    name = span_field(day, span, end)
                    self.fields[name] = forms.TimeField(
                        label=f"{DAY_LABELS[day].capitalize()}, {SPAN_LABELS[span]}, "
                        f"{'début' if end == 'debut' else 'fin'}",
                        required=False,
                        input_formats=["%H:%M", "%Hh%M", "%H:%M:%S"],
                        widget=TimeInput(),
                        error_messages={"invalid": "Heure au format HH:MM, par exemple 08:30."},
                    )
                    self.initial.setdefault(name, given[index] if len(given) > index else "")

    def timetable_rows(self) -> list[dict[str, Any]]:
        """For the template: one row per weekday with its four bound fields and, below the row,
        every error of its fields (a format error, a span that ends before it starts…)."""
        rows = []
        for day in WEEKDAYS:
            fields = [
                self[span_field(day, span, end)] for span in SPANS for end in ("debut", "fin")
            ]
            errors: list[str] = []
            for field in fields:
                errors += [str(e) for e in field.errors if str(e) not in errors]
            rows.append(
                {
                    "day": day,
                    "label": DAY_LABELS[day].capitalize(),
                    "fields": fields,
                    "errors": errors,
                }
            )
        return rows

    def _clean_timetable(self, cleaned: dict[str, Any]) -> dict[str, list[list[str]]]:
        self._day_errors = {}
        timetable: dict[str, list[list[str]]] = {}
        errors: list[tuple[str, str]] = []
        for day in WEEKDAYS:
            spans: list[tuple[time, time]] = []
            problems: list[tuple[int, str]] = []
            for span in SPANS:
                start = cleaned.get(span_field(day, span, "debut"))
                end = cleaned.get(span_field(day, span, "fin"))
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    problems.append(
                        (
                            span,
                            f"{DAY_LABELS[day].capitalize()} : indiquez le début et la fin de la "
                            f"{SPAN_LABELS[span]}.",
                        )
                    )
                    continue
                if end <= start:
                    problems.append(
                        (
                            span,
                            f"{DAY_LABELS[day].capitalize()} : la {SPAN_LABELS[span]} finit avant "
                            "de commencer.",
                        )
                    )
                    continue
                if spans and start < spans[-1][1]:
                    problems.append(
                        (
                            span,
                            f"{DAY_LABELS[day].capitalize()} : la 2e plage commence avant la fin "
                            "de la 1re.",
                        )
                    )
                    continue
                spans.append((start, end))
            if problems:
                self._day_errors[day] = [message for _, message in problems]
                errors += [(span_field(day, span, "debut"), message) for span, message in problems]
            if spans:
                timetable[day] = [[f"{s:%H:%M}", f"{e:%H:%M}"] for s, e in spans]
        self._span_errors = errors
        return timetable


class AnnexFields(forms.BaseForm):
    """The annexe pédagogique's inputs, as the student's diploma offers them."""

    instance: Convention
    student: Student

    def _add_annex_fields(self) -> None:
        diploma = get_catalogue().get(self.student.cohort.diploma)
        extra: dict[str, Any] = dict(diploma.extra) if diploma else {}
        self.diploma_title = diploma.title if diploma else self.student.cohort.diploma
        chosen = set(self.instance.competencies or []) if self.instance.pk else set()
        chosen |= set(self.initial.get("competencies") or [])
        self.referential: list[str] = []
        for key, label in (
            ("competencies", "Compétences du référentiel visées"),
            ("activities", "Activités du référentiel confiées"),
        ):
            choices = _coded(extra.get(key))
            if not choices:
                continue
            name = f"referential_{key}"
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "« %(value)s » n’est pas dans le référentiel."},
            )
            self.initial.setdefault(name, [code for code, _ in choices if code in chosen])
            self.referential.append(name)
        items = (self.instance.annex_items or {}) if self.instance.pk else {}
        self.annex_item_names: list[str] = []
        for index, text in enumerate(_texts(extra.get("annex_items"))):
            name = f"annex_item_{index}"
            self.fields[name] = forms.CharField(
                label=text,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.initial.setdefault(name, items.get(str(index), ""))
            self.annex_item_names.append(name)
        self.training_contract_items = _texts(extra.get("training_contract_items"))

    @property
    def referential_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.referential]

    @property
    def annex_item_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.annex_item_names]
