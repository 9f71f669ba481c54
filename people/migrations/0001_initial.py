
import django.db.models.deletion
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
                name='ScreeningCount',
                fields=[
                    ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='screening', serialize=False, to='readiness.school')),
                    ('staff_files', models.PositiveIntegerField(default=0)),
                    ('student_files', models.PositiveIntegerField(default=0)),
                    ('screened', models.PositiveIntegerField(default=0)),
                    ('abroad', models.PositiveIntegerField(default=0)),
                    ('symptoms', models.PositiveIntegerField(default=0)),
                    ('observation', models.PositiveIntegerField(default=0)),
                    ('confirmed', models.PositiveIntegerField(default=0)),
                    ('refreshed_at', models.DateTimeField(auto_now=True)),
                ],
                options={
                    'verbose_name': 'screening count',
                    'verbose_name_plural': 'screening counts',
                    'db_table': 'readiness_screeningcount',
                },
            ),
            migrations.CreateModel(
                name='PersonImport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('file', models.FileField(upload_to='imports/people/%Y/%m/')),
                    ('original_name', models.CharField(max_length=255)),
                    ('upsert', models.BooleanField(default=False, verbose_name='update existing files')),
                    ('status', models.CharField(choices=[('pending', 'Waiting'), ('running', 'Checking and importing'), ('done', 'Imported'), ('refused', 'Not imported: the file has errors'), ('failed', 'Failed')], default='pending', max_length=10)),
                    ('rows_read', models.PositiveIntegerField(default=0)),
                    ('rows_written', models.PositiveIntegerField(default=0)),
                    ('error_count', models.PositiveIntegerField(default=0)),
                    ('errors', models.JSONField(blank=True, default=list)),
                    ('error_report', models.FileField(blank=True, upload_to='imports/errors/%Y/%m/')),
                    ('message', models.CharField(blank=True, max_length=300)),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'person import',
                    'verbose_name_plural': 'person imports',
                    'db_table': 'readiness_personimport',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='Person',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('staff', 'Staff member'), ('student', 'Student')], max_length=8, verbose_name='kind')),
                    ('name', models.CharField(max_length=50, verbose_name='name')),
                    ('id_number', models.CharField(max_length=18, unique=True, verbose_name='identity number')),
                    ('gender', models.CharField(choices=[('M', 'Male'), ('F', 'Female')], max_length=1, verbose_name='sex')),
                    ('birth_date', models.DateField(verbose_name='birth date')),
                    ('grade', models.CharField(blank=True, max_length=20, verbose_name='grade')),
                    ('class_name', models.CharField(blank=True, max_length=20, verbose_name='class')),
                    ('study_mode', models.CharField(blank=True, choices=[('day', 'Day'), ('boarding', 'Boarding')], max_length=8, verbose_name='mode of study')),
                    ('origin', models.CharField(choices=[('county', 'Same county'), ('city', 'Another county of the city'), ('province', 'Another province'), ('abroad', 'Abroad')], default='county', max_length=8, verbose_name='origin')),
                    ('whereabouts', models.CharField(choices=[('local', 'Local'), ('out_city', 'Outside the city'), ('out_province', 'Outside the province'), ('abroad', 'Abroad')], default='local', max_length=12, verbose_name='whereabouts')),
                    ('returned', models.BooleanField(default=False, verbose_name='returned')),
                    ('returned_on', models.DateField(blank=True, null=True, verbose_name='returned on')),
                    ('health', models.CharField(choices=[('normal', 'Normal'), ('symptoms', 'Symptoms'), ('observation', 'Under observation'), ('confirmed', 'Confirmed case')], default='normal', max_length=12, verbose_name='health')),
                    ('screened_on', models.DateField(blank=True, null=True, verbose_name='screened on')),
                    ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='people', to='readiness.school', verbose_name='school')),
                ],
                options={
                    'verbose_name': 'person file',
                    'verbose_name_plural': 'person files',
                    'db_table': 'readiness_person',
                    'ordering': ['school', 'kind', 'pk'],
                    'indexes': [models.Index(fields=['school', 'kind'], name='person_school_kind'), models.Index(fields=['school', 'whereabouts', 'returned'], name='person_abroad')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('id_number__regex', '^[0-9]{17}[0-9X]$')), name='person_id_shape'), models.CheckConstraint(condition=models.Q(('kind__in', ['staff', 'student'])), name='person_kind_valid'), models.CheckConstraint(condition=models.Q(('returned', True), ('returned_on__isnull', True), _connector='OR'), name='person_returned_date_only_if_returned')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
