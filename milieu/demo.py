"""The demo: what ``milieu loaddemo`` sets up and announces.

For now the demo needs no data in the database: the checker page and its sample dossiers work
as they are. User accounts will be created here, with the same operations as the tests, when
they exist; ``load_demo`` must stay idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from milieu.dossiers.samples import Sample, all_samples


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    samples: tuple[Sample, ...]
    accounts: tuple[DemoAccount, ...] = field(default=())


def load_demo() -> DemoSummary:
    """Create (or leave as they are) the demo's objects; safe to run again."""
    return DemoSummary(samples=all_samples())
