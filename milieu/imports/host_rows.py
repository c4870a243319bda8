"""Hosts from a spreadsheet (a list of partner companies): columns, checks, writing.

A French host is identified by its SIRET: a row whose SIRET is already in the directory updates
that host (blank cells never erase what is known), a new SIRET creates a host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from milieu.audit.enums import AuditAction
from milieu.hosts.countries import FRANCE
from milieu.hosts.models import Host
from milieu.identifiers import naf_normalised, siret_error
from milieu.imports.batches import chunks
from milieu.imports.columns import Column, one_line, too_long
from milieu.imports.enums import RowStatus
from milieu.imports.reading import Number
from milieu.imports.writing import BATCH, write_updates
from milieu.permissions import editable_hosts
from milieu.validators import name_problem

KEY = "siret"
KEY_LABEL = "SIRET"

COLUMNS: tuple[Column, ...] = (
    Column(
        "siret",
        "SIRET",
        True,
        ("n siret", "numéro SIRET", "num SIRET", "SIRET établissement"),
        help="14 chiffres",
    ),
    Column(
        "name",
        "Raison sociale",
        True,
        (
            "dénomination",
            "dénomination sociale",
            "nom",
            "nom de l’entreprise",
            "nom de l'entreprise",
            "entreprise",
            "organisme",
        ),
        max_length=200,
    ),
    Column("trade_name", "Enseigne", False, ("nom commercial",), max_length=200),
    Column(
        "naf_code",
        "Code NAF",
        False,
        ("NAF", "APE", "code APE", "code NAF/APE", "NAF/APE", "APE/NAF", "activité principale"),
        help="ex. 62.02A",
    ),
    Column("address", "Adresse", False, ("adresse postale", "rue", "voie"), max_length=250),
    Column("postal_code", "Code postal", False, ("CP",), help="5 chiffres"),
    Column("city", "Commune", False, ("ville", "localité", "libellé commune"), max_length=100),
    Column(
        "headcount",
        "Effectif",
        False,
        ("effectifs", "nombre de salariés", "salariés", "nb salariés", "effectif salarié"),
        help="nombre entier",
    ),
)
_BY_KEY = {column.key: column for column in COLUMNS}

_UPDATABLE = ("name", "trade_name", "naf_code", "address", "postal_code", "city", "headcount")
_LABELS = {
    "name": "raison sociale",
    "trade_name": "enseigne",
    "naf_code": "code NAF",
    "address": "adresse",
    "postal_code": "code postal",
    "city": "commune",
    "headcount": "effectif",
}
_POSTAL_CODE = re.compile(r"^\d{5}$")


def _digits(value: str, width: int) -> str:
    """A cell's digits; a number Excel stored loses its leading zeros: pad them back."""
    text = "".join(value.split())
    if isinstance(value, Number) and text.isdigit() and len(text) < width:
        return text.zfill(width)
    return text


def check_cells(cells: dict[str, str], *, today: date) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    errors: list[str] = []
    siret = _digits(cells.get("siret", ""), 14)
    if not siret:
        errors.append("SIRET manquant.")
    elif problem := siret_error(siret):
        errors.append(f"SIRET « {cells['siret'].strip()} » : {problem}")
    else:
        values["siret"] = siret
    name = one_line(cells.get("name", ""))
    if not name:
        errors.append("Raison sociale manquante.")
    elif problem := name_problem(cells["name"].strip()):
        errors.append(f"{_BY_KEY['name'].label} : {problem}")
    elif problem := too_long(_BY_KEY["name"], name):
        errors.append(problem)
    else:
        values["name"] = name
    for key in ("trade_name", "address", "city"):
        text = one_line(cells.get(key, ""))
        if not text:
            continue
        if problem := name_problem(cells[key].strip()):
            errors.append(f"{_BY_KEY[key].label} : {problem}")
        elif problem := too_long(_BY_KEY[key], text):
            errors.append(problem)
        else:
            values[key] = text
    naf = "".join(cells.get("naf_code", "").split())
    if naf:
        normalised = naf_normalised(naf)
        if normalised is None:
            errors.append(f"Code NAF « {naf} » : il compte 4 chiffres et une lettre (ex. 62.02A).")
        else:
            values["naf_code"] = normalised
    postal_code = "".join(cells.get("postal_code", "").split())
    if postal_code:
        if postal_code.isdigit() and len(postal_code) == 4:
            postal_code = postal_code.zfill(5)  # a spreadsheet dropped the leading zero
        if not _POSTAL_CODE.match(postal_code):
            errors.append(f"Code postal « {postal_code} » : il compte 5 chiffres.")
        else:
            values["postal_code"] = postal_code
    headcount = "".join(cells.get("headcount", "").replace("\u202f", " ").split())
    if headcount:
        if not headcount.isdigit():
            errors.append(f"Effectif « {headcount} » : indiquez un nombre entier de salariés.")
        else:
            values["headcount"] = int(headcount)
    return values, errors


def _existing(sirets: list[str], *, lock: bool) -> dict[str, Host]:
    found: dict[str, Host] = {}
    for chunk in chunks(sirets):
        hosts = Host.objects.filter(country=FRANCE, siret__in=chunk)
        if lock:
            hosts = hosts.select_for_update()
        for host in hosts:
            found[host.siret] = host
    return found


def classify(rows: Iterable[dict[str, Any]], job: Any, *, lock: bool = False) -> None:
    pending = [row for row in rows if not row["errors"]]
    existing = _existing([row["values"]["siret"] for row in pending], lock=lock)
    # the shared directory: an import changes only the hosts the importing school works with
    # (issue 9 §1), as the host edit page does; others are left as they are
    editable = set(
        editable_hosts(job.created_by)
        .filter(pk__in=[host.pk for host in existing.values()])
        .values_list("pk", flat=True)
    )
    for row in pending:
        host = existing.get(row["values"]["siret"])
        row["conflict"] = ""
        row["changes"] = []
        row["fields"] = []
        row["target"] = None
        if host is None:
            row["status"] = RowStatus.CREATE
        else:
            row["status"] = RowStatus.UPDATE
            row["target"] = host.pk
            row["fields"] = [
                field
                for field in _UPDATABLE
                if field in row["values"] and getattr(host, field) != row["values"][field]
            ]
            row["changes"] = [_LABELS[field] for field in row["fields"]]
            if row["fields"] and host.pk not in editable:
                row["status"] = RowStatus.ERROR
                row["errors"] = [
                    f"SIRET {host.siret} : « {host.name} » est déjà dans l’annuaire et votre "
                    "établissement ne travaille pas avec cet organisme : la ligne ne le modifie "
                    "pas (l’établissement qui travaille avec lui peut le faire)."
                ]
                row["fields"], row["changes"], row["target"] = [], [], None


def apply(rows: list[dict[str, Any]], job: Any) -> tuple[int, int]:
    new = [
        Host(
            country=FRANCE,
            siret=row["values"]["siret"],
            name=row["values"]["name"],
            trade_name=row["values"].get("trade_name", ""),
            naf_code=row["values"].get("naf_code", ""),
            address=row["values"].get("address", ""),
            postal_code=row["values"].get("postal_code", ""),
            city=row["values"].get("city", ""),
            headcount=row["values"].get("headcount"),
            created_by_id=job.created_by_id,
            created_in_id=job.establishment_id,
        )
        for row in rows
        if row["status"] == RowStatus.CREATE
    ]
    Host.objects.bulk_create(new, batch_size=BATCH)
    updates = [row for row in rows if row["status"] == RowStatus.UPDATE]
    write_updates(Host, updates, _set_host, job, action=AuditAction.HOST_EDITED)
    return len(new), len(updates)


def _set_host(host: Host, row: dict[str, Any], job: Any) -> None:
    for field in row["fields"]:
        setattr(host, field, row["values"][field])
