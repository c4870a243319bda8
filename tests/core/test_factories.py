"""`ConventionFactory`'s state traits yield the status they name, with the rows that state implies."""

from __future__ import annotations

from typing import Any

import pytest

from milieu.conventions.enums import (
    SIGNED_STATUSES,
    ConventionStatus,
    SignatoryRole,
    SignatureState,
)
from milieu.conventions.models import ConventionDocument
from milieu.conventions.operations import TRANSITIONS, cancel_convention, start_due_conventions
from milieu.factories import STATE_TRAITS, ConventionFactory, StudentFactory
from tests.core.conftest import School, academie, make_school, school_a  # noqa: F401

S = ConventionStatus


def made(school: School, status: str, **kwargs: Any) -> Any:
    return ConventionFactory.in_status(
        status,
        student=school.student,
        created_by=school.teacher,
        referent=school.teacher,
        **kwargs,
    )


def test_every_status_has_a_trait() -> None:
    assert set(STATE_TRAITS) == set(ConventionStatus)


@pytest.mark.parametrize("status", list(ConventionStatus))
def test_each_trait_yields_a_coherent_convention(school_a: School, status: str) -> None:  # noqa: F811
    convention = ConventionFactory.create(
        **{STATE_TRAITS[status]: True},
        student=school_a.student,
        created_by=school_a.teacher,
        referent=school_a.teacher,
    )
    convention.refresh_from_db()
    assert convention.status == status

    # the road: draft first, then only moves the transition table allows, ending at the status
    road = list(convention.transitions.order_by("pk"))
    assert road[0].from_status == "" and road[0].to_status == S.DRAFT
    assert road[-1].to_status == status
    for step in road[1:]:
        assert any(
            step.from_status in t.sources and step.to_status == t.target
            for t in TRANSITIONS.values()
        ), f"{step} is no transition of the table"

    # periods: active while the convention is open or done, none once cancelled
    active = convention.periods.filter(active=True).count()
    assert active == (0 if status == S.CANCELLED else 1)

    # from « En signature » on: frozen snapshot and one signatory per party of the version
    signatories = convention.signatories.filter(version=convention.version)
    if status in (S.SIGNING, *SIGNED_STATUSES):
        assert convention.snapshot is not None
        assert convention.snapshot["number"] == convention.pk
        roles = set(signatories.values_list("role", flat=True))
        assert {SignatoryRole.STUDENT, SignatoryRole.HOST, SignatoryRole.HEAD} <= roles
        pending = signatories.exclude(state=SignatureState.SIGNED).count()
        assert pending == (signatories.count() if status == S.SIGNING else 0)
    else:
        assert convention.snapshot is None
        assert not signatories.exists()


def test_cancelled_from_a_signed_convention_keeps_its_signatures(school_a: School) -> None:  # noqa: F811
    convention = made(school_a, S.CANCELLED, cancelled_from=S.SIGNED)
    assert list(convention.transitions.values_list("to_status", flat=True))[-2:] == [
        S.SIGNED,
        S.CANCELLED,
    ]
    assert convention.signatories.filter(state=SignatureState.SIGNED).exists()
    assert not convention.periods.filter(active=True).exists()


def test_minor_signs_with_a_legal_representative(school_a: School) -> None:  # noqa: F811
    minor = StudentFactory.create(cohort=school_a.cohort, minor=True)
    minor.representatives.create(
        last_name=minor.last_name, first_name="Anne", relation="mother", email="anne@exemple.fr"
    )
    convention = ConventionFactory.create(signed=True, student=minor, created_by=school_a.teacher)
    assert convention.signatories.filter(role=SignatoryRole.LEGAL_REPRESENTATIVE).exists()


def test_traits_feed_the_real_operations(school_a: School) -> None:  # noqa: F811
    """A signed convention from the factory is started and finished by the daily task, and an
    approved one is cancelled by the operation: the traits leave states the operations accept."""
    signed = made(school_a, S.SIGNED)
    started, finished = start_due_conventions(today=signed.first_day)
    assert (started, finished) == (1, 0)
    signed.refresh_from_db()
    assert signed.status == S.IN_PROGRESS

    approved = ConventionFactory.create(
        approved=True,
        student=StudentFactory.create(cohort=school_a.cohort),
        created_by=school_a.teacher,
    )
    cancel_convention(approved, by=school_a.head, comment="Entreprise fermée.")
    assert approved.status == S.CANCELLED


def test_with_documents_renders_the_pdfs(school_a: School, settings: Any, tmp_path: Any) -> None:  # noqa: F811
    settings.SEAL_DIRECTORY = str(tmp_path / "seals")
    settings.DEBUG = True  # the self-signed seal is made on first use
    convention = made(school_a, S.SIGNED, with_documents=True)
    kinds = set(convention.documents.values_list("kind", flat=True))
    assert kinds == {ConventionDocument.Kind.FOR_SIGNATURE, ConventionDocument.Kind.SEALED}


def test_signatories_can_be_left_to_the_test(school_a: School) -> None:  # noqa: F811
    convention = made(school_a, S.SIGNING, signatories=False)
    assert convention.snapshot is not None
    assert not convention.signatories.exists()


def test_build_makes_an_unsaved_convention_without_rows() -> None:
    convention = ConventionFactory.build(signed=True)
    assert convention.pk is None and convention.status == S.SIGNED
    assert convention.tutor is not None and convention.tutor.host is convention.host
