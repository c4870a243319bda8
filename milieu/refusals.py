"""The one base of every refusal a person may read: an operation that may not happen now.

Each app's operations raise their own subclass (`ConventionRefused`, `ReportRefused`, …) with a
French message, or the list of every reason. Views do not catch it: the answer of
`milieu.middleware.RefusedMiddleware` is the message shown on the page the person came from (a
redirect), never a server error. A view catches a refusal only to show it inside a form it
re-renders (`form.add_error`), where the person's typing must not be lost.
"""

from __future__ import annotations

from collections.abc import Iterable


class Refused(Exception):
    """An operation refused, with a French message (or every reason) for the person who asked."""

    def __init__(self, reasons: str | Iterable[str] = "") -> None:
        items = [reasons] if isinstance(reasons, str) else [str(r) for r in reasons]
        self.reasons: list[str] = [item for item in items if item]
        super().__init__(" ; ".join(self.reasons))

    def user_message(self) -> str:
        """The French text to show: the subclass's ``message`` or ``reasons`` if it keeps one."""
        message = getattr(self, "message", None)
        if isinstance(message, str) and message:
            return message
        reasons = getattr(self, "reasons", None)
        if reasons:
            return " ; ".join(str(r) for r in reasons)
        return str(self) or "Cette opération n'est pas possible pour le moment."
