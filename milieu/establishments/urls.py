from django.urls import path

from milieu.establishments import views
from milieu.placements import views as placements

app_name = "establishments"

urlpatterns = [
    path("promotions/", views.cohort_list, name="cohort_list"),
    path("promotions/nouvelle/", views.cohort_create, name="cohort_create"),
    path("promotions/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("promotions/<int:pk>/modifier/", views.cohort_edit, name="cohort_edit"),
    path("promotions/<int:pk>/placements/", placements.placement_board, name="placement_board"),
    path("promotions/<int:pk>/verdicts/", views.cohort_verdicts, name="cohort_verdicts"),
    path("promotions/<int:pk>/periodes/nouvelle/", views.period_create, name="period_create"),
    path(
        "promotions/<int:pk>/periodes/<int:period_pk>/modifier/",
        views.period_edit,
        name="period_edit",
    ),
    path(
        "etablissements/<int:pk>/reglages/",
        views.establishment_settings,
        name="settings",
    ),
]
