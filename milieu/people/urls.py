"""Accounts: log in, log out, and the dashboard (names without a namespace: settings use them)."""

from django.urls import path

from milieu.people import views

urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
]

# invitations, forgotten password, password change (milieu/people/account_views.py)
from milieu.people import account_views  # noqa: E402

urlpatterns += [
    path("eleves/<int:pk>/inviter/", account_views.invite_one, name="invite_student"),
    path("promotions/<int:pk>/inviter/", account_views.invite_all, name="invite_cohort"),
    path("invitation/<str:token>/", account_views.accept, name="accept_invitation"),
    path("mot-de-passe/oublie/", account_views.password_reset, name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        account_views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        account_views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", account_views.password_change, name="password_change"),
]
