from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from milieu.factories import HostFactory, StudentFactory, member
from milieu.people.enums import Role
from milieu.people.models import Membership


def test_minority_is_derived_from_the_birth_date(db: None) -> None:
    student = StudentFactory.create(birth_date=date(2010, 3, 14))
    assert student.is_minor_on(date(2028, 3, 13))
    assert not student.is_minor_on(date(2028, 3, 14))


def test_continuing_situation_only_with_continuing_education(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory.create(continuing_situation="reconversion")
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentFactory.create(pathway="formation-continue", continuing_situation="")
    assert StudentFactory.create(continuing="perfectionnement").pathway == "formation-continue"


def test_one_host_per_siret_and_country(db: None) -> None:
    HostFactory.create(siret="73282932000074")
    with pytest.raises(IntegrityError), transaction.atomic():
        HostFactory.create(siret="732 829 320 00074")
    HostFactory.create(abroad=True)
    HostFactory.create(abroad=True)  # foreign hosts without SIRET do not collide


def test_a_french_host_has_a_siret(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        HostFactory.create(siret="")


def test_a_school_role_belongs_to_an_establishment(school_a: Any, academie: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=school_a.head, role=Role.TEACHER, academie=academie)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=school_a.head, role=Role.EXAM_SERVICE, establishment=school_a.establishment
        )
    member(Role.RECTEUR_DELEGATE, academie=academie, email="delegue@ac.fr")
