"""Team life's models, moved from teams with their tables and rows (state only; 0002 renames the tables)."""

import datetime
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('teams', '0006_move_team_life'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Meeting',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(verbose_name='date')),
                    ('starts_at', models.DateTimeField(verbose_name='starts at')),
                    ('minutes', models.TextField(blank=True, verbose_name='minutes')),
                    ('held', models.BooleanField(default=False, verbose_name='held')),
                    ('place', models.CharField(blank=True, max_length=120, verbose_name='place')),
                    ('online_link', models.URLField(blank=True, verbose_name='online link')),
                    ('agenda_cutoff_at', models.DateTimeField(blank=True, null=True, verbose_name='agenda closes at')),
                    ('remind_at', models.DateTimeField(blank=True, null=True, verbose_name='reminder at')),
                    ('agenda_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='agenda sent at')),
                    ('reminder_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='reminder sent at')),
                    ('version', models.PositiveIntegerField(default=0)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                    ('chair', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='chaired_meetings', to=settings.AUTH_USER_MODEL, verbose_name='chair')),
                    ('minutes_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='minutes by')),
                    ('rotation_turn', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='turn in the rotation')),
                    ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='teams.team', verbose_name='team')),
                ],
                options={
                    'db_table': 'teams_meeting',
                    'verbose_name': 'daily meeting',
                    'verbose_name_plural': 'daily meetings',
                    'ordering': ['-date'],
                },
            ),
            migrations.CreateModel(
                name='ChairSwap',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                    ('from_chair', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='from')),
                    ('swapped_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('to_chair', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='to')),
                    ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chair_swaps', to='meetings.meeting')),
                    ('other_meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='meetings.meeting', verbose_name='swapped with')),
                ],
                options={
                    'db_table': 'teams_chairswap',
                    'verbose_name': 'chair swap',
                    'verbose_name_plural': 'chair swaps',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='AgendaItem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.CharField(max_length=300, verbose_name='topic')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='added at')),
                    ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='raised by')),
                    ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda_items', to='meetings.meeting')),
                ],
                options={
                    'db_table': 'teams_agendaitem',
                    'verbose_name': 'agenda item',
                    'verbose_name_plural': 'agenda items',
                    'ordering': ['created_at', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='ActionItem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.CharField(max_length=300, verbose_name='action')),
                    ('due_date', models.DateField(blank=True, null=True, verbose_name='due date')),
                    ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                    ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
                    ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='action_items', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                    ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='action_items', to='meetings.meeting')),
                ],
                options={
                    'db_table': 'teams_actionitem',
                    'verbose_name': 'action item',
                    'verbose_name_plural': 'action items',
                    'ordering': ['due_date', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='MeetingAttendance',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('present', 'Present'), ('late', 'Late'), ('absent', 'Absent'), ('leave', 'On leave')], max_length=10, verbose_name='status')),
                    ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                    ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                    ('flagged_at', models.DateTimeField(blank=True, null=True, verbose_name='flagged at')),
                    ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='meetings.meeting')),
                    ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meeting_attendance', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                    ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ],
                options={
                    'db_table': 'teams_meetingattendance',
                    'verbose_name': 'attendance',
                    'verbose_name_plural': 'attendance',
                },
            ),
            migrations.CreateModel(
                name='MeetingSchedule',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('time', models.TimeField(default=datetime.time(8, 30), verbose_name='time')),
                    ('weekdays', models.CharField(default='12345', help_text='Days of the week, 1 = Monday … 7 = Sunday; the holiday calendar moves them.', max_length=7, validators=[django.core.validators.RegexValidator('^[1-7]{1,7}$', 'Digits 1 (Monday) to 7 (Sunday).')], verbose_name='weekdays')),
                    ('place', models.CharField(blank=True, max_length=120, verbose_name='place')),
                    ('online_link', models.URLField(blank=True, verbose_name='online link')),
                    ('reminder_minutes', models.PositiveSmallIntegerField(default=15, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(240)], verbose_name='reminder (minutes before)')),
                    ('agenda_cutoff', models.TimeField(default=datetime.time(18, 0), help_text='Agenda items close at this time the day before; then the agenda is sent to every member.', verbose_name='agenda cut-off (the day before)')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='meeting_schedule', to='teams.team', verbose_name='team')),
                ],
                options={
                    'db_table': 'teams_meetingschedule',
                    'verbose_name': 'meeting schedule',
                    'verbose_name_plural': 'meeting schedules',
                },
            ),
            migrations.CreateModel(
                name='MemberLeave',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('start_date', models.DateField(verbose_name='from')),
                    ('end_date', models.DateField(verbose_name='until')),
                    ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                    ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='leaves', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                    ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ],
                options={
                    'db_table': 'teams_memberleave',
                    'verbose_name': 'leave',
                    'verbose_name_plural': 'leave',
                    'ordering': ['-start_date'],
                },
            ),
            migrations.CreateModel(
                name='Training',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('topic', models.CharField(max_length=200, verbose_name='topic')),
                    ('trainer', models.CharField(max_length=100, verbose_name='trainer')),
                    ('trainer_kind', models.CharField(choices=[('internal', 'Colleague'), ('external', 'Outside consultant')], default='internal', max_length=10, verbose_name='trainer is')),
                    ('date', models.DateField(verbose_name='date')),
                    ('start_time', models.TimeField(blank=True, null=True, verbose_name='starts at')),
                    ('place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                    ('audience', models.CharField(blank=True, help_text='For example: all designers.', max_length=200, verbose_name='audience')),
                    ('description', models.TextField(blank=True, verbose_name='content')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='organised by')),
                    ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='trainings', to='teams.team', verbose_name='team')),
                ],
                options={
                    'db_table': 'teams_training',
                    'verbose_name': 'training',
                    'verbose_name_plural': 'trainings',
                    'ordering': ['-date', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='TrainingAttendance',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('attended', models.BooleanField(default=True, verbose_name='attended')),
                    ('rating', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='rating')),
                    ('feedback', models.TextField(blank=True, verbose_name='feedback')),
                    ('feedback_at', models.DateTimeField(blank=True, null=True, verbose_name='feedback given at')),
                    ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trainings_attended', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                    ('training', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='meetings.training')),
                ],
                options={
                    'db_table': 'teams_trainingattendance',
                    'verbose_name': 'training attendance',
                    'verbose_name_plural': 'training attendance',
                },
            ),
            migrations.AddIndex(
                model_name='meeting',
                index=models.Index(condition=models.Q(('agenda_sent_at', None)), fields=['agenda_cutoff_at'], name='meeting_agenda_due'),
            ),
            migrations.AddIndex(
                model_name='meeting',
                index=models.Index(condition=models.Q(('reminder_sent_at', None)), fields=['remind_at'], name='meeting_reminder_due'),
            ),
            migrations.AddIndex(
                model_name='meeting',
                index=models.Index(fields=['date'], name='meeting_date'),
            ),
            migrations.AddConstraint(
                model_name='meeting',
                constraint=models.UniqueConstraint(fields=('team', 'date'), name='one_meeting_per_team_day'),
            ),
            migrations.AddIndex(
                model_name='actionitem',
                index=models.Index(condition=models.Q(('done_at__isnull', True)), fields=['owner'], name='action_item_open'),
            ),
            migrations.AddIndex(
                model_name='actionitem',
                index=models.Index(condition=models.Q(('done_at__isnull', False)), fields=['done_at'], name='action_item_done'),
            ),
            migrations.AddConstraint(
                model_name='meetingattendance',
                constraint=models.UniqueConstraint(fields=('meeting', 'member'), name='one_attendance_per_member'),
            ),
            migrations.AddIndex(
                model_name='memberleave',
                index=models.Index(fields=['member', 'end_date'], name='leave_member_end'),
            ),
            migrations.AddConstraint(
                model_name='memberleave',
                constraint=models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='leave_ends_after_start'),
            ),
            migrations.AddIndex(
                model_name='training',
                index=models.Index(fields=['-date'], name='training_date'),
            ),
            migrations.AddConstraint(
                model_name='trainingattendance',
                constraint=models.UniqueConstraint(fields=('training', 'member'), name='one_training_attendance_per_member'),
            ),
            migrations.AddConstraint(
                model_name='trainingattendance',
                constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), models.Q(('rating__gte', 1), ('rating__lte', 5)), _connector='OR'), name='training_rating_1_to_5'),
            ),
            ],
            database_operations=[],
        ),
    ]
