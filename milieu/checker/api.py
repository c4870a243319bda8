"""``POST /api/v1/dossiers/check``: one dossier in, the engine's canonical verdict text out."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from milieu.checker.checking import (
    CheckedDossier,
    DossierInputError,
    check_dossier,
    describe_json_error,
    input_error,
    loads_json,
)
from milieu.checker.limits import check_request
from milieu.checker.samples import get_sample

router = Router(tags=["Dossiers"])


class WeeksRequired(Schema):
    min: float
    max: float | None


class FindingOut(Schema):
    code: str
    severity: Literal["blocking", "warning", "info"]
    message: str
    ref: str
    detail: Any = None


class VerdictOut(Schema):
    id: str | None
    diploma: str
    pathway: str
    status: Literal["compliant", "non-compliant", "pending"]
    weeks_completed: float
    weeks_required: WeeksRequired
    findings: list[FindingOut]


class ErrorDetail(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    id: str | None
    error: ErrorDetail


def _example_dossier() -> dict[str, Any]:
    sample = get_sample("example-ciel-compliant")
    return sample.dossier if sample is not None else {}


_REQUEST_BODY = {
    "required": True,
    "description": (
        "Un seul dossier au format JSON (contrat v1) : un objet avec au moins "
        "`diploma`, `pathway`, `session`, `training_start` et `periods`."
    ),
    "content": {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": True},
            "example": _example_dossier(),
        }
    },
}


def read_dossier(body: bytes) -> Any:
    """The one dossier object in a request body; ``DossierInputError`` otherwise."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DossierInputError("Le corps de la requête n’est pas un texte UTF-8.") from None
    if not text.strip():
        raise DossierInputError("Le corps de la requête est vide : envoyez un dossier JSON.")
    try:
        document = loads_json(text, what="Le corps de la requête")
    except json.JSONDecodeError as error:
        raise DossierInputError(
            f"Le corps de la requête n’est pas du JSON valide : {describe_json_error(error)}."
        ) from None
    if not isinstance(document, dict):
        raise DossierInputError(
            "Le corps de la requête doit être un objet JSON : un seul dossier à la fois."
        )
    return document


def _response(checked: CheckedDossier, status: int) -> HttpResponse:
    return HttpResponse(checked.text, status=status, content_type="application/json")


@router.post(
    "/check",
    response={200: VerdictOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Vérifier un dossier",
    description=(
        "Juge un dossier selon la réglementation de son diplôme. La réponse est exactement le "
        "texte que produit `milieu check` pour le même dossier. Erreur 422 : le dossier ne peut "
        "pas être jugé (ou le corps n’est pas un objet JSON). Erreur 413 : le corps dépasse "
        "256 Kio (réglage `PUBLIC_CHECK_MAX_BYTES`). Erreur 429 : trop de vérifications depuis "
        "la même adresse (60 par minute par défaut, `PUBLIC_CHECK_RATE`) ; l’en-tête "
        "`Retry-After` donne le délai en secondes. Rien n’est enregistré."
    ),
    openapi_extra={"requestBody": _REQUEST_BODY},
)
def check(request: HttpRequest) -> HttpResponse:
    refusal = check_request(request)
    if refusal is not None:
        response = _response(input_error(refusal.message), refusal.status)
        if refusal.retry_after is not None:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    try:
        body = request.body
    except RequestDataTooBig:
        return _response(input_error("Le corps de la requête est trop volumineux."), 413)
    try:
        dossier = read_dossier(body)
    except DossierInputError as error:
        return _response(input_error(error.message), 422)
    checked = check_dossier(dossier)
    return _response(checked, 422 if checked.is_error else 200)


@router.api_operation(["GET", "PUT", "PATCH", "DELETE"], "/check", include_in_schema=False)
def check_wrong_method(request: HttpRequest) -> HttpResponse:
    response = _response(
        input_error("Méthode non autorisée : envoyez le dossier avec POST."), status=405
    )
    response["Allow"] = "POST"
    return response
