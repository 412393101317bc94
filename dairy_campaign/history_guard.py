"""History rows are written once and never changed: on PostgreSQL every history table gets
a trigger that refuses UPDATE and DELETE, whoever asks (the application, the back office, a
script on the application's account). TRUNCATE, which only a maintainer or the test
runner's flush uses, is a statement of its own and stays possible.

The triggers are (re)installed after every `migrate`, so a model that starts keeping a
history is guarded from its first migration on, and running it twice changes nothing.
"""

from django.apps import apps
from django.db import connections
from simple_history.models import HistoricalChanges

FUNCTION = "core_history_is_append_only"
TRIGGER = "history_append_only"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def history_tables() -> list[str]:
    """The table of every history model django-simple-history keeps (m2m histories too)."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges) and model._meta.managed
    )


def install_history_guards(using: str = "default") -> list[str]:
    """Create the shared function and one trigger per history table; returns the tables
    guarded. A no-op on databases other than PostgreSQL (SQLite in development)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    existing = set(connection.introspection.table_names())
    tables = [table for table in history_tables() if table in existing]
    with connection.cursor() as cursor:
        cursor.execute(CREATE_FUNCTION)
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {name} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
            )
    return tables


def guard_history_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver, connected for the core app only: Django sends the signal once
    per app after every migration has run, so one installation per `migrate` (or flush)."""
    install_history_guards(using)
