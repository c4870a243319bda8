from django.urls import path

from milieu.placements import views as placements
from milieu.students import search, views

app_name = "students"

urlpatterns = [
    path("recherche/", search.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/proposer/", placements.propose, name="propose"),
    path("<int:pk>/dossier.json", views.export, name="export"),
    path("choix/<int:pk>/<slug:action>/", placements.decide_placement, name="decide"),
]
