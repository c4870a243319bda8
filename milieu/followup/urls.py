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
    path("tuteur/<str:token>/grille/", views.tutor_evaluation, name="tutor_evaluation"),
    path(
        "tuteur/<str:token>/contrat/<int:period_pk>/",
        views.tutor_document,
        {"kind": "contract"},
        name="tutor_training_contract",
    ),
    path(
        "tuteur/<str:token>/bilan/<int:period_pk>/",
        views.tutor_document,
        {"kind": "bilan"},
        name="tutor_bilan",
    ),
    path("conventions/<int:pk>/", views.convention, name="convention"),
    path("conventions/<int:pk>/lien/", views.issue_link, name="issue_link"),
    path(
        "conventions/<int:pk>/liens/<int:access_pk>/prolonger/",
        views.renew_link,
        name="renew_link",
    ),
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
    path(
        "conventions/<int:pk>/attestation/<int:period_pk>/papier/",
        views.paper_certificate,
        name="paper_certificate",
    ),
    path(
        "conventions/<int:pk>/pedagogie/<int:period_pk>/",
        views.record_pedagogy,
        name="record_pedagogy",
    ),
    path("conventions/<int:pk>/grille/", views.evaluation, name="evaluation"),
    path(
        "conventions/<int:pk>/grille/arreter/",
        views.evaluation_cosign,
        name="evaluation_cosign",
    ),
    path("conventions/<int:pk>/grille/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
    path(
        "periodes/<int:period_pk>/contrat/",
        views.period_document,
        {"kind": "contract"},
        name="training_contract",
    ),
    path(
        "periodes/<int:period_pk>/contrat/pdf/",
        views.period_document_pdf,
        {"kind": "contract"},
        name="training_contract_pdf",
    ),
    path(
        "periodes/<int:period_pk>/bilan/",
        views.period_document,
        {"kind": "bilan"},
        name="bilan",
    ),
    path(
        "periodes/<int:period_pk>/bilan/pdf/",
        views.period_document_pdf,
        {"kind": "bilan"},
        name="bilan_pdf",
    ),
]
