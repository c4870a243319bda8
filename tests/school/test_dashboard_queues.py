"""Issue 13 §14 and §15: the dashboard's work queues per role, with counts and direct links, the
student's own stage in words, and a number of queries that does not grow with the data."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.models import Convention, Signatory, SignatureLink
from milieu.factories import (
    ConventionFactory,
    HostFactory,
    PlacementFactory,
    StudentFactory,
    TutorFactory,
)
from milieu.hosts.enums import PlacementStatus
from tests.school.conftest import School, client_for

URL = reverse("dashboard")
YEARS = itertools.count()
NOW = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)
S = ConventionStatus


def convention_in(
    school: School, status: str, *, student: Any = None, by: Any = None, periods: Any = None
) -> Convention:
    host = HostFactory.create(headcount=50)
    convention = ConventionFactory.in_status(
        status,
        student=student or StudentFactory.create(cohort=school.cohort),
        host=host,
        periods=periods or [(date(2027, 5, 31), date(2027, 7, 9))],
        created_by=by or school.teacher,  # who submitted it, for the four-eyes queue
        tutor=TutorFactory.create(host=host),
        activities="Maintenance",
        signatories=False,  # the tests place each pending signature themselves (`awaiting`)
    )
    return convention


def awaiting(
    convention: Convention, sent_at: datetime, email: str = "partie@exemple.fr"
) -> Signatory:
    """A pending signatory of the convention's version, whose link was sent at `sent_at`."""
    signatory = Signatory.objects.create(
        convention=convention,
        version=convention.version,
        role="host",
        name="Claire Dubois",
        email=email,
        order=1,
    )
    with time_machine.travel(sent_at, tick=False):
        SignatureLink.objects.create(
            signatory=signatory,
            token_hash=f"h{signatory.pk}",
            expires_at=sent_at + timedelta(days=30),
        )
    return signatory


def queue(response: Any, key: str) -> Any:
    groups = response.context["board"].queues
    return next(q for q in groups.head + groups.manager + groups.teacher if q.key == key)


# --- the head -------------------------------------------------------------------------------


def test_the_head_sees_conventions_to_approve_and_choices_to_arreter(
    school_a: School, school_b: School
) -> None:
    validated = convention_in(school_a, S.VALIDATED)
    convention_in(school_b, S.VALIDATED)  # another school's: never shown
    choice = PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.VALIDATED
    )

    response = client_for(school_a.head).get(URL)

    html = response.content.decode()
    approve = queue(response, "to-approve")
    assert (approve.count, approve.rows) == (1, [validated])
    assert f'href="{reverse("conventions:detail", args=[validated.pk])}#actions">Approuver' in html
    arrete = queue(response, "to-arrete")
    assert (arrete.count, arrete.rows) == (1, [choice])
    assert f"{reverse('students:detail', args=[school_a.student.pk])}#choix-{choice.pk}" in html


def test_a_teacher_has_no_head_queues(school_a: School) -> None:
    convention_in(school_a, S.VALIDATED)

    response = client_for(school_a.teacher).get(URL)

    assert response.context["board"].queues.head == []
    assert "Conventions à approuver" not in response.content.decode()


# --- the DDFPT ------------------------------------------------------------------------------


def test_the_ddfpt_sees_what_to_send_and_the_late_signatures_with_relancer(
    school_a: School, settings: Any
) -> None:
    settings.SIGNATURE_REMINDER_AFTER_DAYS = 3
    approved = convention_in(school_a, S.APPROVED)
    late = convention_in(school_a, S.SIGNING)
    awaiting(late, NOW - timedelta(days=4))
    recent = convention_in(school_a, S.SIGNING)
    awaiting(recent, NOW - timedelta(days=1))

    with time_machine.travel(NOW, tick=False):
        response = client_for(school_a.ddfpt).get(URL)

    assert queue(response, "to-send").rows == [approved]
    remind = queue(response, "to-remind")
    assert remind.title == "Signatures attendues depuis plus de 3 jours"
    assert [c.pk for c in remind.rows] == [late.pk]
    assert remind.rows[0].pending == 1
    html = response.content.decode()
    assert f'action="{reverse("conventions:remind", args=[late.pk])}"' in html
    assert f'name="suivant" value="{URL}"' in html
    assert f'data-remind="{recent.pk}"' not in html


def test_the_delay_is_a_setting(school_a: School, settings: Any) -> None:
    settings.SIGNATURE_REMINDER_AFTER_DAYS = 7
    late = convention_in(school_a, S.SIGNING)
    awaiting(late, NOW - timedelta(days=4))

    with time_machine.travel(NOW, tick=False):
        response = client_for(school_a.ddfpt).get(URL)

    assert queue(response, "to-remind").rows == []


def test_the_managers_see_how_many_pieces_wait(school_a: School) -> None:
    from milieu.evidence.models import EvidenceDocument

    EvidenceDocument.objects.create(
        student=school_a.student,
        kind="apprenticeship-contract",
        file_path="x",
        file_size=1,
        file_sha256="0" * 64,
        file_kind="pdf",
        deposited_by=school_a.student_user,
    )

    response = client_for(school_a.ddfpt).get(URL)

    pieces = queue(response, "pieces")
    assert pieces.count == 1
    assert f'href="{reverse("evidence:pending")}">Vérifier les pièces' in response.content.decode()


# --- the teacher ----------------------------------------------------------------------------


def test_the_teacher_sees_conventions_to_validate_and_their_own_submission_is_flagged(
    school_a: School,
) -> None:
    by_student = convention_in(school_a, S.SUBMITTED, by=school_a.student_user)
    by_me = convention_in(school_a, S.SUBMITTED)

    response = client_for(school_a.teacher).get(URL)

    rows = queue(response, "conventions-to-validate").rows
    assert {c.pk: c.own_submission for c in rows} == {by_student.pk: False, by_me.pk: True}
    html = response.content.decode()
    assert f'{reverse("conventions:detail", args=[by_student.pk])}#actions">Valider' in html
    assert "Soumise par vous : un collègue la valide." in html


def test_the_teacher_sees_visits_to_plan_and_reports_to_read(school_a: School) -> None:
    from milieu.reports.models import ReportDeposit

    signed = convention_in(school_a, S.SIGNED)
    period = signed.active_periods().get()
    with time_machine.travel(NOW, tick=False):
        deposit = ReportDeposit.objects.create(
            student=signed.student,
            version=1,
            original_name="rapport.pdf",
            path="reports/x.pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=school_a.teacher,
            uploaded_at=timezone.now(),
            analysis={"pages": 15, "annex_pages": 4, "page_format": "A4", "sections": []},
        )
        response = client_for(school_a.teacher).get(URL)
        elsewhere = client_for(school_a.other_teacher).get(URL)

    assert queue(response, "visits-to-plan").rows == [period]
    html = response.content.decode()
    assert f"{reverse('visits:plan', args=[signed.pk])}?periode={period.pk}" in html
    assert queue(response, "reports-to-read").rows == [deposit]
    assert "15 pages de corps, 4 d’annexes, format A4" in html
    assert f'href="{reverse("reports:deposit", args=[signed.student_id])}"' in html
    assert queue(elsewhere, "reports-to-read").rows == []


# --- the student ----------------------------------------------------------------------------


def test_a_student_without_a_host_is_told_to_propose_one(school_a: School) -> None:
    response = client_for(school_a.student_user).get(URL)

    stage = response.context["board"].own[0].stage
    assert stage.next_step.text == "Proposez l’organisme qui vous accueillera en stage."
    assert stage.next_step.url == reverse("students:propose", args=[school_a.student.pk])
    assert response.context["board"].queues.total == 0


def test_a_student_in_signature_sees_their_own_signature_first_with_the_address(
    school_a: School,
) -> None:
    convention = convention_in(school_a, S.SIGNING, student=school_a.student)
    awaiting(convention, NOW - timedelta(days=1), email="entreprise@exemple.fr")
    mine = Signatory.objects.create(
        convention=convention,
        version=convention.version,
        role="student",
        name=school_a.student.full_name,
        email="eleve@exemple.fr",
        user=school_a.student_user,
        order=0,
        state=SignatureState.PENDING,
    )

    response = client_for(school_a.student_user).get(URL)

    html = response.content.decode()
    stage = response.context["board"].own[0].stage
    assert stage.next_step.text == (
        "Signez votre convention : un lien personnel vous a été envoyé par courriel "
        "à eleve@exemple.fr."
    )
    assert [a.signatory for a in stage.conventions[0].mine_first] == [
        mine,
        Signatory.objects.get(email="entreprise@exemple.fr"),
    ]
    assert "un lien vous a été envoyé par courriel à eleve@exemple.fr" in html
    assert "En signature" in html


def test_a_student_reads_the_verdict_in_words_not_codes(school_a: School) -> None:
    response = client_for(school_a.student_user).get(URL)

    stage = response.context["board"].own[0].stage
    html = response.content.decode()
    assert stage.checked.shown_label in html
    for label, message in stage.verdict_findings:
        assert label in html and message.split("«")[0].strip()[:20] in html
    for finding in stage.checked.findings:
        assert f">{finding.code}<" not in html


def test_a_student_whose_choice_is_arrete_waits_for_the_convention(school_a: School) -> None:
    PlacementFactory.create(
        student=school_a.student, cohort_period=school_a.period, status=PlacementStatus.ARRETE
    )

    stage = client_for(school_a.student_user).get(URL).context["board"].own[0].stage

    assert stage.next_step.text == (
        "Votre choix est arrêté : l’établissement prépare votre convention de stage."
    )


# --- a fixed number of queries --------------------------------------------------------------


def grow_conventions(school: School, times: int) -> None:
    """`times` × a convention in each state of the queues, for new students of the school's
    cohort, with late signatures, and a report deposited."""
    from milieu.reports.models import ReportDeposit

    for _ in range(times):
        for status in (S.SUBMITTED, S.VALIDATED, S.APPROVED, S.SIGNED):
            convention_in(school, status)
        signing = convention_in(school, S.SIGNING)
        awaiting(signing, NOW - timedelta(days=5))
        awaiting(signing, NOW - timedelta(days=6), email="autre@exemple.fr")
        PlacementFactory.create(
            student=StudentFactory.create(cohort=school.cohort),
            cohort_period=school.period,
            status=PlacementStatus.VALIDATED,
        )
        student = StudentFactory.create(cohort=school.cohort)
        ReportDeposit.objects.create(
            student=student,
            version=1,
            original_name="r.pdf",
            path=f"reports/{student.pk}.pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=school.teacher,
            uploaded_at=NOW - timedelta(days=1),
            analysis={"pages": 1, "annex_pages": 0, "page_format": "A4", "sections": []},
        )
        # the student's own conventions grow too, one school year apart
        year = 2030 + next(YEARS)
        convention_in(
            school,
            S.FINISHED,
            student=school.student,
            periods=[(date(year, 1, 4), date(year, 1, 29))],
        )


@pytest.mark.parametrize("role", ["head", "ddfpt", "teacher", "student_user"])
def test_the_queues_cost_a_fixed_number_of_queries(
    school_a: School,
    role: str,
    count_queries: Callable[[Client, str], int],
    django_assert_num_queries: Any,
) -> None:
    user = getattr(school_a, role)
    with time_machine.travel(NOW, tick=False):
        grow_conventions(school_a, 1)
        once = count_queries(client_for(user), URL)
        grow_conventions(school_a, 4)
        client = client_for(user)
        with django_assert_num_queries(once):
            response = client.get(URL)
    if role == "ddfpt":
        assert queue(response, "to-remind").count == 5


def test_the_teacher_validates_host_choices_from_the_queue(school_a: School) -> None:
    choice = PlacementFactory.create(student=school_a.student, cohort_period=school_a.period)

    response = client_for(school_a.teacher).get(URL)

    assert queue(response, "choices-to-validate").rows == [choice]
    link = f"{reverse('students:detail', args=[school_a.student.pk])}#choix-{choice.pk}"
    assert f'href="{link}">Valider' in response.content.decode()
