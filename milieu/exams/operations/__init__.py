"""Business operations of the exam side, one function per change of state, by sub-domain:
`sessions` (the rectorat's exam sessions), `derogations` (the requests and their workflow),
`decision` (the recteur's decision PDF), `mails`; the refusals in `refusals`.

Each is atomic, checks the permission through `milieu.permissions`, locks the row it changes,
writes its log row (`ExamSessionChange`, `DerogationTransition`: actor, time, address, comment)
and sends its e-mails once the transaction is committed. The names most callers use are
re-exported here.
"""

from milieu.exams.operations.decision import decision_context, issue_decision
from milieu.exams.operations.derogations import (
    COMMENT_MAX_LENGTH,
    DEROGATION_FLOW,
    JUSTIFICATION_MAX_LENGTH,
    MAX_ATTACHMENTS,
    RequestData,
    allowed_transitions,
    create_request,
    grant_request,
    refuse_request,
    submit_request,
    update_request,
    withdraw_request,
)
from milieu.exams.operations.refusals import ExamsInvalid, ExamsRefused
from milieu.exams.operations.sessions import (
    SESSION_FIELDS,
    SessionData,
    save_exam_session,
    session_errors,
    session_for,
)

__all__ = [
    "COMMENT_MAX_LENGTH",
    "DEROGATION_FLOW",
    "JUSTIFICATION_MAX_LENGTH",
    "MAX_ATTACHMENTS",
    "SESSION_FIELDS",
    "ExamsInvalid",
    "ExamsRefused",
    "RequestData",
    "SessionData",
    "allowed_transitions",
    "create_request",
    "decision_context",
    "grant_request",
    "issue_decision",
    "refuse_request",
    "save_exam_session",
    "session_errors",
    "session_for",
    "submit_request",
    "update_request",
    "withdraw_request",
]
