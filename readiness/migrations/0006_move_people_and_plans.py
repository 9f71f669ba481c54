
from django.db import migrations


def reshape_reports(apps, schema_editor):
    """Frozen reports held the ledger, plans and drills inside the readiness
    section; each now has a section of its own."""
    DispatchReport = apps.get_model("readiness", "DispatchReport")
    for report in DispatchReport.objects.all():
        sections = report.data.get("sections", {})
        core = sections.get("readiness", {})
        if "people" not in core:
            continue
        sections["people"] = core.pop("people")
        sections["plans"] = {"plans": core.pop("plans", {}), "drills": core.pop("drills", {})}
        report.save(update_fields=["data"])


class Migration(migrations.Migration):
    """Person files move to people/, plans and drills to plans/. Only the state
    moves here: the tables stay, and the new apps rename them."""


    dependencies = [
        ('readiness', '0005_screeningcount'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='historicalreopeningplan',
                name='decided_by',
            ),
            migrations.RemoveField(
                model_name='historicalreopeningplan',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalreopeningplan',
                name='school',
            ),
            migrations.RemoveField(
                model_name='person',
                name='school',
            ),
            migrations.RemoveField(
                model_name='personimport',
                name='owner',
            ),
            migrations.RemoveField(
                model_name='planpart',
                name='plan',
            ),
            migrations.RemoveField(
                model_name='planstage',
                name='plan',
            ),
            migrations.RemoveField(
                model_name='reopeningplan',
                name='decided_by',
            ),
            migrations.RemoveField(
                model_name='reopeningplan',
                name='school',
            ),
            migrations.RemoveField(
                model_name='screeningcount',
                name='school',
            ),
            migrations.DeleteModel(
                name='Drill',
            ),
            migrations.DeleteModel(
                name='HistoricalReopeningPlan',
            ),
            migrations.DeleteModel(
                name='Person',
            ),
            migrations.DeleteModel(
                name='PersonImport',
            ),
            migrations.DeleteModel(
                name='PlanPart',
            ),
            migrations.DeleteModel(
                name='PlanStage',
            ),
            migrations.DeleteModel(
                name='ReopeningPlan',
            ),
            migrations.DeleteModel(
                name='ScreeningCount',
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(reshape_reports, migrations.RunPython.noop),
    ]
