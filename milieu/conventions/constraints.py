"""A PostgreSQL exclusion constraint the model declares whatever the database.

`ConventionPeriod` declares that two active periods of one student never overlap
(`PostgresExclusionConstraint`). PostgreSQL holds it (migration 0002 created it with
btree_gist; 0006 told the migration state so); on SQLite (the demo's default) it emits no SQL
and validates nothing, so that the model state, `makemigrations --check` and a table rebuilt by
SQLite are the same on both, and the overlap check of `milieu.conventions.checks` stays the
guard there.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class DateRange(Func):
    """`daterange(start, end, '[]')`: both days included."""

    function = "DATERANGE"
    output_field = DateRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An `ExclusionConstraint` that exists on PostgreSQL only (no SQL elsewhere)."""

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(
        self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)
