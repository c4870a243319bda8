"""What the dashboard shows, section by section, read from what the user may see.

No section is chosen by role: each is filled from the `visible_*` querysets and `can`, so a
person with two roles (a DDFPT who also teaches) sees both sections. A fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.utils import timezone

from milieu.establishments.models import Academie, Establishment
from milieu.establishments.queries import (
    CohortCounts,
    EstablishmentCounts,
    cohort_counts,
    establishment_counts,
)
from milieu.exams.queries import waiting_by_academie
from milieu.hosts.enums import PlacementStatus
from milieu.hosts.models import Placement
from milieu.people.models import User
from milieu.people.queues import (
    OwnStage,
    Queues,
    head_queues,
    manager_queues,
    own_stage,
    teacher_queues,
)
from milieu.permissions import (
    Action,
    can,
    visible_academies,
    visible_cohorts,
    visible_establishments,
    visible_placements,
    visible_students,
)
from milieu.students.models import Student


@dataclass
class EstablishmentSection:
    establishment: Establishment
    cohorts: list[CohortCounts]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "students": sum(c.students for c in self.cohorts),
            "without_host": sum(c.without_host for c in self.cohorts),
            "to_validate": sum(c.to_validate for c in self.cohorts),
            "to_arrete": sum(c.to_arrete for c in self.cohorts),
        }


@dataclass
class OwnFile:
    student: Student
    placements: list[Placement]
    may_propose: bool
    stage: OwnStage | None = None  # issue 13 §15: conventions, signatures, report, verdict


@dataclass
class AcademieSection:
    academie: Academie
    establishments: list[EstablishmentCounts]
    derogations_waiting: int = 0


@dataclass
class Dashboard:
    managed: list[EstablishmentSection] = field(default_factory=list)
    taught: list[CohortCounts] = field(default_factory=list)
    to_validate: list[Placement] = field(default_factory=list)
    own: list[OwnFile] = field(default_factory=list)
    academies: list[AcademieSection] = field(default_factory=list)
    # the page of the académies' establishments shown (their counts cost what a page costs,
    # whatever the académie's size: issue 15)
    academie_page: Page[Establishment] | None = None
    queues: Queues = field(default_factory=Queues)  # issue 13 §14

    @property
    def is_empty(self) -> bool:
        return not (self.managed or self.taught or self.own or self.academies)


ACADEMIE_PAGE_SIZE = 10


def build_dashboard(
    user: User, *, today: date, now: Any = None, academie_page: str | None = None
) -> Dashboard:
    """`academie_page`: the number of the page of the académies' establishments to show (the
    first one when it is not a number, the last one past the end)."""
    board = Dashboard()
    now = now or timezone.now()
    establishments = list(visible_establishments(user))

    managed = [e for e in establishments if can(user, Action.ESTABLISHMENT_MANAGE, e)]
    if managed:
        cohorts = visible_cohorts(user).filter(establishment__in=managed)
        counts = cohort_counts(cohorts.order_by("-school_year", "name"), today)
        board.managed = [
            EstablishmentSection(e, [c for c in counts if c.cohort.establishment_id == e.pk])
            for e in managed
        ]

    board.taught = cohort_counts(
        visible_cohorts(user).filter(teachers=user).order_by("-school_year", "name"), today
    )
    if board.taught:
        board.to_validate = list(
            visible_placements(user)
            .filter(
                status=PlacementStatus.PROPOSED,
                student__cohort__in=[c.cohort.pk for c in board.taught],
            )
            .select_related("student__cohort", "cohort_period")
            .order_by("cohort_period__start", "created_at")
        )

    own_placements = Placement.objects.select_related("cohort_period", "host").order_by(
        "cohort_period__start", "-created_at"
    )
    for student in (
        visible_students(user)
        .filter(user=user)
        .prefetch_related(Prefetch("placements", queryset=own_placements, to_attr="own_placements"))
    ):
        board.own.append(
            OwnFile(
                student=student,
                placements=student.own_placements,
                may_propose=can(user, Action.PLACEMENT_PROPOSE, student),
                stage=own_stage(user, student, student.own_placements, today),
            )
        )

    board.queues = Queues(
        head=head_queues(user),
        manager=manager_queues(user, now),
        teacher=teacher_queues(
            user, [c.cohort.pk for c in board.taught], today, now, board.to_validate
        ),
    )

    academies = list(visible_academies(user))
    if academies:
        ids = {a.pk for a in academies}
        page = Paginator(
            sorted(
                (e for e in establishments if e.academie_id in ids), key=lambda e: (e.name, e.pk)
            ),
            ACADEMIE_PAGE_SIZE,
        ).get_page(academie_page)
        board.academie_page = page
        shown = list(page.object_list)
        cohorts = visible_cohorts(user).filter(establishment__in=shown)
        rows = establishment_counts(shown, cohorts, today)
        waiting = waiting_by_academie([a.pk for a in academies])
        board.academies = [
            AcademieSection(
                a,
                [r for r in rows if r.establishment.academie_id == a.pk],
                derogations_waiting=waiting.get(a.pk, 0),
            )
            for a in academies
        ]
    return board
