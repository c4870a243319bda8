"""One way to change the state of a record: a table of transitions and one `apply`.

An app declares its workflow once, beside its operations::

    PLACEMENT_FLOW = Workflow(
        model=Placement,
        log=PlacementTransition,       # a concrete `milieu.audit.models.StateLog`
        subject="placement",           # the log's foreign key to the record
        refused=PlacementRefused,      # its `milieu.refusals.Refused` subclass
        noun="la proposition",
        transitions={
            "validate": Transition({S.PROPOSED}, S.VALIDATED, Action.PLACEMENT_VALIDATE, "Valider"),
            ...
        },
    )

and each business operation is one call: `PLACEMENT_FLOW.apply(placement, "validate", by=user,
ip=ip, comment=comment, guard=..., effect=..., after_commit=[...])`. `apply` checks the
permission (403), locks the row (two approvals at once: one wins, the other is told « Action déjà
effectuée »), runs the guard (every blocking reason, in French), moves the status, runs the
effect in the same transaction, writes the log row with the actor, time, IP and comment, and
defers the callbacks (e-mails) to the commit. Adding a state is one row of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models, transaction

from milieu.permissions import Action, require
from milieu.refusals import Refused

if TYPE_CHECKING:
    from milieu.people.models import User

M = TypeVar("M", bound=models.Model)

Guard = Callable[[M], Iterable[str]]
Effect = Callable[[M], object]


@dataclass(frozen=True)
class Transition:
    """From any of `sources` to `target`; `permission` None: done by the system or by a
    signatory without an account, never offered as a button."""

    sources: frozenset[str]
    target: str
    permission: Action | None
    label: str

    def __init__(
        self, sources: Iterable[str], target: str, permission: Action | None, label: str
    ) -> None:
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "permission", permission)
        object.__setattr__(self, "label", label)


class Workflow(Generic[M]):
    """The explicit transition table of one model's status, and the one way to apply it."""

    def __init__(
        self,
        *,
        model: type[M],
        log: type[models.Model],
        subject: str,
        refused: type[Refused],
        transitions: Mapping[str, Transition],
        noun: str,
        field: str = "status",
        impossible: Callable[[M, str], str | None] | None = None,
    ) -> None:
        """`impossible(record, name)`: the app's own French reason why transition `name` is not
        possible from the locked record's status (« Cette visite a eu lieu : … »); None, or no
        `impossible`, gives the table's « Action déjà effectuée ou impossible : … »."""
        self.model = model
        self.log = log
        self.subject = subject
        self.refused = refused
        self.transitions = dict(transitions)
        self.noun = noun
        self.field = field
        self.impossible = impossible

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def status_of(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def allowed(self, obj: M) -> list[str]:
        """The transitions a person may be offered from the record's current status (the
        permission is asked separately, per user, through `can`)."""
        status = self.status_of(obj)
        return [
            name
            for name, t in self.transitions.items()
            if status in t.sources and t.permission is not None
        ]

    def may(self, obj: M, name: str) -> bool:
        """Is `name` possible from the record's current status (whoever asks)?"""
        return self.status_of(obj) in self.transitions[name].sources

    def apply(
        self,
        obj: M,
        name: str,
        *,
        by: User | None,
        ip: str | None = None,
        comment: str = "",
        actor_label: str = "",
        guard: Guard[M] | None = None,
        effect: Effect[M] | None = None,
        after_commit: Iterable[Callable[[], object]] = (),
        fields: Mapping[str, Any] | None = None,
        log_fields: Mapping[str, Any] | Callable[[M], Mapping[str, Any]] | None = None,
    ) -> M:
        """Apply transition `name` to `obj` (see the module's docstring); returns `obj`
        refreshed. `by` None with an `actor_label`: a signatory or tutor without an account.
        `fields`: what the new state comes with (a decision's author, a report, a reason),
        written in the same save as the status, so that a check constraint tying them to the
        status holds at every step. `log_fields`: the log row's own fields; a callable is given
        the locked record as it stands after the guard and before the change (a first report or
        a correction, the date the record had)."""
        transition = self.transitions[name]
        if transition.permission is not None:
            require(by, transition.permission, obj)
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            previous = self.status_of(locked)
            if previous not in transition.sources:
                reason = self.impossible(locked, name) if self.impossible is not None else None
                if reason is None:
                    display = getattr(locked, f"get_{self.field}_display")()
                    reason = f"Action déjà effectuée ou impossible : {self.noun} est « {display} »."
                raise self.refused([reason])
            if guard is not None:
                reasons = [str(r) for r in guard(locked)]
                if reasons:
                    raise self.refused(reasons)
            logged = log_fields(locked) if callable(log_fields) else (log_fields or {})
            for name_, value in (fields or {}).items():
                setattr(locked, name_, value)
            setattr(locked, self.field, transition.target)
            update_fields = [self.field, *(fields or {})]
            if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
                update_fields.append("updated_at")
            locked.save(update_fields=update_fields)
            if effect is not None:
                effect(locked)
            self.log_row(
                locked,
                previous=previous,
                by=by,
                ip=ip,
                comment=comment,
                actor_label=actor_label,
                **logged,
            )
            for callback in after_commit:
                transaction.on_commit(callback)
        obj.refresh_from_db()
        return obj

    def log_row(
        self,
        obj: M,
        *,
        by: User | None,
        previous: str | None = None,
        ip: str | None = None,
        comment: str = "",
        actor_label: str = "",
        **log_fields: Any,
    ) -> models.Model:
        """One row of the log, with the actor (`by` when signed in, else `actor_label`), the
        time, the IP and the comment, ending at the record's current status. `previous`: the
        status before (`apply` gives it); "" for the record's birth (`created`); None for a step
        that leaves the status as it is."""
        status = self.status_of(obj)
        return self.log._default_manager.create(
            **{self.subject: obj},
            from_status=status if previous is None else previous,
            to_status=status,
            actor=by if getattr(by, "is_authenticated", False) else None,
            actor_label=actor_label,
            ip=ip or None,
            comment=comment,
            **log_fields,
        )

    def created(
        self, obj: M, *, by: User | None, ip: str | None = None, comment: str = ""
    ) -> models.Model:
        """The first row of a new record's log: no state before the one it is born in."""
        return self.log_row(obj, by=by, previous="", ip=ip, comment=comment)
