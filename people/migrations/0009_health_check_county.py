"""Each health check carries its school's county, indexed with the id, so that a
county's newest checks are one index range. Existing checks (and their history)
take their school's county."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_school_county(apps, schema_editor):
    School = apps.get_model("readiness", "School")
    county = Subquery(School.objects.filter(pk=OuterRef("school_id")).values("county_id")[:1])
    for name in ("HealthCheck", "HistoricalHealthCheck"):
        apps.get_model("people", name).objects.update(county_id=county)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0008_health_import_kind"),
        ("readiness", "0020_idempotent_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="healthcheck",
            name="county",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="readiness.county"),
        ),
        migrations.AddField(
            model_name="historicalhealthcheck",
            name="county",
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="readiness.county"),
        ),
        migrations.RunPython(copy_school_county, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="healthcheck",
            name="county",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="readiness.county"),
        ),
        migrations.AddIndex(
            model_name="healthcheck",
            index=models.Index(fields=["county", "id"], name="check_county_newest"),
        ),
    ]
