from django.urls import path

from milieu.imports import views

app_name = "imports"

urlpatterns = [
    path("etablissements/<int:establishment_pk>/eleves/", views.students, name="students"),
    path("etablissements/<int:establishment_pk>/organismes/", views.hosts, name="hosts"),
    path("operations/<int:pk>/", views.job_detail, name="job"),
    path("operations/<int:pk>/progression/", views.job_progress, name="progress"),
    path("operations/<int:pk>/confirmer/", views.job_confirm, name="confirm"),
    path("operations/<int:pk>/abandonner/", views.job_cancel, name="cancel"),
    path("exemples/<str:name>", views.sample, name="sample"),
]
