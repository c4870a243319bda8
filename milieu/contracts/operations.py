"""Recording a *contrat de travail de type particulier* and the team's statement that its
activities fit the diploma: one atomic operation each, permission checked, journaled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.contracts.enums import SpecialContractKind
from milieu.contracts.models import SpecialContract
from milieu.identifiers import siret_error
from milieu.people.models import User
from milieu.permissions import Action, require
from milieu.refusals import Refused
from milieu.students.enums import ContinuingSituation, Pathway
from milieu.students.models import Student

# who may prepare the diploma under such a contract (001 §2.3.1: « candidats en formation
# continue en situation de première formation ou de reconversion »)
SITUATIONS = frozenset({ContinuingSituation.PREMIERE_FORMATION, ContinuingSituation.RECONVERSION})


class ContractRefused(Refused):
    """An operation refused, with a French message; `errors` maps fields to their message."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


@dataclass(frozen=True)
class ContractData:
    kind: str
    employer: str
    siret: str
    start: date
    end: date


def takes_special_contracts(student: Student) -> bool:
    return (
        student.pathway == Pathway.FORMATION_CONTINUE and student.continuing_situation in SITUATIONS
    )


def contract_errors(data: ContractData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in SpecialContractKind.values:
        errors["kind"] = "Choisissez la nature du contrat."
    if not data.employer.strip():
        errors["employer"] = "Indiquez l'employeur."
    siret = siret_error(data.siret)
    if siret:
        errors["siret"] = siret
    if data.end < data.start:
        errors["end"] = "La fin du contrat précède son début."
    return errors


def record_special_contract(
    student: Student, data: ContractData, *, by: User, ip: str | None = None
) -> SpecialContract:
    require(by, Action.EVIDENCE_REVIEW, student)
    if not takes_special_contracts(student):
        raise ContractRefused(
            "Seul un candidat de la formation continue en première formation ou en reconversion "
            "peut effectuer son stage dans le cadre d'un contrat de travail de type particulier."
        )
    errors = contract_errors(data)
    session = student.cohort.session
    if session and "end" not in errors:
        first, last = date(session - 3, 1, 1), date(session, 12, 31)
        if data.start < first or data.end > last:
            errors["start"] = (
                f"Le contrat tombe pendant la formation de la session {session} : "
                f"entre le {first:%d/%m/%Y} et le {last:%d/%m/%Y}."
            )
    if (
        not errors
        and SpecialContract.objects.filter(
            student=student,
            kind=data.kind,
            siret="".join(data.siret.split()),
            start=data.start,
            end=data.end,
        ).exists()
    ):
        raise ContractRefused("Ce contrat est déjà enregistré pour ce candidat.")
    if errors:
        raise ContractRefused(
            "Le contrat n'est pas enregistré : corrigez les champs signalés.", errors
        )
    with transaction.atomic():
        contract = SpecialContract.objects.create(
            student=student,
            kind=data.kind,
            employer=data.employer.strip(),
            siret="".join(data.siret.split()),
            start=data.start,
            end=data.end,
            recorded_by=by,
        )
        record(
            AuditAction.SPECIAL_CONTRACT_RECORDED,
            actor=by,
            obj=contract,
            establishment=student.cohort.establishment,
            ip=ip,
            changes={
                "kind": contract.kind,
                "employer": contract.employer,
                "siret": contract.siret,
                "start": contract.start.isoformat(),
                "end": contract.end.isoformat(),
            },
        )
    return contract


def confirm_activities_fit(
    contract: SpecialContract, *, by: User, ip: str | None = None
) -> SpecialContract:
    """The team states that the contract's activities fit the diploma's référentiel."""
    require(by, Action.EVIDENCE_REVIEW, contract.student)
    with transaction.atomic():
        locked = SpecialContract.objects.select_for_update().get(pk=contract.pk)
        if locked.activities_fit:
            raise ContractRefused("La conformité des activités de ce contrat est déjà constatée.")
        locked.activities_fit = True
        locked.activities_fit_by = by
        locked.activities_fit_at = timezone.now()
        locked.save(update_fields=["activities_fit", "activities_fit_by", "activities_fit_at"])
        record(
            AuditAction.SPECIAL_CONTRACT_FIT,
            actor=by,
            obj=locked,
            establishment=contract.student.cohort.establishment,
            ip=ip,
            changes={"activities_fit": [False, True]},
        )
    return locked
