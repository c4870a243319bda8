from django.urls import path

from milieu.exams import views

app_name = "exams"

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/nouvelle/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_edit, name="session_edit"),
    path("derogations/", views.derogation_list, name="derogation_list"),
    path("derogations/a-decider/", views.derogation_queue, name="derogation_queue"),
    path(
        "derogations/eleves/<int:student_pk>/nouvelle/",
        views.derogation_create,
        name="derogation_create",
    ),
    path("derogations/<int:pk>/", views.derogation_detail, name="derogation_detail"),
    path("derogations/<int:pk>/modifier/", views.derogation_edit, name="derogation_edit"),
    path(
        "derogations/<int:pk>/pieces/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("derogations/<int:pk>/decision/", views.decision_download, name="decision_download"),
    path(
        "derogations/<int:pk>/<slug:action>/",
        views.derogation_transition,
        name="derogation_transition",
    ),
]

# the jury's information and the transmission to the exam service (milieu.exams.jury_views)
from milieu.exams import jury_views  # noqa: E402

urlpatterns += [
    path("sessions/<int:pk>/jury/", jury_views.jury_notices, name="jury_notices"),
    path("sessions/<int:pk>/jury/emettre/", jury_views.jury_issue, name="jury_issue"),
    path(
        "sessions/<int:pk>/jury/<int:notice_pk>/",
        jury_views.jury_notice_download,
        name="jury_notice_download",
    ),
    path("transmission/", jury_views.transmission_sessions, name="transmission_sessions"),
    path("sessions/<int:pk>/transmission/", jury_views.transmission, name="transmission"),
    path(
        "sessions/<int:pk>/transmission/<int:establishment_pk>/",
        jury_views.transmission_zip,
        name="transmission_zip",
    ),
]

# the académie board (milieu.exams.board_views)
from milieu.exams import board_views  # noqa: E402

urlpatterns += [
    path("tableau/", board_views.board, name="board"),
    path("tableau/export.<slug:fmt>", board_views.board_export, name="board_export"),
]

# the exam service's API keys (milieu.exams.token_views)
from milieu.exams import token_views  # noqa: E402

urlpatterns += [
    path("api/cles/", token_views.token_list, name="api_tokens"),
    path("api/cles/<int:pk>/revoquer/", token_views.token_revoke, name="api_token_revoke"),
]

# the establishment board (milieu.exams.board_views): the head's and the DDFPT's
urlpatterns += [
    path("tableau-etablissement/", board_views.school_board, name="school_board"),
    path(
        "tableau-etablissement/export.<slug:fmt>",
        board_views.school_board_export,
        name="school_board_export",
    ),
]

# the reports' conformity pronounced by the exam service (milieu.exams.conformity_views)
from milieu.exams import conformity_views  # noqa: E402

urlpatterns += [
    path("conformite-rapports/", conformity_views.report_conformity, name="report_conformity"),
]
