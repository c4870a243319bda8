from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from milieu.checker.api import router as dossiers_router
from milieu.exams.api import UNAUTHORIZED
from milieu.exams.api import router as verdicts_router

api = NinjaAPI(
    title="API Milieu",
    version="1",
    description=(
        "Vérification des dossiers de stage (PFMP) des diplômes professionnels selon leur "
        "réglementation. Le format d’échange est le contrat v1 du dossier."
    ),
    urls_namespace="api-v1",
)
api.add_router("/dossiers/", dossiers_router)
api.add_router("/verdicts", verdicts_router)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """A missing, unknown or revoked API key: 401 with a French message."""
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """A query parameter out of its bounds or choices: 422 saying which, in French."""
    names = sorted(
        {str(error.get("loc", ["", "?"])[-1]) for error in exc.errors if isinstance(error, dict)}
    )
    message = "Paramètre invalide : " + ", ".join(names) + " (voir la documentation de l’API)."
    return api.create_response(request, {"detail": message}, status=422)
