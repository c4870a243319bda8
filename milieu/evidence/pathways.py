"""Which documents a student may deposit: their pathway's *mode* in the catalogue decides.

Never the diploma id: the catalogue says, per diploma and pathway, whether the candidate does a
stage, is an apprentice (contract copy or employer's attestation) or replaces the stage with work
certificates (perfectionnement, professional experience).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from milieu.evidence.enums import EvidenceKind
from milieu.rules.catalogue import Diploma, Pathway, get_catalogue

MODE_KINDS: dict[str, tuple[EvidenceKind, ...]] = {
    "stage": (),
    "apprenticeship": (EvidenceKind.APPRENTICESHIP_CONTRACT, EvidenceKind.EMPLOYER_ATTESTATION),
    "work-experience": (EvidenceKind.WORK_CERTIFICATE,),
    "professional-experience": (EvidenceKind.WORK_CERTIFICATE,),
}


@dataclass(frozen=True)
class EvidencePathway:
    """The student's pathway as the catalogue describes it, and what it lets them deposit.

    Beside the pathway's mode, the student's own situation opens three more documents, each
    where the catalogue has the rule that reads it (issue 11):
    - BEP continuing education (rule ``experience-dispense``, 000 §3): work certificates in the
      sector, which dispense from the stage once a manager accepts one;
    - an apprentice repeater (rule ``repeater-contract``, 001 §5, 002 §D, 003 §4): the initial
      contract extended by a year, or a new contract with another employer;
    - a repeater presenting their previous report (rule ``repeater-evaluation``): the previous
      session's evaluation grid.
    """

    diploma: Diploma | None
    pathway: Pathway | None
    extra: tuple[EvidenceKind, ...] = ()

    @property
    def mode(self) -> str | None:
        return self.pathway.mode if self.pathway is not None else None

    @property
    def kinds(self) -> tuple[EvidenceKind, ...]:
        base = MODE_KINDS.get(self.mode or "", ())
        return base + tuple(kind for kind in self.extra if kind not in base)

    @property
    def sector_experience(self) -> bool:
        """Accepted in-sector work certificates dispense from the stage (BEP, 000 §3)."""
        return EvidenceKind.WORK_CERTIFICATE in self.extra

    @property
    def takes_work_certificates(self) -> bool:
        return EvidenceKind.WORK_CERTIFICATE in self.kinds

    @property
    def source(self) -> str:
        """Where the text says it, as a message prints it: "BTS CIEL, §2.2"."""
        if self.diploma is None or self.pathway is None:
            return ""
        return self.diploma.source(self.pathway.paragraph)


def evidence_pathway(student: Any) -> EvidencePathway:
    diploma = get_catalogue().get(str(student.cohort.diploma))
    pathway = diploma.pathways.get(student.pathway_key) if diploma is not None else None
    extra: list[EvidenceKind] = []
    if diploma is not None:
        rules = diploma.first_rules(student.pathway_key)
        if "experience-dispense" in rules:
            extra.append(EvidenceKind.WORK_CERTIFICATE)
        if getattr(student, "repeater", False):
            if "repeater-contract" in rules:
                extra += [EvidenceKind.CONTRACT_EXTENDED, EvidenceKind.NEW_EMPLOYER_CONTRACT]
            kept = rules.get("repeater-evaluation")
            if kept is not None and str(student.repeater_report or "") in kept.params.get(
                "reports", ()
            ):
                extra.append(EvidenceKind.PREVIOUS_EVALUATION)
    return EvidencePathway(diploma, pathway, tuple(extra))


def allowed_kinds(student: Any) -> tuple[EvidenceKind, ...]:
    return evidence_pathway(student).kinds
