from django.urls import path

from milieu.apprenticeships import views

app_name = "apprenticeships"

urlpatterns = [
    path("eleves/<int:student_pk>/", views.student, name="student"),
    path("<int:pk>/lien/", views.send_link, name="send_link"),
    path("<int:pk>/liens/<int:access_pk>/revoquer/", views.revoke_link, name="revoke_link"),
    path("<int:pk>/grille/arreter/", views.cosign, name="cosign"),
    path("<int:pk>/grille/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
    path("maitre/<str:token>/", views.employer, name="employer"),
    path("maitre/<str:token>/grille/", views.employer_evaluation, name="employer_evaluation"),
    path(
        "maitre/<str:token>/rapport/<int:deposit_pk>/",
        views.employer_report,
        name="employer_report",
    ),
    path(
        "maitre/<str:token>/rapport/<int:deposit_pk>/viser/",
        views.employer_endorse,
        name="employer_endorse",
    ),
]
