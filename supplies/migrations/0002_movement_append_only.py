from django.db import migrations

FORBID = """
CREATE FUNCTION supplies_movement_forbid() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the stock ledger is append-only: reverse a movement instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER supplies_movement_append_only
    BEFORE UPDATE OR DELETE ON supplies_movement
    FOR EACH ROW EXECUTE FUNCTION supplies_movement_forbid();
"""
ALLOW = """
DROP TRIGGER IF EXISTS supplies_movement_append_only ON supplies_movement;
DROP FUNCTION IF EXISTS supplies_movement_forbid();
"""


def forbid_changes(apps, schema_editor):
    """On PostgreSQL the database itself refuses to change or remove a movement."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]

    operations = [migrations.RunPython(forbid_changes, allow_changes)]
