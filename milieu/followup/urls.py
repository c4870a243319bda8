from django.urls import path

from milieu.followup import views

app_name = "followup"

urlpatterns = [
    path("tuteur/<str:token>/", views.tutor, name="tutor"),
    path(
        "tuteur/<str:token>/attestation/<int:period_pk>/",
        views.tutor_certificate,
        name="tutor_certificate",
    ),
    path("conventions/<int:pk>/", views.convention, name="convention"),
    path("conventions/<int:pk>/lien/", views.issue_link, name="issue_link"),
    path(
        "conventions/<int:pk>/lien/<int:access_pk>/revoquer/",
        views.revoke_link,
        name="revoke_link",
    ),
    path(
        "conventions/<int:pk>/attestation/<int:period_pk>/",
        views.certificate,
        name="certificate",
    ),
]
