"""Follow-up of a stage: the tutor's link (no account), declared absences and confirmed
presence, the certificate, the evaluation grid, bma-bijou's training contract and bilan, and the
audit trail of every operation (`FollowupEvent`).

The tutor reaches one intern's convention through a signed, expiring link: only the HMAC of its
token is stored. The certificate (*attestation de stage*), the co-signed evaluation grid and the
three-party contract and bilan are rendered once as a PDF and stored with their SHA-256; they
never change afterwards (their `save` refuses).
"""

from milieu.followup.enums import EvaluationStatus, FollowupAction, PedagogyKind
from milieu.followup.models.attendance import Absence, Certificate, PresenceConfirmation
from milieu.followup.models.documents import Bilan, PeriodDocument, TrainingContract
from milieu.followup.models.evaluation import Evaluation, EvaluationTransition
from milieu.followup.models.history import FollowupEvent
from milieu.followup.models.links import TutorAccess
from milieu.followup.models.pedagogy import PedagogySession

__all__ = [
    "Absence",
    "Bilan",
    "Certificate",
    "Evaluation",
    "EvaluationStatus",
    "EvaluationTransition",
    "FollowupAction",
    "FollowupEvent",
    "PedagogyKind",
    "PedagogySession",
    "PeriodDocument",
    "PresenceConfirmation",
    "TrainingContract",
    "TutorAccess",
]
