"""Factories for tests and for the demo (the demo is built with them, so it cannot drift).

Business traits: `StudentFactory.create(minor=True)`, `apprentice=True`, `continuing="perfectionnement"`,
`distance=True`, `repeater=True`; `HostFactory.create(abroad=True)`; `MembershipFactory.head(...)`;
`ConventionFactory.create(signed=True)` (one trait per `ConventionStatus`, with its rows), etc.
Identifiers are valid: UAI with their check letter, INE in a national format, SIRET with a Luhn key.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from milieu.conventions.documents import build_snapshot, render_for_signature, render_sealed
from milieu.conventions.enums import ConventionStatus, SignatureState
from milieu.conventions.models import Convention, ConventionPeriod, ConventionTransition, Signatory
from milieu.conventions.signatures import signing_parties
from milieu.establishments.enums import HolidayZone
from milieu.establishments.models import Academie, Cohort, CohortPeriod, Establishment
from milieu.hosts.models import Host, HostSite, Placement, Tutor
from milieu.identifiers import UAI_LETTERS
from milieu.people.enums import Role
from milieu.people.models import Membership, User
from milieu.rules.calendar import DEFAULT_WORK_DAY_NAMES
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


# The road an operation-made convention has travelled to each state (`milieu.conventions.operations`
# TRANSITIONS: submit, validate, approve, send, complete, start, finish).
_ROAD: list[str] = [
    ConventionStatus.DRAFT,
    ConventionStatus.SUBMITTED,
    ConventionStatus.VALIDATED,
    ConventionStatus.APPROVED,
    ConventionStatus.SIGNING,
    ConventionStatus.SIGNED,
    ConventionStatus.IN_PROGRESS,
    ConventionStatus.FINISHED,
]
_SYSTEM_STEPS: dict[str, str] = {
    ConventionStatus.SIGNED: "Milieu (dernière signature)",
    ConventionStatus.IN_PROGRESS: "Milieu (début du stage)",
    ConventionStatus.FINISHED: "Milieu (fin du stage)",
}
STATE_TRAITS: dict[str, str] = {
    ConventionStatus.DRAFT: "draft",
    ConventionStatus.SUBMITTED: "submitted",
    ConventionStatus.VALIDATED: "validated",
    ConventionStatus.APPROVED: "approved",
    ConventionStatus.SIGNING: "signing",
    ConventionStatus.SIGNED: "signed",
    ConventionStatus.IN_PROGRESS: "in_progress",
    ConventionStatus.FINISHED: "finished",
    ConventionStatus.CANCELLED: "cancelled",
}
"""The `ConventionFactory` trait that yields each status."""

DEFAULT_CONVENTION_PERIOD = (date(2027, 5, 31), date(2027, 7, 9))


def _road_to(status: str, cancelled_from: str) -> list[str]:
    if status == ConventionStatus.CANCELLED:
        return [*_ROAD[: _ROAD.index(ConventionStatus(cancelled_from)) + 1], status]
    return _ROAD[: _ROAD.index(ConventionStatus(status)) + 1]


class ConventionFactory(DjangoModelFactory[Convention]):
    """A convention as the operations leave it in each state, without their permission checks,
    e-mails or PDFs: `ConventionFactory.create(signed=True)`, `in_progress=True`,
    `cancelled=True, cancelled_from=ConventionStatus.SIGNED`, or `ConventionFactory.in_status(s)`.

    Every state has its periods (`periods=[(start, end), …]`) and its `ConventionTransition` road
    from draft (the submission by `created_by`, later steps by `referent` or the system); from
    « En signature » on, the parties' data are frozen in `snapshot` and each party is a
    `Signatory` of the version (signed from « Signée » on, pending before); a cancelled
    convention has no active period left. `with_documents=True` also renders the PDFs (slow);
    `signatories=False` leaves the signatories to the test, which places each one itself.
    """

    class Meta:
        model = Convention
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=ConventionStatus.DRAFT)
        submitted = factory.Trait(status=ConventionStatus.SUBMITTED)
        validated = factory.Trait(status=ConventionStatus.VALIDATED)
        approved = factory.Trait(status=ConventionStatus.APPROVED)
        signing = factory.Trait(status=ConventionStatus.SIGNING)
        signed = factory.Trait(status=ConventionStatus.SIGNED)
        in_progress = factory.Trait(status=ConventionStatus.IN_PROGRESS)
        finished = factory.Trait(status=ConventionStatus.FINISHED)
        cancelled = factory.Trait(status=ConventionStatus.CANCELLED)

    student = factory.SubFactory(StudentFactory)
    host = factory.SubFactory(HostFactory, headcount=50)
    tutor = factory.SubFactory(
        TutorFactory, host=factory.SelfAttribute("..host"), email="tuteur@entreprise.exemple.fr"
    )
    referent = None
    created_by = factory.SubFactory(UserFactory)
    status = ConventionStatus.DRAFT
    work_days = factory.LazyFunction(lambda: list(DEFAULT_WORK_DAY_NAMES))
    activities = "Maintenance d'un réseau local ; câblage ; supervision."
    objectives = "Compétences C01 et C04 du référentiel."
    host_signatory_name = "Claire Dubois"
    host_signatory_position = "Gérante"
    host_signatory_email = "gerante@entreprise.exemple.fr"
    # not fields: used by `_create`
    periods: Any = None
    cancelled_from = ConventionStatus.DRAFT
    with_documents = False
    signatories = True

    @classmethod
    def in_status(cls, status: str, **kwargs: Any) -> Convention:
        """`ConventionFactory.in_status(ConventionStatus.SIGNED, …)`: the trait named by `status`."""
        return cls.create(**{STATE_TRAITS[status]: True}, **kwargs)

    @classmethod
    def _build(cls, model_class: type[Convention], *args: Any, **kwargs: Any) -> Convention:
        for name in ("periods", "cancelled_from", "with_documents", "signatories"):
            kwargs.pop(name)  # an unsaved convention has no rows around it
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class: type[Convention], *args: Any, **kwargs: Any) -> Convention:
        periods = kwargs.pop("periods") or [DEFAULT_CONVENTION_PERIOD]
        cancelled_from = kwargs.pop("cancelled_from")
        with_documents = kwargs.pop("with_documents")
        signatories = kwargs.pop("signatories")
        convention = super()._create(model_class, *args, **kwargs)
        for start, end in sorted(periods):
            ConventionPeriod.objects.create(
                convention=convention, student=convention.student, start=start, end=end
            )
        _travel(
            convention,
            cancelled_from=cancelled_from,
            with_documents=with_documents,
            signatories=signatories,
        )
        return convention


def _travel(
    convention: Convention, *, cancelled_from: str, with_documents: bool, signatories: bool
) -> None:
    """Leave the rows the operations would have left on the road to `convention.status`."""

    road = _road_to(convention.status, cancelled_from)
    previous = ""
    for status in road:
        actor = None
        if status in (ConventionStatus.DRAFT, ConventionStatus.SUBMITTED):
            actor = convention.created_by
        elif status not in _SYSTEM_STEPS and status != ConventionStatus.CANCELLED:
            actor = convention.referent
        ConventionTransition.objects.create(
            convention=convention,
            from_status=previous,
            to_status=status,
            actor=actor,
            actor_label=_SYSTEM_STEPS.get(status, ""),
        )
        previous = status
    if ConventionStatus.SIGNING in road:
        convention.snapshot = build_snapshot(convention)
        convention.save(update_fields=["snapshot"])
        if with_documents:
            render_for_signature(convention)
        signed = ConventionStatus.SIGNED in road
        parties = signing_parties(convention)[0] if signatories else []
        for order, party in enumerate(parties):
            Signatory.objects.create(
                convention=convention,
                version=convention.version,
                role=party["role"],
                name=party["name"],
                email=party["email"],
                on_behalf_of=party.get("on_behalf_of", ""),
                user=party.get("user"),
                order=order,
                state=SignatureState.SIGNED if signed else SignatureState.PENDING,
                signed_at=timezone.now() if signed else None,
            )
        if signed and with_documents:
            render_sealed(convention)
    if convention.status == ConventionStatus.CANCELLED:
        convention.periods.update(active=False)


def next_weekday(day: date, weekday: int = 0) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


__all__ = [
    "DEMO_PASSWORD",
    "AcademieFactory",
    "CohortFactory",
    "CohortPeriodFactory",
    "ContinuingSituation",
    "ConventionFactory",
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
