from django.urls import path

from milieu.followup.views import documents, evaluation, school, tutor

app_name = "followup"

urlpatterns = [
    path("tuteur/<str:token>/", tutor.tutor, name="tutor"),
    path(
        "tuteur/<str:token>/attestation/<int:period_pk>/",
        tutor.tutor_certificate,
        name="tutor_certificate",
    ),
    path("tuteur/<str:token>/grille/", tutor.tutor_evaluation, name="tutor_evaluation"),
    path(
        "tuteur/<str:token>/contrat/<int:period_pk>/",
        tutor.tutor_document,
        {"kind": "contract"},
        name="tutor_training_contract",
    ),
    path(
        "tuteur/<str:token>/bilan/<int:period_pk>/",
        tutor.tutor_document,
        {"kind": "bilan"},
        name="tutor_bilan",
    ),
    path("conventions/<int:pk>/", school.convention, name="convention"),
    path("conventions/<int:pk>/lien/", school.issue_link, name="issue_link"),
    path(
        "conventions/<int:pk>/liens/<int:access_pk>/prolonger/",
        school.renew_link,
        name="renew_link",
    ),
    path(
        "conventions/<int:pk>/lien/<int:access_pk>/revoquer/",
        school.revoke_link,
        name="revoke_link",
    ),
    path(
        "conventions/<int:pk>/attestation/<int:period_pk>/",
        school.certificate,
        name="certificate",
    ),
    path(
        "conventions/<int:pk>/attestation/<int:period_pk>/papier/",
        school.paper_certificate,
        name="paper_certificate",
    ),
    path(
        "conventions/<int:pk>/pedagogie/<int:period_pk>/",
        school.record_pedagogy,
        name="record_pedagogy",
    ),
    path("conventions/<int:pk>/grille/", evaluation.evaluation, name="evaluation"),
    path(
        "conventions/<int:pk>/grille/arreter/",
        evaluation.evaluation_cosign,
        name="evaluation_cosign",
    ),
    path("conventions/<int:pk>/grille/pdf/", evaluation.evaluation_pdf, name="evaluation_pdf"),
    path(
        "periodes/<int:period_pk>/contrat/",
        documents.period_document,
        {"kind": "contract"},
        name="training_contract",
    ),
    path(
        "periodes/<int:period_pk>/contrat/pdf/",
        documents.period_document_pdf,
        {"kind": "contract"},
        name="training_contract_pdf",
    ),
    path(
        "periodes/<int:period_pk>/bilan/",
        documents.period_document,
        {"kind": "bilan"},
        name="bilan",
    ),
    path(
        "periodes/<int:period_pk>/bilan/pdf/",
        documents.period_document_pdf,
        {"kind": "bilan"},
        name="bilan_pdf",
    ),
]
