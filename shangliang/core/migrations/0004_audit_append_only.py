"""The audit trail is append-only for every database user on PostgreSQL: a trigger refuses UPDATE and DELETE on the
records and the chain, except the retention purge (core.audit.purge sets shangliang.audit_purge for its transaction)
of rows older than 180 days by the database's own clock. Only the table's owner can drop the trigger: production
runs the application as a user that does not own the tables (docs/security.md). SQLite (development) has no trigger.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('shangliang.audit_purge', true) = 'on' THEN
        -- nested: PL/pgSQL would look up a field the other table does not have
        IF TG_TABLE_NAME = 'core_auditrecord' THEN
            IF OLD.created_at < now() - interval '180 days' THEN
                RETURN OLD;
            END IF;
        ELSIF TG_TABLE_NAME = 'core_auditseal' THEN
            IF OLD.sealed_at < now() - interval '180 days' THEN
                RETURN OLD;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

TABLES = ("core_auditrecord", "core_auditseal")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)  # no parameters: the function's RAISE uses % placeholders of its own
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION core_audit_append_only()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS core_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_trail")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
