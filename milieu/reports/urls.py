from django.urls import path

from milieu.reports import views

app_name = "reports"

urlpatterns = [
    path("eleves/<int:pk>/", views.deposit, name="deposit"),
    path("eleves/<int:pk>/analyse/<int:receipt_pk>/", views.analysis_state, name="analysis"),
    path("eleves/<int:pk>/versions/<int:deposit_pk>/fichier/", views.download, name="download"),
    path("eleves/<int:pk>/versions/<int:deposit_pk>/corriger/", views.correct, name="correct"),
    path("promotions/<int:pk>/", views.cohort, name="cohort"),
    path("tuteur/<str:token>/viser/<int:deposit_pk>/", views.tutor_endorse, name="tutor_endorse"),
    path(
        "tuteur/<str:token>/rapport/<int:deposit_pk>/",
        views.tutor_download,
        name="tutor_download",
    ),
]
