from django.urls import include, path

from milieu import views
from milieu.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("milieu.people.urls")),
    path("", include("milieu.oidc.urls")),
    path("", include("milieu.establishments.urls")),
    path("eleves/", include("milieu.students.urls")),
    path("organismes/", include("milieu.hosts.urls")),
    path("imports/", include("milieu.imports.urls")),
    path("conventions/", include("milieu.conventions.urls")),
    path("visites/", include("milieu.visits.urls")),
    path("suivi/", include("milieu.followup.urls")),
    path("rapports/", include("milieu.reports.urls")),
    path("pieces/", include("milieu.evidence.urls")),
    path("livret/", include("milieu.livret.urls")),
    path("dossiers/", include("milieu.checker.urls")),
    path("regles/", include("milieu.checker.regulation_urls")),
    path("journal/", include("milieu.audit.urls")),
    path("", include("milieu.dataprotection.urls")),
    path("examens/", include("milieu.exams.urls")),
    path("contrats/", include("milieu.contracts.urls")),
    path("apprentissage/", include("milieu.apprenticeships.urls")),
    path("api/v1/", api.urls),
    path("sante/", include("milieu.health.urls")),
]
