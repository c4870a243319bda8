"""The request a view sees once `login_required` let it through: its user is an account.

Views that hand `request.user` to an operation typed `by: User` declare their request as
`SignedInRequest` (htmx details included), so that the actor is typed end to end.
"""

from __future__ import annotations

from milieu.http import HtmxHttpRequest
from milieu.people.models import User


class SignedInRequest(HtmxHttpRequest):
    """A request past `login_required` (and `django_htmx`'s middleware)."""

    user: User
