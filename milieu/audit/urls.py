from django.urls import path

from milieu.audit import views

app_name = "audit"

urlpatterns = [
    path("etablissements/<int:establishment_pk>/", views.journal, name="journal"),
]
