"""What an avenant changes, for the templates: ``{% amendment_changes amendment as changes %}``."""

from __future__ import annotations

from django import template

from milieu.conventions.amendment_documents import Change, describe_changes
from milieu.conventions.amendments import OPEN_AMENDMENT_STATUSES
from milieu.conventions.models import Amendment

register = template.Library()


@register.simple_tag
def amendment_changes(amendment: Amendment) -> list[Change]:
    """Each change, with the current value beside it while the avenant is open."""
    return describe_changes(amendment, with_before=amendment.status in OPEN_AMENDMENT_STATUSES)
