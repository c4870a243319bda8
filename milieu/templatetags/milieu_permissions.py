"""Templates ask `milieu.permissions.can` the same question as the views: ``{% can "cohort.change" cohort as may_edit %}``."""

from __future__ import annotations

from typing import Any

from django import template

from milieu.permissions import can as may

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, action: str, obj: Any = None) -> bool:
    """May the current user do `action` to `obj`? False when nobody is logged in."""
    user = context.get("user")
    if user is None:
        request = context.get("request")
        user = getattr(request, "user", None)
    return may(user, action, obj)
