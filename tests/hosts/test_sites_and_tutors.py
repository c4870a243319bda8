"""Sites and tutors of a host: staff add tutors, the managers of a school that works with the host
add its sites and edit its tutors; students and rectorat do not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.factories import HostFactory, TutorFactory
from milieu.hosts.models import HostSite, Tutor
from tests.hosts.conftest import School


def test_managers_add_a_site(school_a: School, client_for: Callable[[Any], Client]) -> None:
    host = HostFactory.create(created_in=school_a.establishment)

    response = client_for(school_a.ddfpt).post(
        reverse("hosts:site_create", args=[host.pk]),
        {"name": "Agence de Colmar", "address": "2 rue Vauban", "city": "Colmar"},
        follow=True,
    )

    assert HostSite.objects.get().host == host
    assert "Le site « Agence de Colmar » a été ajouté." in response.content.decode()


def test_a_site_needs_a_name(school_a: School, client_for: Callable[[Any], Client]) -> None:
    host = HostFactory.create(created_in=school_a.establishment)

    response = client_for(school_a.ddfpt).post(
        reverse("hosts:site_create", args=[host.pk]), {"name": "", "city": "Colmar"}
    )

    html = response.content.decode()
    assert "Ce champ est obligatoire." in html and 'value="Colmar"' in html
    assert not HostSite.objects.exists()


def test_staff_add_and_edit_a_tutor(school_a: School, client_for: Callable[[Any], Client]) -> None:
    host = HostFactory.create()
    client = client_for(school_a.secretary)

    client.post(
        reverse("hosts:tutor_create", args=[host.pk]),
        {"last_name": "Keller", "first_name": "Claire", "email": "c.keller@exemple.fr"},
    )
    tutor = Tutor.objects.get()
    response = client.post(
        reverse("hosts:tutor_edit", args=[tutor.pk]),
        {"last_name": "Keller", "first_name": "Claire", "position": "Cheffe d’atelier"},
    )

    tutor.refresh_from_db()
    assert response.status_code == 302
    assert (tutor.host, tutor.position, tutor.email) == (host, "Cheffe d’atelier", "")


def test_a_wrong_email_is_explained(school_a: School, client_for: Callable[[Any], Client]) -> None:
    host = HostFactory.create()

    response = client_for(school_a.secretary).post(
        reverse("hosts:tutor_create", args=[host.pk]),
        {"last_name": "Keller", "first_name": "Claire", "email": "pas-une-adresse"},
    )

    assert "Saisissez une adresse électronique valide" in response.content.decode()
    assert not Tutor.objects.exists()


def test_students_and_rectorat_may_not_touch_sites_or_tutors(
    school_a: School, rectorat: Any, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create()
    tutor = TutorFactory.create(host=host)

    for user in (school_a.student_user, rectorat):
        client = client_for(user)
        assert (
            client.post(reverse("hosts:site_create", args=[host.pk]), {"name": "X"}).status_code
            == 403
        )
        assert (
            client.post(
                reverse("hosts:tutor_create", args=[host.pk]), {"last_name": "X", "first_name": "Y"}
            ).status_code
            == 403
        )
    # Students do not see tutors at all; the rectorat sees them but may not change them.
    assert (
        client_for(school_a.student_user)
        .get(reverse("hosts:tutor_edit", args=[tutor.pk]))
        .status_code
        == 404
    )
    assert client_for(rectorat).get(reverse("hosts:tutor_edit", args=[tutor.pk])).status_code == 403
    assert not HostSite.objects.exists() and Tutor.objects.count() == 1
