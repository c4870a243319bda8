"""The exam URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`).

School A's candidate has three requests, made on first use: a draft, a submitted one with a
supporting PDF, and a granted one with the recteur's decision; the académie has a session. The
matrix's "rectorat" is the exam service (no delegation of the recteur: it reads, never decides).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.test_url_matrix import Kwargs, World, row


def _exams(w: World) -> dict[str, Any]:
    if "exams" not in w.objects:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from milieu.conventions.documents import render_pdf
        from milieu.exams.enums import DerogationKind, DerogationReason
        from milieu.exams.operations import (
            RequestData,
            SessionData,
            create_request,
            grant_request,
            save_exam_session,
            submit_request,
        )
        from milieu.factories import member
        from milieu.people.enums import Role

        academie = w.a.establishment.academie
        delegate = member(Role.RECTEUR_DELEGATE, academie=academie, email="delegue@matrice.fr")
        data = RequestData(
            DerogationKind.REDUCTION,
            DerogationReason.FORCE_MAJEURE,
            "Hospitalisation.",
            weeks=Decimal(5),
        )
        pdf = render_pdf("conventions/pdf/paper_scan.html", {"title": "Certificat"})
        draft = create_request(w.a.student, data, by=w.a.ddfpt)
        sent = create_request(
            w.a.student,
            data,
            by=w.a.ddfpt,
            uploads=[SimpleUploadedFile("certificat.pdf", pdf, "application/pdf")],
        )
        submit_request(sent, by=w.a.ddfpt)
        granted = create_request(w.a.student, data, by=w.a.head)
        submit_request(granted, by=w.a.head)
        grant_request(granted, by=delegate)
        session = save_exam_session(
            academie,
            SessionData("bts-ciel", 2028, date(2028, 5, 16), date(2028, 5, 5)),
            by=w.users["rectorat"],
        )
        w.objects["exams"] = {
            "draft": draft,
            "sent": sent,
            "granted": granted,
            "attachment": sent.attachments.get(),
            "session": session,
        }
    return dict(w.objects["exams"])


def _pk(key: str) -> Kwargs:
    return lambda w: {"pk": _exams(w)[key].pk}


def _made(w: World) -> dict[str, Any]:
    _exams(w)
    return {}


#                an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
RECTORAT = row("302  403  403  403  403  403  403  403  403  403  403  200  200")
SESSION = row("302  404  404  404  404  404  404  404  404  404  404  200  404")
LIST = row("302  200  200  403  403  403  403  200  200  403  403  200  200")
ASK = row("302  200  200  403  403  404  403  404  404  404  404  403  404")
READ = row("302  200  200  404  404  404  404  404  404  404  404  200  404")
DRAFT = row("302  200  200  404  404  404  404  404  404  404  404  404  404")
# an empty POST to grant: only the recteur's delegate may; the school and the exam service not
DECIDE = row("302  403  403  404  404  404  404  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "exams:session_list": (_made, "get", RECTORAT),
    "exams:session_create": (_made, "get", RECTORAT),
    "exams:session_edit": (_pk("session"), "get", SESSION),
    "exams:derogation_list": (_made, "get", LIST),
    "exams:derogation_queue": (_made, "get", RECTORAT),
    "exams:derogation_create": (lambda w: {"student_pk": w.a.student.pk}, "get", ASK),
    "exams:derogation_detail": (_pk("sent"), "get", READ),
    "exams:derogation_edit": (_pk("draft"), "get", DRAFT),
    "exams:attachment_download": (
        lambda w: {"pk": _exams(w)["sent"].pk, "attachment_pk": _exams(w)["attachment"].pk},
        "get",
        READ,
    ),
    "exams:decision_download": (_pk("granted"), "get", READ),
    "exams:derogation_transition": (
        lambda w: {"pk": _exams(w)["sent"].pk, "action": "accorder"},
        "post",
        DECIDE,
    ),
    # the académie board of stored verdicts and its exports: the rectorat (its own académie)
    "exams:board": (_made, "get", RECTORAT),
    "exams:board_export": (lambda w: {"fmt": "csv"}, "get", RECTORAT),
}


# --- the jury's information and the transmission (milieu.exams.jury_views) --------------------


def _notice(w: World) -> Any:
    if "jury_notice" not in w.objects:
        from milieu.exams.jury import issue_jury_notice

        w.objects["jury_notice"] = issue_jury_notice(_exams(w)["session"], by=w.users["rectorat"])
    return w.objects["jury_notice"]


#                    an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
TRANSMISSION = row("302  200  200  403  403  403  404  200  200  403  404  200  404")
TRANSMISSION_ZIP = row("302  200  200  403  403  403  404  404  404  404  404  200  404")

ENTRIES.update(
    {
        "exams:jury_notices": (_pk("session"), "get", SESSION),
        "exams:jury_issue": (_pk("session"), "get", SESSION),
        "exams:jury_notice_download": (
            lambda w: {"pk": _exams(w)["session"].pk, "notice_pk": _notice(w).pk},
            "get",
            SESSION,
        ),
        "exams:transmission_sessions": (_made, "get", LIST),
        "exams:transmission": (_pk("session"), "get", TRANSMISSION),
        "exams:transmission_zip": (
            lambda w: {"pk": _exams(w)["session"].pk, "establishment_pk": w.a.establishment.pk},
            "get",
            TRANSMISSION_ZIP,
        ),
    }
)


# --- the establishment board, the API keys, the reports' conformity (issue 10) ---------------


def _verdicts(w: World) -> dict[str, Any]:
    """Every candidate has a stored verdict, so that the leak check would see school A's
    student on a board that showed them to an outsider."""
    if "verdicts" not in w.objects:
        from milieu.exams.verdicts import refresh_verdicts
        from milieu.students.models import Student

        refresh_verdicts(Student.objects.all(), date(2028, 9, 1))
        w.objects["verdicts"] = True
    return {}


def _token(w: World) -> dict[str, Any]:
    if "api_token" not in w.objects:
        from milieu.exams.api_tokens import create_token

        w.objects["api_token"] = create_token(
            w.a.establishment.academie, "Matrice", by=w.users["rectorat"]
        )[0]
    return {"pk": w.objects["api_token"].pk}


#                  an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
SCHOOL_BOARD = row("302  200  200  403  403  403  403  200  200  403  403  403  403")
# the API answers its key only: a signed-in session is no key (401 in French for everyone)
API_KEY_ONLY = row("401  401  401  401  401  401  401  401  401  401  401  401  401")

ENTRIES.update(
    {
        "exams:school_board": (_verdicts, "get", SCHOOL_BOARD),
        "exams:school_board_export": (
            lambda w: {**_verdicts(w), "fmt": "csv"},
            "get",
            SCHOOL_BOARD,
        ),
        "exams:api_tokens": (_made, "get", RECTORAT),
        "exams:api_token_revoke": (_token, "get", SESSION),
        "exams:report_conformity": (_verdicts, "get", RECTORAT),
        "api-v1:verdicts": (_verdicts, "get", API_KEY_ONLY),
    }
)
