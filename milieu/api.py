from ninja import NinjaAPI

from milieu.dossiers.api import router as dossiers_router

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
