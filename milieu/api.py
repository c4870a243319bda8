from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from milieu.dossiers.api import router as dossiers_router
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
