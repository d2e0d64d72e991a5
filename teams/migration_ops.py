"""Migration operations for what only PostgreSQL has (the ``pg_trgm`` extension and its GIN indexes).

On any other database (SQLite, ``make run``'s default) they do nothing: the searches they speed up
still work there, by a plain scan (the search's fallback).
"""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL and is skipped on every other vendor."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "PostgreSQL only: " + super().describe()


TRIGRAM_EXTENSION = PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop)


def trigram_index(name: str, table: str, column: str, *, upper: bool = False) -> PostgresOnlySQL:
    """A GIN trigram index that serves ``column__contains`` (or ``__icontains`` with ``upper=True``,
    which Django writes as ``UPPER(column::text) LIKE UPPER(...)``)."""
    expression = f'UPPER(("{column}")::text)' if upper else f'("{column}")::text'
    return PostgresOnlySQL(
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}) gin_trgm_ops)',
        f'DROP INDEX IF EXISTS "{name}"',
    )
