"""The states of an edition of the livret attestations, as one transition table: queued by a
person (`milieu.livret.operations.start_livret`), taken by the background task, then finished
(its PDF stored) or failed (its reason stored); a stalled edition is failed when a new one is
asked. Every change goes through `move`, which writes the fields the new state needs and the
`LivretTransition` row in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from milieu.livret.enums import LivretStatus
from milieu.livret.models import LivretJob, LivretTransition
from milieu.refusals import Refused
from milieu.workflow import Transition, Workflow

S = LivretStatus


class LivretStateRefused(Refused):
    """The edition is no longer in a state the step starts from (another worker took it)."""


LIVRET_FLOW: Workflow[LivretJob] = Workflow(
    model=LivretJob,
    log=LivretTransition,
    subject="job",
    refused=LivretStateRefused,
    noun="l'édition",
    transitions={
        "take": Transition({S.QUEUED}, S.RUNNING, None, "Préparer le PDF"),
        "finish": Transition({S.RUNNING}, S.DONE, None, "PDF prêt"),
        "fail": Transition({S.QUEUED, S.RUNNING}, S.FAILED, None, "Échec"),
    },
)


def move(job_id: int, name: str, **fields: Any) -> bool:
    """Apply `name` to the edition (the system acts), after writing `fields` (the new state's
    PDF, or its reason); False, and nothing written, when the edition is no longer in a state
    the step starts from."""
    try:
        with transaction.atomic():
            job = LivretJob.objects.defer("content").get(pk=job_id)
            LIVRET_FLOW.apply(job, name, by=None, fields=fields)
    except LivretStateRefused:
        return False
    return True
