"""PostgreSQL holds the invariant too: two active periods of one student never overlap.

An exclusion constraint on (student, daterange) over active periods; it needs btree_gist. On
SQLite (the demo's default) the operation does nothing and the check in
`milieu.conventions.checks` is the only guard.
"""

from typing import Any

from django.db import migrations

CONSTRAINT = "convention_period_no_overlap_per_student"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE conventions_conventionperiod ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (student_id WITH =, daterange(start, \"end\", '[]') WITH &&) "
        "WHERE (active)"
    )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE conventions_conventionperiod DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("conventions", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
