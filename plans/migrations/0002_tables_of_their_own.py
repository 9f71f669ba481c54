from django.db import migrations


MOVED = ['reopeningplan', 'historicalreopeningplan', 'planstage', 'planpart', 'drill']


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models to their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="readiness", model__in=MOVED).update(app_label="plans")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="plans", model__in=MOVED).update(app_label="readiness")


class Migration(migrations.Migration):
    """The moved tables take their app's name (ALTER TABLE ... RENAME: no row is copied)."""

    dependencies = [
        ('plans', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='drill',
            table=None,
        ),
        migrations.AlterModelTable(
            name='historicalreopeningplan',
            table=None,
        ),
        migrations.AlterModelTable(
            name='planpart',
            table=None,
        ),
        migrations.AlterModelTable(
            name='planstage',
            table=None,
        ),
        migrations.AlterModelTable(
            name='reopeningplan',
            table=None,
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
