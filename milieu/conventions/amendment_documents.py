"""An avenant as a document: what it changes in words, its snapshot, its PDF and its seal.

The PDF the parties sign is rendered once, when the avenant leaves for signature, from a
snapshot (the signed convention's frozen identities, the changes with the values they replace,
the parties). When the last party has signed, that exact file is kept byte for byte: a
signature page is appended as an incremental update, then the establishment's seal covers the
whole (`seal_amendment`).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from milieu.conventions.calendar import DAY_LABELS, WEEKDAYS
from milieu.conventions.documents import build_snapshot, render_pdf, store
from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.models import Amendment, Convention, ConventionDocument, Signatory
from milieu.conventions.sealing import seal_pdf


@dataclass(frozen=True)
class Change:
    """One element an avenant changes, in words: "Périodes", before, after."""

    label: str
    before: str
    after: str


# --- reading an avenant -------------------------------------------------------------------


def amendment_periods(amendment: Amendment) -> list[tuple[date, date]]:
    return [
        (date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        for p in amendment.new_periods or []
    ]


def fr_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _periods_text(periods: list[tuple[date, date]]) -> str:
    return " ; ".join(f"du {fr_date(s)} au {fr_date(e)}" for s, e in periods) or "—"


def timetable_text(timetable: dict[str, list[list[str]]]) -> str:
    days = [
        f"{DAY_LABELS[d]} {', '.join(f'{a}–{b}' for a, b in timetable[d])}"
        for d in WEEKDAYS
        if timetable.get(d)
    ]
    return " ; ".join(days) or "—"


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f} h".replace(".", ",")


def describe_changes(amendment: Amendment, *, with_before: bool = True) -> list[Change]:
    """What the avenant changes; `before` is the convention as it is now (meaningful while the
    avenant is open; once signed, its sealed PDF keeps the values it replaced)."""
    convention = amendment.convention
    current = [(p.start, p.end) for p in convention.active_periods()] if with_before else []

    def before(text: str) -> str:
        return text if with_before else ""

    changes = []
    if amendment.new_periods:
        changes.append(
            Change(
                "Périodes",
                before(_periods_text(current)),
                _periods_text(amendment_periods(amendment)),
            )
        )
    if amendment.early_end:
        changes.append(
            Change(
                "Fin anticipée",
                before(f"fin prévue le {fr_date(current[-1][1])}" if current else "—"),
                f"le stage prend fin le {fr_date(amendment.early_end)}",
            )
        )
    if amendment.new_site_id:
        changes.append(
            Change(
                "Lieu ou service",
                before(str(convention.site) if convention.site else "—"),
                _site_text(amendment.new_site),
            )
        )
    if amendment.new_tutor_id:
        changes.append(
            Change(
                "Tuteur",
                before(str(convention.tutor) if convention.tutor else "—"),
                _tutor_text(amendment.new_tutor),
            )
        )
    if amendment.new_timetable:
        changes.append(
            Change(
                "Horaires",
                before(timetable_text(convention.timetable)),
                timetable_text(amendment.new_timetable),
            )
        )
    if amendment.new_weekly_hours is not None:
        changes.append(
            Change(
                "Durée hebdomadaire",
                before(_hours(convention.weekly_hours)),
                _hours(amendment.new_weekly_hours),
            )
        )
    return changes


def _site_text(site: Any) -> str:
    return " ".join(str(part) for part in (site.name, site.address, site.city) if part)


def _tutor_text(tutor: Any) -> str:
    details = ", ".join(str(part) for part in (tutor.position, tutor.email) if part)
    return f"{tutor} ({details})" if details else str(tutor)


# --- the avenant's snapshot ---------------------------------------------------------------


def original_parties(convention: Convention) -> list[Signatory]:
    """The parties who signed the convention's current version."""
    return list(
        convention.signatories.filter(
            version=convention.version, amendment__isnull=True, state=SignatureState.SIGNED
        ).order_by("order", "pk")
    )


def build_amendment_snapshot(amendment: Amendment, convention: Convention) -> dict[str, Any]:
    """The avenant's content, frozen when it leaves for signature."""
    frozen = convention.snapshot or build_snapshot(convention)
    signed = (
        convention.transitions.filter(to_status=ConventionStatus.SIGNED)
        .exclude(from_status=ConventionStatus.SIGNED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return {
        "number": amendment.number,
        "convention": {"number": convention.pk, "version": convention.version},
        "convention_signed_on": fr_date(timezone.localtime(signed).date()) if signed else "",
        "frozen_on": fr_date(timezone.localdate()),
        "reason": amendment.reason,
        "establishment": frozen["establishment"],
        "diploma": frozen["diploma"],
        "cohort": frozen["cohort"],
        "student": frozen["student"],
        "host": frozen["host"],
        "changes": [asdict(change) for change in describe_changes(amendment)],
        "parties": [
            {"role": p.get_role_display(), "name": p.name, "on_behalf_of": p.on_behalf_of}
            for p in original_parties(convention)
        ],
    }


# --- the sealed PDF -----------------------------------------------------------------------


def append_pages(base: bytes, extra: bytes) -> bytes:
    """`base` with the pages of `extra` added as an incremental update: the first bytes of the
    result are exactly `base`, so the file the parties signed stays inside the sealed one."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    writer = IncrementalPdfFileWriter(io.BytesIO(base))
    other = PdfFileReader(io.BytesIO(extra))
    for index in range(int(other.root["/Pages"]["/Count"])):
        page_ref, _ = other.find_page_for_modification(index)
        box = page_ref.get_object().get("/MediaBox") or generic.ArrayObject(
            [generic.FloatObject(v) for v in (0, 0, 595.28, 841.89)]
        )
        drawn = writer.import_page_as_xobject(other, page_ix=index)
        content = writer.add_object(generic.StreamObject(stream_data=b"q /Appended Do Q"))
        resources = generic.DictionaryObject(
            {pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/Appended"): drawn})}
        )
        page = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Page"),
                pdf_name("/MediaBox"): writer.import_object(box),
                pdf_name("/Resources"): resources,
                pdf_name("/Contents"): content,
            }
        )
        writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seal_amendment(amendment: Amendment, convention: Convention) -> ConventionDocument:
    """The PDF the parties signed, a signature page appended, sealed by the establishment."""
    signed = (
        convention.documents.filter(kind=ConventionDocument.Kind.AMENDMENT, amendment=amendment)
        .order_by("-pk")
        .first()
    )
    assert signed is not None
    school = (convention.snapshot or build_snapshot(convention))["establishment"]
    page = render_pdf(
        "conventions/amendments/pdf/signatures.html",
        {
            "amendment": amendment,
            "convention": convention,
            "signatories": list(amendment.signatories.filter(state=SignatureState.SIGNED)),
            "signed_sha256": signed.sha256,
        },
    )
    sealed = seal_pdf(
        append_pages(bytes(signed.content), page),
        uai=school["uai"],
        name=school["name"],
        reason=(
            f"Avenant n° {amendment.number} à la convention de stage n° {convention.pk}, "
            "signé par toutes les parties"
        ),
        location=school["city"] or school["name"],
    )
    return store(convention, ConventionDocument.Kind.AMENDMENT_SEALED, sealed, amendment=amendment)
