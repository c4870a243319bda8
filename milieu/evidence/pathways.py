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
    """The student's pathway as the catalogue describes it, and what it lets them deposit."""

    diploma: Diploma | None
    pathway: Pathway | None

    @property
    def mode(self) -> str | None:
        return self.pathway.mode if self.pathway is not None else None

    @property
    def kinds(self) -> tuple[EvidenceKind, ...]:
        return MODE_KINDS.get(self.mode or "", ())

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
    return EvidencePathway(diploma, pathway)


def allowed_kinds(student: Any) -> tuple[EvidenceKind, ...]:
    return evidence_pathway(student).kinds
