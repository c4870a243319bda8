"""Follow-up operations, one function per business operation, by sub-domain:

- `base`: the refusal (`FollowupRefused`), the follow-up history row (`record_event`), the
  checks of a tutor acting through their link, the counting of a period;
- `links`: the tutor's link (issue, renew, revoke, resolve), and what every no-account link's
  operations share;
- `attendance`: absences and confirmed presence;
- `certificates`: the certificate, by the tutor's link or from the host's paper;
- `evaluations`: the evaluation grid (fill, adjust, co-sign);
- `period_documents`: bma-bijou's training contract and bilan.

Each operation checks who acts (a permission of `milieu.permissions`, or the tutor's link for
this very convention), runs in one transaction, locks the row it changes (`select_for_update`)
and writes one `FollowupEvent` in the same transaction. A refusal is a `FollowupRefused` with a
French message for the page. The names are re-exported here: callers import
`milieu.followup.operations`.
"""

from milieu.followup.operations.attendance import confirm_presence, declare_absence
from milieu.followup.operations.base import (
    DEFAULT_WORK_DAYS,
    Figures,
    FollowupRefused,
    declared_absence_days,
    figures,
    record_event,
    scheduled_days_of,
    tutor_checks,
    weeks_of,
    work_days_of,
)
from milieu.followup.operations.certificates import (
    issue_certificate,
    record_paper_certificate,
    refuse_unfinished,
)
from milieu.followup.operations.evaluations import (
    EVALUATION_TRANSITIONS,
    adjust_evaluation,
    changes_of,
    clean_levels,
    cosign_evaluation,
    evaluation_of,
    evaluation_step,
    fill_evaluation,
    grid_of,
    last_day_of,
    require_complete,
)
from milieu.followup.operations.links import (
    LINK_LIFETIME,
    access_by_token,
    issue_tutor_link,
    link_expiry,
    period_of,
    renew_tutor_link,
    resolve_access,
    revoke_access,
    revoke_tutor_link,
)
from milieu.followup.operations.period_documents import (
    BILAN,
    CANDIDATE,
    CONTRACT,
    KINDS,
    OF_PARTY,
    PARTY_LABELS,
    TEAM,
    TUTOR,
    DocumentKind,
    edit_period_document,
    items_of,
    sign_period_document,
)

__all__ = [
    "BILAN",
    "CANDIDATE",
    "CONTRACT",
    "DEFAULT_WORK_DAYS",
    "EVALUATION_TRANSITIONS",
    "KINDS",
    "LINK_LIFETIME",
    "OF_PARTY",
    "PARTY_LABELS",
    "TEAM",
    "TUTOR",
    "DocumentKind",
    "Figures",
    "FollowupRefused",
    "access_by_token",
    "adjust_evaluation",
    "changes_of",
    "clean_levels",
    "confirm_presence",
    "cosign_evaluation",
    "declare_absence",
    "declared_absence_days",
    "edit_period_document",
    "evaluation_of",
    "evaluation_step",
    "figures",
    "fill_evaluation",
    "grid_of",
    "issue_certificate",
    "issue_tutor_link",
    "items_of",
    "last_day_of",
    "link_expiry",
    "period_of",
    "record_event",
    "record_paper_certificate",
    "refuse_unfinished",
    "renew_tutor_link",
    "require_complete",
    "resolve_access",
    "revoke_access",
    "revoke_tutor_link",
    "scheduled_days_of",
    "sign_period_document",
    "tutor_checks",
    "weeks_of",
    "work_days_of",
]
