from django.db import migrations, models


MOVED = ['person', 'personimport', 'screeningcount']


def move_content_types(apps, schema_editor):
    """Permissions and admin history follow the models to their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="readiness", model__in=MOVED).update(app_label="people")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="people", model__in=MOVED).update(app_label="readiness")


class Migration(migrations.Migration):
    """The moved tables take their app's name (ALTER TABLE ... RENAME: no row is copied)."""

    dependencies = [
        ('people', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RenameField(
            model_name='personimport',
            old_name='rows_read',
            new_name='done',
        ),
        migrations.AddField(
            model_name='personimport',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='personimport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='personimport',
            name='total',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='personimport',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting'), ('running', 'Working'), ('done', 'Done'), ('refused', 'Not imported: the file has errors'), ('failed', 'Failed')], default='pending', max_length=10),
        ),
        migrations.AlterModelTable(
            name='person',
            table=None,
        ),
        migrations.AlterModelTable(
            name='personimport',
            table=None,
        ),
        migrations.AlterModelTable(
            name='screeningcount',
            table=None,
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
