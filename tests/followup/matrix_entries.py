"""The follow-up URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import time_machine

from tests.test_url_matrix import Kwargs, World, row


def _signed(w: World) -> Any:
    """School A's student's signed convention (dates clear of the matrix's draft), with a
    tutor's link and a certificate, made on first use."""
    if "followup_convention" not in w.objects:
        from milieu.factories import ConventionFactory
        from milieu.followup.operations import issue_certificate, issue_tutor_link, resolve_access

        convention = ConventionFactory.create(
            signed=True,
            student=w.a.student,
            host=w.objects["host"],
            periods=[(date(2027, 1, 4), date(2027, 2, 12))],
            created_by=w.a.teacher,
            tutor=w.objects["tutor"],
            activities="Maintenance",
        )
        tutor = w.objects["tutor"]
        tutor.email = tutor.email or "tuteur@matrice.fr"
        tutor.save()
        access = resolve_access(issue_tutor_link(convention, by=w.a.ddfpt))
        period = convention.active_periods().get()
        with time_machine.travel(datetime(2027, 2, 12, 18, tzinfo=UTC)):  # its last day
            issue_certificate(access, period, tutor_name="Jean Tuteur")
        w.objects["followup_convention"] = convention
        w.objects["followup_access"] = access
        w.objects["followup_period"] = period
    return w.objects["followup_convention"]


def _graded(w: World) -> Any:
    """The signed convention above with its evaluation grid co-signed (a stored PDF)."""
    convention = _signed(w)
    if "followup_evaluation" not in w.objects:
        from milieu.followup.models import Evaluation, EvaluationStatus
        from milieu.followup.operations import grid_of

        w.objects["followup_evaluation"] = Evaluation.objects.create(
            convention=convention,
            grid=grid_of(convention),
            status=EvaluationStatus.COSIGNED,
            content=b"%PDF-1.4\n%%EOF\n",
        )
    return convention


def _bijou_period(w: World) -> Any:
    """A period of a signed convention of a bma-bijou student of school A (the cohort's
    teacher is school A's teacher; the student has no account), with its training contract
    and bilan established (stored PDFs), made on first use."""
    if "followup_bijou_period" not in w.objects:
        from django.utils import timezone

        from milieu.factories import CohortFactory, ConventionFactory, StudentFactory
        from milieu.followup.models import Bilan, TrainingContract
        from milieu.followup.operations import BILAN, CONTRACT, items_of

        cohort = CohortFactory.create(establishment=w.a.establishment, diploma="bma-bijou")
        cohort.teachers.add(w.a.teacher)
        convention = ConventionFactory.create(
            signed=True,
            student=StudentFactory.create(cohort=cohort),
            host=w.objects["host"],
            periods=[(date(2027, 1, 4), date(2027, 2, 12))],
            created_by=w.a.head,
            tutor=w.objects["tutor"],
            activities="Sertissage",
        )
        period = convention.active_periods().get()
        for kind, model in ((CONTRACT, TrainingContract), (BILAN, Bilan)):
            items = items_of(kind, convention)
            model.objects.create(
                period=period,
                items=items,
                answers=["Texte"] * len(items),
                completed_at=timezone.now(),
                content=b"%PDF-1.4\n%%EOF\n",
            )
        w.objects["followup_bijou_period"] = period
    return w.objects["followup_bijou_period"]


CONVENTION: Kwargs = lambda w: {"pk": _signed(w).pk}  # noqa: E731
GRADED: Kwargs = lambda w: {"pk": _graded(w).pk}  # noqa: E731
BIJOU_PERIOD: Kwargs = lambda w: {"period_pk": _bijou_period(w).pk}  # noqa: E731
TOKEN: Kwargs = lambda w: {"token": "inconnu"}  # noqa: E731

#              an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
GONE = row("410  410  410  410  410  410  410  410  410  410  410  410  410")
READ = row("302  200  200  200  200  404  403  404  404  404  404  200  404")
MANAGE = row("302  302  302  302  302  404  403  404  404  404  404  403  404")
# the pedagogical team (head, DDFPT, the cohort's teacher) co-signs: here refused with a message
# (the grid is already co-signed) and sent back to the grid's page
COSIGN = row("302  302  302  403  302  404  403  404  404  404  404  403  404")
# a contract or bilan of a student who is not `a_student`: the school's staff and the rectorat
# read it (followup.view), the team signs it; the candidate is tested in test_training_contract…
DOCUMENT = row("302  200  200  200  200  404  404  404  404  404  404  200  404")
# an empty paper certificate: the cohort's staff get the page back with the errors (400)
PAPER = row("302  400  400  400  400  404  403  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "followup:tutor": (TOKEN, "get", GONE),
    "followup:tutor_certificate": (lambda w: {"token": "inconnu", "period_pk": 1}, "get", GONE),
    "followup:convention": (CONVENTION, "get", READ),
    "followup:certificate": (
        lambda w: {"pk": _signed(w).pk, "period_pk": w.objects["followup_period"].pk},
        "get",
        READ,
    ),
    "followup:issue_link": (CONVENTION, "post", MANAGE),
    "followup:paper_certificate": (
        lambda w: {"pk": _signed(w).pk, "period_pk": w.objects["followup_period"].pk},
        "post",
        PAPER,
    ),
    "followup:tutor_evaluation": (TOKEN, "get", GONE),
    "followup:tutor_training_contract": (
        lambda w: {"token": "inconnu", "period_pk": 1},
        "get",
        GONE,
    ),
    "followup:tutor_bilan": (lambda w: {"token": "inconnu", "period_pk": 1}, "get", GONE),
    "followup:evaluation": (GRADED, "get", READ),
    "followup:evaluation_cosign": (GRADED, "post", COSIGN),
    "followup:evaluation_pdf": (GRADED, "get", READ),
    "followup:training_contract": (BIJOU_PERIOD, "get", DOCUMENT),
    "followup:training_contract_pdf": (BIJOU_PERIOD, "get", DOCUMENT),
    "followup:bilan": (BIJOU_PERIOD, "get", DOCUMENT),
    "followup:bilan_pdf": (BIJOU_PERIOD, "get", DOCUMENT),
    "followup:renew_link": (
        lambda w: {"pk": _signed(w).pk, "access_pk": w.objects["followup_access"].pk},
        "post",
        MANAGE,
    ),
    "followup:revoke_link": (
        lambda w: {"pk": _signed(w).pk, "access_pk": w.objects["followup_access"].pk},
        "post",
        MANAGE,
    ),
    # BEP's préparation / exploitation (an empty form: the page again with its errors)
    "followup:record_pedagogy": (
        lambda w: {"pk": _signed(w).pk, "period_pk": w.objects["followup_period"].pk},
        "post",
        PAPER,
    ),
}
