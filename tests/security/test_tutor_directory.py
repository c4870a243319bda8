"""Issue 9, item 1: no cross-school write through the shared directory of hosts and tutors.

The attack: a teacher of school B edits a tutor only school A works with, puts their own e-mail
address, and receives the signature link and code when A sends the convention, then the tutor's
follow-up link to A's student. Now only the managers of a school that works with a tutor (or a
host, for its sites) may edit it; a signatory's address is frozen when the convention leaves for
signature; a follow-up link goes once to the address it was issued for; every creation and edit
is journaled with its author, IP and the fields changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.conventions.enums import SignatoryRole
from milieu.conventions.models import Convention, Signatory
from milieu.conventions.operations import (
    approve_convention,
    submit_convention,
    validate_convention,
)
from milieu.conventions.signatures import remind_pending, resolve_link, send_for_signature
from milieu.factories import (
    AcademieFactory,
    ConventionFactory,
    HostFactory,
    PlacementFactory,
    TutorFactory,
)
from milieu.followup.models import TutorAccess
from milieu.followup.operations import issue_tutor_link, resolve_access
from milieu.hosts.models import Host, HostSite, Tutor
from milieu.permissions import can, editable_tutors, establishments_working_with
from tests.conventions.conftest import draft, links_in_outbox
from tests.conventions.signing import token_of
from tests.core.conftest import School, make_school

# --- fixtures (as in tests/core and tests/conventions; this folder has no conftest of its own) --


@pytest.fixture
def academie(db: None) -> Any:
    return AcademieFactory.create(name="Strasbourg")


@pytest.fixture
def school_a(academie: Any) -> School:
    return make_school(academie, "A")


@pytest.fixture
def school_b(academie: Any) -> School:
    return make_school(academie, "B")


@pytest.fixture(autouse=True)
def _seals_and_mails(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seal made in a temporary folder; the e-mails deferred to the commit sent at once
    (tests run in a transaction that never commits)."""
    from django.db import transaction

    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.DEBUG = True  # the demo's self-signed seal is made on first use
    settings.SITE_URL = "http://testserver"
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


ATTACKER = "pirate@exemple.net"


@pytest.fixture
def client_for(client: Client) -> Callable[[Any], Client]:
    def login(user: Any) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


def tutor_data(tutor: Tutor, **changes: str) -> dict[str, str]:
    values = {
        "last_name": tutor.last_name,
        "first_name": tutor.first_name,
        "position": tutor.position,
        "email": tutor.email,
        "phone": tutor.phone,
    }
    values.update(changes)
    return values


def host_data(host: Host, **changes: Any) -> dict[str, Any]:
    values = {
        "country": host.country,
        "siret": host.siret,
        "foreign_identifier": host.foreign_identifier,
        "name": host.name,
        "trade_name": host.trade_name,
        "naf_code": host.naf_code,
        "naf_version": host.naf_version,
        "address": host.address,
        "postal_code": host.postal_code,
        "city": host.city,
        "headcount": host.headcount if host.headcount is not None else "",
    }
    values.update(changes)
    return values


def edit_tutor(client: Client, tutor: Tutor, **changes: str) -> Any:
    return client.post(reverse("hosts:tutor_edit", args=[tutor.pk]), tutor_data(tutor, **changes))


def a_tutor_of(school: School, **fields: Any) -> Tutor:
    """A tutor only `school` works with: one of its students' placement names them."""
    tutor = TutorFactory.create(**fields)
    PlacementFactory.create(
        student=school.student, cohort_period=school.period, host=tutor.host, tutor=tutor
    )
    return tutor


def tutor_of(convention: Convention) -> Tutor:
    assert convention.tutor is not None
    return convention.tutor


def sent_for_signature(convention: Convention, school: School) -> Convention:
    submit_convention(convention, by=school.teacher)
    validate_convention(convention, by=school.ddfpt)
    approve_convention(convention, by=school.head)
    return send_for_signature(convention, by=school.ddfpt)


# --- who may edit --------------------------------------------------------------------------


def test_another_schools_teacher_is_refused_and_changes_nothing(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = a_tutor_of(school_a, email="tuteur@entreprise.exemple.fr")
    client = client_for(school_b.teacher)

    assert client.get(reverse("hosts:tutor_edit", args=[tutor.pk])).status_code == 403
    assert edit_tutor(client, tutor, email=ATTACKER).status_code == 403

    tutor.refresh_from_db()
    assert tutor.email == "tuteur@entreprise.exemple.fr"
    assert not AuditEntry.objects.filter(action=AuditAction.TUTOR_EDITED).exists()


def test_another_schools_managers_who_never_worked_with_the_tutor_are_refused(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = a_tutor_of(school_a, email="tuteur@entreprise.exemple.fr")

    for user in (school_b.ddfpt, school_b.head, school_b.secretary):
        assert edit_tutor(client_for(user), tutor, email=ATTACKER).status_code == 403

    tutor.refresh_from_db()
    assert tutor.email == "tuteur@entreprise.exemple.fr"


def test_the_schools_own_teachers_may_not_edit_but_its_managers_may(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = a_tutor_of(school_a, email="tuteur@entreprise.exemple.fr")

    assert edit_tutor(client_for(school_a.teacher), tutor, position="X").status_code == 403
    response = edit_tutor(client_for(school_a.ddfpt), tutor, email="nouvelle@entreprise.fr")

    assert response.status_code == 302
    tutor.refresh_from_db()
    assert tutor.email == "nouvelle@entreprise.fr"


def test_a_convention_naming_the_tutor_is_working_with_them(
    school_a: School, school_b: School
) -> None:
    convention = draft(school_a)  # a convention, no placement
    tutor = tutor_of(convention)

    assert can(school_a.secretary, "tutor.change", tutor)
    assert can(school_a.ddfpt, "host.change", convention.host)
    assert not can(school_b.ddfpt, "tutor.change", tutor)
    assert not can(school_b.ddfpt, "host.change", convention.host)
    assert establishments_working_with(tutor) == [school_a.establishment.pk]


def test_a_rejected_placement_or_a_cancelled_convention_is_no_longer_working_with(
    school_a: School,
) -> None:
    tutor = TutorFactory.create()
    PlacementFactory.create(
        student=school_a.student,
        cohort_period=school_a.period,
        host=tutor.host,
        tutor=tutor,
        status="rejected",
    )
    cancelled = ConventionFactory.create(
        cancelled=True, student=school_a.student, created_by=school_a.teacher
    )

    assert not can(school_a.ddfpt, "tutor.change", tutor)
    assert not can(school_a.ddfpt, "tutor.change", cancelled.tutor)


def test_the_school_that_added_a_tutor_may_edit_it_and_no_other(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create()
    client_for(school_b.ddfpt).post(
        reverse("hosts:tutor_create", args=[host.pk]),
        {"last_name": "Keller", "first_name": "Claire", "email": "c.keller@exemple.fr"},
    )
    tutor = Tutor.objects.get()

    assert tutor.created_in == school_b.establishment and tutor.created_by == school_b.ddfpt
    assert edit_tutor(client_for(school_b.ddfpt), tutor, phone="0388000000").status_code == 302
    assert edit_tutor(client_for(school_a.ddfpt), tutor, email=ATTACKER).status_code == 403
    tutor.refresh_from_db()
    assert (tutor.phone, tutor.email) == ("0388000000", "c.keller@exemple.fr")


def test_a_teacher_still_adds_a_tutor_for_their_school_but_does_not_edit_it(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create()
    client = client_for(school_a.teacher)

    response = client.post(
        reverse("hosts:tutor_create", args=[host.pk]),
        {"last_name": "Keller", "first_name": "Claire", "email": "c.keller@exemple.fr"},
    )
    tutor = Tutor.objects.get()

    assert response.status_code == 302 and tutor.created_in == school_a.establishment
    assert edit_tutor(client, tutor, email=ATTACKER).status_code == 403
    assert can(school_a.ddfpt, "tutor.change", tutor)


def test_working_with_a_host_does_not_open_another_schools_tutor_there(
    school_a: School, school_b: School
) -> None:
    tutor_a = a_tutor_of(school_a)
    host = tutor_a.host
    tutor_b = TutorFactory.create(host=host)
    PlacementFactory.create(
        student=school_b.student, cohort_period=school_b.period, host=host, tutor=tutor_b
    )

    assert can(school_b.ddfpt, "host.change", host)  # both schools work with the company
    assert can(school_b.ddfpt, "tutor.change", tutor_b)
    assert not can(school_b.ddfpt, "tutor.change", tutor_a)
    assert list(editable_tutors(school_b.ddfpt)) == [tutor_b]


def test_hosts_and_their_sites_follow_the_same_rule(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    host = a_tutor_of(school_a).host
    name = host.name

    for user in (school_b.teacher, school_b.ddfpt, school_a.teacher):
        client = client_for(user)
        edit = client.post(reverse("hosts:edit", args=[host.pk]), host_data(host, name="Piraté"))
        site = client.post(reverse("hosts:site_create", args=[host.pk]), {"name": "Faux site"})
        assert (edit.status_code, site.status_code) == (403, 403), user

    host.refresh_from_db()
    assert host.name == name and not HostSite.objects.exists()
    response = client_for(school_a.ddfpt).post(
        reverse("hosts:edit", args=[host.pk]), host_data(host, city="Colmar")
    )
    assert response.status_code == 302


def test_the_tutor_list_offers_the_edit_link_on_editable_rows_only(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    ours = a_tutor_of(school_a, last_name="Nôtre")
    theirs = a_tutor_of(school_b, last_name="Autre")

    html = client_for(school_a.ddfpt).get(reverse("hosts:tutors")).content.decode()
    teacher_html = client_for(school_a.teacher).get(reverse("hosts:tutors")).content.decode()

    assert reverse("hosts:tutor_edit", args=[ours.pk]) in html
    assert reverse("hosts:tutor_edit", args=[theirs.pk]) not in html
    assert reverse("hosts:tutor_edit", args=[ours.pk]) not in teacher_html


# --- the attack, end to end ----------------------------------------------------------------


def test_the_attack_fails_the_signature_link_goes_to_the_real_tutor(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    convention = draft(school_a)
    tutor = tutor_of(convention)
    real = tutor.email

    assert edit_tutor(client_for(school_b.teacher), tutor, email=ATTACKER).status_code == 403
    sent_for_signature(convention, school_a)

    recipients = {address for message in mail.outbox for address in message.to}
    assert real in recipients and ATTACKER not in recipients
    assert convention.signatories.get(role=SignatoryRole.TUTOR).email == real


# --- frozen addresses ----------------------------------------------------------------------


def test_changing_the_tutors_email_after_sending_redirects_neither_link_nor_code(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    convention = draft(school_a)
    tutor = tutor_of(convention)
    frozen = tutor.email
    sent_for_signature(convention, school_a)
    tutor_link = next(
        path
        for path in links_in_outbox()
        if resolve_link(token_of(path)).signatory.role == SignatoryRole.TUTOR
    )
    mail.outbox.clear()

    response = edit_tutor(client_for(school_a.ddfpt), tutor, email="nouvelle@entreprise.fr")
    assert response.status_code == 302
    Client().post(tutor_link, {"action": "code"})  # the tutor asks for a code afterwards

    assert Signatory.objects.get(convention=convention, role=SignatoryRole.TUTOR).email == frozen
    assert [message.to for message in mail.outbox] == [[frozen]]
    assert "Votre code de signature" in mail.outbox[0].body


def test_a_reminder_after_the_change_goes_to_the_frozen_address(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    convention = draft(school_a)
    tutor = tutor_of(convention)
    frozen = tutor.email
    sent_for_signature(convention, school_a)
    edit_tutor(client_for(school_a.ddfpt), tutor, email="nouvelle@entreprise.fr")
    mail.outbox.clear()

    remind_pending(timezone.now() + timedelta(days=4))

    recipients = [address for message in mail.outbox for address in message.to]
    assert frozen in recipients and "nouvelle@entreprise.fr" not in recipients


def test_the_page_says_pending_signatures_keep_the_old_address(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    convention = draft(school_a)
    sent_for_signature(convention, school_a)

    client = client_for(school_a.ddfpt)
    response = edit_tutor(client, tutor_of(convention), email="nouvelle@entreprise.fr")
    page = client.get(response["Location"]).content.decode()

    assert "Les signatures déjà demandées restent envoyées" in page


def test_an_issued_follow_up_link_keeps_its_recipient_and_keeps_working(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    convention = ConventionFactory.create(
        signed=True,
        student=school_a.student,
        created_by=school_a.teacher,
        referent=school_a.teacher,
    )
    original = tutor_of(convention).email
    token = issue_tutor_link(convention, by=school_a.ddfpt)
    access = TutorAccess.objects.get()

    edit_tutor(client_for(school_a.ddfpt), tutor_of(convention), email="nouvelle@entreprise.fr")

    access.refresh_from_db()
    assert access.sent_to == original
    assert resolve_access(token).pk == access.pk
    assert Client().get(reverse("followup:tutor", kwargs={"token": token})).status_code == 200
    follow_up_mails = [m for m in mail.outbox if m.subject.startswith("Suivi du stage")]
    assert [m.to for m in follow_up_mails] == [[original]]
    page = client_for(school_a.ddfpt).get(reverse("followup:convention", args=[convention.pk]))
    assert f"envoyé à {original}" in page.content.decode()


# --- the audit journal ---------------------------------------------------------------------


def test_a_tutor_edit_is_journaled_with_author_ip_and_changes_for_every_school_concerned(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = a_tutor_of(school_a, email="ancienne@entreprise.fr")
    PlacementFactory.create(
        student=school_b.student, cohort_period=school_b.period, host=tutor.host, tutor=tutor
    )

    client_for(school_b.ddfpt).post(
        reverse("hosts:tutor_edit", args=[tutor.pk]),
        tutor_data(tutor, email="nouvelle@entreprise.fr"),
        REMOTE_ADDR="203.0.113.7",
    )

    rows = AuditEntry.objects.filter(action=AuditAction.TUTOR_EDITED).order_by("establishment")
    assert [row.establishment for row in rows] == [
        school_a.establishment,
        school_b.establishment,
    ]  # A's head sees that B changed A's tutor
    for row in rows:
        assert row.actor == school_b.ddfpt and str(row.ip) == "203.0.113.7"
        assert row.changes == {"email": ["ancienne@entreprise.fr", "nouvelle@entreprise.fr"]}
        assert (row.object_type, row.object_id) == ("hosts.tutor", str(tutor.pk))


def test_creations_and_edits_of_hosts_sites_and_tutors_are_journaled(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    from tests.hosts.conftest import company_siret

    client = client_for(school_a.ddfpt)
    client.post(
        reverse("hosts:create"),
        {
            "country": "FR",
            "siret": company_siret(7, 1),
            "name": "Mesures de l'Est",
            "naf_version": "NAF-rev2",
            "city": "Colmar",
        },
    )
    host = Host.objects.get()
    client.post(reverse("hosts:edit", args=[host.pk]), host_data(host, city="Sélestat"))
    client.post(reverse("hosts:site_create", args=[host.pk]), {"name": "Atelier"})
    client.post(
        reverse("hosts:tutor_create", args=[host.pk]),
        {"last_name": "Keller", "first_name": "Claire", "email": "c.keller@exemple.fr"},
    )

    rows = {row.action: row for row in AuditEntry.objects.all()}
    assert set(rows) == {
        AuditAction.HOST_CREATED,
        AuditAction.HOST_EDITED,
        AuditAction.SITE_EDITED,
        AuditAction.TUTOR_CREATED,
    }
    assert all(row.actor == school_a.ddfpt and str(row.ip) == "127.0.0.1" for row in rows.values())
    assert all(row.establishment == school_a.establishment for row in rows.values())
    assert rows[AuditAction.HOST_CREATED].changes["name"] == [None, "Mesures de l'Est"]
    assert rows[AuditAction.HOST_EDITED].changes == {"city": ["Colmar", "Sélestat"]}
    assert rows[AuditAction.SITE_EDITED].changes["name"] == [None, "Atelier"]
    assert rows[AuditAction.TUTOR_CREATED].changes["email"] == [None, "c.keller@exemple.fr"]


def test_a_refused_edit_writes_nothing_and_an_unchanged_save_no_row(
    school_a: School, school_b: School, client_for: Callable[[Any], Client]
) -> None:
    tutor = a_tutor_of(school_a)

    edit_tutor(client_for(school_b.ddfpt), tutor, email=ATTACKER)
    edit_tutor(client_for(school_a.ddfpt), tutor)  # saved as it was

    assert not AuditEntry.objects.exists()
