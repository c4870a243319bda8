"""The one base of every refusal a person may read: an operation that may not happen now.

Each app's operations raise their own subclass (`ConventionRefused`, `ReportRefused`, …) with a
French message. A view that wants its own answer catches it; one that does not gets the answer of
`milieu.middleware.RefusedMiddleware`: the message shown on the page the person came from, never
a server error.
"""

from __future__ import annotations


class Refused(Exception):
    """An operation refused, with a French message for the person who asked."""

    def user_message(self) -> str:
        """The French text to show: the subclass's ``message`` or ``reasons`` if it keeps one."""
        message = getattr(self, "message", None)
        if isinstance(message, str) and message:
            return message
        reasons = getattr(self, "reasons", None)
        if reasons:
            return " ; ".join(str(r) for r in reasons)
        return str(self) or "Cette opération n'est pas possible pour le moment."
