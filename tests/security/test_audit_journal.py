"""The audit journal: read by the establishment's head only, and fed by every download of a
minor's document (who, when, from where, which student)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.audit.models import AuditEntry
from milieu.audit.views import PER_PAGE
from milieu.conventions.models import ConventionDocument, Signatory, SignatureLink
from milieu.factories import AcademieFactory, ConventionFactory, StudentFactory, member
from milieu.followup.models import Certificate
from milieu.followup.operations import issue_tutor_link
from milieu.people.enums import Role
from milieu.tokens import hash_token
from tests.core.conftest import School, make_school
from tests.security.documents import every_stored_document, sha256, signed_convention

# 15 January 2027: the factories' minor (born 14 March 2010) is 16, the adult (2000) is 27
TODAY = datetime(2027, 1, 15, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def academie(db: None) -> Any:
    return AcademieFactory.create(name="Strasbourg")


@pytest.fixture
def school_a(academie: Any) -> School:
    return make_school(academie, "A")


@pytest.fixture
def school_b(academie: Any) -> School:
    return make_school(academie, "B")


@pytest.fixture
def rectorat(academie: Any) -> Any:
    return member(Role.EXAM_SERVICE, academie=academie, email="examens@ac-strasbourg.fr")


def journal_url(school: School) -> str:
    return reverse("audit:journal", kwargs={"establishment_pk": school.establishment.pk})


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(response: Any) -> list[AuditEntry]:
    return [entry for entry, _ in response.context["rows"]]


# --- who reads the journal ----------------------------------------------------------------------


def test_the_head_reads_the_journal_of_their_establishment_newest_first(
    school_a: School, school_b: School
) -> None:
    older = record(
        AuditAction.STUDENT_EDITED,
        actor=school_a.ddfpt,
        obj=school_a.student,
        establishment=school_a.establishment,
        ip="10.0.0.1",
        changes={"last_name": ["Durand", "Dupont"]},
    )
    AuditEntry.objects.filter(pk=older.pk).update(at=TODAY - timedelta(days=2))
    newer = record(
        AuditAction.COHORT_TEACHERS_CHANGED,
        actor=school_a.head,
        obj=school_a.cohort,
        establishment=school_a.establishment,
        ip="10.0.0.2",
    )
    record(
        AuditAction.STUDENT_EDITED,
        actor=school_b.ddfpt,
        obj=school_b.student,
        establishment=school_b.establishment,
    )

    response = signed_in(school_a.head).get(journal_url(school_a))

    assert response.status_code == 200
    assert rows(response) == [newer, older]
    page = response.content.decode()
    assert "ddfpt-A@exemple.fr" in page and "10.0.0.1" in page
    assert "nom : Durand → Dupont" in page  # the field by its French name
    assert "no-store" in response["Cache-Control"]


def test_another_schools_head_gets_nothing_of_it(school_a: School, school_b: School) -> None:
    record(
        AuditAction.STUDENT_EDITED,
        actor=school_a.ddfpt,
        obj=school_a.student,
        establishment=school_a.establishment,
    )
    head_b = signed_in(school_b.head)

    assert head_b.get(journal_url(school_a)).status_code == 404
    own = head_b.get(journal_url(school_b))
    assert own.status_code == 200 and rows(own) == []
    assert "ddfpt-A@exemple.fr" not in own.content.decode()


@pytest.mark.parametrize("who", ["ddfpt", "secretary", "teacher"])
def test_the_rest_of_the_staff_may_not_read_it(school_a: School, who: str) -> None:
    assert signed_in(getattr(school_a, who)).get(journal_url(school_a)).status_code == 403


def test_the_rectorat_may_not_read_it(school_a: School, rectorat: Any) -> None:
    assert signed_in(rectorat).get(journal_url(school_a)).status_code == 403


def test_the_heads_dashboard_links_to_the_journal_and_the_ddfpts_does_not(
    school_a: School,
) -> None:
    url = journal_url(school_a)
    assert url in signed_in(school_a.head).get(reverse("dashboard")).content.decode()
    assert url not in signed_in(school_a.ddfpt).get(reverse("dashboard")).content.decode()


def test_sign_ins_recorded_without_establishment_reach_the_heads_of_the_persons_school(
    school_a: School, school_b: School
) -> None:
    login = record(AuditAction.LOGIN, actor=school_a.teacher, ip="192.0.2.7")
    record(AuditAction.LOGIN, actor=school_b.teacher, ip="192.0.2.8")
    record(AuditAction.LOGIN_FAILED, actor_label="inconnu@exemple.fr", ip="192.0.2.9")

    assert rows(signed_in(school_a.head).get(journal_url(school_a))) == [login]
    assert login not in rows(signed_in(school_b.head).get(journal_url(school_b)))


# --- filters and pages --------------------------------------------------------------------------


def test_filters_by_action_dates_and_author(school_a: School) -> None:
    est = school_a.establishment
    edit = record(AuditAction.STUDENT_EDITED, actor=school_a.ddfpt, establishment=est)
    paper = record(AuditAction.PAPER_SIGNATURE, actor=school_a.secretary, establishment=est)
    old = record(AuditAction.STUDENT_EDITED, actor=school_a.secretary, establishment=est)
    AuditEntry.objects.filter(pk=old.pk).update(at=datetime(2026, 9, 1, 12, tzinfo=UTC))
    head = signed_in(school_a.head)
    url = journal_url(school_a)

    assert rows(head.get(url, {"action": "student_edited"})) == [edit, old]
    assert rows(head.get(url, {"du": "2027-01-01"})) == [paper, edit]
    assert rows(head.get(url, {"du": "2026-08-01", "au": "2026-09-30"})) == [old]
    assert rows(head.get(url, {"auteur": "SECRETARIAT-a"})) == [paper, old]
    assert rows(head.get(url, {"action": "student_edited", "auteur": "secretariat"})) == [old]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"du": "31/02/2027"}, "Indiquez une date valide"),
        ({"du": "2027-01-10", "au": "2027-01-01"}, "La date de fin précède la date de début."),
        ({"action": "inventee"}, "Choisissez une action de la liste."),
        ({"auteur": "x" * 101}, "100 caractères au plus."),
    ],
)
def test_a_bad_filter_is_a_french_400_not_a_crash(
    school_a: School, query: dict[str, str], message: str
) -> None:
    response = signed_in(school_a.head).get(journal_url(school_a), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_journal_is_paginated_and_keeps_its_filters(school_a: School) -> None:
    for _ in range(PER_PAGE + 1):
        record(AuditAction.HOST_EDITED, actor=school_a.ddfpt, establishment=school_a.establishment)
    record(AuditAction.LOGIN, actor=school_a.ddfpt, establishment=school_a.establishment)
    head = signed_in(school_a.head)

    first = head.get(journal_url(school_a), {"action": "host_edited"})
    assert len(rows(first)) == PER_PAGE
    assert "?action=host_edited&amp;page=2" in first.content.decode()
    second = head.get(journal_url(school_a), {"action": "host_edited", "page": "2"})
    assert len(rows(second)) == 1
    assert head.get(journal_url(school_a), {"page": "²"}).status_code == 200


# --- downloads of a minor's documents -------------------------------------------------------------


def test_every_download_of_a_minors_document_is_recorded(school_a: School) -> None:
    documents = every_stored_document(school_a, minor=True)
    head = signed_in(school_a.head)

    for document in documents:
        before = AuditEntry.objects.filter(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED).count()
        response = head.get(document.url, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200, document.kind
        assert sha256(response.content) == document.sha256
        new = AuditEntry.objects.filter(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED).order_by(
            "pk"
        )[before:]
        minors = [e for e in new if e.object_id == str(document.student.pk)]
        assert len(minors) == 1, document.kind
        entry = minors[0]
        assert entry.actor == school_a.head and entry.actor_label == school_a.head.email
        assert entry.ip == "203.0.113.5"
        assert entry.establishment == school_a.establishment
        assert entry.object_type == "students.student"
        assert entry.changes["document"]


def test_the_download_of_an_adults_document_is_not_recorded(school_a: School) -> None:
    documents = every_stored_document(school_a, minor=False)
    head = signed_in(school_a.head)
    for document in documents:
        assert head.get(document.url).status_code == 200, document.kind
    assert not AuditEntry.objects.filter(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED).exists()


def test_a_tutors_download_through_their_link_names_the_tutor(school_a: School) -> None:
    minor = StudentFactory.create(cohort=school_a.cohort, minor=True)
    convention = signed_convention(school_a, minor)
    period = convention.periods.get()

    Certificate.objects.create(
        period=period,
        start=period.start,
        end=period.end,
        scheduled_days=29,
        absence_days=0,
        presence_days=29,
        weeks=6,
        tutor_name="Claire Dubois",
        content=b"%PDF-1.4\n%%EOF\n",
    )
    token = issue_tutor_link(convention, by=school_a.head, lifetime=timedelta(days=30))
    url = reverse("followup:tutor_certificate", kwargs={"token": token, "period_pk": period.pk})

    assert Client().get(url, REMOTE_ADDR="198.51.100.4").status_code == 200

    entry = AuditEntry.objects.get(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED)
    assert entry.actor is None and entry.ip == "198.51.100.4"
    assert "lien de suivi" in entry.actor_label and str(convention.tutor) in entry.actor_label
    assert entry.object_id == str(minor.pk)


def test_a_refused_download_is_not_recorded(school_a: School, school_b: School) -> None:
    documents = every_stored_document(school_a, minor=True)
    other_head = signed_in(school_b.head)
    for document in documents:
        assert other_head.get(document.url).status_code == 404, document.kind
    assert not AuditEntry.objects.filter(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED).exists()


def test_the_head_finds_the_minor_downloads_in_the_journal(school_a: School) -> None:
    documents = every_stored_document(school_a, minor=True)
    signed_in(school_a.ddfpt).get(documents[0].url, REMOTE_ADDR="203.0.113.9")

    response = signed_in(school_a.head).get(
        journal_url(school_a), {"action": AuditAction.MINOR_DOCUMENT_DOWNLOADED}
    )
    page = response.content.decode()
    assert [e.actor for e in rows(response)] == [school_a.ddfpt]
    assert "document d&#x27;un mineur téléchargé" in page and "203.0.113.9" in page
    assert str(documents[0].student) in page


def test_a_signatorys_download_through_their_link_names_the_signatory(school_a: School) -> None:

    minor = StudentFactory.create(cohort=school_a.cohort, minor=True)
    convention = ConventionFactory.create(
        signing=True,
        signatories=False,  # the one signatory below is the test's
        student=minor,
        created_by=school_a.head,
        periods=[(date(2026, 5, 4), date(2026, 6, 12))],
    )
    ConventionDocument.objects.create(
        convention=convention, kind="for-signature", version=1, content=b"%PDF-1.4\n%%EOF\n"
    )
    signatory = Signatory.objects.create(
        convention=convention, version=1, role="host", name="Claire Dubois"
    )
    SignatureLink.objects.create(
        signatory=signatory,
        token_hash=hash_token("jeton-de-test"),
        expires_at=TODAY + timedelta(days=3),
    )
    url = reverse("conventions:sign_document", kwargs={"token": "jeton-de-test"})

    assert Client().get(url, REMOTE_ADDR="198.51.100.7").status_code == 200

    entry = AuditEntry.objects.get(action=AuditAction.MINOR_DOCUMENT_DOWNLOADED)
    assert entry.actor is None and entry.ip == "198.51.100.7"
    assert (
        entry.actor_label.startswith("Claire Dubois") and "lien de signature" in entry.actor_label
    )
    assert entry.object_id == str(minor.pk)
