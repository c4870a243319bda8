from django.urls import path

from milieu.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("verifier/", views.check, name="check"),
]
