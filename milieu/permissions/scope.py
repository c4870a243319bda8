"""A user's scope: the roles their memberships give, per establishment and per académie."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser

from milieu.people.enums import MANAGER_ROLES, RECTORAT_ROLES, STAFF_ROLES, Role
from milieu.people.models import Membership

# who asks the recteur for a derogation on behalf of their establishment
DEROGATION_REQUESTERS = frozenset({Role.HEAD, Role.DDFPT})


@dataclass(frozen=True)
class Scope:
    """What a user's memberships open: roles per establishment and per académie."""

    establishments: dict[int, frozenset[str]] = field(default_factory=dict)
    academies: dict[int, frozenset[str]] = field(default_factory=dict)
    user_id: int | None = None
    is_superuser: bool = False

    def roles_in(self, establishment_id: int) -> frozenset[str]:
        return self.establishments.get(establishment_id, frozenset())

    def manages(self, establishment_id: int) -> bool:
        return bool(self.roles_in(establishment_id) & MANAGER_ROLES)

    def is_head(self, establishment_id: int) -> bool:
        return Role.HEAD in self.roles_in(establishment_id)

    def is_staff_of(self, establishment_id: int) -> bool:
        return bool(self.roles_in(establishment_id) & STAFF_ROLES)

    def rectorat_of(self, academie_id: int) -> frozenset[str]:
        return self.academies.get(academie_id, frozenset())

    @property
    def is_school_staff(self) -> bool:
        return any(roles & STAFF_ROLES for roles in self.establishments.values())

    @property
    def is_rectorat(self) -> bool:
        return any(roles & RECTORAT_ROLES for roles in self.academies.values())

    @property
    def is_student(self) -> bool:
        return any(Role.STUDENT in roles for roles in self.establishments.values())

    @property
    def managed_establishments(self) -> list[int]:
        return [e for e, roles in self.establishments.items() if roles & MANAGER_ROLES]

    @property
    def staff_establishments(self) -> list[int]:
        return [e for e, roles in self.establishments.items() if roles & STAFF_ROLES]


_EMPTY = Scope()


def scope_of(user: Any) -> Scope:
    """The user's scope, read once per request (cached on the user object)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return _EMPTY
    cached: Scope | None = getattr(user, "_milieu_scope", None)
    if cached is not None:
        return cached
    establishments: dict[int, set[str]] = {}
    academies: dict[int, set[str]] = {}
    for role, establishment_id, academie_id in Membership.objects.filter(user=user).values_list(
        "role", "establishment_id", "academie_id"
    ):
        if establishment_id is not None:
            establishments.setdefault(establishment_id, set()).add(role)
        if academie_id is not None:
            academies.setdefault(academie_id, set()).add(role)
    scope = Scope(
        establishments={k: frozenset(v) for k, v in establishments.items()},
        academies={k: frozenset(v) for k, v in academies.items()},
        user_id=user.pk,
        is_superuser=user.is_superuser,
    )
    user._milieu_scope = scope
    return scope
