"""What the follow-up's models share."""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """A user's name as the pages and the PDFs give it (their e-mail when it is unknown)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.email)
