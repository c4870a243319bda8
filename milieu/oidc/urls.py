"""Sign-in with the State's identity federations (names without a namespace, as the login's)."""

from django.urls import path

from milieu.oidc import views

urlpatterns = [
    path("connexion/<slug:provider>/", views.start, name="oidc_start"),
    path("connexion/<slug:provider>/retour/", views.callback, name="oidc_callback"),
    path("deconnexion/fournisseur/", views.logged_out, name="oidc_logged_out"),
]
