"""Accounts: log in, log out, and the dashboard (names without a namespace: settings use them)."""

from django.urls import path

from milieu.people import views

urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
]
