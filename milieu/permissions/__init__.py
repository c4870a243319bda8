"""The one place that answers "may this user do that to this object?".

Views fetch objects through the `visible_*` querysets (another establishment's object is a 404,
never a 403 that would confirm it exists), then ask `can(user, action, obj)` for the action (403
when refused). Templates ask the same through the `can` template filter. Nothing else in Milieu
decides who may do what.

Who sees what:
- school staff (chef d'établissement, DDFPT, secretariat) see their establishment;
- teachers see the cohorts they are in charge of, and their students;
- students see themselves;
- rectorat staff (exam service, recteur's delegate) see their académie, read-mostly;
- hosts, their sites and tutors are a shared directory of professional contacts that any school or
  rectorat account may read; school staff may add them. Only the managers of an establishment
  that works with one (a placement or a convention of one of its students, or added for it) may
  edit it: never a teacher, never another school that merely reads the directory.
"""

from milieu.permissions.actions import Action
from milieu.permissions.rules import RULES, can, get_object_for, require, student_for
from milieu.permissions.scope import DEROGATION_REQUESTERS, Scope, scope_of
from milieu.permissions.visibility import *  # noqa: F403 (the visible_* querysets)
from milieu.permissions.visibility import __all__ as _visibility

__all__ = [
    "DEROGATION_REQUESTERS",
    "RULES",
    "Action",
    "Scope",
    "can",
    "get_object_for",
    "require",
    "student_for",
    "scope_of",
    *_visibility,
]
