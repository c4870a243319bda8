"""The demo: a realistic académie built with the factories and operations the tests use.

`load_demo()` is idempotent: the académie "Strasbourg (démonstration)" is built once; a second run
only reports what is there. It is refused outside a demo by the `loaddemo` command (DEBUG off).

What it builds (seeded, so every run gives the same names):
- 3 establishments covering the five diplomas of the catalogue;
- about 300 students over every pathway: minors, apprentices, continuing education (first
  training, retraining, perfectionnement), distance learners, repeaters;
- about 80 hosts with valid SIRETs (and two abroad), their sites and tutors;
- staff accounts per establishment, a few student accounts, rectorat accounts;
- PFMP windows per cohort and host choices at every step (proposed, validated, arrêté);
- conventions at every step, one sealed, one amended;
- a stage followed to its end (BTS CIEL 2e année): signed convention, a teacher's visit and its
  report, the tutor's link, an absence, a presence confirmed, the certificate, the evaluation
  grid co-signed, the report deposited and analysed — the student's verdict is "conforme"; and a
  classmate's stage with only its convention signed and the tutor's link printed, to walk the
  same path in the pages;
- the rectorat's exam sessions (one per diploma and year) and derogation requests at every state,
  decided by the recteur's delegate (`milieu.exams.demo`).

Its modules: `plans` (the schools, cohorts and hosts' names), `academie` (the build: people,
students, hosts, placements), `conventions` (conventions at every step), `story` (the stage
followed to its end, and the console's lines about it), `pedagogy` (issue 11's pedagogy).
"""

from __future__ import annotations

import random

import factory.random
from django.db import transaction
from django.test.utils import override_settings

from milieu.checker.samples import all_samples
from milieu.demo.academie import build_academie
from milieu.demo.conventions import convention_problems
from milieu.demo.plans import (
    ACADEMIE_NAME,
    HOST_NAMES,
    PLANS,
    CohortPlan,
    DemoAccount,
    DemoSummary,
    SchoolPlan,
)
from milieu.demo.story import STORY_COHORT, STORY_EMAIL, STORY_PERIOD, story_lines, story_links
from milieu.establishments.models import Academie, Establishment
from milieu.factories import DEMO_PASSWORD
from milieu.hosts.models import Host
from milieu.people.models import User
from milieu.students.models import Student


def _existing_accounts() -> list[DemoAccount]:
    accounts = []
    for user in (
        User.objects.filter(email__endswith="@demo.milieu.fr")
        .prefetch_related("memberships__establishment", "memberships__academie")
        .order_by("email")
    ):
        for membership in user.memberships.all():
            place = membership.establishment or membership.academie
            accounts.append(
                DemoAccount(user.email, DEMO_PASSWORD, f"{membership.get_role_display()}, {place}")
            )
    return accounts


def load_demo() -> DemoSummary:
    """Create (or leave as they are) the demo's objects; safe to run again."""
    if not Academie.objects.filter(name=ACADEMIE_NAME).exists():
        factory.random.reseed_random(2026)
        # the invitations the demo's operations send are not printed in the console
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            build_academie(random.Random(2026))
    counts = {
        "établissements": Establishment.objects.filter(academie__name=ACADEMIE_NAME).count(),
        "élèves": Student.objects.filter(
            cohort__establishment__academie__name=ACADEMIE_NAME
        ).count(),
        "organismes": Host.objects.count(),
    }
    return DemoSummary(samples=all_samples(), accounts=tuple(_existing_accounts()), counts=counts)


__all__ = [
    "ACADEMIE_NAME",
    "HOST_NAMES",
    "PLANS",
    "STORY_COHORT",
    "STORY_EMAIL",
    "STORY_PERIOD",
    "CohortPlan",
    "DemoAccount",
    "DemoSummary",
    "SchoolPlan",
    "build_academie",
    "convention_problems",
    "load_demo",
    "story_lines",
    "story_links",
]
