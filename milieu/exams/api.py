"""``GET /api/v1/verdicts``: the stored verdicts of an académie for its exam service.

Authenticated by an API key of the académie (`milieu.exams.api_tokens`) sent as
``Authorization: Bearer <clé>``; a key sees its own académie's candidates only. The rows are
the stored verdicts (`StoredVerdict`), in a stable order (the candidate's identifier), ``limit``
at a time from ``offset``: a page costs the same three queries whatever its size.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from milieu.exams.api_tokens import authenticate
from milieu.exams.models import ApiToken, StoredVerdict
from milieu.rules import get_catalogue

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
UNJUDGED = "error"
UNAUTHORIZED = (
    "Clé d’accès absente, inconnue ou révoquée : envoyez l’en-tête "
    "« Authorization: Bearer <clé> » avec une clé active de votre académie."
)


class AcademieKey(HttpBearer):
    """An active API key of an académie (``Authorization: Bearer milieu_…``)."""

    openapi_description = "Clé d’accès d’une académie, créée par le rectorat dans Milieu."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate(token)


router = Router(tags=["Verdicts"], auth=AcademieKey())


class RequiredWeeks(Schema):
    min: float | None = Field(None, description="Durée minimale requise, en semaines.")
    max: float | None = Field(None, description="Durée maximale, en semaines (null : aucune).")


class FindingOut(Schema):
    code: str = Field(description="Code du constat (contrat v1), par exemple `REPORT_LATE`.")
    severity: str = Field(description="`blocking`, `warning` ou `info`.")
    message: str = Field(description="Le constat en français.")
    ref: str = Field("", description="Le texte réglementaire cité.")


class CandidateVerdict(Schema):
    ine: str = Field(description="Identifiant national de l’élève (INE).")
    last_name: str = Field(description="Nom du candidat.")
    first_name: str = Field(description="Prénom du candidat.")
    establishment: str = Field(description="Code UAI de l’établissement.")
    diploma: str = Field(description="Identifiant du diplôme dans le catalogue.")
    session: int = Field(description="Session d’examen (année).")
    status: Literal["compliant", "non-compliant", "pending", "error"] = Field(
        description=(
            "Verdict : `compliant` (conforme), `non-compliant` (non conforme), `pending` "
            "(en attente), `error` (dossier non jugeable, voir `error`)."
        )
    )
    weeks_completed: float | None = Field(description="Semaines de stage effectuées.")
    weeks_required: RequiredWeeks = Field(description="Durée requise.")
    findings: list[FindingOut] = Field(description="Les constats du moteur.")
    error: str | None = Field(None, description="Pourquoi le dossier n’a pas pu être jugé.")
    as_of: date = Field(description="Date à laquelle le dossier a été jugé.")
    computed_at: datetime = Field(description="Moment du dernier calcul du verdict.")


class VerdictPage(Schema):
    count: int = Field(description="Nombre total de candidats répondant aux filtres.")
    limit: int = Field(description="Taille de la page.")
    offset: int = Field(description="Rang du premier candidat de la page (à partir de 0).")
    next_offset: int | None = Field(description="`offset` de la page suivante, ou null.")
    results: list[CandidateVerdict]


class ErrorMessage(Schema):
    detail: str = Field(description="Le message d’erreur, en français.")


class VerdictFilters(Schema):
    session: int | None = Field(None, description="Session d’examen (année), par exemple 2028.")
    diploma: str | None = Field(None, description="Identifiant du diplôme, par exemple `bts-ciel`.")
    establishment: str | None = Field(None, description="Code UAI d’un établissement.")
    status: Literal["compliant", "non-compliant", "pending", "error"] | None = Field(
        None, description="Statut du verdict."
    )
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Taille de la page (au plus {MAX_LIMIT})."
    )
    offset: int = Field(0, ge=0, description="Rang du premier candidat renvoyé.")


def _candidate(v: StoredVerdict) -> dict[str, Any]:
    student = v.student
    error = v.error if isinstance(v.error, dict) else {}
    return {
        "ine": student.ine,
        "last_name": student.last_name,
        "first_name": student.first_name,
        "establishment": student.cohort.establishment.uai,
        "diploma": student.cohort.diploma,
        "session": student.cohort.session,
        "status": v.status or UNJUDGED,
        "weeks_completed": v.weeks_completed,
        "weeks_required": {"min": v.weeks_min, "max": v.weeks_max},
        "findings": [
            {
                "code": str(f.get("code", "")),
                "severity": str(f.get("severity", "")),
                "message": str(f.get("message", "")),
                "ref": str(f.get("ref", "")),
            }
            for f in (v.findings or [])
        ],
        "error": str(error.get("message", "")) or None if v.error else None,
        "as_of": v.as_of,
        "computed_at": v.computed_at,
    }


@router.get(
    "",
    response={200: VerdictPage, 401: ErrorMessage, 422: ErrorMessage},
    summary="Verdicts des candidats de l’académie",
    description=(
        "Les verdicts enregistrés des candidats de l’académie de la clé (jamais ceux d’une autre "
        "académie), triés par candidat, `limit` à la fois à partir de `offset`. Filtres : "
        "session, diplôme, établissement (UAI) et statut. Les verdicts sont recalculés à chaque "
        "modification d’un dossier et chaque jour. Erreur 401 : clé absente, inconnue ou révoquée."
    ),
    url_name="verdicts",
)
def verdicts(request: HttpRequest, filters: Query[VerdictFilters]) -> Any:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    rows = StoredVerdict.objects.filter(
        student__cohort__establishment__academie_id=token.academie_id
    )
    if filters.session is not None:
        rows = rows.filter(student__cohort__session=filters.session)
    if filters.diploma:
        if filters.diploma not in get_catalogue().ids():
            return Status(422, {"detail": f"Diplôme inconnu : « {filters.diploma} »."})
        rows = rows.filter(student__cohort__diploma=filters.diploma)
    if filters.establishment:
        rows = rows.filter(
            student__cohort__establishment__uai=filters.establishment.strip().upper()
        )
    if filters.status:
        rows = rows.filter(status="" if filters.status == UNJUDGED else filters.status)
    count = rows.count()
    page = list(
        rows.select_related(
            "student", "student__cohort", "student__cohort__establishment"
        ).order_by("student_id")[filters.offset : filters.offset + filters.limit]
    )
    following = filters.offset + len(page)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": following if following < count else None,
        "results": [_candidate(v) for v in page],
    }
