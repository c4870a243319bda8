"""What the follow-up's models share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from milieu.people.models import User


def display_name(user: User | None) -> str:
    """A user's name as the pages and the PDFs give it (their e-mail when it is unknown)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.email)
