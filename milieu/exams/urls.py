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

# the académie board (milieu.exams.board_views)
from milieu.exams import board_views  # noqa: E402

urlpatterns += [
    path("tableau/", board_views.board, name="board"),
    path("tableau/export.<slug:fmt>", board_views.board_export, name="board_export"),
]
