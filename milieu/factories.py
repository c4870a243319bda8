"""Factories for tests and for the demo (the demo is built with them, so it cannot drift).

Business traits: `StudentFactory.create(minor=True)`, `apprentice=True`, `continuing="perfectionnement"`,
`distance=True`, `repeater=True`; `HostFactory.create(abroad=True)`; `MembershipFactory.head(...)`, etc.
Identifiers are valid: UAI with their check letter, INE in a national format, SIRET with a Luhn key.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import factory
from factory.django import DjangoModelFactory

from milieu.establishments.enums import HolidayZone
from milieu.establishments.models import Academie, Cohort, CohortPeriod, Establishment
from milieu.hosts.models import Host, HostSite, Placement, Tutor
from milieu.identifiers import UAI_LETTERS
from milieu.people.enums import Role
from milieu.people.models import Membership, User
from milieu.students.enums import ContinuingSituation, Pathway, Relation, RepeaterReport
from milieu.students.models import LegalRepresentative, Student

DEMO_PASSWORD = "milieu-demo-2026"

_rng = random.Random(2026)


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit to `digits`."""
    total = 0
    for position, char in enumerate(reversed(digits + "0")):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return digits + str((10 - total % 10) % 10)


def valid_siret(n: int) -> str:
    siren = luhn_complete(f"{(n * 7919 + 100_000) % 100_000_000:08d}")
    return luhn_complete(f"{siren}{(n % 9000) + 10:04d}")


def valid_uai(n: int) -> str:
    digits = f"{(n * 104_729 + 6_700_000) % 10_000_000:07d}"
    return digits + UAI_LETTERS[int(digits) % 23]


def valid_ine(n: int) -> str:
    return f"{(n * 7_654_321 + 100_000_000) % 1_000_000_000:09d}" + "AB"


class AcademieFactory(DjangoModelFactory[Academie]):
    class Meta:
        model = Academie
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Académie {n}")
    holiday_zone = HolidayZone.B


class EstablishmentFactory(DjangoModelFactory[Establishment]):
    class Meta:
        model = Establishment

    uai = factory.Sequence(valid_uai)
    name = factory.Sequence(lambda n: f"Lycée professionnel n° {n}")
    academie = factory.SubFactory(AcademieFactory)
    address = "1 rue de l'École"
    postal_code = "67000"
    city = "Strasbourg"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(DEMO_PASSWORD)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.DDFPT
    establishment = factory.SubFactory(EstablishmentFactory)
    academie = None


def member(
    role: str,
    *,
    establishment: Establishment | None = None,
    academie: Academie | None = None,
    **user: Any,
) -> User:
    """A user holding one role: `member(Role.HEAD, establishment=e, email="chef@…")`."""
    account = UserFactory.create(**user)
    Membership.objects.create(
        user=account, role=role, establishment=establishment, academie=academie
    )
    return account


class CohortFactory(DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort

    establishment = factory.SubFactory(EstablishmentFactory)
    name = factory.Sequence(lambda n: f"Promotion {n}")
    diploma = "bts-ciel"
    school_year = 2026
    training_start = date(2026, 9, 7)
    session = 2028


class CohortPeriodFactory(DjangoModelFactory[CohortPeriod]):
    class Meta:
        model = CohortPeriod

    cohort = factory.SubFactory(CohortFactory)
    label = "PFMP 1"
    start = date(2027, 5, 31)
    end = date(2027, 7, 16)


class StudentFactory(DjangoModelFactory[Student]):
    class Meta:
        model = Student

    class Params:
        minor = factory.Trait(birth_date=factory.LazyFunction(lambda: date(2010, 3, 14)))
        apprentice = factory.Trait(pathway=Pathway.APPRENTISSAGE)
        continuing = None
        repeater_with = factory.Trait(
            repeater=True, previous_session=2027, repeater_report=RepeaterReport.MODIFIED
        )

    cohort = factory.SubFactory(CohortFactory)
    ine = factory.Sequence(valid_ine)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = date(2006, 5, 2)
    division = "1 CIEL A"
    email = factory.LazyAttribute(lambda o: f"{o.ine.lower()}@eleve.exemple.fr")
    pathway = factory.LazyAttribute(
        lambda o: Pathway.FORMATION_CONTINUE if o.continuing else Pathway.SCOLAIRE
    )
    continuing_situation = factory.LazyAttribute(lambda o: o.continuing or "")


class LegalRepresentativeFactory(DjangoModelFactory[LegalRepresentative]):
    class Meta:
        model = LegalRepresentative

    student = factory.SubFactory(StudentFactory, minor=True)
    last_name = factory.LazyAttribute(lambda o: o.student.last_name)
    first_name = factory.Faker("first_name", locale="fr_FR")
    relation = Relation.MOTHER
    email = factory.Sequence(lambda n: f"parent{n}@exemple.fr")
    phone = "06 12 34 56 78"


class HostFactory(DjangoModelFactory[Host]):
    class Meta:
        model = Host

    class Params:
        abroad = factory.Trait(
            country="DE", siret="", foreign_identifier="HRB 12345", city="Kehl", postal_code="77694"
        )

    siret = factory.Sequence(valid_siret)
    name = factory.Faker("company", locale="fr_FR")
    naf_code = "62.02A"
    address = "12 avenue de l'Industrie"
    postal_code = "67100"
    city = "Strasbourg"
    headcount = 25


class HostSiteFactory(DjangoModelFactory[HostSite]):
    class Meta:
        model = HostSite

    host = factory.SubFactory(HostFactory)
    name = "Atelier principal"


class TutorFactory(DjangoModelFactory[Tutor]):
    class Meta:
        model = Tutor

    host = factory.SubFactory(HostFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    position = "Responsable technique"
    email = factory.Sequence(lambda n: f"tuteur{n}@entreprise.exemple.fr")


class PlacementFactory(DjangoModelFactory[Placement]):
    class Meta:
        model = Placement

    student = factory.SubFactory(StudentFactory)
    cohort_period = factory.LazyAttribute(
        lambda o: CohortPeriodFactory.create(cohort=o.student.cohort)
    )
    host = factory.SubFactory(HostFactory)
    tutor = factory.LazyAttribute(lambda o: TutorFactory.create(host=o.host))


def next_weekday(day: date, weekday: int = 0) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


__all__ = [
    "DEMO_PASSWORD",
    "AcademieFactory",
    "CohortFactory",
    "CohortPeriodFactory",
    "ContinuingSituation",
    "EstablishmentFactory",
    "HostFactory",
    "HostSiteFactory",
    "LegalRepresentativeFactory",
    "MembershipFactory",
    "PlacementFactory",
    "StudentFactory",
    "TutorFactory",
    "UserFactory",
    "member",
]
