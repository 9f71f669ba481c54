
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The models as they were in readiness, taken over with their tables and rows."""


    initial = True

    dependencies = [
        ('readiness', '0006_move_people_and_plans'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Drill',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('drill', 'Drill observation'), ('training', 'Training')], max_length=10, verbose_name='kind')),
                    ('title', models.CharField(max_length=100, verbose_name='title')),
                    ('on_date', models.DateField(verbose_name='date')),
                    ('attendees', models.ManyToManyField(related_name='drills_attended', to='readiness.school', verbose_name='principals attending (by school)')),
                    ('host', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='hosted_drills', to='readiness.school', verbose_name='host school')),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'drill or training',
                    'verbose_name_plural': 'drills and trainings',
                    'db_table': 'readiness_drill',
                    'ordering': ['-on_date', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalReopeningPlan',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('factors', models.JSONField(blank=True, default=list, verbose_name='factors considered')),
                    ('considerations', models.TextField(blank=True, verbose_name='how the factors were considered')),
                    ('emergency_plan', models.TextField(blank=True, max_length=100, verbose_name='emergency plan')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], default='draft', max_length=10, verbose_name='status')),
                    ('return_reason', models.TextField(blank=True, verbose_name='reason for return')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True)),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('decided_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='readiness.school', verbose_name='school')),
                ],
                options={
                    'verbose_name': 'historical return plan',
                    'verbose_name_plural': 'historical return plans',
                    'db_table': 'readiness_historicalreopeningplan',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='ReopeningPlan',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('factors', models.JSONField(blank=True, default=list, verbose_name='factors considered')),
                    ('considerations', models.TextField(blank=True, verbose_name='how the factors were considered')),
                    ('emergency_plan', models.FileField(blank=True, upload_to='plans/%Y/', verbose_name='emergency plan')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], default='draft', max_length=10, verbose_name='status')),
                    ('return_reason', models.TextField(blank=True, verbose_name='reason for return')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True)),
                    ('decided_at', models.DateTimeField(blank=True, null=True)),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('school', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='plan', to='readiness.school', verbose_name='school')),
                ],
                options={
                    'verbose_name': 'return plan',
                    'verbose_name_plural': 'return plans',
                    'db_table': 'readiness_reopeningplan',
                },
            ),
            migrations.CreateModel(
                name='PlanStage',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('grades', models.CharField(max_length=50, verbose_name='grades')),
                    ('return_on', models.DateField(verbose_name='return date')),
                    ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stages', to='plans.reopeningplan')),
                ],
                options={
                    'db_table': 'readiness_planstage',
                    'ordering': ['return_on', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='PlanPart',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('part', models.CharField(max_length=50, verbose_name='part')),
                    ('person', models.CharField(max_length=50, verbose_name='person responsible')),
                    ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone')),
                    ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='plans.reopeningplan')),
                ],
                options={
                    'db_table': 'readiness_planpart',
                    'ordering': ['pk'],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
