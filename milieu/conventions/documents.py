"""The convention as a document: the parties' data frozen at sending, the PDF of each version,
and the final PDF with its signature page, sealed by the establishment.

A PDF is rendered once per version from the snapshot (never from today's data, never with
today's date), stored with its SHA-256 and never rebuilt.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from milieu.conventions.calendar import weekly_minutes
from milieu.conventions.enums import SignatureState
from milieu.conventions.models import Amendment, Convention, ConventionDocument
from milieu.conventions.sealing import seal_pdf
from milieu.rules import get_catalogue


def _person(obj: Any, *fields: str) -> dict[str, Any]:
    return {f: str(getattr(obj, f) or "") for f in fields}


def build_snapshot(convention: Convention, *, today: date | None = None) -> dict[str, Any]:
    """Every party's data as they are when the convention leaves for signature."""
    student = convention.student
    cohort = student.cohort
    school = cohort.establishment
    host = convention.host
    diploma = get_catalogue().get(cohort.diploma)
    periods = list(convention.periods.filter(active=True).order_by("start"))
    first_day = periods[0].start if periods else None
    extra = diploma.extra if diploma else {}
    chosen = set(convention.competencies or [])
    return {
        "version": convention.version,
        "frozen_on": (today or timezone.localdate()).isoformat(),
        "number": convention.pk,
        "establishment": {
            **_person(school, "name", "uai", "address", "postal_code", "city"),
            "academie": str(school.academie),
        },
        "diploma": {
            "id": cohort.diploma,
            "title": diploma.title if diploma else cohort.diploma,
            "seed": diploma.seed if diploma else "",
        },
        "cohort": {"name": cohort.name, "session": cohort.session},
        "student": {
            **_person(student, "last_name", "first_name", "ine", "email", "phone"),
            "birth_date": student.birth_date.isoformat(),
            "minor_on_first_day": bool(first_day and student.is_minor_on(first_day)),
            "pathway": student.get_pathway_display(),
        },
        "representatives": [
            {
                **_person(r, "last_name", "first_name", "email", "phone"),
                "relation": r.get_relation_display(),
            }
            for r in student.representatives.all()
        ],
        "host": {
            **_person(
                host,
                "name",
                "trade_name",
                "siret",
                "naf_code",
                "address",
                "postal_code",
                "city",
                "country",
                "foreign_identifier",
            ),
            "abroad": host.country != "FR",
        },
        "site": _person(convention.site, "name", "address", "city") if convention.site else None,
        "tutor": _person(convention.tutor, "last_name", "first_name", "position", "email", "phone")
        if convention.tutor
        else None,
        "referent": {
            "name": convention.referent.get_full_name() or convention.referent.email,
            "email": convention.referent.email,
        }
        if convention.referent
        else None,
        "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in periods],
        "work_days": list(convention.work_days),
        "timetable": convention.timetable,
        "weekly_hours": str(convention.weekly_hours),
        "timetable_weekly_hours": weekly_minutes(convention.timetable) / 60,
        "gratification_hourly": str(convention.gratification_hourly)
        if convention.gratification_hourly is not None
        else None,
        "objectives": convention.objectives,
        "activities": convention.activities,
        "competencies": [c for c in extra.get("competencies", []) if c["code"] in chosen],
        "referential_activities": [
            a
            for a in extra.get("activities", [])
            if isinstance(a, dict) and a.get("code") in chosen
        ],
        "annex_items": [
            {"label": label, "text": (convention.annex_items or {}).get(str(i), "")}
            for i, label in enumerate(extra.get("annex_items", []))
        ],
        "training_contract_items": list(extra.get("training_contract_items", [])),
        "follow_up": convention.follow_up,
        "evaluation_terms": convention.evaluation_terms,
        "accident_insurance": convention.accident_insurance,
        "liability_insurance": convention.liability_insurance,
        "foreign_law_adaptations": convention.foreign_law_adaptations,
        "embassy_notified_on": convention.embassy_notified_on.isoformat()
        if convention.embassy_notified_on
        else None,
        "summer_rest_terms": str(extra.get("summer_rest_terms", "")),
        "financial": {
            "meals": convention.meals,
            "lodging": convention.lodging,
            "transport": convention.transport,
            "insurance_costs": convention.insurance_costs,
        },
    }


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def store(
    convention: Convention, kind: str, content: bytes, *, amendment: Amendment | None = None
) -> ConventionDocument:
    return ConventionDocument.objects.create(
        convention=convention,
        amendment=amendment,
        kind=kind,
        version=convention.version,
        content=content,
    )


def render_for_signature(convention: Convention) -> ConventionDocument:
    """The PDF the parties sign: rendered from the snapshot only."""
    assert convention.snapshot is not None
    pdf = render_pdf("conventions/pdf/convention.html", {"s": convention.snapshot, "final": False})
    return store(convention, ConventionDocument.Kind.FOR_SIGNATURE, pdf)


def render_sealed(convention: Convention) -> ConventionDocument:
    """The signed PDF: the same snapshot plus a signature page (who, when, hash), then sealed."""
    assert convention.snapshot is not None
    signed = (
        convention.documents.filter(
            kind=ConventionDocument.Kind.FOR_SIGNATURE, version=convention.version
        )
        .order_by("-pk")
        .first()
    )
    signatories = list(
        convention.signatories.filter(
            version=convention.version, amendment__isnull=True, state=SignatureState.SIGNED
        )
    )
    pdf = render_pdf(
        "conventions/pdf/convention.html",
        {
            "s": convention.snapshot,
            "final": True,
            "signatories": signatories,
            "signed_sha256": signed.sha256 if signed else "",
        },
    )
    school = convention.snapshot["establishment"]
    sealed = seal_pdf(
        pdf,
        uai=school["uai"],
        name=school["name"],
        reason=f"Convention de stage n° {convention.pk}, version {convention.version}, signée par toutes les parties",
        location=school["city"] or school["name"],
    )
    return store(convention, ConventionDocument.Kind.SEALED, sealed)
